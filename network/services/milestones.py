"""Milestones of an active partnership: what should be done by when, and how success is
judged. Each school reports its own status (with evidence for "done"); a milestone is met only
when both schools say it is done."""

from datetime import date

from models import Milestone, MilestoneNote, User
from network import audit
from network.access import require
from network.extensions import db
from network.services import agreements
from network.services.errors import Invalid
from network.services.partnership_people import (
    SIDES,
    everyone,
    get,
    names,
    overseers_of,
    side_of,
    tell,
)

# The worse of two schools' statuses wins, so a milestone looks done only when both say so.
_WORST_FIRST = ("missed", "at_risk", "on_track", "planned")
_HEARD = {"done": "is met: both schools say it is done", "at_risk": "is at risk",
          "missed": "was missed"}


def overall(supported: str, supporting: str) -> str:
    """The milestone's status from the two schools' own: "done" only when both say done."""
    if supported == supporting == "done":
        return "done"
    both = {supported, supporting}
    for status in _WORST_FIRST:
        if status in both:
            return status if status != "planned" or both == {"planned"} else "on_track"
    return "on_track"


def add(actor: User, partnership_id: int, title: str, due_on: date,
        success_criteria: str) -> Milestone:
    """Add a milestone to an active partnership: due within the agreement's dates, with what
    success looks like."""
    partnership = get(actor, partnership_id)
    require(actor, "track", partnership)
    if not success_criteria.strip():
        raise Invalid("Say how you will know the milestone is met", "success_criteria")
    terms = agreements.in_force(partnership)
    if terms is not None and not terms.starts_on <= due_on <= terms.ends_on:
        raise Invalid(f"The milestone would be due on {due_on:%-d %B %Y}, outside the "
                      f"agreement's dates ({terms.starts_on:%-d %B %Y} to "
                      f"{terms.ends_on:%-d %B %Y}): choose a date within them", "due_on")
    milestone = Milestone(partnership_id=partnership.id, title=title.strip(), due_on=due_on,
                          success_criteria=success_criteria.strip())
    db.session.add(milestone)
    tell(everyone(partnership), f"{names(partnership)}: milestone added: {milestone.title}",
         partnership, skip=actor)
    db.session.commit()
    return milestone


def get_milestone(actor: User, milestone_id: int):
    """A milestone and its partnership, for people who may see the partnership."""
    found = db.session.get(Milestone, milestone_id)
    if found is None:
        get(actor, -1)
    return found, get(actor, found.partnership_id)


def latest_notes(milestone: Milestone) -> dict[str, MilestoneNote | None]:
    """Each school's latest report on the milestone."""
    partnership = milestone.partnership
    out: dict[str, MilestoneNote | None] = dict.fromkeys(SIDES)
    for note in milestone.notes:
        for side in SIDES:
            if note.school_id == getattr(partnership, f"{side}_school_id"):
                out[side] = note
    return out


def report(actor: User, milestone_id: int, status: str, note: str,
           evidence: str = "") -> Milestone:
    """A school's leader reports their school's status on a milestone, with the evidence when
    they say it is done; the milestone is met when both schools say done."""
    found, partnership = get_milestone(actor, milestone_id)
    require(actor, "report", partnership)
    side = side_of(actor, partnership)
    if status == "done" and not evidence.strip():
        raise Invalid("Give the evidence that the milestone is done", "evidence")
    # Read both schools' statuses afresh, holding the row, so that two schools reporting at
    # the same moment still derive the right overall status (PostgreSQL; SQLite writes one
    # at a time anyway).
    found = db.session.get(Milestone, found.id, with_for_update=True, populate_existing=True)
    before = found.status
    setattr(found, f"{side}_status", status)
    found.status = overall(found.supported_status, found.supporting_status)
    db.session.add(MilestoneNote(milestone_id=found.id, author_id=actor.id,
                                 school_id=actor.school_id, status=status, body=note.strip(),
                                 evidence=evidence.strip()))
    met = " (met: both schools say done)" if found.status == "done" else ""
    tell(everyone(partnership), f"{names(partnership)}: {actor.school.name} reports milestone "
                                f"{found.title!r} {status.replace('_', ' ')}{met}",
         partnership, skip=actor, body=note.strip())
    if found.status in ("done", "at_risk", "missed") and before != found.status:
        # Those who follow the partnership hear when a milestone is met or slips, not of
        # every note (the notes stay on the partnership page).
        tell(overseers_of(partnership), f"{names(partnership)}: milestone {found.title!r} "
                                        f"{_HEARD[found.status]}", partnership)
    audit.record(actor, "milestone reported", f"milestone:{found.id}", f"{side}: {status}")
    db.session.commit()
    return found
