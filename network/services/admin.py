"""What site admins read: the development outbox and the audit log."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

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


@dataclass(frozen=True)
class AuditFilter:
    """What a site admin narrows the audit log to; empty means everything."""

    action: str = ""
    email: str = ""
    since: date | None = None
    until: date | None = None


def audit_events(actor: User, page: int, only: AuditFilter = AuditFilter()
                 ) -> tuple[list[tuple[AuditEvent, str | None]], bool]:
    """One page of audit events matching `only`, newest first, each with the actor's email;
    and whether there is a further page."""
    require_site_admin(actor)
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
    if only.action:
        query = query.where(AuditEvent.action == only.action)
    if only.email:
        query = query.where(func.lower(User.email) == only.email.strip().lower())
    if only.since:
        query = query.where(AuditEvent.at >= datetime.combine(only.since, time.min, UTC))
    if only.until:
        query = query.where(AuditEvent.at < datetime.combine(only.until + timedelta(days=1),
                                                             time.min, UTC))
    rows = db.session.execute(query.order_by(AuditEvent.id.desc()).limit(PER_PAGE + 1)
                              .offset((page - 1) * PER_PAGE)).all()
    return [(event, email) for event, email in rows[:PER_PAGE]], len(rows) > PER_PAGE


def audit_actions(actor: User) -> list[str]:
    """Every kind of event the log holds, to choose from."""
    require_site_admin(actor)
    return sorted(db.session.scalars(select(AuditEvent.action).distinct()))
