"""What site admins read: the development outbox and the audit log."""

from sqlalchemy import select

from models import AuditEvent, OutboxMail, User
from network.access import require_site_admin
from network.extensions import db

PER_PAGE = 50


def check(actor: User) -> None:
    """Refuse (404) anyone who is not a site admin."""
    require_site_admin(actor)


def outbox(actor: User, page: int) -> list[OutboxMail]:
    """Recorded emails, newest first."""
    require_site_admin(actor)
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc())
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))


def audit_events(actor: User, page: int) -> list[AuditEvent]:
    """Audit events, newest first."""
    require_site_admin(actor)
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
