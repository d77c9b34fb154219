"""Jobs off the request path: a Huey queue, embedded on SQLite or on Redis.

The queue lives in a SQLite file in the instance folder (`JOBS_DATABASE`) or, when `REDIS_URL`
is set, in Redis. `flask --app wsgi jobs` is the consumer that runs the jobs (`make run` starts
it beside the site; in production it is its own process). With `JOBS_IMMEDIATE=1`, and in
tests, each job runs as it is queued (Huey's immediate mode), in its own app context.

Every job runs in an app context of its own, so it has its own database session: a job that
fails is rolled back, logged and retried with backoff, and touches neither the request that
queued it nor any other job. Services queue jobs through network/services/later.py.
"""

import functools
import logging
from collections.abc import Callable

import click
from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import RedisStorage, SqliteStorage

from network.extensions import db
from network.services import later

log = logging.getLogger(__name__)

# Retried with backoff: 30 s, 1 min, 2 min, 4 min, 8 min, then given up on (and logged).
RETRIES, RETRY_DELAY, BACKOFF = 5, 30, 2
queue = Huey("improvement-network", immediate=True, utc=True, results=False)
_app: Flask | None = None  # the consumer's app, made once


def configure(app: Flask) -> None:
    """Point the queue at what the app's configuration says: Redis, SQLite or immediate."""
    if app.config.get("REDIS_URL"):
        queue.storage_class = RedisStorage
        queue.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        queue.storage_class = SqliteStorage
        queue.storage_kwargs = {"filename": app.config["JOBS_DATABASE"]}
    immediate = app.config.get("JOBS_IMMEDIATE")
    queue._immediate = app.testing if immediate is None else bool(immediate)
    queue.storage = queue.create_storage()


def install(app: Flask) -> None:
    """Configure the queue for `app`, let services queue jobs and add `flask jobs`."""
    configure(app)
    later.queue = put
    app.cli.add_command(run_consumer)


def put(name: str, arguments: dict) -> None:
    """Queue the job called `name` with keyword `arguments`."""
    JOBS[name](**arguments)


def _with_app(job: Callable) -> Callable:
    """Run `job` in an app context of its own: the running app's when one is active
    (immediate mode), else the consumer's, made once."""

    @functools.wraps(job)
    def run(*args, **kwargs):
        global _app
        if has_app_context():
            app = current_app._get_current_object()
        else:
            if _app is None:
                from network import create_app

                _app = create_app()
            app = _app
        with app.app_context():
            try:
                return job(*args, **kwargs)
            except Exception:
                db.session.rollback()
                log.exception("job %s failed (retried with backoff while retries remain)",
                              job.__name__)
                raise

    return run


@queue.task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
@_with_app
def alert_new_publication(record_id: int) -> int:
    """Tell everyone whose saved search matches a just-published record."""
    from models import Record
    from network.services import search

    record = db.session.get(Record, record_id)
    if record is None or not record.is_live:
        return 0
    return search.alert_new_publication(record)


@queue.task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
@_with_app
def action_mail(user_id: int, subject: str, body: str, endpoint: str, args: dict) -> bool:
    """Email someone what they must act on, with a link to it and a one-click unsubscribe;
    nothing when they have turned these emails off. True if sent."""
    from models import User
    from network.ops import mail
    from network.services import action_mail as actions
    from network.web.links import public_url

    user = db.session.get(User, user_id)
    if not actions.wants_mail(user):
        return False
    unsubscribe = public_url("emails.unsubscribe", token=actions.unsubscribe_token(user))
    text = actions.text(user, subject, body, public_url(endpoint, **args), unsubscribe,
                        public_url("emails.settings"))
    mail.send(user.email, subject, text, headers={
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    db.session.commit()
    return True


@queue.task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
@_with_app
def send_notifications() -> tuple[int, int]:
    """Notices for milestones falling due, then the email digests that are due; returns
    (milestones reminded, digests sent)."""
    from network.services import digests
    from network.web.links import public_url

    reminded = digests.remind_due_milestones()
    return reminded, digests.send_digests(public_url)


@queue.periodic_task(crontab(minute="0", hour="6"), retries=RETRIES, retry_delay=RETRY_DELAY,
                     retry_backoff=BACKOFF)
def daily_notifications() -> None:
    """Every morning at 06:00 UTC, while the consumer runs (`send-notifications` by hand)."""
    send_notifications.call_local()


@queue.task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
@_with_app
def repair_index() -> tuple[int, int]:
    """Apply the search change log, then add what the index misses and remove what it has
    wrongly; returns (added, removed)."""
    from network import indexing

    indexing.catch_up()
    return indexing.repair()


@queue.periodic_task(crontab(minute="30", hour="3"), retries=RETRIES, retry_delay=RETRY_DELAY,
                     retry_backoff=BACKOFF)
def nightly_index_repair() -> None:
    """Every night at 03:30 UTC: fix any drift between the database and the search index."""
    repair_index.call_local()


JOBS = {"alert_new_publication": alert_new_publication, "action_mail": action_mail,
        "send_notifications": send_notifications, "repair_index": repair_index}


@click.command("jobs")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32))
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the daily notifications and nightly index repair (in one "
                   "consumer only when several share a Redis queue).")
def run_consumer(workers: int, periodic: bool):
    """Run the job consumer (alerts, action emails, digests, index repair) until stopped."""
    global _app
    _app = current_app._get_current_object()
    where = "Redis" if _app.config.get("REDIS_URL") else _app.config["JOBS_DATABASE"]
    if queue.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run as they are queued, "
                                   "there is nothing to consume.")
    click.echo(f"Job consumer: {workers} workers, queue in {where}"
               f"{'' if periodic else ', no periodic jobs'}.")
    queue.create_consumer(workers=workers, worker_type="thread", periodic=periodic).run()
