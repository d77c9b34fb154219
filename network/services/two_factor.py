"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, RFC 6238) or a
single-use recovery code, asked for after the password.

Required for site admins, Local Leaders of Education, coordinators and headteachers once
their grace has passed: GRACE_DAYS from the first sign-in at which the requirement applied to
them (`User.two_factor_required_since`, stamped then, never cleared: losing and regaining a
role does not start a new grace). Optional for everyone else. A code is accepted once: the
last accepted time step is kept, and a code of that step or an earlier one is refused.
"""

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime, timedelta

import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash

from models import RecoveryCode, User
from network import audit
from network.access import refuse, require_site_admin
from network.extensions import db
from network.services.errors import Invalid, NotFound
from network.services.standing import end_access

GRACE_DAYS = 14
ISSUER = "Improvement Network"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed


def is_required(user: User) -> bool:
    """Whether the person's role needs two-factor sign-in: site admins, LLEs, coordinators
    and headteachers."""
    return bool(user.is_site_admin or user.is_lle or user.is_coordinator
                or user.school_role == "headteacher")


def is_on(user: User) -> bool:
    """Whether the person has two-factor sign-in turned on."""
    return user.two_factor_enabled_at is not None and bool(user.totp_secret)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive datetimes
        return moment.replace(tzinfo=UTC)
    return moment


def deadline(user: User, now: datetime | None = None) -> datetime | None:
    """When the person must have two-factor sign-in by (None: not required, or already on);
    before their first sign-in under the requirement, a full grace from now."""
    if not getattr(user, "is_authenticated", False) or not is_required(user) or is_on(user):
        return None
    start = _aware(user.two_factor_required_since) or now or datetime.now(UTC)
    return start + timedelta(days=GRACE_DAYS)


def days_left(user: User, now: datetime | None = None) -> int | None:
    """Whole days (rounded up) of grace left to set up two-factor sign-in; 0 when it is over;
    None when it is not required or already on."""
    now = now or datetime.now(UTC)
    until = deadline(user, now)
    if until is None:
        return None
    return max(0, -(-(until - now) // timedelta(days=1)))


def must_set_up_now(user: User, now: datetime | None = None) -> bool:
    """Whether the grace is over and the person may do nothing until they set it up."""
    now = now or datetime.now(UTC)
    until = deadline(user, now)
    return until is not None and user.two_factor_required_since is not None and now >= until


def note_requirement(user: User) -> None:
    """Start the person's grace the first time they sign in under the requirement (in the
    caller's transaction)."""
    if is_required(user) and user.two_factor_required_since is None:
        user.two_factor_required_since = datetime.now(UTC)


# --- Setting up ---------------------------------------------------------------------------

def new_secret() -> str:
    """A fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def valid_secret(secret: object) -> bool:
    """Whether `secret` is a secret new_secret could have made (a session may hold junk)."""
    return isinstance(secret, str) and len(secret) == 32 and \
        all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in secret)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG element, named for screen readers."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, light="#fff", svgclass="app-qr",
                                                lineclass=None, omitsize=False)
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your '
                                'authenticator app" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (now, or one either side for a slow clock or typist) whose code is
    `code`, or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _clean(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()[:40]


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def turn_on(actor: User, secret: str, code: str) -> list[str]:
    """Turn on two-factor sign-in with the secret the actor's app was given, once they show
    a code from it; returns their recovery codes (shown once, only hashes are kept)."""
    if is_on(actor):
        raise Invalid("Two-factor sign-in is already on.")
    if not valid_secret(secret):
        raise Invalid("Start setting up again.")
    step = _matching_step(secret, _clean(code))
    if step is None:
        raise Invalid("Enter the 6-digit code your authenticator app shows now", "code")
    actor.totp_secret, actor.totp_last_step = secret, step
    actor.two_factor_enabled_at = datetime.now(UTC)
    codes = _new_recovery_codes(actor)
    audit.record(actor, "two-factor turned on", f"user:{actor.id}")
    db.session.commit()
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the person has."""
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id)) or 0


def _check_password(actor: User, password: str) -> None:
    if not check_password_hash(actor.password_hash, password or ""):
        raise Invalid("Your password is not correct.", "password")


def renew_recovery_codes(actor: User, password: str) -> list[str]:
    """Replace the actor's recovery codes with new ones (the old stop working)."""
    if not is_on(actor):
        raise Invalid("Turn on two-factor sign-in first.")
    _check_password(actor, password)
    codes = _new_recovery_codes(actor)
    audit.record(actor, "recovery codes made", f"user:{actor.id}")
    db.session.commit()
    return codes


def turn_off(actor: User, password: str) -> None:
    """Turn off the actor's two-factor sign-in (only when their role does not need it)."""
    if is_required(actor):
        refuse(actor, "turn off two-factor sign-in", actor, hidden=False,
               message="Your role needs two-factor sign-in, so it cannot be turned off. If "
                       "you have lost your phone and your recovery codes, ask a site admin "
                       "to reset it.")
    if not is_on(actor):
        raise Invalid("Two-factor sign-in is already off.")
    _check_password(actor, password)
    _clear(actor)
    audit.record(actor, "two-factor turned off", f"user:{actor.id}")
    db.session.commit()


def _clear(user: User) -> None:
    user.totp_secret = user.two_factor_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset(actor: User, user_id: int) -> User:
    """A site admin turns off someone's two-factor sign-in (a lost phone), audited; their
    sessions and API tokens end with it. Someone whose role needs it sets it up again at
    their next sign-in."""
    person = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if person is None:
        require_site_admin(actor)
        raise NotFound
    require_site_admin(actor, person)
    was_on = is_on(person)
    _clear(person)
    audit.record(actor, "two-factor reset", f"user:{person.id}",
                 "was on" if was_on else "was off")
    end_access(person, "two-factor reset", actor)
    db.session.commit()
    return person


# --- Signing in ---------------------------------------------------------------------------

def pending_user(user_id: object) -> User | None:
    """The active person a half-finished sign-in is for, if they still have two-factor on."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or not is_on(user):
        return None
    return user


def check_code(user: User, code: str, now: float | None = None) -> bool:
    """Whether `code` finishes the person's sign-in: a code from their app not used before,
    or an unused recovery code (then used up). Both are claimed atomically, so two requests
    with the same code cannot both succeed."""
    cleaned = _clean(code)
    step = _matching_step(user.totp_secret or "", cleaned, now) if is_on(user) else None
    if step is not None:
        claimed = db.session.execute(
            update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                       User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False))
        db.session.expire(user, ["totp_last_step"])
        if claimed.rowcount == 1:
            db.session.commit()
            return True
        detail = "code already used"
    elif is_on(user) and len(cleaned) == 10:
        used = db.session.execute(delete(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(cleaned)))
        if used.rowcount:
            audit.record(user, "recovery code used", f"user:{user.id}")
            db.session.commit()
            return True
        detail = "wrong recovery code"
    else:
        detail = "wrong code"
    audit.record(user, "sign-in failed", f"user:{user.id}", f"two-factor: {detail}")
    db.session.commit()
    return False
