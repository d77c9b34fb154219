"""School profiles: priority group with history, barriers, partnering and visibility."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from models import (
    Barrier,
    GroupMembership,
    PriorityGroup,
    School,
    SchoolBarrier,
    SchoolProfile,
    User,
)
from network import audit
from network.access import can_see_profile, refuse, require
from network.extensions import db
from network.services.errors import Conflict, NotFound


def profile_of(school: School) -> SchoolProfile:
    """The school's profile, created empty the first time it is needed (not yet saved)."""
    profile = db.session.get(SchoolProfile, school.id)
    if profile is None:
        profile = SchoolProfile(school_id=school.id, visibility="cluster", version=0,
                                open_to_partnering=False, capacity=0, barrier_notes="")
    return profile


def load(actor: User, school_id: int) -> tuple[School, SchoolProfile, str]:
    """A school with its profile and how much of it the actor may see ("full" or "public")."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound
    profile = profile_of(school)
    level = can_see_profile(actor, school, profile)
    if level is None:
        refuse(actor, "view", school, hidden=True)
    return school, profile, level


def current_group(school_id: int) -> GroupMembership | None:
    """The school's current priority group membership."""
    return db.session.scalar(select(GroupMembership).where(
        GroupMembership.school_id == school_id, GroupMembership.ended_on.is_(None)))


def group_history(school_id: int) -> list[GroupMembership]:
    """Every priority group the school has been in, newest first."""
    return list(db.session.scalars(select(GroupMembership).where(
        GroupMembership.school_id == school_id).order_by(GroupMembership.started_on.desc(),
                                                         GroupMembership.id.desc())))


def barriers_of(school_id: int) -> list[SchoolBarrier]:
    """The barriers a school faces or has overcome, in taxonomy order."""
    return list(db.session.scalars(select(SchoolBarrier).join(Barrier).where(
        SchoolBarrier.school_id == school_id).order_by(Barrier.position)))


def groups() -> list[PriorityGroup]:
    """The six priority groups."""
    return list(db.session.scalars(select(PriorityGroup).order_by(PriorityGroup.id)))


def barrier_taxonomy() -> list[Barrier]:
    """The controlled list of barriers."""
    return list(db.session.scalars(select(Barrier).order_by(Barrier.position)))


def as_dict(profile: SchoolProfile, school_id: int) -> dict:
    """The editable values of a profile, as a form shows them."""
    group = current_group(school_id)
    barriers = barriers_of(school_id)
    return {
        "group_id": str(group.group_id) if group else "",
        "barriers": [b.barrier_slug for b in barriers if b.overcome_on is None],
        "overcome": [b.barrier_slug for b in barriers if b.overcome_on],
        "barrier_notes": profile.barrier_notes,
        "open_to_partnering": "yes" if profile.open_to_partnering else "no",
        "capacity": profile.capacity,
        "visibility": profile.visibility,
        "version": profile.version,
    }


def update(actor: User, school_id: int, data: dict, today: date | None = None) -> SchoolProfile:
    """Save the profile, refusing (Conflict) if someone saved since `data["version"]` was read."""
    school, profile, _ = load(actor, school_id)
    require(actor, "edit_profile", school)
    today = today or date.today()
    if int(data["version"]) != profile.version:
        raise Conflict(as_dict(profile, school.id), profile.version)
    _set_group(school.id, int(data["group_id"]), today)
    _set_barriers(school.id, set(data["barriers"]), set(data.get("overcome") or ()), today)
    profile.barrier_notes = data["barrier_notes"].strip()
    profile.open_to_partnering = data["open_to_partnering"] == "yes"
    profile.capacity = data["capacity"]
    profile.visibility = data["visibility"]
    profile.updated_at, profile.updated_by_id = datetime.now(UTC), actor.id
    db.session.add(profile)
    audit.record(actor, "profile saved", f"school:{school.id}")
    db.session.commit()
    return profile


def _set_group(school_id: int, group_id: int, today: date) -> None:
    current = current_group(school_id)
    if current and current.group_id == group_id:
        return
    if current:
        current.ended_on = today
    db.session.add(GroupMembership(school_id=school_id, group_id=group_id, started_on=today))


def _set_barriers(school_id: int, facing: set[str], overcome: set[str], today: date) -> None:
    """Facing barriers are open; ticked as overcome they are closed with today's date."""
    existing = {b.barrier_slug: b for b in barriers_of(school_id)}
    for slug in facing | overcome:
        record = existing.get(slug) or SchoolBarrier(school_id=school_id, barrier_slug=slug,
                                                     since=today)
        if slug in overcome:
            record.overcome_on = record.overcome_on or today
        else:
            record.overcome_on = None
        db.session.add(record)
    for slug, record in existing.items():
        if slug not in facing | overcome:
            db.session.delete(record)
