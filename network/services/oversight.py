"""Oversight: a headteacher of either school lets a local authority adviser, a trust's school
improvement lead or a governor follow a partnership, read-only, and may revoke it.

Someone with an account is given access at once and told in their inbox; anyone else is
emailed a signed link to create an account (no school, no cluster) that then has the access.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from models import OVERSIGHT_ROLES, OversightGrant, Partnership, User
from network import audit
from network.access import can, get_visible_or_404, require
from network.extensions import db
from network.ops import mail
from network.services import accounts, inbox
from network.services.errors import Invalid, NotFound

INVITATION_DAYS = 14


def overseers(actor: User, partnership_id: int) -> tuple[Partnership, list[OversightGrant]]:
    """The partnership and everyone given oversight of it, live grants first."""
    partnership = get_visible_or_404(actor, Partnership, partnership_id)
    require(actor, "see_overseers", partnership)
    grants = db.session.scalars(select(OversightGrant).where(
        OversightGrant.partnership_id == partnership.id).order_by(OversightGrant.id)).all()
    return partnership, sorted(grants, key=lambda g: g.revoked_at is not None)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="oversight-invite")


def grant(actor: User, partnership_id: int, email: str, role: str,
          link_for: Callable[[str], str]) -> OversightGrant:
    """Give the person with `email` read-only access to the partnership as `role`: at once if
    they have an account, else by an emailed invitation (`link_for(token)` is its address)."""
    partnership = get_visible_or_404(actor, Partnership, partnership_id)
    require(actor, "grant_oversight", partnership)
    email = accounts.normalise_email(email)
    if role not in OVERSIGHT_ROLES:
        raise Invalid("Choose the person's role", "role")
    if "@" not in email or len(email) > 254:
        raise Invalid("Enter an email address in the right format, like name@example.org",
                      "email")
    if email == accounts.normalise_email(actor.email):
        raise Invalid("You already see this partnership: give access to someone else", "email")
    taken = db.session.scalar(select(OversightGrant.id).where(
        OversightGrant.partnership_id == partnership.id, OversightGrant.email == email,
        OversightGrant.revoked_at.is_(None)))
    if taken is not None:
        raise Invalid("That person already has access to this partnership", "email")
    person = accounts.find_by_email(email)
    if person is not None and not person.is_active:
        raise Invalid("The account with that email address is closed", "email")
    given = OversightGrant(partnership_id=partnership.id, email=email, role=role,
                           school_id=actor.school_id, granted_by_id=actor.id)
    db.session.add(given)
    db.session.flush()
    title = f"{partnership.supporting.name} supporting {partnership.supported.name}"
    if person is not None:
        given.user_id, given.accepted_at = person.id, datetime.now(UTC)
        inbox.notify(person, f"You can now follow a partnership: {title}"[:200],
                     f"{actor.name} gave you read-only access as {given.role_label}.",
                     "brokering.partnership", partnership_id=partnership.id)
    else:
        token = _serializer().dumps({"g": given.id, "e": email})
        mail.send(email, "You are invited to follow a school partnership",
                  f"Hello,\n\n{actor.name}, headteacher of {actor.school.name}, invites you to "
                  f"follow the partnership {title} on the Improvement Network, as "
                  f"{given.role_label}. You will be able to read the partnership and its "
                  f"termly reports.\n\nCreate your account within {INVITATION_DAYS} days:"
                  f"\n\n{link_for(token)}\n\nIf you did not expect this, ignore this email.")
    audit.record(actor, "oversight granted", f"oversight_grant:{given.id}",
                 f"partnership:{partnership.id} {role} {'account' if person else 'invited'}")
    db.session.commit()
    return given


def grant_for_token(token: str) -> OversightGrant | None:
    """The invitation a link was made for, if genuine, unexpired, unrevoked and unused."""
    try:
        data = _serializer().loads(token, max_age=INVITATION_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("g"), int):
        return None
    found = db.session.get(OversightGrant, data["g"])
    if found is None or found.email != data.get("e") or found.revoked_at is not None \
            or found.user_id is not None:
        return None
    return found


def accept(token: str, name: str, password: str) -> tuple[User, bool]:
    """Create the invited person's account (no school, no cluster) and give it the access;
    (the account, whether it is new). If an account with the email was made since the
    invitation, the access goes to it and no new one is made."""
    found = grant_for_token(token)
    if found is None:
        raise Invalid("This invitation has expired, was withdrawn or has already been used.")
    person = accounts.find_by_email(found.email)
    new = person is None
    if new:
        if not name.strip():
            raise Invalid("Enter your name", "name")
        person = User(name=name.strip(), email=found.email,
                      password_hash=accounts.hash_password(password),
                      email_verified_at=datetime.now(UTC))  # the link proves the address
        db.session.add(person)
        db.session.flush()
        audit.record(person, "account created from an oversight invitation", f"user:{person.id}")
    elif not person.is_active:
        raise Invalid("The account with this email address is closed.")
    for pending in db.session.scalars(select(OversightGrant).where(
            OversightGrant.email == found.email, OversightGrant.user_id.is_(None),
            OversightGrant.revoked_at.is_(None))):
        pending.user_id, pending.accepted_at = person.id, datetime.now(UTC)
        audit.record(person, "oversight accepted", f"oversight_grant:{pending.id}")
    db.session.commit()
    return person, new


def get_grant(actor: User, grant_id: int) -> OversightGrant:
    """A grant for a headteacher of either school of its partnership, else 404."""
    found = db.session.get(OversightGrant, grant_id)
    if found is None:
        raise NotFound
    get_visible_or_404(actor, Partnership, found.partnership_id)
    return get_visible_or_404(actor, OversightGrant, grant_id)


def revoke(actor: User, grant_id: int) -> OversightGrant:
    """End someone's access (or withdraw their invitation) at once."""
    found = get_grant(actor, grant_id)
    require(actor, "revoke", found)
    found.revoked_at, found.revoked_by_id = datetime.now(UTC), actor.id
    if found.user_id is not None:
        inbox.notify(found.user_id, "Your access to the partnership "
                                    f"{found.partnership.supporting.name} supporting "
                                    f"{found.partnership.supported.name} has ended",
                     f"{actor.name} ended your read-only access.")
    audit.record(actor, "oversight revoked", f"oversight_grant:{found.id}",
                 f"partnership:{found.partnership_id}")
    db.session.commit()
    return found


def following(actor: User) -> list[tuple[OversightGrant, Partnership]]:
    """The partnerships the actor follows as an overseer, newest grant first."""
    grants = db.session.scalars(select(OversightGrant).where(
        OversightGrant.user_id == (actor.id or -1), OversightGrant.revoked_at.is_(None))
        .order_by(OversightGrant.id.desc())).all()
    return [(g, g.partnership) for g in grants if can(actor, "view", g.partnership)]
