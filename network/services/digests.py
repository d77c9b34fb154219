"""Notices that come to people without their asking: milestones falling due, and the email
digest of unread inbox notices (never, daily or weekly, as each person chooses).

`flask send-notifications` runs both; a deployment runs it once a day (cron or a timer).
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import InboxMessage, Milestone, Partnership, User
from network.extensions import db
from network.ops import mail
from network.services import inbox

CHOICES = ("none", "daily", "weekly")
PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
DUE_WITHIN = timedelta(days=14)
Link = Callable[[str], str]


def choose(actor: User, choice: str) -> None:
    """Save how often the actor wants the digest."""
    if choice not in CHOICES:
        raise ValueError(choice)
    actor.digest = choice
    db.session.commit()


def remind_due_milestones(today: date | None = None) -> int:
    """Tell the broker and both headteachers about milestones of active partnerships due in
    the next two weeks or overdue and not done; each milestone once. Returns how many."""
    from network.services.partnership_people import _everyone

    today = today or date.today()
    due = db.session.scalars(select(Milestone).join(Partnership).where(
        Partnership.status == "active", Milestone.reminded_at.is_(None),
        Milestone.status.notin_(("done", "missed")),
        Milestone.due_on <= today + DUE_WITHIN).order_by(Milestone.id)).all()
    for milestone in due:
        partnership = milestone.partnership
        when = "overdue since" if milestone.due_on < today else "due on"
        for person in _everyone(partnership):
            inbox.notify(person, f"{partnership.supported.name} and "
                                 f"{partnership.supporting.name}: milestone {when} "
                                 f"{milestone.due_on:%-d %B %Y}: {milestone.title}",
                         "Record its status and a note on the partnership page.",
                         "brokering.partnership", partnership_id=partnership.id)
        milestone.reminded_at = datetime.now(UTC)
    db.session.commit()
    return len(due)


def digest_text(user: User, since: datetime | None, link: Link) -> str | None:
    """The digest for one person: their unread notices since `since` (their own notices
    only), or None when there is nothing to send. `link(endpoint)` is a page's full address."""
    query = select(InboxMessage).where(InboxMessage.user_id == user.id,
                                       InboxMessage.read_at.is_(None))
    if since is not None:
        query = query.where(InboxMessage.created_at > since)
    unread = db.session.scalars(query.order_by(InboxMessage.id)).all()
    if not unread:
        return None
    lines = [f"Hello {user.name},", "",
             f"You have {len(unread)} unread {'notice' if len(unread) == 1 else 'notices'} "
             "on the Improvement Network:", ""]
    for message in unread:
        lines.append(f"- {message.subject}")
    lines += ["", "Read them in your inbox: " + link("inbox.index"), "",
              "Change how often you get this email: " + link("inbox.settings")]
    return "\n".join(lines)


def send_digests(link: Link, now: datetime | None = None) -> int:
    """Email each person who wants a digest and is due one; returns how many were sent.
    `link(endpoint)` is a page's full address, as people reach the site."""
    now = now or datetime.now(UTC)
    sent = 0
    people = db.session.scalars(select(User).where(User.digest.in_(tuple(PERIOD)),
                                                   User.is_active.is_(True))).all()
    for person in people:
        last = person.digest_sent_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if last is not None and now - last < PERIOD[person.digest] - timedelta(minutes=30):
            continue
        body = digest_text(person, last, link)
        person.digest_sent_at = now
        if body:
            word = "Daily" if person.digest == "daily" else "Weekly"
            mail.send(person.email, f"{word} digest: Improvement Network", body)
            sent += 1
    db.session.commit()
    return sent
