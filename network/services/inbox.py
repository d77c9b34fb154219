"""The in-app inbox: notices people see when they sign in."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from models import InboxMessage, User
from network.access import get_visible_or_404
from network.extensions import db


def notify(user: User | int, subject: str, body: str = "", endpoint: str | None = None,
           **args) -> None:
    """Put a notice in someone's inbox, leading to the page `endpoint` with `args` (made into
    a link when the notice is shown); committed with the caller's change."""
    user_id = user if isinstance(user, int) else user.id
    db.session.add(InboxMessage(user_id=user_id, subject=subject[:200], body=body, link="",
                                endpoint=endpoint, args=args if endpoint else None))


def messages_for(actor: User, page: int, per_page: int = 20) -> tuple[list[InboxMessage], int]:
    """The actor's notices, newest first, one page at a time, with the total count."""
    query = select(InboxMessage).where(InboxMessage.user_id == actor.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total or 0


def unread_count(actor: User) -> int:
    """How many of the actor's notices they have not opened."""
    return db.session.scalar(select(func.count(InboxMessage.id)).where(
        InboxMessage.user_id == actor.id, InboxMessage.read_at.is_(None))) or 0


def open_message(actor: User, message_id: int) -> InboxMessage:
    """Show one of the actor's notices and mark it read."""
    message = get_visible_or_404(actor, InboxMessage, message_id)
    if message.read_at is None:
        message.read_at = datetime.now(UTC)
        db.session.commit()
    return message
