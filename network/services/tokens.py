"""API tokens a person controls: named, scoped, expiring, listed and revoked."""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import ApiToken, User
from models.users import TOKEN_DAYS, TOKEN_MAX_DAYS, TOKEN_SCOPES
from network import audit
from network.access import require, require_site_admin
from network.extensions import db
from network.services.accounts import find_by_email, hash_token
from network.services.errors import Invalid, NotFound

# last_used_at is written at most this often per token, so API reads rarely write.
_TOUCH_EVERY = timedelta(minutes=5)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive datetimes
        return moment.replace(tzinfo=UTC)
    return moment


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether the token still answers: not revoked and not expired."""
    now = now or datetime.now(UTC)
    expires = _aware(token.expires_at)
    return token.revoked_at is None and (expires is None or expires > now)


def create(actor: User | None, name: str = "", days: int = TOKEN_DAYS, scope: str = "read",
           owner: User | None = None) -> tuple[ApiToken, str]:
    """Issue a token for the actor (or, from the command line with no actor, for `owner`);
    the secret is returned once and only its hash is kept."""
    owner = owner or actor
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise Invalid("Enter a name for the token, such as the program that will use it.",
                      "name")
    if len(name) > 80:
        raise Invalid("The name must be 80 characters or fewer.", "name")
    if not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        raise Invalid(f"A token lasts from 1 to {TOKEN_MAX_DAYS} days.", "days")
    if scope not in TOKEN_SCOPES:
        raise Invalid("Choose read only, or read and write.", "scope")
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=owner.id, token_hash=hash_token(secret), name=name, scope=scope,
                     expires_at=datetime.now(UTC) + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api token created", f"api_token:{token.id}",
                 f"user:{owner.id}, {scope}, {days} days, {name}")
    db.session.commit()
    return token, secret


def mine(actor: User) -> list[ApiToken]:
    """The actor's own tokens, live ones first, newest first."""
    return _sorted(db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id)))


def _sorted(rows, token=lambda row: row) -> list:
    """Live tokens first, newest first (`token` finds the token in each row)."""
    now = datetime.now(UTC)
    return sorted(rows, key=lambda row: (not is_live(token(row), now), -token(row).id))


def revoke(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (a site admin may revoke anyone's)."""
    token = db.session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None:
        raise NotFound
    require(actor, "revoke", token)
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        audit.record(actor, "api token revoked", f"api_token:{token.id}",
                     f"user:{token.user_id}, {token.name}")
    db.session.commit()
    return token


def for_admin(actor: User, email: str = "") -> list[tuple[ApiToken, User]]:
    """Every token (or those of the person with `email`) with its owner, for a site admin."""
    require_site_admin(actor)
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    if email.strip():
        query = query.where(func.lower(User.email) == email.strip().lower())
    rows = db.session.execute(query.order_by(ApiToken.id.desc()).limit(500)).all()
    return _sorted([(t, u) for t, u in rows], token=lambda row: row[0])


def revoke_by_cli(token_id: int | None = None, email: str | None = None) -> list[ApiToken]:
    """Revoke one token by id, or every live token of the person with `email` (from the
    command line, so the audit row has no actor)."""
    if token_id is not None:
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound
        found = [token]
    else:
        person = find_by_email(email or "")
        if person is None:
            raise NotFound
        found = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == person.id)))
    revoked = [t for t in found if t.revoked_at is None]
    now = datetime.now(UTC)
    for token in revoked:
        token.revoked_at = now
        audit.record(None, "api token revoked", f"api_token:{token.id}",
                     f"user:{token.user_id}, {token.name} (command line)")
    db.session.commit()
    return revoked


def authenticate(secret: str, method: str) -> tuple[User | None, str]:
    """The active owner of a live bearer token and "" - or None and why not: "invalid" (no
    such live token) or "scope" (a read-only token asked to change something)."""
    if not secret:
        return None, "invalid"
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    now = datetime.now(UTC)
    if token is None or not is_live(token, now) or not token.user.is_active:
        return None, "invalid"
    if method not in ("GET", "HEAD", "OPTIONS") and token.scope != "write":
        return None, "scope"
    used = _aware(token.last_used_at)
    if used is None or now - used > _TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token.user, ""
