"""Closing a partnership by agreement, with its impact review.

A headteacher of either school or the broker starts closing with the impact review's summary;
the others are asked to agree. It closes when both heads agree, or when the broker and one head
agree (then a reason is required). Nobody closes it alone. The closed partnership keeps the
review: the summary and the focus standards' ratings before and after for both schools.
"""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from models import TERMS, Partnership, Record, SelfEvaluation, User
from network import audit
from network.access import can, require
from network.domain import terms
from network.extensions import db
from network.services import action_mail
from network.services.errors import Invalid
from network.services.partnership_people import SIDES, everyone, get, names, tell
from network.services.vocabulary import vocabulary

PARTIES = ("supported", "supporting", "broker")


def party_of(actor: User, partnership: Partnership) -> str | None:
    """Who the actor agrees for: their school's side if they head one of the schools, else
    "broker" for the partnership's broker, else None."""
    for side in SIDES:
        school_id = getattr(partnership, f"{side}_school_id")
        if actor.school_role == "headteacher" and actor.school_id == school_id:
            return side
    return "broker" if actor.id == partnership.broker_id else None


def agreed(partnership: Partnership) -> dict[str, int]:
    """{party: user id} of those who have agreed to close."""
    return dict((partnership.closing or {}).get("agreed") or {})


def closes(parties) -> bool:
    """Both heads, or the broker with one head."""
    parties = set(parties)
    return {"supported", "supporting"} <= parties or (
        "broker" in parties and bool(parties & {"supported", "supporting"}))


def standing(partnership: Partnership) -> list[dict]:
    """Each party, who they are and whether they have agreed to close: for the page."""
    by_id = agreed(partnership)
    out = []
    for party in PARTIES:
        if party == "broker":
            label = f"{partnership.broker.name} (broker)"
        else:
            label = f"{getattr(partnership, party).name}'s headteacher"
        who = db.session.get(User, by_id[party]) if party in by_id else None
        reason = ((partnership.closing or {}).get("reasons") or {}).get(party, "")
        out.append({"party": party, "label": label, "agreed": who, "reason": reason})
    return out


def shows_impact(impact_: dict) -> bool:
    """Whether either school has a final self-evaluation since the partnership started."""
    return any(impact_[side]["after"] for side in SIDES)


def start(actor: User, partnership_id: int, summary: str, reason: str = "") -> Partnership:
    """Start closing with the impact review's summary; the actor agrees to close, and the
    others are asked to agree."""
    partnership = get(actor, partnership_id)
    require(actor, "review", partnership)
    if not summary.strip():
        raise Invalid("Summarise what changed", "summary")
    party = party_of(actor, partnership)
    partnership.closing = {"summary": summary.strip(), "started_by": actor.id,
                           "agreed": {party: actor.id},
                           "reasons": {party: reason.strip()} if reason.strip() else {}}
    for person in everyone(partnership):
        if person.id != actor.id:
            action_mail.ask(person, f"{names(partnership)}: {actor.name} proposes closing the "
                                    "partnership: please agree to close it",
                            summary.strip(), "brokering.partnership",
                            partnership_id=partnership.id)
    audit.record(actor, "partnership closing started", f"partnership:{partnership.id}", party)
    _commit_or_refuse()
    return partnership


def check_agreement(actor: User, partnership_id: int,
                    reason: str = "") -> tuple[Partnership, dict, dict]:
    """Whether the actor may agree to close now (asked before the confirmation page): the
    partnership, who would then have agreed and the reasons; Invalid if it would close
    without both heads and nobody has said why."""
    partnership = get(actor, partnership_id)
    require(actor, "agree_close", partnership)
    party = party_of(actor, partnership)
    now = {**agreed(partnership), party: actor.id}
    reasons = dict((partnership.closing or {}).get("reasons") or {})
    if reason.strip():
        reasons[party] = reason.strip()
    if closes(now) and not {"supported", "supporting"} <= set(now) and not reasons:
        missing = next(s for s in SIDES if s not in now)
        raise Invalid(f"Say why the partnership closes without the agreement of "
                      f"{getattr(partnership, missing).name}'s headteacher", "reason")
    return partnership, now, reasons


def agree(actor: User, partnership_id: int, reason: str = "") -> Partnership:
    """Agree to close. Once both heads, or the broker and one head, have agreed, the
    partnership closes with its impact review; without both heads a reason is required."""
    partnership, now, reasons = check_agreement(actor, partnership_id, reason)
    party = party_of(actor, partnership)
    both_heads = {"supported", "supporting"} <= set(now)
    partnership.closing = {**partnership.closing, "agreed": now, "reasons": reasons}
    audit.record(actor, "partnership closing agreed", f"partnership:{partnership.id}", party)
    if closes(now):
        _close(actor, partnership, "" if both_heads else "; ".join(reasons.values()))
    else:
        tell(everyone(partnership), f"{names(partnership)}: {actor.name} agreed to close the "
                                    "partnership", partnership, skip=actor)
    _commit_or_refuse()
    return partnership


def stop(actor: User, partnership_id: int, reason: str) -> Partnership:
    """Stop closing before it completes: the partnership carries on as before, the agreements
    given so far lapse, and everyone hears why. Closing can be started again later."""
    partnership = get(actor, partnership_id)
    require(actor, "stop_closing", partnership)
    if not reason.strip():
        raise Invalid("Say why the partnership should carry on", "reason")
    partnership.closing = None
    tell(everyone(partnership), f"{names(partnership)}: {actor.name} stopped closing the "
                                "partnership: it carries on", partnership, skip=actor,
         body=reason.strip())
    audit.record(actor, "partnership closing stopped", f"partnership:{partnership.id}",
                 reason.strip()[:200])
    _commit_or_refuse()
    return partnership


def _commit_or_refuse() -> None:
    """Commit, or (when another party changed the partnership at the same moment) undo and
    ask the person to read the page again."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Invalid("Someone else changed the partnership at the same moment: read the page "
                      "again and answer again if you still wish to") from None


def _close(actor: User, partnership: Partnership, reason: str) -> None:
    partnership.review = {"summary": partnership.closing["summary"],
                          "schools": impact(partnership), "reason": reason,
                          "agreed": agreed(partnership)}
    partnership.reviewed_by_id = partnership.closing.get("started_by") or actor.id
    partnership.status = "closed"
    partnership.closed_at = datetime.now(UTC)
    tell(everyone(partnership), f"{names(partnership)}: the partnership is closed with its "
                                "impact review", partnership, skip=actor)
    audit.record(actor, "partnership closed", f"partnership:{partnership.id}", reason[:200])


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
                     "after": after.label if after else None, "rows": rows,
                     "awaits": None if after else _awaited(started)}
    return out


def _awaited(started: datetime) -> str:
    """The term whose final self-evaluation first shows a partnership's impact: the term after
    the one it started in, or the current term if that is later."""
    n = max(terms.order(*terms.current_term(started.date())) + 1,
            terms.order(*terms.current_term()))
    return terms.label(n // 3, TERMS[n % 3])


MILESTONE_WORDS = {"planned": "planned", "on_track": "on track", "at_risk": "at risk",
                   "done": "done", "missed": "missed"}


def loose_ends(partnership: Partnership, measured: dict) -> list[str]:
    """What closing now would leave out, in sentences: each school with no final
    self-evaluation since the start (and when it can have one), and each milestone not met."""
    started = partnership.started_at or datetime.now(UTC)
    out = []
    for side in SIDES:
        if not measured[side]["after"]:
            out.append(f"{getattr(partnership, side).name} has no final self-evaluation since "
                       f"the partnership started on {started.day} {started:%B %Y}: its impact "
                       f"shows once it finalises {measured[side]['awaits']}'s.")
    for m in partnership.milestones:
        if m.status != "done":
            said = ", ".join(f"{getattr(partnership, side).name} says "
                             f"{MILESTONE_WORDS.get(getattr(m, f'{side}_status'), 'planned')}"
                             for side in SIDES)
            out.append(f"The milestone “{m.title}” is not met ({said}).")
    return out


def _standard_words(sid: str) -> str:
    """A standard's code and short name ("CE2.A Tracking steers improvement")."""
    known = vocabulary().standards.get(sid)
    return f"{sid} {known.title}" if known else sid


def _case_study_title(partnership: Partnership) -> str:
    """The draft's title from what the partnership worked on, in words and anonymous (no
    school named): "Working with a primary partner school on tracking steers improvement and
    termly analysis reaches leaders and governors"."""
    known = vocabulary().standards
    topics = [known[sid].title if sid in known else sid for sid in partnership.focus_standards]
    topics = [t[:1].lower() + t[1:] if t[1:2].islower() else t for t in topics]
    if len(topics) > 3:
        topics = topics[:3] + [f"{len(topics) - 3} more "
                               + ("standard" if len(topics) == 4 else "standards")]
    entry = partnership.supporting.register_entry if partnership.supporting else None
    phase = (entry.phase or "").lower() if entry else ""
    if phase in ("", "not applicable", "not known"):
        partner = "a partner school"
    else:
        partner = f"{'an' if phase[:1] in 'aeiou' else 'a'} {phase} partner school"
    on = (", ".join(topics[:-1]) + " and " + topics[-1]) if len(topics) > 1 else "".join(topics)
    return f"Working with {partner} on {on}" if on else f"Working with {partner}"


def start_case_study(actor: User, partnership_id: int):
    """Start a draft case study for the supported school, filled in from the closed
    partnership: its focus, activities and the impact review, with the school's outcome
    measures before and after first and then its focus ratings. The group at the start is
    the one the school was in when the partnership began (from its group history), the group
    at the end its current one; the timeline runs from the partnership's start to its close,
    and the partner school is named as support (only the school's own people see which).
    Once per partnership."""
    from network.services import case_study_steps, outcomes, profiles, records

    partnership = get(actor, partnership_id)
    require(actor, "write_case_study", partnership)
    if partnership.case_study_id is not None:
        existing = db.session.get(Record, partnership.case_study_id)
        if existing is not None and can(actor, "view", existing):
            return existing
    review = partnership.review or {}
    ours = (review.get("schools") or {}).get("supported") or {}
    measures = (outcomes.case_study_measures(partnership) + [
        {"measure": f"{_standard_words(row['standard'])}: self-evaluation rating",
         "before": str(row["before"] or ""), "after": str(row["after"] or "")}
        for row in ours.get("rows", [])])[:5]
    school_id = partnership.supported_school_id
    began = partnership.started_at or partnership.created_at
    start = case_study_steps.group_on(school_id, began.date()) if began else None
    group = profiles.current_group(school_id)
    timeline = [{"when": f"{d:%Y-%m}", "what": what} for d, what in (
        (began, "The partnership with a partner school began."),
        (partnership.closed_at, "The partnership closed and both schools reviewed its "
                                "impact.")) if d]
    request = partnership.request
    body = {
        "context": "",
        "group_id": str(start.group_id) if start else "",
        "group_name": start.group.name if start else "",
        "end_group_id": str(group.group_id) if group else "",
        "end_group_name": group.group.name if group else "",
        "timeline": timeline,
        "barriers": list(partnership.focus_barriers),
        "barrier_narrative": "",
        "what_needed_to_change": request.hopes if request else "",
        "actions": [{"text": partnership.activities or "Worked with a partner school.",
                     "standards": list(partnership.focus_standards)}],
        "support": [{"kind": "partner", "description": partnership.activities or
                     "A partnership with another school on the platform.",
                     "school_id": partnership.supporting_school_id}],
        "impact": {"measures": measures, "narrative": review.get("summary", "")},
        "offer": "",
        "offer_standards": [],
        "standards": list(partnership.focus_standards),
    }
    title = _case_study_title(partnership)
    record = records.create(actor, "case_study", {
        "title": title[:200], "body": body, "barriers": list(partnership.focus_barriers),
        "standards": list(partnership.focus_standards), "coauthor_ids": [],
        "audience": "cluster", "attributed": False})
    partnership.case_study_id = record.id
    db.session.commit()
    return record
