"""What a person's standing ends: when they lose the membership, designation or password their
access rests on, every API token and signed-in session of theirs ends with it."""

from datetime import UTC, datetime

from sqlalchemy import delete, select

from models import ApiToken, User, UserSession
from network import audit
from network.extensions import db


def end_access(user: User, reason: str, actor: User | None = None) -> int:
    """Revoke all of `user`'s API tokens and end all their sessions, noting `reason` in the
    audit log (in the caller's transaction); returns how many tokens were revoked."""
    now = datetime.now(UTC)
    tokens = list(db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
    for token in tokens:
        token.revoked_at = now
    ended = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    audit.record(actor if actor is not None else user, "access ended", f"user:{user.id}",
                 f"{reason}: {len(tokens)} token(s) revoked, {ended.rowcount or 0} "
                 "session(s) ended")
    return len(tokens)
