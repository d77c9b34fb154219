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

from models import School, User, UserSession
from network import audit
from network.extensions import db
from network.ops import mail
from network.services import two_factor
from network.services.errors import Invalid

# Checked against when the email is unknown, so a wrong email costs as long as a wrong
# password: one per hash method, made with the same algorithm and cost as real ones.
_STAND_INS: dict[str, str] = {}


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
    """Create a confirmed account straight away (site admins, the command line); refuses an
    email that is already registered."""
    if find_by_email(email):
        raise Invalid("An account with this email address already exists. "
                           "Sign in, or reset your password.", field="email")
    user = User(name=name.strip(), email=normalise_email(email),
                password_hash=hash_password(password), **attributes)
    db.session.add(user)
    db.session.commit()
    return user


def request_sign_up(name: str, email: str, password: str, confirm_link: Callable[[str], str],
                    sign_in_link: str, reset_link: str) -> None:
    """Email the link that finishes a new account, or, if the email already has one, a
    reminder with sign-in and reset links; the caller answers the same either way."""
    password_hash = hash_password(password)  # hashed either way: both answers take as long
    user = find_by_email(email)
    if user is not None and user.email_verified_at is not None:
        mail.send(user.email, "You already have an Improvement Network account",
                  f"Hello {user.name},\n\nSomeone (probably you) tried to create an account "
                  f"with this email address, but you already have one.\n\nSign in: "
                  f"{sign_in_link}\n\nForgotten your password? Choose a new one: {reset_link}"
                  f"\n\nIf this was not you, you can ignore this email.")
        db.session.commit()
        return
    if user is None:
        user = User(email=normalise_email(email))
        db.session.add(user)
    # Not yet confirmed: the latest sign-up's name and password count, and earlier links stop.
    user.name, user.password_hash = name.strip(), password_hash
    db.session.flush()
    user.email_verified_at = None  # after the INSERT, whose column default confirms
    db.session.flush()
    token = _confirm_serializer().dumps({"u": user.id, "p": user.password_hash[-12:]})
    days = current_app.config["EMAIL_VERIFY_MAX_AGE"] // 86400
    mail.send(user.email, "Confirm your email address: Improvement Network",
              f"Hello {user.name},\n\nTo finish creating your account, follow this link "
              f"within {days} days:\n\n{confirm_link(token)}\n\n"
              f"If you did not ask for an account, ignore this email.")
    db.session.commit()


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def user_for_confirm_token(token: str) -> User | None:
    """The account a confirmation link was made for, if genuine, unexpired and not yet used."""
    try:
        data = _confirm_serializer().loads(token,
                                           max_age=current_app.config["EMAIL_VERIFY_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email_verified_at is not None or not user.is_active or \
            user.password_hash[-12:] != data.get("p"):
        return None
    return user


def confirm_email(token: str) -> User:
    """Finish an account from its emailed link; the link then stops working."""
    user = user_for_confirm_token(token)
    if user is None:
        raise Invalid("This link has expired or has already been used. "
                      "Sign in, or sign up again for a new link.")
    user.email_verified_at = datetime.now(UTC)
    audit.record(user, "email confirmed", f"user:{user.id}")
    db.session.commit()
    return user


def _stand_in_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _STAND_INS:
        _STAND_INS[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _STAND_INS[method]


def authenticate(email: str, password: str) -> User | None:
    """The active account these credentials belong to, or None (with the same effort); an
    account whose email is not yet confirmed is refused with what to do."""
    user = find_by_email(email)
    stored = user.password_hash if user is not None else _stand_in_hash()
    usable = user is not None and user.is_active
    # End the read before the slow hash, so no lock is held (SQLite's write lock) meanwhile.
    db.session.commit()
    if not check_password_hash(stored, password) or not usable:
        if user is not None:
            audit.record(user, "sign-in failed", f"user:{user.id}")
            db.session.commit()
        return None
    if user.email_verified_at is None:
        raise Invalid("Confirm your email address first: follow the link in the email we "
                      "sent you. To get a new link, sign up again with the same address.")
    return user


def open_session(user: User) -> User:
    """Start a new signed-in browser session for `user` and return them ready to log in."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=key, user_id=user.id))
    two_factor.note_requirement(user)  # a role that needs two-factor: the grace starts now
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
    """Change the actor's password; every session and API token they have ends, and this
    browser is signed in afresh."""
    if not check_password_hash(actor.password_hash, current):
        raise Invalid("Your current password is not correct.", field="current_password")
    _set_password(actor, new, "password changed")
    audit.record(actor, "password changed", f"user:{actor.id}")
    db.session.commit()
    return open_session(actor)


def _set_password(user: User, password: str, reason: str) -> None:
    from network.services.standing import end_access

    user.password_hash = hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    end_access(user, reason)


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
    """Set a new password from a reset link; the link then stops working, and every session
    and API token of the account ends."""
    user = user_for_reset_token(token)
    if user is None:
        raise Invalid("This reset link has expired or has already been used. "
                           "Ask for a new one.")
    _set_password(user, new, "password reset")
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)  # the link proves it
    audit.record(user, "password reset", f"user:{user.id}")
    db.session.commit()
    return user
