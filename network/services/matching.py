"""Find partner schools: builds the seeker and the candidates from the database (a handful of
queries, not one per school) and hands them to the pure scoring in network.matching.

Candidates are the other schools on the platform whose profile is shared with the network, or
that are in the seeker's own cluster: a cluster-only school never reaches another cluster.
Offers are what the network may see (rated 1 in the latest final evaluation AND opted in).
Records are not read here at all, so no anonymised author can leak through a match.
"""

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import or_, select

from models import (
    TERMS,
    Barrier,
    GroupMembership,
    OfferOptIn,
    PriorityGroup,
    Rating,
    RegisterSchool,
    School,
    SchoolBarrier,
    SchoolProfile,
    SelfEvaluation,
    User,
)
from network import matching
from network.access import can, get_visible_or_404
from network.anonymity import context_bands
from network.extensions import db
from network.services.evaluations import latest


@dataclass
class Found:
    """What the partner page and the API show."""

    school: School
    evaluation: SelfEvaluation | None
    seeker: matching.Seeker | None = None
    matches: list[matching.Match] = field(default_factory=list)
    excluded: list[tuple[int, str, str]] = field(default_factory=list)
    urns: dict[int, str] = field(default_factory=dict)
    same_cluster: set[int] = field(default_factory=set)


def allowed_school(actor: User, school_id: int) -> School:
    """The school, for its headteacher and senior leaders and for brokers it asked for
    support: 404 to anyone else outside its cluster, 403 inside it."""
    school = db.session.get(School, school_id)
    if school is not None and can(actor, "find_partners", school):
        return school
    get_visible_or_404(actor, School, school_id)
    abort(403)


def matches_for(actor: User, school_id: int, limit: int = 10,
                filters: dict | None = None) -> Found:
    """Ranked partners for the school, with who was left out and why."""
    school = allowed_school(actor, school_id)
    return ranked(school, limit, filters or {})


def ranked(school: School, limit: int, filters: dict) -> Found:
    """Ranked partners for a school the caller has already checked the actor may match for:
    partnered and declined pairings are left out with their reasons."""
    from network.services.partnerships import exclusions

    final = latest(school.id, final=True)
    found = Found(school=school, evaluation=final)
    if final is None:
        return found
    filters = {k: v for k, v in filters.items() if v}
    rows = db.session.execute(
        select(School.id, School.name, School.urn, School.cluster_id, RegisterSchool,
               SchoolProfile.visibility, SchoolProfile.open_to_partnering,
               SchoolProfile.capacity)
        .join(RegisterSchool, School.urn == RegisterSchool.urn)
        .outerjoin(SchoolProfile, SchoolProfile.school_id == School.id)
        .where(School.id != school.id,
               or_(School.cluster_id == school.cluster_id, SchoolProfile.visibility == "network"))
    ).all()
    ids = {r.id for r in rows}
    offers = _offers(ids)
    overcome, facing_counts = _barriers()
    groups = _groups()
    heads = _headteachers()
    candidates = []
    for r in rows:
        bands = context_bands(r.RegisterSchool)
        if filters.get("phase") and bands["phase"] != filters["phase"]:
            continue
        if filters.get("region") and bands["region"] != filters["region"]:
            continue
        offered = offers.get(r.id, frozenset())
        if filters.get("standard") and filters["standard"] not in offered:
            continue
        current, past = groups.get(r.id, (None, frozenset()))
        candidates.append(matching.Candidate(
            school_id=r.id, name=r.name, phase=bands["phase"], size_band=bands["size"],
            fsm_band=bands["fsm"], region=bands["region"], group_id=current, offers=offered,
            overcome=frozenset(overcome.get(r.id, ())), past_groups=past,
            open_to_partnering=bool(r.open_to_partnering), spare_capacity=r.capacity or 0,
            headteacher_ids=frozenset(heads.get(r.id, ()))))
        found.urns[r.id] = r.urn
        if r.cluster_id == school.cluster_id:
            found.same_cluster.add(r.id)
    bands = context_bands(school.register_entry)
    current, _ = groups.get(school.id, (None, frozenset()))
    facing = frozenset(db.session.scalars(select(SchoolBarrier.barrier_slug).where(
        SchoolBarrier.school_id == school.id, SchoolBarrier.overcome_on.is_(None))))
    found.seeker = matching.Seeker(
        school_id=school.id, name=school.name,
        needs={sid: r.rating for sid, r in final.ratings.items() if (r.rating or 0) >= 3},
        barriers=facing, group_id=current,
        group_name=(db.session.scalar(select(PriorityGroup.name).where(
            PriorityGroup.id == current)) or "") if current else "",
        phase=bands["phase"], size_band=bands["size"], fsm_band=bands["fsm"],
        region=bands["region"], headteacher_ids=frozenset(heads.get(school.id, ())))
    titles = {slug: title for slug, title in
              db.session.execute(select(Barrier.slug, Barrier.title))}
    found.matches, found.excluded = matching.rank(
        found.seeker, candidates, rarity(overcome, facing_counts), exclusions(school.id), limit,
        titles)
    return found


def rarity(overcome: dict[int, set[str]], facing: dict[str, int]) -> dict[str, float]:
    """0..1 per barrier: 1 when few schools on the platform have overcome it."""
    counts: dict[str, int] = {}
    for slugs in overcome.values():
        for slug in slugs:
            counts[slug] = counts.get(slug, 0) + 1
    top = max(counts.values(), default=0)
    return {slug: 1.0 - counts.get(slug, 0) / top if top else 1.0
            for slug in set(counts) | set(facing)}


def _offers(ids: set[int]) -> dict[int, frozenset[str]]:
    """Public offers per school: rated 1 in its latest final evaluation AND opted in."""
    newest: dict[int, tuple[int, int]] = {}
    for eid, sid, year, term in db.session.execute(
            select(SelfEvaluation.id, SelfEvaluation.school_id, SelfEvaluation.year,
                   SelfEvaluation.term).where(SelfEvaluation.status == "final")):
        order = year * 3 + TERMS.index(term)
        if sid in ids and (sid not in newest or order > newest[sid][0]):
            newest[sid] = (order, eid)
    chosen: dict[int, set[str]] = {}
    for sid, standard in db.session.execute(select(OfferOptIn.school_id,
                                                   OfferOptIn.standard_id)):
        chosen.setdefault(sid, set()).add(standard)
    rated: dict[int, set[str]] = {}
    for sid, eid, standard in db.session.execute(
            select(SelfEvaluation.school_id, Rating.evaluation_id, Rating.standard_id)
            .join(SelfEvaluation, Rating.evaluation_id == SelfEvaluation.id)
            .where(SelfEvaluation.status == "final", Rating.rating == 1)):
        if sid in newest and newest[sid][1] == eid and standard in chosen.get(sid, ()):
            rated.setdefault(sid, set()).add(standard)
    return {sid: frozenset(s) for sid, s in rated.items()}


def _barriers() -> tuple[dict[int, set[str]], dict[str, int]]:
    overcome: dict[int, set[str]] = {}
    facing: dict[str, int] = {}
    for sid, slug, done in db.session.execute(
            select(SchoolBarrier.school_id, SchoolBarrier.barrier_slug,
                   SchoolBarrier.overcome_on)):
        if done is None:
            facing[slug] = facing.get(slug, 0) + 1
        else:
            overcome.setdefault(sid, set()).add(slug)
    return overcome, facing


def _groups() -> dict[int, tuple[int | None, frozenset[int]]]:
    current: dict[int, int] = {}
    past: dict[int, set[int]] = {}
    for sid, gid, ended in db.session.execute(
            select(GroupMembership.school_id, GroupMembership.group_id,
                   GroupMembership.ended_on)):
        if ended is None:
            current[sid] = gid
        else:
            past.setdefault(sid, set()).add(gid)
    return {sid: (current.get(sid), frozenset(past.get(sid, set()) - {current.get(sid)}))
            for sid in set(current) | set(past)}


def _headteachers() -> dict[int, set[int]]:
    """Per school, an id for each headteacher. One account belongs to one school, so an
    executive head of two schools has two accounts: the same (normalised) name counts as the
    same person, identified by the lowest account id carrying it."""
    heads: dict[int, set[int]] = {}
    person: dict[str, int] = {}
    for uid, sid, name in db.session.execute(
            select(User.id, User.school_id, User.name).where(
                User.school_role == "headteacher", User.school_id.is_not(None),
                User.is_active.is_(True)).order_by(User.id)):
        key = " ".join(name.casefold().split())
        heads.setdefault(sid, set()).add(person.setdefault(key, uid))
    return heads


def filter_choices() -> dict[str, list[str]]:
    """Phases and regions of schools on the platform, for the filters."""
    rows = db.session.execute(select(RegisterSchool.phase, RegisterSchool.region)
                              .join(School, School.urn == RegisterSchool.urn)).all()
    return {"phase": sorted({p for p, _ in rows if p}),
            "region": sorted({r for _, r in rows if r})}
