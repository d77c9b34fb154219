"""Accounts: sign-up, sign-in sessions, passwords, password resets and API tokens."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_login import AnonymousUserMixin
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, School, User, UserSession
from network import audit
from network.extensions import db
from network.ops import mail
from network.services.errors import Invalid

# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method="pbkdf2:sha256:1000")


class Anonymous(AnonymousUserMixin):
    """A visitor who has not signed in: no school, no cluster, no designations."""

    id = None
    school_id = None
    school = None
    school_role = None
    cluster_id = None
    is_coordinator = False
    is_lle = False
    is_site_admin = False
    role = None


def hash_token(token: str) -> str:
    """The stored form of a random token."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """A slow, salted hash of a password."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """The account with this email, if there is one."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def sign_up(name: str, email: str, password: str, **attributes) -> User:
    """Create an account; refuses an email that is already registered."""
    if find_by_email(email):
        raise Invalid("An account with this email address already exists. "
                           "Sign in, or reset your password.", field="email")
    user = User(name=name.strip(), email=normalise_email(email),
                password_hash=hash_password(password), **attributes)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account these credentials belong to, or None (with the same effort)."""
    user = find_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        audit.record(user, "sign-in failed", f"user:{user.id}")
        db.session.commit()
        return None
    return user


def open_session(user: User) -> User:
    """Start a new signed-in browser session for `user` and return them ready to log in."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=key, user_id=user.id))
    audit.record(user, "signed in", f"user:{user.id}")
    db.session.commit()
    user.session_key = key
    return user


def close_session(user: User) -> None:
    """End the browser session `user` was loaded for; its cookie is worthless afterwards."""
    if user.session_key:
        db.session.execute(delete(UserSession).where(UserSession.id == user.session_key))
    audit.record(user, "signed out", f"user:{user.id}")
    db.session.commit()


def load_session_user(key: str) -> User | None:
    """The active user a session cookie belongs to, or None if that session has ended
    (read with their school in one query: nearly every page needs both)."""
    record = db.session.get(UserSession, key,
                            options=[joinedload(UserSession.user).joinedload(User.school)
                                     .lazyload(School.register_entry)])
    if record is None or not record.user.is_active:
        return None
    started = record.created_at if record.created_at.tzinfo else \
        record.created_at.replace(tzinfo=UTC)
    if datetime.now(UTC) - started > timedelta(hours=current_app.config["SESSION_HOURS"]):
        return None  # expired: sign in again
    record.user.session_key = key
    return record.user


def change_password(actor: User, current: str, new: str) -> User:
    """Change the actor's password and end every other session they have open."""
    if not check_password_hash(actor.password_hash, current):
        raise Invalid("Your current password is not correct.", field="current_password")
    _set_password(actor, new)
    audit.record(actor, "password changed", f"user:{actor.id}")
    db.session.commit()
    return open_session(actor)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def send_password_reset(email: str, link_for: Callable[[str], str]) -> None:
    """Email a reset link (`link_for(token)`, an absolute address) if the account exists;
    say nothing either way."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    token = _reset_serializer().dumps({"u": user.id, "p": user.password_hash[-12:]})
    link = link_for(token)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    mail.send(user.email, "Reset your Improvement Network password",
              f"Hello {user.name},\n\nUse this link within {minutes} minutes to choose a new "
              f"password:\n\n{link}\n\nIf you did not ask for this, ignore this email.")
    db.session.commit()


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link was made for, if it is genuine, unexpired and unused."""
    try:
        max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
        data = _reset_serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-12:] != data.get("p") or not user.is_active:
        return None
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = user_for_reset_token(token)
    if user is None:
        raise Invalid("This reset link has expired or has already been used. "
                           "Ask for a new one.")
    _set_password(user, new)
    audit.record(user, "password reset", f"user:{user.id}")
    db.session.commit()
    return user


def create_api_token(user: User) -> str:
    """Issue a bearer token for the JSON API; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    audit.record(None, "api token created", f"user:{user.id}")
    db.session.commit()
    return token


def user_for_api_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                      ApiToken.revoked_at.is_(None)))
    if record is None or not record.user.is_active:
        return None
    return record.user
