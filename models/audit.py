"""An append-only record of what people did that matters for trust."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow


class AuditEvent(Base):
    """Who did what, to what, when and from where; rows are only ever added."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    remote_addr: Mapped[str] = mapped_column(String(64), default="")


class AppendOnlyError(Exception):
    """Raised when something tries to change or remove an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnlyError(f"Audit event {target.id} cannot be changed or deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state) -> None:
    """Refuse UPDATE and DELETE statements run through a session against the audit log."""
    if (state.is_update or state.is_delete) and any(
            m.class_ is AuditEvent for m in state.all_mappers):
        raise AppendOnlyError("The audit log is append-only.")
