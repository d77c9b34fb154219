"""Partnerships from proposal to impact review.

proposed --both heads accept (signing the agreement)--> active --closing agreed--> closed
proposed --either head declines--> declined (final for that proposal)
proposed (an LLE's own school) --a coordinator refuses the conflict of interest--> refused

Only brokers a school asked (its coordinators, or the LLE it chose) propose, with a draft
support agreement (services/agreements.py); only the two schools' headteachers decide, each
once. Milestones: services/milestones.py; closing and the impact review: services/closing.py.
"""

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from models import (
    Barrier,
    Partnership,
    School,
    Standard,
    User,
)
from network import audit
from network.access import can, require
from network.extensions import db
from network.services import action_mail, agreements, support
from network.services.clusters import coordinators
from network.services.errors import Invalid
from network.services.partnership_people import (  # noqa: F401  (the names callers use)
    SIDES,
    _everyone,
    everyone,
    get,
    heads_of,
    names,
    side_of,
    tell,
)


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
        # (A pairing whose LLE's conflict of interest was refused may still be proposed by
        # another broker: the refusal was of that LLE proposing it.)
        other = b if a == school_id else a
        out[other] = {"active": "already partnered with this school",
                      "proposed": "a partnership with this school is awaiting decisions",
                      "declined": f"a pairing proposed on {created:%-d %B %Y} was declined"
                      }[status]
    return out


def _ask_heads(partnership: Partnership) -> None:
    for person in heads_of(partnership):
        action_mail.ask(person, f"{names(partnership)}: a partnership is proposed: please "
                                "read the support agreement and accept or decline",
                        "Accepting signs the support agreement for your school.",
                        "brokering.partnership", partnership_id=partnership.id)


def conflict_approvers(partnership: Partnership) -> list[User]:
    """Coordinators of the supporting school's cluster who may approve its LLE's declared
    conflict of interest (never the LLE who proposed it)."""
    return [p for p in coordinators(partnership.supporting.cluster)
            if p.id != partnership.broker_id]


def propose(actor: User, request_id: int, supporting_school_id: int, standards: list[str],
            barriers: list[str], activities: str, agreement: dict | None = None,
            declaration: str = "", inclusion_reason: str = "") -> Partnership:
    """Propose a supporting school for a request with a draft support agreement; both
    headteachers are asked to decide. An LLE proposing their own school declares the conflict
    of interest, and a coordinator of that school's cluster must approve it first. A school
    graded below good at its last inspection is proposed only with the broker's reason for
    including it (`inclusion_reason`), which both heads read and the audit log keeps."""
    request = support.get(actor, request_id)
    require(actor, "propose", request)
    from network.services.matching import ranked

    found = ranked(request.school, 10_000, {}, broker=actor, asked=request)
    if found.evaluation is None:
        raise Invalid("The school has no final self-evaluation yet: partners are matched "
                           "to the needs it records there", "supporting_school_id")
    candidates = {m.school_id for m in found.matches}
    reasons = {sid: why for sid, _, why in found.excluded}
    inclusion_reason = (inclusion_reason or "").strip()
    included = supporting_school_id in found.includable
    if included and not inclusion_reason:
        raise Invalid(f"That school is {reasons[supporting_school_id].split(':')[0]}: say why "
                      "you include it as the supporting school", "inclusion_reason")
    if included:
        candidates.add(supporting_school_id)
        reasons.pop(supporting_school_id)
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
    own = actor.school_id is not None and actor.school_id == supporting_school_id
    declaration = (declaration or "").strip()
    if own and not declaration:
        raise Invalid("You are proposing your own school: declare the conflict of interest",
                      "declaration")
    if agreement is None:
        raise Invalid("Draft the support agreement", "supported_people")
    agreement = agreements.clean(agreement, standards)
    supporting = db.session.get(School, supporting_school_id)
    if own and not [p for p in coordinators(supporting.cluster) if p.id != actor.id]:
        raise Invalid(f"No coordinator of {supporting.cluster.name} but you can approve your "
                      "conflict of interest: ask another broker to propose your school",
                      "supporting_school_id")
    partnership = Partnership(
        request_id=request.id, broker_id=actor.id, supported_school_id=request.school_id,
        supporting_school_id=supporting_school_id, focus_standards=standards,
        focus_barriers=barriers, activities=activities.strip(),
        conflict_declaration=declaration if own else "",
        conflict_approval="pending" if own else None,
        inclusion_reason=inclusion_reason if included else "")
    db.session.add(partnership)
    db.session.flush()
    agreements.draft(actor, partnership, agreement)
    request.status = "proposed"
    db.session.flush()
    if included:
        audit.record(actor, "school below good included", f"partnership:{partnership.id}",
                     f"{reasons_text(found, supporting_school_id)}: {inclusion_reason}"[:300])
    if own:
        for person in conflict_approvers(partnership):
            action_mail.ask(person, f"{names(partnership)}: {actor.name} proposes their own "
                                    "school: please approve or refuse the conflict of interest",
                            declaration, "brokering.partnership",
                            partnership_id=partnership.id)
        audit.record(actor, "conflict of interest declared", f"partnership:{partnership.id}",
                     declaration[:200])
    else:
        _ask_heads(partnership)
    audit.record(actor, "partnership proposed", f"partnership:{partnership.id}",
                 f"school:{partnership.supported_school_id} with "
                 f"school:{supporting_school_id}")
    db.session.commit()
    return partnership


def approve_conflict(actor: User, partnership_id: int, approve: bool,
                     reason: str = "") -> Partnership:
    """A coordinator of the supporting school's cluster approves an LLE's proposal of their
    own school (the heads are then asked to decide) or refuses it (the proposal ends)."""
    partnership = get(actor, partnership_id)
    require(actor, "approve_conflict", partnership)
    if not approve and not reason.strip():
        raise Invalid("Say why you refuse it", "reason")
    partnership.conflict_approval = "approved" if approve else "refused"
    partnership.conflict_decided_by_id = actor.id
    word = "approved" if approve else "refused"
    if approve:
        _ask_heads(partnership)
        tell([partnership.broker], f"{names(partnership)}: {actor.name} approved the proposal "
                                   "of your own school; the headteachers now decide",
             partnership)
    else:
        partnership.status = "refused"
        if partnership.request is not None and partnership.request.status == "proposed":
            partnership.request.status = "open"
        tell([partnership.broker], f"{names(partnership)}: {actor.name} refused the proposal "
                                   "of your own school", partnership, body=reason.strip())
    audit.record(actor, f"conflict of interest {word}", f"partnership:{partnership.id}",
                 reason.strip()[:200])
    db.session.commit()
    return partnership


def decide(actor: User, partnership_id: int, accept: bool, reason: str) -> Partnership:
    """A headteacher accepts (signing the support agreement for their school) or declines; a
    decline ends the proposal, and the second acceptance starts the partnership."""
    for attempt in range(2):
        partnership = get(actor, partnership_id)
        require(actor, "decide", partnership)
        side = side_of(actor, partnership)
        if not accept and not reason.strip():
            raise Invalid("Say why your school declines", "reason")
        setattr(partnership, f"{side}_decision", "accepted" if accept else "declined")
        setattr(partnership, f"{side}_reason", reason.strip())
        setattr(partnership, f"{side}_decided_by_id", actor.id)
        pending = agreements.awaiting(partnership)
        if accept and pending is not None:
            agreements.sign_for(actor, pending, side)
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
    subject = {"active": f"{names(partnership)}: the support agreement is signed by both "
                         "heads and the partnership is active",
               "declined": f"{names(partnership)}: {actor.school.name} declined the proposed "
                           "partnership"
               }.get(partnership.status,
                     f"{names(partnership)}: {actor.school.name} {word} the proposed "
                     "partnership and signed the support agreement")
    tell(everyone(partnership), subject, partnership, skip=actor, body=reason.strip())
    audit.record(actor, f"partnership {word}", f"partnership:{partnership.id}", side)
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


def impact(partnership: Partnership) -> dict:
    """The focus standards' ratings before and since the start (services/closing.py)."""
    from network.services.closing import impact as measured

    return measured(partnership)


def reasons_text(found, school_id: int) -> str:
    """Why matching left a school out (its inspection grade), as the broker read it."""
    return next((why.split(":")[0] for sid, _, why in found.excluded if sid == school_id), "")
