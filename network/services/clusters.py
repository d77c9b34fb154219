"""Clusters: registering one, invitations, join requests and the schools in it."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from models import Cluster, Invitation, JoinRequest, RegisterSchool, School, User
from network import audit
from network.access import (
    can,
    cluster_scoped,
    follows_any,
    get_visible_or_404,
    refuse,
    require,
)
from network.extensions import db
from network.ops import mail
from network.services import action_mail, inbox
from network.services.accounts import hash_token, normalise_email
from network.services.errors import Invalid, NotFound


def claimable_school(urn: str, field: str = "urn") -> RegisterSchool:
    """The register entry for `urn` if it exists, is open and no cluster has claimed it."""
    urn = (urn or "").strip()
    if not (urn.isdigit() and len(urn) == 6):
        raise Invalid("Enter a URN of exactly 6 digits, like 100000.", field)
    entry = db.session.get(RegisterSchool, urn)
    if entry is None:
        raise Invalid(f"There is no school with URN {urn} in the register.", field)
    if not entry.is_open:
        raise Invalid(f"{entry.name} is closed in the register, so it cannot join.", field)
    if db.session.scalar(select(School.id).where(School.urn == urn)):
        raise Invalid(f"{entry.name} has already been claimed by a cluster. "
                           "Ask its headteacher for an invitation instead.", field)
    return entry


def require_one_head(school_id: int | None, role: str | None, person: User | None = None,
                     field: str | None = None) -> None:
    """THE rule every way into a school follows (invitations, joins, role changes): a school
    has one headteacher, so making someone else its head is refused while it has one. The
    database's partial unique index (uq_users_one_head) backs this up against races."""
    if role != "headteacher" or school_id is None:
        return
    head = db.session.scalar(select(User).where(User.school_id == school_id,
                                                User.school_role == "headteacher"))
    if head is not None and (person is None or head.id != person.id):
        raise Invalid("This school already has a headteacher. Change their role first, "
                      "or choose another role.", field)


def _require_no_school(actor: User) -> None:
    if actor.school_id is not None:
        raise Invalid("You already belong to a school on the platform.")


def _add_school(cluster: Cluster, entry: RegisterSchool) -> School:
    school = School(urn=entry.urn, name=entry.name, cluster=cluster)
    db.session.add(school)
    db.session.flush()
    return school


def register_cluster(actor: User, name: str, description: str, region: str, urn: str) -> Cluster:
    """Create a cluster with the actor's school in it; they coordinate it and head the school."""
    _require_no_school(actor)
    entry = claimable_school(urn)
    taken = select(Cluster.id).where(func.lower(Cluster.name) == name.strip().lower())
    if db.session.scalar(taken):
        raise Invalid("A cluster with this name already exists. Choose another name.", "name")
    cluster = Cluster(name=name.strip(), description=description.strip(), region=region)
    db.session.add(cluster)
    school = _add_school(cluster, entry)
    actor.school_id, actor.school_role, actor.is_coordinator = school.id, "headteacher", True
    audit.record(actor, "cluster registered", f"cluster:{cluster.name}", f"school {entry.urn}")
    db.session.commit()
    return cluster


def directory() -> list[tuple[Cluster, int]]:
    """Every cluster with its number of schools, for people looking for one to join."""
    rows = db.session.execute(
        select(Cluster, func.count(School.id)).outerjoin(School).group_by(Cluster.id)
        .order_by(Cluster.name)).all()
    return [(cluster, count) for cluster, count in rows]


def joinable_cluster(actor: User, cluster_id: int) -> Cluster:
    """A cluster the actor may ask to join: only people without a school see this page (and
    not those who follow a partnership read-only: they see nothing of any cluster)."""
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        raise NotFound
    if actor.school_id is not None or follows_any(actor):
        refuse(actor, "join", cluster, hidden=True)
    return cluster


def request_to_join(actor: User, cluster_id: int, urn: str, message: str) -> JoinRequest:
    """Ask a cluster's coordinators to admit the actor's school; they hear in their inbox."""
    cluster = joinable_cluster(actor, cluster_id)
    entry = claimable_school(urn)
    pending = db.session.scalar(select(JoinRequest.id).where(
        JoinRequest.urn == entry.urn, JoinRequest.cluster_id == cluster.id,
        JoinRequest.status == "pending"))
    if pending:
        raise Invalid(f"A request for {entry.name} to join this cluster is already "
                           "waiting for a decision.", "urn")
    join = JoinRequest(cluster=cluster, urn=entry.urn, requester_id=actor.id,
                       message=message.strip())
    db.session.add(join)
    db.session.flush()
    for coordinator in coordinators(cluster):
        action_mail.ask(coordinator, f"{entry.name} asks to join {cluster.name}",
                        f"{actor.name} asked for their school to join.",
                        "clusters.join_request", cluster_id=cluster.id, request_id=join.id)
    db.session.commit()
    return join


def coordinators(cluster: Cluster) -> list[User]:
    """The people who coordinate `cluster`."""
    return list(db.session.scalars(
        select(User).join(School, User.school_id == School.id)
        .where(School.cluster_id == cluster.id, User.is_coordinator.is_(True))))


def my_join_requests(actor: User) -> list[JoinRequest]:
    """The requests the actor has made, newest first, so they can see each outcome."""
    return list(db.session.scalars(select(JoinRequest).where(JoinRequest.requester_id == actor.id)
                                   .order_by(JoinRequest.created_at.desc())))


def join_requests(actor: User, cluster_id: int) -> list[JoinRequest]:
    """The cluster's join requests, pending first, for its coordinators."""
    cluster = get_visible_or_404(actor, Cluster, cluster_id)
    require(actor, "manage", cluster)
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.cluster_id == cluster.id)
        .order_by((JoinRequest.status == "pending").desc(), JoinRequest.created_at.desc())))


def get_join_request(actor: User, cluster_id: int, request_id: int) -> JoinRequest:
    """One join request of the cluster, for its coordinators and the person who made it."""
    join = get_visible_or_404(actor, JoinRequest, request_id)
    if join.cluster_id != cluster_id:
        raise NotFound
    return join


def decide_join_request(actor: User, cluster_id: int, request_id: int, approve: bool,
                        reason: str = "") -> JoinRequest:
    """Approve (the school joins, its requester becomes headteacher) or decline a request."""
    join = get_join_request(actor, cluster_id, request_id)
    require(actor, "decide", join)
    requester = join.requester
    if approve:  # check everything before changing anything
        if requester.school_id is not None:
            raise Invalid("The person who asked has since joined another school.")
        entry = claimable_school(join.urn, field="decision")
    join.status = "approved" if approve else "declined"
    join.decided_by_id, join.decided_at, join.reason = actor.id, datetime.now(UTC), reason.strip()
    if approve:
        school = _add_school(join.cluster, entry)
        require_one_head(school.id, "headteacher", requester, "decision")
        requester.school_id, requester.school_role = school.id, "headteacher"
    outcome = "approved" if approve else "declined"
    inbox.notify(requester, f"Your request to join {join.cluster.name} was {outcome}",
                 reason.strip() or ("Welcome to the cluster." if approve else ""),
                 "main.home")
    audit.record(actor, f"join request {outcome}", f"join_request:{join.id}", join.urn)
    db.session.commit()
    return join


def cluster_for(actor: User, cluster_id: int) -> Cluster:
    """The actor's own cluster, or 404."""
    return get_visible_or_404(actor, Cluster, cluster_id)


def schools_of(actor: User) -> list[School]:
    """The schools in the actor's cluster."""
    return list(db.session.scalars(cluster_scoped(actor, School).order_by(School.name)))


def create_invitation(actor: User, cluster_id: int, school_id: int | None, role: str,
                      note: str = "", email: str = "",
                      link_for: Callable[[str], str] | None = None) -> tuple[Invitation, str]:
    """Make a single-use link: for a new school to join, or a person to join a school; with
    an `email`, send it there (`link_for` makes the link's address from its token)."""
    cluster = get_visible_or_404(actor, Cluster, cluster_id)
    if school_id is None:
        require(actor, "manage", cluster)
        role = "headteacher"
    else:
        school = get_visible_or_404(actor, School, school_id)
        if school.cluster_id != cluster.id:
            raise NotFound
        require(actor, "invite", school)
        require_one_head(school.id, role, field="role")
    seed = secrets.token_urlsafe(16)
    token = _link_token(seed)
    days = current_app.config["INVITATION_DAYS"]
    email = normalise_email(email or "")
    invitation = Invitation(cluster=cluster, school_id=school_id, role=role, note=note.strip(),
                            token_hash=hash_token(token), created_by_id=actor.id, email=email,
                            link_seed=seed,
                            expires_at=datetime.now(UTC) + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "invitation created", f"cluster:{cluster.id}",
                 f"role {role}" + (", emailed" if email else ""))
    if email and link_for is not None:
        _email_invitation(actor, invitation, link_for(token))
    db.session.commit()
    return invitation, token


def _email_invitation(actor: User, invitation: Invitation, link: str) -> None:
    """Send the invitation link to the address it was made for."""
    joining = (f"join {invitation.school.name} as {invitation.role.replace('_', ' ')}"
               if invitation.school is not None
               else f"bring your school into {invitation.cluster.name}")
    mail.send(invitation.email, f"{actor.name} invites you to the Improvement Network",
              f"Hello,\n\n{actor.name} invites you to {joining} on the Improvement Network, "
              f"where clusters of schools help each other improve.\n\nTo accept, follow this "
              f"link before {invitation.expires_at:%d %B %Y}. It works once:\n\n{link}\n\n"
              "If you did not expect this invitation, you can ignore this email.")


def is_open(invitation: Invitation) -> bool:
    """Whether the invitation can still be accepted: not used, withdrawn or expired."""
    return not (invitation.used_at or invitation.revoked_at
                or _expired(invitation.expires_at))


def _link_token(seed: str) -> str:
    """The token of an invitation's link: derived from its seed with the SECRET_KEY, so the
    database alone (which keeps only the token's hash and the seed) cannot open it."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, b"invitation-link:" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def link_again(actor: User, cluster_id: int, invitation_id: int) -> tuple[Invitation, str, bool]:
    """An open invitation's link, for a coordinator to see again: (invitation, token, renewed).
    The same link as before when it can be derived again; otherwise (an older invitation, or
    the SECRET_KEY changed) a new one, and the old link stops working."""
    invitation = get_visible_or_404(actor, Invitation, invitation_id)
    if invitation.cluster_id != cluster_id:
        raise NotFound
    require(actor, "revoke", invitation)
    if not is_open(invitation):
        raise Invalid("This invitation has been used, withdrawn or has expired: create a new "
                      "one instead.", "school_id")
    token = _link_token(invitation.link_seed) if invitation.link_seed else ""
    renewed = not token or hash_token(token) != invitation.token_hash
    if renewed:
        invitation.link_seed = secrets.token_urlsafe(16)
        token = _link_token(invitation.link_seed)
        invitation.token_hash = hash_token(token)
    audit.record(actor, "invitation link made again" if renewed else "invitation link shown",
                 f"invitation:{invitation.id}")
    db.session.commit()
    return invitation, token, renewed


def invitations(actor: User, cluster_id: int) -> list[Invitation]:
    """The invitations the actor may see in their cluster, newest first."""
    cluster = get_visible_or_404(actor, Cluster, cluster_id)
    rows = db.session.scalars(select(Invitation).where(Invitation.cluster_id == cluster.id)
                              .order_by(Invitation.created_at.desc()))
    return [i for i in rows if can(actor, "view", i)]


def revoke_invitation(actor: User, cluster_id: int, invitation_id: int) -> Invitation:
    """Stop an unused invitation link from working."""
    invitation = get_visible_or_404(actor, Invitation, invitation_id)
    if invitation.cluster_id != cluster_id:
        raise NotFound
    require(actor, "revoke", invitation)
    invitation.revoked_at = invitation.revoked_at or datetime.now(UTC)
    db.session.commit()
    return invitation


def usable_invitation(actor: User, token: str) -> Invitation:
    """The invitation behind a link, for someone not yet in a school; otherwise 404."""
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_token(token or "")))
    if invitation is None:
        raise NotFound
    if actor.school_id is not None or follows_any(actor):
        refuse(actor, "accept", invitation, hidden=True)
    if invitation.used_at or invitation.revoked_at or _expired(invitation.expires_at):
        raise Invalid("This invitation has expired, been used or been withdrawn. "
                           "Ask the person who sent it for a new one.")
    return invitation


def _expired(moment: datetime) -> bool:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes
        moment = moment.replace(tzinfo=UTC)
    return moment < datetime.now(UTC)


def accept_invitation(actor: User, token: str, urn: str | None = None) -> School:
    """Join through an invitation: claim a school for the cluster, or join the named school."""
    invitation = usable_invitation(actor, token)
    if invitation.school_id is None:
        school = _add_school(invitation.cluster, claimable_school(urn or ""))
    else:
        school = invitation.school
    require_one_head(school.id, invitation.role, actor)
    actor.school_id, actor.school_role = school.id, invitation.role
    invitation.used_at = datetime.now(UTC)
    for coordinator in coordinators(invitation.cluster):
        inbox.notify(coordinator, f"{actor.name} joined {school.name}",
                     f"They accepted an invitation as {invitation.role.replace('_', ' ')}.")
    audit.record(actor, "invitation accepted", f"invitation:{invitation.id}", school.urn)
    db.session.commit()
    return school
