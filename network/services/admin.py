"""What site admins read: what needs them, the development outbox and the audit log (with
names for the people, schools and records it refers to by id)."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models import (
    AuditEvent,
    Cluster,
    JoinRequest,
    OutboxMail,
    Partnership,
    Record,
    School,
    SupportRequest,
    User,
)
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


# --- Names in the audit log ----------------------------------------------------------------
# Events name what they touched by kind and id ("user:161", "school:2 with school:9"); a site
# admin reads people's, schools' and records' names instead, looked up a kind at a time.

REFERENCE = re.compile(r"\b(user|school|record|partnership|support_request|cluster):(\d+)\b")


def _lookup(kind: str, ids: set[int]) -> dict[int, str]:
    """What each id of one kind is called, in one or two queries."""
    if kind == "user":
        return {i: f"{name} (user {i})" for i, name in db.session.execute(
            select(User.id, User.name).where(User.id.in_(ids)))}
    if kind == "school":
        return dict(db.session.execute(select(School.id, School.name)
                                       .where(School.id.in_(ids))).all())
    if kind == "cluster":
        return dict(db.session.execute(select(Cluster.id, Cluster.name)
                                       .where(Cluster.id.in_(ids))).all())
    if kind == "record":
        return {i: f"“{title}” (record {i})" for i, title in db.session.execute(
            select(Record.id, Record.title).where(Record.id.in_(ids)))}
    if kind == "support_request":
        return {i: f"{name}'s request for support ({i})" for i, name in db.session.execute(
            select(SupportRequest.id, School.name).join(
                School, School.id == SupportRequest.school_id)
            .where(SupportRequest.id.in_(ids)))}
    supported, supporting = aliased(School), aliased(School)
    return {i: f"{a} and {b} (partnership {i})" for i, a, b in db.session.execute(
        select(Partnership.id, supported.name, supporting.name)
        .join(supported, supported.id == Partnership.supported_school_id)
        .join(supporting, supporting.id == Partnership.supporting_school_id)
        .where(Partnership.id.in_(ids)))}


def audit_names(actor: User, texts: list[str]) -> dict[str, str]:
    """Each reference ("user:161", "partnership:4"...) the texts hold, with what it names
    ("Lena Broker (user 161)"); a kind at a time, so a page costs a few queries. References
    to rows that are gone are left as they are."""
    require_site_admin(actor)
    wanted: dict[str, set[int]] = {}
    for text in texts:
        for kind, ident in REFERENCE.findall(text or ""):
            wanted.setdefault(kind, set()).add(int(ident))
    names = {}
    for kind, ids in wanted.items():
        names.update({f"{kind}:{i}": name for i, name in _lookup(kind, ids).items()})
    return names


def named(text: str, names: dict[str, str]) -> str:
    """`text` with every reference `names` knows replaced by its name."""
    return REFERENCE.sub(lambda m: names.get(m.group(0), m.group(0)), text or "")


def audit_page(actor: User, page: int, only: AuditFilter = AuditFilter()
               ) -> tuple[list[tuple[AuditEvent, str, str, str]], bool]:
    """One page of audit events as a site admin reads them: each event with who did it
    ("Lena Broker (lena@example.org)"), and its target and detail with names for ids."""
    events, more = audit_events(actor, page, only)
    names = audit_names(actor, [e.target for e, _ in events] + [e.detail for e, _ in events]
                        + [f"user:{e.actor_id}" for e, _ in events if e.actor_id])
    rows = []
    for event, email in events:
        who = names.get(f"user:{event.actor_id}", "") if event.actor_id else ""
        who = f"{who.rsplit(' (user', 1)[0]} ({email})" if who and email else (
            email or (f"person {event.actor_id}" if event.actor_id else "system"))
        rows.append((event, who, named(event.target, names), named(event.detail, names)))
    return rows, more


# --- What needs a site admin ---------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    """One thing a site admin may want to look at, with how many and where."""

    text: str
    endpoint: str | None = None  # None: nothing a site admin can open (coordinators act)
    args: dict | None = None


def needs(actor: User, now: datetime | None = None) -> list[Need]:
    """What a site admin should look at: refused access and failed sign-ins of the last week
    (someone probing, or someone locked out), join requests coordinators have left waiting a
    week or more, and mail recorded in the last day."""
    require_site_admin(actor)
    now = now or datetime.now(UTC)
    week = now - timedelta(days=7)
    found = []

    def events(action: str) -> int:
        return db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.at >= week)) or 0

    since = {"since": week.date().isoformat()}
    refused = events("access refused")
    if refused:
        found.append(Need(f"{refused} refused {_plural(refused, 'request')} for pages people "
                          "may not see in the last 7 days", "admin.audit_log",
                          {"action": "access refused", **since}))
    failed = events("sign-in failed")
    if failed:
        found.append(Need(f"{failed} failed {_plural(failed, 'sign-in')} in the last 7 days: "
                          "someone may be locked out", "admin.audit_log",
                          {"action": "sign-in failed", **since}))
    waiting = db.session.execute(select(Cluster.name, func.count(JoinRequest.id)).join(
        Cluster, Cluster.id == JoinRequest.cluster_id).where(
        JoinRequest.status == "pending", JoinRequest.created_at < week)
        .group_by(Cluster.name).order_by(Cluster.name)).all()
    for cluster, count in waiting:
        found.append(Need(f"{count} {_plural(count, 'request')} to join {cluster} "
                          "waiting more than a week for its coordinators"))
    mails = db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.created_at >= now - timedelta(days=1))) or 0
    if mails:
        found.append(Need(f"{mails} {_plural(mails, 'email')} recorded in the last day",
                          "admin.outbox"))
    return found


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"
