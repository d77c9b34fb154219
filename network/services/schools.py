"""Schools on the platform as their cluster sees them."""

from sqlalchemy import func, select

from models import School, User
from network.access import cluster_scoped, get_visible_or_404
from network.extensions import db


def school_for(actor: User, school_id: int) -> School:
    """A school in the actor's cluster, or 404."""
    return get_visible_or_404(actor, School, school_id)


def count_in_cluster(actor: User) -> int:
    """How many schools the actor's cluster has (counted by the database, none loaded)."""
    return db.session.scalar(select(func.count()).select_from(
        cluster_scoped(actor, School).subquery())) or 0


def people(actor: User, school: School) -> list[User]:
    """The people of a school the actor can see."""
    get_visible_or_404(actor, School, school.id)
    return list(db.session.scalars(select(User).where(User.school_id == school.id)
                                   .order_by(User.name)))


def colleagues(actor: User, school_id: int) -> list[User]:
    """The people of a school in the actor's cluster (404 otherwise)."""
    return people(actor, school_for(actor, school_id))


def database_reachable() -> bool:
    """Whether this process can reach its database."""
    try:
        db.session.execute(select(1))
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False
    return True


def by_urn(urn: str) -> School | None:
    """The school on the platform with this URN (the caller checks who may see it)."""
    return db.session.scalar(select(School).where(School.urn == urn))
