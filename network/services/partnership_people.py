"""Who a partnership involves and how they hear: the partnership as the actor may see it,
each side's headteachers, the broker, and inbox notices that name both schools. Shared by the
proposal, agreement, milestone and closing services, which otherwise import one another."""

from sqlalchemy import select

from models import OversightGrant, Partnership, User
from network.access import get_visible_or_404
from network.extensions import db
from network.services import inbox

SIDES = ("supported", "supporting")


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


def heads_of(partnership: Partnership) -> list[User]:
    """Both schools' active headteachers."""
    people = {p.id: p for school_id in (partnership.supported_school_id,
                                        partnership.supporting_school_id)
              for p in _heads(school_id)}
    return list(people.values())


def names(partnership: Partnership) -> str:
    """"Oakfield Primary and Riverside Primary": the two schools, for notices."""
    return f"{partnership.supported.name} and {partnership.supporting.name}"


def everyone(partnership: Partnership) -> list[User]:
    """The broker and both schools' headteachers."""
    people = {partnership.broker_id: partnership.broker}
    people.update({p.id: p for p in heads_of(partnership)})
    return list(people.values())


def overseers_of(partnership: Partnership) -> list[User]:
    """The advisers, trust leads and governors who follow the partnership: grants accepted
    and not revoked, people still active."""
    rows = db.session.scalars(select(User).join(
        OversightGrant, OversightGrant.user_id == User.id).where(
        OversightGrant.partnership_id == partnership.id, OversightGrant.revoked_at.is_(None),
        User.is_active.is_(True)).order_by(User.id))
    return list(dict.fromkeys(rows))


_everyone = everyone  # the name reminders (services/digests.py) use


def tell(people: list[User], subject: str, partnership: Partnership, skip: User | None = None,
         body: str = "") -> None:
    """A notice in each person's inbox (but `skip`'s) leading to the partnership."""
    for person in people:
        if skip is None or person.id != skip.id:
            inbox.notify(person, subject, body, "brokering.partnership",
                         partnership_id=partnership.id)


