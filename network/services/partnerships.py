"""Partnerships from proposal to impact review.

proposed --both heads accept--> active --impact review--> closed
proposed --either head declines--> declined (final for that proposal)

Only brokers a school asked (its coordinators, or the LLE it chose) propose; only the two
schools' headteachers decide, each once; milestones and notes come from the two schools and
the broker while the partnership is active.
"""

from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from models import (
    Barrier,
    Milestone,
    MilestoneNote,
    Partnership,
    Record,
    School,
    SelfEvaluation,
    Standard,
    User,
)
from network import audit
from network.access import can, get_visible_or_404, require
from network.extensions import db
from network.services import action_mail, inbox, support
from network.services.errors import Invalid

SIDES = ("supported", "supporting")


def exclusions(school_id: int) -> dict[int, str]:
    """Schools matching leaves out for this school, each with the reason a broker sees."""
    out: dict[int, str] = {}
    rows = db.session.execute(select(
        Partnership.supported_school_id, Partnership.supporting_school_id, Partnership.status,
        Partnership.created_at).where(
        or_(Partnership.supported_school_id == school_id,
            Partnership.supporting_school_id == school_id),
        Partnership.status.in_(("proposed", "active", "declined"))).order_by(Partnership.id))
    for a, b, status, created in rows:
        other = b if a == school_id else a
        out[other] = {"active": "already partnered with this school",
                      "proposed": "a partnership with this school is awaiting decisions",
                      "declined": f"a pairing proposed on {created:%-d %B %Y} was declined"
                      }[status]
    return out


def get(actor: User, partnership_id: int) -> Partnership:
    """A partnership the actor may see (its broker, the two schools' leaders and
    coordinators), else 404."""
    return get_visible_or_404(actor, Partnership, partnership_id)


def side_of(actor: User, partnership: Partnership) -> str | None:
    """"supported" or "supporting" for people of either school, else None."""
    if actor.school_id == partnership.supported_school_id:
        return "supported"
    if actor.school_id == partnership.supporting_school_id:
        return "supporting"
    return None


def _heads(school_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.school_id == school_id, User.school_role == "headteacher",
        User.is_active.is_(True))))


def _everyone(partnership: Partnership) -> list[User]:
    people = {partnership.broker_id: partnership.broker}
    for school_id in (partnership.supported_school_id, partnership.supporting_school_id):
        people.update({p.id: p for p in _heads(school_id)})
    return list(people.values())


def _tell(people: list[User], subject: str, partnership: Partnership, skip: User | None = None,
          body: str = "") -> None:
    for person in people:
        if skip is None or person.id != skip.id:
            inbox.notify(person, subject, body, "brokering.partnership",
                         partnership_id=partnership.id)


def propose(actor: User, request_id: int, supporting_school_id: int, standards: list[str],
            barriers: list[str], activities: str) -> Partnership:
    """Propose a supporting school for a request; both headteachers are asked to decide."""
    request = support.get(actor, request_id)
    require(actor, "propose", request)
    from network.services.matching import ranked

    found = ranked(request.school, 10_000, {}, broker=actor, asked=request)
    if found.evaluation is None:
        raise Invalid("The school has no final self-evaluation yet: partners are matched "
                           "to the needs it records there", "supporting_school_id")
    candidates = {m.school_id for m in found.matches}
    reasons = {sid: why for sid, _, why in found.excluded}
    if supporting_school_id in reasons:
        raise Invalid(f"That school cannot be proposed: {reasons[supporting_school_id]}",
                           "supporting_school_id")
    if supporting_school_id not in candidates:
        raise Invalid("Choose a supporting school from the candidates",
                           "supporting_school_id")
    standards = support.known_codes(standards, Standard, "standards", "focus standards")
    barriers = support.known_codes(barriers, Barrier, "barriers", "barriers")
    if not standards:
        raise Invalid("Choose at least one focus standard", "standards")
    partnership = Partnership(
        request_id=request.id, broker_id=actor.id, supported_school_id=request.school_id,
        supporting_school_id=supporting_school_id, focus_standards=standards,
        focus_barriers=barriers, activities=activities.strip())
    db.session.add(partnership)
    request.status = "proposed"
    db.session.flush()
    deciders = {p.id: p for p in (*_heads(partnership.supported_school_id),
                                  *_heads(supporting_school_id))}
    for person in deciders.values():
        action_mail.ask(person, "A partnership is proposed: please accept or decline",
                        "", "brokering.partnership", partnership_id=partnership.id)
    audit.record(actor, "partnership proposed", f"partnership:{partnership.id}",
                 f"school:{partnership.supported_school_id} with "
                 f"school:{supporting_school_id}")
    db.session.commit()
    return partnership


def decide(actor: User, partnership_id: int, accept: bool, reason: str) -> Partnership:
    """A headteacher accepts or declines for their school; a decline ends the proposal, and
    the second acceptance starts the partnership."""
    for attempt in range(2):
        partnership = get(actor, partnership_id)
        require(actor, "decide", partnership)
        side = side_of(actor, partnership)
        if not accept and not reason.strip():
            raise Invalid("Say why your school declines", "reason")
        setattr(partnership, f"{side}_decision", "accepted" if accept else "declined")
        setattr(partnership, f"{side}_reason", reason.strip())
        setattr(partnership, f"{side}_decided_by_id", actor.id)
        if not accept:
            partnership.status = "declined"
        elif all(getattr(partnership, f"{s}_decision") == "accepted" for s in SIDES):
            partnership.status = "active"
            partnership.started_at = datetime.now(UTC)
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()  # the other head decided at the same moment: read again
            if attempt:
                raise
            continue
        break
    word = "accepted" if accept else "declined"
    subject = {"active": "The partnership is agreed and active",
               "declined": f"{actor.school.name} declined the proposed partnership"
               }.get(partnership.status, f"{actor.school.name} {word} the proposed partnership")
    _tell(_everyone(partnership), subject, partnership, skip=actor, body=reason.strip())
    audit.record(actor, f"partnership {word}", f"partnership:{partnership.id}", side)
    db.session.commit()
    return partnership


def add_milestone(actor: User, partnership_id: int, title: str, due_on: date) -> Milestone:
    """Add a termly milestone to an active partnership."""
    partnership = get(actor, partnership_id)
    require(actor, "track", partnership)
    milestone = Milestone(partnership_id=partnership.id, title=title.strip(), due_on=due_on)
    db.session.add(milestone)
    _tell(_everyone(partnership), f"Milestone added: {milestone.title}", partnership,
          skip=actor)
    db.session.commit()
    return milestone


def milestone(actor: User, milestone_id: int) -> tuple[Milestone, Partnership]:
    """A milestone and its partnership, for people who may see the partnership."""
    found = db.session.get(Milestone, milestone_id)
    if found is None:
        get(actor, -1)
    return found, get(actor, found.partnership_id)


def record_progress(actor: User, milestone_id: int, status: str, note: str) -> Milestone:
    """Set a milestone's status with a note from the actor's school (or as the broker)."""
    found, partnership = milestone(actor, milestone_id)
    require(actor, "track", partnership)
    found.status = status
    db.session.add(MilestoneNote(milestone_id=found.id, author_id=actor.id,
                                 school_id=actor.school_id, status=status, body=note.strip()))
    _tell(_everyone(partnership), f"Milestone {found.title!r}: {status.replace('_', ' ')}",
          partnership, skip=actor, body=note.strip())
    db.session.commit()
    return found


def _evaluation(school_id: int, started: datetime, after: bool) -> SelfEvaluation | None:
    """The school's latest final self-evaluation (by term) finalised before the partnership
    started, or since it started."""
    def moment(e: SelfEvaluation) -> datetime:
        when = e.finalised_at or e.updated_at
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    started = started if started.tzinfo else started.replace(tzinfo=UTC)
    finals = [e for e in db.session.scalars(select(SelfEvaluation).where(
        SelfEvaluation.school_id == school_id, SelfEvaluation.status == "final"))
        if (moment(e) > started) == after]
    return max(finals, key=lambda e: (e.order, moment(e)), default=None)


def impact(partnership: Partnership) -> dict:
    """The focus standards' ratings in each school's last final self-evaluation before the
    partnership started and its latest one since: {side: {"before", "after", "rows"}}."""
    started = partnership.started_at or datetime.now(UTC)
    out = {}
    for side in SIDES:
        school_id = getattr(partnership, f"{side}_school_id")
        before, after = _evaluation(school_id, started, False), _evaluation(school_id, started,
                                                                            True)
        rows = []
        for sid in partnership.focus_standards:
            was = before.ratings[sid].rating if before and sid in before.ratings else None
            now = after.ratings[sid].rating if after and sid in after.ratings else None
            rows.append({"standard": sid, "before": was, "after": now,
                         "change": (was - now) if was and now else None})
        out[side] = {"before": before.label if before else None,
                     "after": after.label if after else None, "rows": rows}
    return out


def close(actor: User, partnership_id: int, summary: str) -> Partnership:
    """Close an active partnership with its impact review."""
    partnership = get(actor, partnership_id)
    require(actor, "review", partnership)
    if not summary.strip():
        raise Invalid("Summarise what changed", "summary")
    partnership.review = {"summary": summary.strip(), "schools": impact(partnership)}
    partnership.reviewed_by_id = actor.id
    partnership.status = "closed"
    partnership.closed_at = datetime.now(UTC)
    _tell(_everyone(partnership), "The partnership is closed with its impact review",
          partnership, skip=actor)
    audit.record(actor, "partnership closed", f"partnership:{partnership.id}")
    db.session.commit()
    return partnership


def for_person(actor: User) -> list[Partnership]:
    """Every partnership the actor brokers, or their school is part of, or (for
    coordinators) that involves a school of their cluster; newest first."""
    clauses = [Partnership.broker_id == actor.id]
    if actor.school_id:
        clauses += [Partnership.supported_school_id == actor.school_id,
                    Partnership.supporting_school_id == actor.school_id]
    if actor.is_coordinator and actor.cluster_id:
        ours = select(School.id).where(School.cluster_id == actor.cluster_id)
        clauses += [Partnership.supported_school_id.in_(ours),
                    Partnership.supporting_school_id.in_(ours)]
    rows = db.session.scalars(select(Partnership).where(or_(*clauses))
                              .order_by(Partnership.id.desc()))
    return [p for p in rows if can(actor, "view", p)]


def start_case_study(actor: User, partnership_id: int):
    """Start a draft case study for the supported school, filled in from the closed
    partnership: its focus, activities and the impact review. Once per partnership."""
    from network.services import profiles, records

    partnership = get(actor, partnership_id)
    require(actor, "write_case_study", partnership)
    if partnership.case_study_id is not None:
        existing = db.session.get(Record, partnership.case_study_id)
        if existing is not None and can(actor, "view", existing):
            return existing
    review = partnership.review or {}
    ours = (review.get("schools") or {}).get("supported") or {}
    measures = [{"measure": f"{row['standard']} self-evaluation rating",
                 "before": str(row["before"] or ""), "after": str(row["after"] or "")}
                for row in ours.get("rows", [])][:5]
    group = profiles.current_group(partnership.supported_school_id)
    request = partnership.request
    body = {
        "context": "",
        "group_id": str(group.group_id) if group else "",
        "group_name": group.group.name if group else "",
        "barriers": list(partnership.focus_barriers),
        "barrier_narrative": "",
        "what_needed_to_change": request.hopes if request else "",
        "actions": [{"text": partnership.activities or "Worked with a partner school.",
                     "standards": list(partnership.focus_standards)}],
        "impact": {"measures": measures, "narrative": review.get("summary", "")},
        "offer": "",
        "offer_standards": [],
        "standards": list(partnership.focus_standards),
    }
    title = "Working with a partner school on " + ", ".join(partnership.focus_standards)
    record = records.create(actor, "case_study", {
        "title": title[:200], "body": body, "barriers": list(partnership.focus_barriers),
        "standards": list(partnership.focus_standards), "coauthor_ids": [],
        "audience": "cluster", "attributed": False})
    partnership.case_study_id = record.id
    db.session.commit()
    return record
