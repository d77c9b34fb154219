"""People in a cluster: their roles and leaving; designations given by site admins."""

from sqlalchemy import func, or_, select

from models import School, User
from network import audit
from network.access import members_of_cluster, refuse, require, require_site_admin
from network.extensions import db
from network.services import inbox
from network.services.clusters import cluster_for, require_one_head
from network.services.errors import Invalid, NotFound
from network.services.standing import end_access


def members(actor: User, cluster_id: int) -> list[User]:
    """Everyone in the actor's cluster, by name."""
    cluster_for(actor, cluster_id)
    return list(db.session.scalars(members_of_cluster(actor)))


def member(actor: User, cluster_id: int, user_id: int) -> User:
    """One person in the actor's cluster, for a coordinator to manage."""
    cluster = cluster_for(actor, cluster_id)
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound
    if person.cluster_id != cluster.id:
        refuse(actor, "manage", person, hidden=True)
    require(actor, "manage", person)
    return person


def _last_coordinator(person: User) -> bool:
    count = db.session.scalar(select(func.count(User.id)).join(School, User.school_id == School.id)
                              .where(School.cluster_id == person.cluster_id,
                                     User.is_coordinator.is_(True)))
    return person.is_coordinator and count <= 1


def change_role(actor: User, cluster_id: int, user_id: int, school_role: str,
                coordinator: bool) -> User:
    """Set a member's school role and whether they coordinate the cluster."""
    person = member(actor, cluster_id, user_id)
    require_one_head(person.school_id, school_role, person, "school_role")
    before = f"{person.school_role}, coordinator={person.is_coordinator}"
    lost = person.is_coordinator and not coordinator
    person.school_role, person.is_coordinator = school_role, coordinator
    if lost:
        end_access(person, "coordinator designation withdrawn", actor)
    inbox.notify(person, f"Your role at {person.school.name} has changed",
                 f"You are now {school_role.replace('_', ' ')}"
                 + (" and a cluster coordinator." if coordinator else "."))
    audit.record(actor, "role changed", f"user:{person.id}",
                 f"{before} -> {school_role}, coordinator={coordinator}")
    db.session.commit()
    return person


def remove(actor: User, cluster_id: int, user_id: int) -> User:
    """Take a person out of their school and so out of the cluster."""
    person = member(actor, cluster_id, user_id)
    if _last_coordinator(person):
        raise Invalid("You cannot remove the cluster's only coordinator.")
    person.school_id, person.school_role, person.is_coordinator = None, None, False
    audit.record(actor, "member removed", f"user:{person.id}")
    end_access(person, "removed from their school", actor)
    db.session.commit()
    return person


def find_people(actor: User, text: str, limit: int = 50) -> list[User]:
    """Accounts whose name or email contains `text`, for a site admin."""
    require_site_admin(actor)
    text = text.replace("\x00", "")  # no name holds one, and PostgreSQL refuses it
    pattern = "%" + text.strip().lower().replace("%", "").replace("_", "") + "%"
    return list(db.session.scalars(
        select(User).where(or_(func.lower(User.email).like(pattern),
                               func.lower(User.name).like(pattern)))
        .order_by(User.name).limit(limit)))


def person_for_admin(actor: User, user_id: int) -> User:
    """Any account, for a site admin; 404 for everyone else."""
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound
    require_site_admin(actor, person)
    return person


def set_designations(actor: User, user_id: int, lle: bool, site_admin: bool) -> User:
    """Grant or withdraw the LLE and site-admin designations."""
    person = person_for_admin(actor, user_id)
    if person.id == actor.id and not site_admin:
        raise Invalid("You cannot withdraw your own site-admin designation.", "designations")
    lost = (person.is_lle and not lle) or (person.is_site_admin and not site_admin)
    person.is_lle, person.is_site_admin = lle, site_admin
    audit.record(actor, "designations changed", f"user:{person.id}",
                 f"lle={lle}, site_admin={site_admin}")
    if lost:
        end_access(person, "designation withdrawn", actor)
    db.session.commit()
    return person
