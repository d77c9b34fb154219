"""Adding to the append-only audit log.

Most events are written in the caller's transaction, so they exist exactly when the change
they describe does. A refused authorisation is different: the request that was refused is
then rolled back, so `refused` keeps the event aside and `install` writes it in a short
transaction of its own once the request has finished.
"""

import logging

from flask import Flask, g, has_request_context, request

from models import AuditEvent
from network.extensions import db

log = logging.getLogger(__name__)


def _event(actor, action: str, target: str, detail: str) -> AuditEvent:
    actor_id = getattr(actor, "id", None) if actor is not None else None
    addr = (request.remote_addr or "") if has_request_context() else "cli"
    return AuditEvent(actor_id=actor_id, action=action, target=target[:120], detail=detail,
                      remote_addr=addr[:64])


def record(actor, action: str, target: str = "", detail: str = "") -> None:
    """Note that `actor` did `action` to `target`; committed with the caller's change."""
    db.session.add(_event(actor, action, target, detail))


def target_of(obj: object) -> str:
    """How the log names an object: its kind and id, e.g. "record:12"."""
    kind = getattr(obj, "__tablename__", type(obj).__name__.lower()).removesuffix("s")
    return f"{kind}:{getattr(obj, 'id', '?')}"


def refused(actor, action: str, obj: object, status: int) -> None:
    """Note that `actor` was refused `action` on an object that exists (403, or hidden as 404).

    Kept even though the refused request's own changes are rolled back.
    """
    event = _event(actor, "access refused", target_of(obj),
                   f"{action} ({'forbidden' if status == 403 else 'hidden as not found'})")
    if has_request_context():
        g.setdefault("refusals", []).append(event)
    else:
        db.session.add(event)


def install(app: Flask) -> None:
    """Write the refusals a request collected after it ends, in a transaction of their own."""

    @app.teardown_request
    def _write_refusals(_error=None):
        events = g.pop("refusals", None)
        if not events:
            return
        try:
            db.session.rollback()  # what the refused request left uncommitted goes anyway
            db.session.add_all(events)
            db.session.commit()
        except Exception:  # the person has their answer; the failure must still be seen
            db.session.rollback()
            log.exception("could not write %d audit events", len(events))
