"""Work that runs once a change is committed, off the request path.

Services know no queue: they name a job to run after their transaction commits (nothing is
queued for a change rolled back, and the job finds the change committed), and the job queue
(network/ops/jobs.py, installed by create_app) sets `queue` and runs it.
"""

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from network.extensions import db

log = logging.getLogger(__name__)
_KEY = "network.after_commit"
# Set by network.ops.jobs.install: puts the job named by the first argument on the queue.
queue: Callable[[str, dict], None] | None = None


def after_commit(job: str, **arguments) -> None:
    """Queue `job` with `arguments` once the caller's transaction commits."""
    db.session.info.setdefault(_KEY, []).append((job, arguments))


def now(job: str, **arguments) -> None:
    """Queue `job` at once (the caller has committed what it needs). Never raises: a queue
    that cannot take the job is logged, and the request that asked goes on."""
    if queue is None:
        log.warning("no job queue: %s not queued", job)
        return
    try:
        queue(job, arguments)
    except Exception:
        log.exception("could not queue %s", job)


@event.listens_for(Session, "after_commit")
def _queue_committed(session) -> None:
    for job, arguments in session.info.pop(_KEY, []):
        now(job, **arguments)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session) -> None:
    session.info.pop(_KEY, None)
