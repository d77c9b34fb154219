"""The JSON API, version 1: bearer tokens, JSON errors."""

from dataclasses import replace
from functools import wraps

from flask import Blueprint, abort, g, jsonify, request

from models import (
    LessonStudyBody,
    Record,
    School,
    SchoolBarrier,
    SelfEvaluation,
    User,
    record_bodies,
)
from network.access import can, can_see_profile, refuse
from network.domain.anonymity import context_bands
from network.services import contexts, records, schools, tokens
from network.services.evaluations import all_standard_ids, latest, offers_and_needs, public_offers
from network.services.profiles import barriers_of, current_group, group_history, profile_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    """Answer 401 unless the request carries a live (unrevoked, unexpired) bearer token, and
    403 when a read-only token asks to change something; the user is `g.api_user`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        user, why = tokens.authenticate(secret.strip(), request.method) \
            if scheme.lower() == "bearer" else (None, "invalid")
        if why == "scope":
            return jsonify(error="This token is read-only."), 403
        if user is None:
            abort(401)
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


@bp.get("/me")
@token_required
def me():
    """Who the token belongs to: the person, their school, cluster and role."""
    user = g.api_user
    school = user.school
    return jsonify(
        user={"id": user.id, "name": user.name, "email": user.email},
        school={"urn": school.urn, "name": school.name} if school else None,
        cluster={"id": school.cluster.id, "name": school.cluster.name} if school else None,
        role=user.role,
        school_role=user.school_role,
        designations=[d for d, on in (("lle", user.is_lle), ("site_admin", user.is_site_admin))
                      if on],
    )


def _school_or_404(urn: str) -> School:
    if not (urn.isascii() and urn.isdigit() and len(urn) <= 8):
        abort(404)  # not a URN (and a NUL would not even reach PostgreSQL)
    school = schools.by_urn(urn)
    if school is None:
        abort(404)
    return school


def _group(membership) -> dict | None:
    if membership is None:
        return None
    return {"slug": membership.group.slug, "name": membership.group.name}


def _barrier(record: SchoolBarrier) -> dict:
    found = {"slug": record.barrier_slug, "title": record.barrier.title,
             "since": record.since.isoformat()}
    if record.overcome_on:
        found["overcome_on"] = record.overcome_on.isoformat()
    return found


def _exact_figures(user: User, school: School) -> dict | None:
    """Number on roll and FSM percentage, for the school's own people only."""
    if user.school_id != school.id:
        return None
    entry = school.register_entry
    fsm = entry.pct_fsm_ever6 if entry.pct_fsm_ever6 is not None else entry.pct_fsm_current
    return {"number_on_roll": entry.number_on_roll, "pct_fsm": fsm}


@bp.get("/schools/<urn>")
@token_required
def school_profile(urn: str):
    """A school's profile as the caller may see it: all of it in the cluster, else the public
    part of a network-visible profile (404 when neither)."""
    user = g.api_user
    school = _school_or_404(urn)
    profile = profile_of(school)
    level = can_see_profile(user, school, profile)
    if level is None:
        refuse(user, "view", school, hidden=True)
    entry = school.register_entry
    answer = {
        "name": school.name,
        "local_authority": entry.la_name,
        "phase": entry.phase,
        "priority_group": _group(current_group(school.id)),
        "offers": public_offers(school.id),
    }
    if level != "full":
        return jsonify(answer)
    offers, needs, _ = offers_and_needs(school.id)
    barriers = barriers_of(school.id)
    answer.update(
        urn=school.urn,
        cluster={"id": school.cluster.id, "name": school.cluster.name},
        context=context_bands(entry),
        group_history=[{**_group(m), "started_on": m.started_on.isoformat(),
                        "ended_on": m.ended_on.isoformat() if m.ended_on else None}
                       for m in group_history(school.id)],
        barriers={"facing": [_barrier(b) for b in barriers if b.overcome_on is None],
                  "overcome": [_barrier(b) for b in barriers if b.overcome_on]},
        barrier_notes=profile.barrier_notes,
        open_to_partnering=profile.open_to_partnering,
        capacity=profile.capacity,
        visibility=profile.visibility,
        offers=offers,
        offers_shared=answer["offers"],
    )
    if can(user, "see_needs", school):
        answer["needs"] = needs
    figures = _exact_figures(user, school)
    if figures:
        answer["figures"] = figures
    return jsonify(answer)


def _evaluation_json(school: School, evaluation: SelfEvaluation) -> dict:
    ratings = {}
    for sid in all_standard_ids():
        rating = evaluation.ratings.get(sid)
        if rating is None:
            continue
        ratings[sid] = {
            "rating": rating.rating, "evidence": rating.evidence, "sef_ref": rating.sef_ref,
            "actions": [{"what": a.what, "who": a.who,
                         "by_when": a.by_when.isoformat() if a.by_when else None}
                        for a in rating.actions]}
    return {"school_urn": school.urn, "term": evaluation.term, "year": evaluation.year,
            "label": evaluation.label, "status": evaluation.status, "ratings": ratings}


@bp.get("/schools/<urn>/self-evaluations/latest")
@token_required
def latest_evaluation(urn: str):
    """The school's most recent self-evaluation (final or draft), for its own people and its
    cluster's coordinators; 404 for everyone else and when there is none."""
    user = g.api_user
    school = _school_or_404(urn)
    if not can(user, "read_evaluations", school):
        refuse(user, "read_evaluations", school, hidden=True)
    evaluation = latest(school.id)
    if evaluation is None:
        abort(404)
    if not can(user, "view", evaluation):
        refuse(user, "view", evaluation, hidden=True)
    return jsonify(_evaluation_json(school, evaluation))


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _record_json(user: User, record: Record) -> dict:
    """The working copy for those who may see drafts (the authors and the school's leaders);
    for every other reader only the live copy, with the school named only if it chose to be.
    Bodies are read through their schema (models/record_bodies.py), so every key is there."""
    if can(user, "see_draft", record):
        school = records.school_of(record)
        return {
            "id": record.id, "kind": record.kind, "status": record.status,
            "visibility": record.published_visibility if record.is_live else record.audience,
            "title": record.title,
            "body": record_bodies.read(record.kind, record.body).to_json(),
            "context": contexts.preview_of(record),
            "tags": {"barriers": [b.barrier_slug for b in record.barriers],
                     "standards": [s.standard_id for s in record.standards]},
            "audience": record.audience, "attributed": record.attributed,
            "version": record.version,
            "versions": records.version_count(record),
            "review_comment": record.review_comment,
            "school": {"urn": school.urn, "name": school.name},
            "published": {"title": record.published_title,
                          "visibility": record.published_visibility,
                          "published_at": _iso(record.published_at),
                          "context": record.published_context} if record.is_live else None,
        }
    body = record_bodies.read(record.kind, record.published_body)
    if isinstance(body, LessonStudyBody):
        body = replace(body, related_case_studies=tuple(
            r.id for r in records.related_for(user, record, True)))
    if not record.published_attributed and isinstance(body, LessonStudyBody):
        body = body.without_people()  # ids of partners, coach, who taught: none shown
    shown = body.to_json()
    if not record.published_attributed and "team" in shown:
        del shown["team"]["member_ids"]  # who wrote it would name the school
    answer = {
        "id": record.id, "kind": record.kind, "status": "published",
        "visibility": record.published_visibility,
        "title": record.published_title, "body": shown,
        "context": record.published_context,
        "tags": {"barriers": list(body.barriers), "standards": list(body.standards)},
        "published_at": _iso(record.published_at),
    }
    if record.published_attributed:
        answer["school"] = {"name": records.attributed_name(record)}
    return answer


def _record(record_id: int, kind: str):
    user = g.api_user
    return jsonify(_record_json(user, records.get(user, record_id, kind)))


@bp.get("/case-studies/<int:record_id>")
@token_required
def case_study(record_id: int):
    """A case study as the caller may see it: the working copy for its authors and their
    school's leaders, the anonymised published copy for other readers; 404 otherwise."""
    return _record(record_id, "case_study")


@bp.get("/lesson-studies/<int:record_id>")
@token_required
def lesson_study(record_id: int):
    """A lesson study as the caller may see it (see `case_study`)."""
    return _record(record_id, "lesson_study")


@bp.get("/search")
@token_required
def search_api():
    """Search as the token's owner: the same results, labels and checks as the search page."""
    from network.services import search

    try:
        query = search.parse(request.args)
        if len(request.args.get("q", "")) > 500:
            raise search.SearchError("The query is too long: use 500 characters or fewer.")
        results = search.run(g.api_user, query)
    except search.SearchError as error:
        return jsonify(error=str(error)), 400
    return jsonify(total=results.total, facets=results.facets, suggestion=results.suggestion,
                   results=[{"kind": h.kind, "id": h.record_id, "title": h.title,
                             "snippet": h.snippet, "score": h.score} for h in results.hits])


@bp.get("/schools/<urn>/matches")
@token_required
def school_matches(urn: str):
    """Partner schools for the school's own headteacher and senior leaders and the brokers
    it asked for support (404 otherwise); `limit` from 1 to 50 (400 otherwise)."""
    from network.services import matching

    user = g.api_user
    school = _school_or_404(urn)
    if not can(user, "find_partners", school):
        refuse(user, "find_partners", school, hidden=True)
    try:
        limit = int(request.args.get("limit", "10"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 50:
        return jsonify(error="limit must be a whole number from 1 to 50."), 400
    found = matching.matches_for(user, school.id, limit)
    return jsonify(matches=[{"urn": found.urns[m.school_id], "name": m.name, "score": m.score,
                             "reasons": m.reasons} for m in found.matches])
