"""Termly self-evaluations: start, rate standards, finalise; offers and needs."""

from datetime import UTC, date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import lazyload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from models import (
    TERMS,
    CoreElement,
    OfferOptIn,
    Rating,
    RatingAction,
    School,
    SelfEvaluation,
    Standard,
    User,
)
from models.toolkit_data import QUESTIONS
from network import audit, indexing
from network.access import get_visible_or_404, require
from network.domain import terms
from network.extensions import db
from network.services.errors import Conflict, Invalid, NotFound
from network.services.vocabulary import StandardTerm, vocabulary


def elements() -> list[CoreElement]:
    """The six core elements with their standards, in order (two queries, not seven)."""
    return list(db.session.scalars(select(CoreElement).options(
        selectinload(CoreElement.standards)).order_by(CoreElement.position)))


def questions(code: str) -> list[str]:
    """The questions a school asks itself while rating a core element."""
    return list(QUESTIONS.get(code, []))


def element(code: str) -> CoreElement:
    """One core element by code (CE1 ... CE6), or 404."""
    found = db.session.get(CoreElement, code)
    if found is None:
        raise NotFound
    return found


def for_school(actor: User, school_id: int) -> tuple[School, list[SelfEvaluation]]:
    """A school's evaluations, newest term first, for those who may read them."""
    school = get_visible_or_404(actor, School, school_id)
    require(actor, "read_evaluations", school)
    rows = db.session.scalars(select(SelfEvaluation).where(SelfEvaluation.school_id == school.id))
    return school, sorted(rows, key=lambda e: e.order, reverse=True)


def get(actor: User, evaluation_id: int) -> SelfEvaluation:
    """One evaluation, for the school's people and the cluster's coordinators."""
    return get_visible_or_404(actor, SelfEvaluation, evaluation_id)


def start(actor: User, school_id: int, year: int, term: str,
          today: date | None = None) -> SelfEvaluation:
    """Open a term's evaluation, copying the ratings, evidence and open actions of the last one."""
    school = get_visible_or_404(actor, School, school_id)
    require(actor, "evaluate", school)
    if term not in TERMS:
        raise Invalid("Choose autumn, spring or summer.", "term")
    if terms.is_future(year, term, today):
        raise Invalid(f"{terms.label(year, term)} has not started yet. "
                              "Choose this term or an earlier one.", "term")
    if db.session.scalar(select(SelfEvaluation.id).where(
            SelfEvaluation.school_id == school.id, SelfEvaluation.year == year,
            SelfEvaluation.term == term)):
        raise Invalid(f"{terms.label(year, term)} already has an evaluation.", "term")
    previous = latest(school.id, before=terms.order(year, term))
    evaluation = SelfEvaluation(school_id=school.id, year=year, term=term,
                                updated_by_id=actor.id)
    today = today or date.today()
    for standard_id in all_standard_ids():
        old = previous.ratings.get(standard_id) if previous else None
        rating = Rating(standard_id=standard_id, rating=old.rating if old else None,
                        evidence=old.evidence if old else "", sef_ref=old.sef_ref if old else "",
                        share_how=old.share_how if old else "")
        if old:
            rating.actions = [RatingAction(position=a.position, what=a.what, who=a.who,
                                           by_when=a.by_when)
                              for a in old.actions if a.by_when is None or a.by_when >= today]
        evaluation.ratings[standard_id] = rating
    db.session.add(evaluation)
    audit.record(actor, "evaluation started", f"school:{school.id}", terms.label(year, term))
    db.session.commit()
    return evaluation


def copied_from(evaluation: SelfEvaluation) -> SelfEvaluation | None:
    """The evaluation a new one was started from, if it had any rating or evidence to copy."""
    previous = latest(evaluation.school_id, before=evaluation.order)
    if previous is None or not any(r.rating or r.evidence for r in previous.ratings.values()):
        return None
    return previous


def offered_terms(taken, earlier: bool, today: date | None = None) -> list[tuple[int, str]]:
    """The terms a school may start an evaluation for: the current term, or with `earlier`
    the five before it; never a term that already has an evaluation."""
    recent = terms.recent_terms(6, today)
    return [t for t in (recent[1:] if earlier else recent[:1]) if t not in set(taken)]


def delete_draft(actor: User, evaluation_id: int) -> SelfEvaluation:
    """Delete a draft started by mistake, with its ratings and actions (a leader of the
    school; a final evaluation is never deleted). Audited."""
    evaluation = get(actor, evaluation_id)
    require(actor, "delete", evaluation)
    audit.record(actor, "evaluation draft deleted", f"school:{evaluation.school_id}",
                 evaluation.label)
    db.session.delete(evaluation)
    db.session.commit()
    return evaluation


def standards_by_id(ids) -> dict[str, StandardTerm]:
    """The named standards, by id, for showing their titles."""
    known = vocabulary().standards
    return {sid: known[sid] for sid in dict.fromkeys(ids) if sid in known}


def all_standard_ids() -> list[str]:
    """Every standard id in toolkit order."""
    return list(vocabulary().standards)


def latest(school_id: int, before: int | None = None,
           final: bool = False) -> SelfEvaluation | None:
    """The school's most recent evaluation (optionally only final, or before a term order).
    A school has a few evaluations, read in one query; the chosen one's ratings are read when
    first used."""
    query = select(SelfEvaluation).where(SelfEvaluation.school_id == school_id).options(
        lazyload(SelfEvaluation.ratings))
    if final:
        query = query.where(SelfEvaluation.status == "final")
    rows = [e for e in db.session.scalars(query) if before is None or e.order < before]
    return max(rows, key=lambda e: e.order, default=None)


def snapshot(evaluation: SelfEvaluation, codes: list[str] | None = None) -> dict:
    """What is saved for some standards, to show beside someone's conflicting edit."""
    return {sid: {"rating": r.rating, "evidence": r.evidence, "sef_ref": r.sef_ref,
                  "share_how": r.share_how,
                  "actions": [{"what": a.what, "who": a.who, "by_when": a.by_when}
                              for a in r.actions]}
            for sid, r in evaluation.ratings.items() if codes is None or sid in codes}


def save_element(actor: User, evaluation_id: int, code: str, version: int,
                 entries: dict[str, dict]) -> SelfEvaluation:
    """Save one core element's ratings; Conflict if someone saved the evaluation meanwhile."""
    evaluation = get(actor, evaluation_id)
    require(actor, "edit", evaluation)
    ids = [s.id for s in element(code).standards]
    unknown = set(entries) - set(ids)
    if unknown:
        raise Invalid(f"Unknown standard {sorted(unknown)[0]} for {code}.")
    if version != evaluation.version:
        raise Conflict(snapshot(evaluation, ids), evaluation.version)
    for standard_id, values in entries.items():
        rating = evaluation.ratings[standard_id]
        rating.rating = values["rating"]
        rating.evidence = values["evidence"].strip()
        rating.sef_ref = values["sef_ref"].strip()
        rating.share_how = values.get("share_how", "").strip()
        rating.actions = [RatingAction(position=n, what=a["what"].strip(),
                                       who=a["who"].strip(), by_when=a["by_when"])
                          for n, a in enumerate(values["actions"]) if a["what"].strip()]
    evaluation.updated_at, evaluation.updated_by_id = datetime.now(UTC), actor.id
    try:
        db.session.commit()
    except StaleDataError:  # someone saved between our check and our write (PostgreSQL)
        db.session.rollback()
        evaluation = db.session.get(SelfEvaluation, evaluation_id)
        raise Conflict(snapshot(evaluation, ids), evaluation.version) from None
    return evaluation


class NotReady(Invalid):
    """Some ratings do not yet meet the toolkit's rules; `problems` says which, standard by
    standard: {standard id: (the field to correct, what to do)}."""

    def __init__(self, problems: dict[str, tuple[str, str]]):
        count = len(problems)
        super().__init__(f"{count} {'standard needs' if count == 1 else 'standards need'} "
                         "more before this term can be finalised.")
        self.problems = problems


def finalise_problems(evaluation: SelfEvaluation,
                      ids: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """What stops the toolkit's rules being met, by standard (in toolkit order): a 1 must
    rest on evidence, and a 3 or 4 must lead to at least one action."""
    problems, known = {}, vocabulary().standards
    for sid in ids if ids is not None else all_standard_ids():
        rating = evaluation.ratings.get(sid)
        if rating is None or rating.rating is None:
            continue
        named = f"{sid} {known[sid].title}" if sid in known else sid
        if rating.rating == 1 and not rating.evidence.strip():
            problems[sid] = ("evidence", f"{named} is rated 1: give the evidence of its "
                                         "impact, or change the rating")
        elif rating.rating >= 3 and not any(a.what.strip() for a in rating.actions):
            problems[sid] = ("actions", f"{named} is rated {rating.rating}: add at least one "
                                        "action, or change the rating")
    return problems


def check_finalisable(actor: User, evaluation_id: int, version: int) -> SelfEvaluation:
    """The evaluation, if the actor may finalise it as they saw it: Conflict if someone saved
    it since, Invalid while a standard is not rated, NotReady while a 1 has no evidence or a
    3 or 4 no action (asked before the confirmation page)."""
    evaluation = get(actor, evaluation_id)
    require(actor, "finalise", evaluation)
    if version != evaluation.version:
        raise Conflict(snapshot(evaluation), evaluation.version)
    missing = [sid for sid in all_standard_ids()
               if sid not in evaluation.ratings or evaluation.ratings[sid].rating is None]
    if missing:
        raise Invalid(f"Rate every standard before finalising: {', '.join(missing)} "
                              f"{'is' if len(missing) == 1 else 'are'} not rated yet.")
    problems = finalise_problems(evaluation)
    if problems:
        raise NotReady(problems)
    return evaluation


def finalise(actor: User, evaluation_id: int, version: int) -> SelfEvaluation:
    """Make a term's evaluation final and read-only: every standard rated, every 1 with
    evidence and every 3 or 4 with an action."""
    evaluation = check_finalisable(actor, evaluation_id, version)
    evaluation.status = "final"
    evaluation.finalised_at, evaluation.finalised_by_id = datetime.now(UTC), actor.id
    audit.record(actor, "evaluation finalised", f"evaluation:{evaluation.id}", evaluation.label)
    db.session.commit()
    return evaluation


def changes(evaluation: SelfEvaluation) -> list[tuple[str, int | None, int | None]]:
    """Standards whose rating differs from the previous term: (standard, before, now)."""
    previous = latest(evaluation.school_id, before=evaluation.order)
    if previous is None:
        return []
    return [(sid, previous.ratings[sid].rating if sid in previous.ratings else None, r.rating)
            for sid, r in evaluation.ratings.items()
            if sid not in previous.ratings or previous.ratings[sid].rating != r.rating]


def offers_and_needs(school_id: int) -> tuple[list[str], list[str], SelfEvaluation | None]:
    """From the latest final evaluation: standards rated 1 (offers) and 3 or 4 (needs)."""
    final = latest(school_id, final=True)
    if final is None:
        return [], [], None
    rated = {sid: rating for sid, rating in db.session.execute(
        select(Rating.standard_id, Rating.rating).where(Rating.evaluation_id == final.id))}
    ordered = all_standard_ids()
    offers = [sid for sid in ordered if rated.get(sid) == 1]
    needs = [sid for sid in ordered if (rated.get(sid) or 0) >= 3]
    return offers, needs, final


def opted_in(school_id: int) -> set[str]:
    """Standards the school has agreed to show the network as offers."""
    return set(db.session.scalars(select(OfferOptIn.standard_id).where(
        OfferOptIn.school_id == school_id)))


def public_offers(school_id: int) -> list[str]:
    """Offers the network may see: rated 1 in the latest final evaluation AND opted in."""
    final = latest(school_id, final=True)
    if final is None:
        return []
    return list(db.session.scalars(
        select(Rating.standard_id).join(OfferOptIn, and_(
            OfferOptIn.school_id == school_id, OfferOptIn.standard_id == Rating.standard_id))
        .join(Standard, Standard.id == Rating.standard_id).join(CoreElement)
        .where(Rating.evaluation_id == final.id, Rating.rating == 1)
        .order_by(CoreElement.position, Standard.position)))


def shown_to_network(offers: list[str], chosen: set[str]) -> list[str]:
    """Of a school's offers, those the network may see: the ones it opted in to share."""
    return [sid for sid in offers if sid in chosen]


def set_opt_ins(actor: User, school_id: int, standard_ids: list[str]) -> set[str]:
    """Choose, standard by standard, which offers the network may see."""
    school = get_visible_or_404(actor, School, school_id)
    require(actor, "edit_profile", school)
    known = set(all_standard_ids())
    unknown = [sid for sid in standard_ids if sid not in known]
    if unknown:
        raise Invalid(f"{unknown[0]} is not a standard in the toolkit.", "standards")
    db.session.execute(OfferOptIn.__table__.delete().where(OfferOptIn.school_id == school.id))
    indexing.touch(f"school:{school.id}")  # a bulk delete is invisible to the flush hook
    for sid in dict.fromkeys(standard_ids):
        db.session.add(OfferOptIn(school_id=school.id, standard_id=sid))
    audit.record(actor, "offers shared", f"school:{school.id}", " ".join(standard_ids))
    db.session.commit()
    return set(standard_ids)


def history(school_id: int) -> list[SelfEvaluation]:
    """A school's evaluations, oldest term first, for the heat map across terms."""
    rows = db.session.scalars(select(SelfEvaluation).where(SelfEvaluation.school_id == school_id))
    return sorted(rows, key=lambda e: e.order)
