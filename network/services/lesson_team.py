"""Who can be named in a lesson study's team: the school's own people, partner teachers at
the cluster's other schools, and leading teachers who may coach (in the cluster, or at a
school in an active partnership with the school). A lesson study stores only their ids;
this module answers who they are for the school writing it, and how published pages call
them (by role, never by name or school)."""

from dataclasses import dataclass

from sqlalchemy import or_, select

from models import Partnership, School, User
from network.access import get_visible_or_404
from network.extensions import db


@dataclass(frozen=True)
class Choices:
    """The people a lesson-study team may name, each as (id, what the form shows)."""

    members: list[tuple[int, str]]
    partners: list[tuple[int, str, str]]  # (id, name, school)
    coaches: list[tuple[int, str]]
    coach_school: dict[int, int]  # a coach's id: their school's id


def _partner_schools(school: School) -> set[int]:
    rows = db.session.execute(select(Partnership.supported_school_id,
                                     Partnership.supporting_school_id).where(
        Partnership.status == "active",
        or_(Partnership.supported_school_id == school.id,
            Partnership.supporting_school_id == school.id)))
    return {s for row in rows for s in row} - {school.id}


def choices(actor: User, school_id: int) -> Choices:
    """The people the actor may put in a lesson study of `school_id` (a school of the actor's
    cluster, or 404)."""
    school = get_visible_or_404(actor, School, school_id)
    cluster = set(db.session.scalars(select(School.id).where(
        School.cluster_id == school.cluster_id)))
    rows = db.session.execute(
        select(User.id, User.name, User.school_role, School.id, School.name)
        .join(School, User.school_id == School.id)
        .where(School.id.in_(cluster | _partner_schools(school)),
               User.is_active.is_(True))
        .order_by(School.name, User.name)).all()
    members, partners, coaches, coach_school = [], [], [], {}
    for user_id, name, role, other_id, other_name in rows:
        if other_id == school.id:
            members.append((user_id, name))
        elif other_id in cluster:
            partners.append((user_id, name, other_name))
        if role == "leading_teacher":
            coaches.append((user_id, name if other_id == school.id
                            else f"{name}, {other_name}"))
            coach_school[user_id] = other_id
    members.sort(key=lambda pair: pair[1].casefold())
    return Choices(members, partners, coaches, coach_school)
