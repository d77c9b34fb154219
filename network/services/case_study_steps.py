"""Writing a case study in steps: each step saves only its part of the working copy, with the
version check every save has, and the task list shows how far each step has got.

A step's ``changes`` are what its page holds: any of "title", "coauthor_ids", "audience",
"attributed", and "body" (the body's keys that the step owns, as JSON). Everything else is
kept as it was saved. The tags (barriers, standards) and the priority groups' names are worked
out here from the body, so no page has to keep them in step.
"""

from datetime import date

from sqlalchemy import or_, select

from models import Partnership, Record, School, User
from models.case_study_body import CaseStudyBody
from network.access import require
from network.extensions import db
from network.services import evaluations, profiles, records
from network.services.errors import Invalid

KIND = "case_study"
STEPS = [
    ("context", "Title and context"),
    ("groups", "Timeline and priority groups"),
    ("barriers", "Barriers and what solved them"),
    ("actions", "What needed to change and what was done"),
    ("support", "Support received"),
    ("impact", "Impact and measures"),
    ("next-steps", "Next steps, risks and what you can offer"),
    ("publication", "Authors and publication"),
]
TITLES = dict(STEPS)
DONE, STARTED, NOT_STARTED = "Completed", "In progress", "Not yet started"


def create_draft(actor: User, title: str, context: str) -> Record:
    """Start a case study for the actor's school from its first step: a title and context."""
    body = CaseStudyBody(context=context)
    return records.create(actor, KIND, {
        "title": title, "body": body.to_json(), "barriers": [], "standards": [],
        "coauthor_ids": [], "audience": "cluster", "attributed": False})


def _on(when: str) -> date | None:
    """The first day of a timeline date ("2019" or "2019-09")."""
    if not when:
        return None
    year, _, month = when.partition("-")
    return date(int(year), int(month or 1), 1)


def group_on(school_id: int, when: str | date | None):
    """The priority group the school was in on `when` (a date, or "2019" / "2019-09"), from
    its group history; None if the history does not reach back that far."""
    day = _on(when) if isinstance(when, str) else when
    if day is None:
        return None
    for spell in profiles.group_history(school_id):
        if spell.started_on <= day and (spell.ended_on is None or day < spell.ended_on):
            return spell
    return None


def suggested_groups(record: Record) -> tuple[str, str]:
    """The start and end groups to offer on the groups step: the saved ones, else the group
    the school was in when the timeline starts and its current group."""
    body = CaseStudyBody.read(record.body)
    start = body.group_id
    if not start:
        spell = group_on(record.school_id, body.start_date())
        start = str(spell.group_id) if spell else ""
    end = body.end_group_id
    if not end:
        spell = profiles.current_group(record.school_id)
        end = str(spell.group_id) if spell else ""
    return start, end


def partner_schools(actor: User, school_id: int) -> list[School]:
    """Schools the actor's school may name as a partner: the others in its cluster and any it
    has worked with in a partnership. Only the school's own people see which one it was."""
    school = db.session.get(School, school_id)
    linked = select(Partnership.supporting_school_id).where(
        Partnership.supported_school_id == school_id).union(
        select(Partnership.supported_school_id).where(
            Partnership.supporting_school_id == school_id))
    found = db.session.scalars(select(School).where(
        School.id != school_id,
        or_(School.cluster_id == school.cluster_id, School.id.in_(linked)))
        .order_by(School.name))
    return list(found)


def record_data(record: Record) -> dict:
    """Everything a full save takes, as the record stands."""
    return {"title": record.title, "body": dict(record.body or {}),
            "barriers": [b.barrier_slug for b in record.barriers],
            "standards": [s.standard_id for s in record.standards],
            "coauthor_ids": [c.user_id for c in record.coauthors],
            "audience": record.audience or "cluster", "attributed": bool(record.attributed)}


def merged(actor: User, record: Record, changes: dict) -> dict:
    """The record's data with one step's `changes`, and what follows from them; Invalid if
    the step names a partner school the school may not name."""
    data = record_data(record)
    data.update({k: v for k, v in changes.items() if k != "body"})
    body = {**CaseStudyBody.read(record.body).to_json(), **changes.get("body", {})}
    names = {str(g.id): g.name for g in profiles.groups()}
    if not body.get("group_id") and body.get("timeline"):
        spell = group_on(record.school_id, CaseStudyBody.read(body).start_date())
        body["group_id"] = str(spell.group_id) if spell else ""
    body["group_name"] = names.get(body.get("group_id") or "", "")
    body["end_group_name"] = names.get(body.get("end_group_id") or "", "")
    chosen = list(body.get("barriers") or [])
    body["barrier_solutions"] = [s for s in body.get("barrier_solutions") or []
                                 if s.get("barrier") in chosen and s.get("solution")]
    order = [s.id for e in evaluations.elements() for s in e.standards]
    used = {s for a in body.get("actions") or [] for s in a.get("standards") or []}
    used |= set(body.get("offer_standards") or [])
    body["standards"] = [sid for sid in order if sid in used]
    allowed = {s.id for s in partner_schools(actor, record.school_id)}
    for entry in body.get("support") or []:
        if entry.get("kind") != "partner":
            entry["school_id"] = 0
        elif entry.get("school_id") and entry["school_id"] not in allowed:
            raise Invalid("Choose a partner school from the list", "support")
    data.update(body=body, barriers=chosen, standards=body["standards"])
    return data


def save_step(actor: User, record_id: int, version: int, step: str, changes: dict) -> Record:
    """Save one step's part of the working copy; Conflict if someone saved since `version`."""
    record = records.get(actor, record_id, KIND)
    require(actor, "edit", record)
    if step not in TITLES:
        raise Invalid("That is not a step of a case study.")
    return records.update(actor, record.id, version, merged(actor, record, changes),
                          note=f"Saved: {TITLES[step]}")


def _state(parts: list) -> str:
    filled = [bool(p) for p in parts]
    return DONE if all(filled) else STARTED if any(filled) else NOT_STARTED


def statuses(actor: User, record: Record) -> dict[str, str]:
    """Each step's state for the task list, from what the working copy holds."""
    body = CaseStudyBody.read(record.body)
    solved = [body.solution_for(slug) for slug in body.barriers]
    saved = {v.note for v in records.versions(actor, record.id)[1]}
    return {
        "context": _state([record.title, body.context]),
        "groups": _state([body.group_id, body.end_group_id, body.timeline]),
        "barriers": _state([body.barriers, *solved] if body.barriers
                           else [False, body.barrier_narrative]),
        "actions": _state([body.what_needed_to_change, body.actions]),
        "support": DONE if body.support or "Saved: Support received" in saved
        else NOT_STARTED,  # saved with none: the school had no outside support
        "impact": _state([body.impact.measures, body.impact.narrative]),
        "next-steps": _state([body.next_steps, body.risks, body.offer]),
        "publication": DONE if "Saved: Authors and publication" in saved else NOT_STARTED,
    }
