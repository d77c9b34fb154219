"""Adding to the append-only audit log."""

from flask import has_request_context, request

from models import AuditEvent
from network.extensions import db


def record(actor, action: str, target: str = "", detail: str = "") -> None:
    """Note that `actor` did `action` to `target`; committed with the caller's change."""
    actor_id = getattr(actor, "id", None) if actor is not None else None
    addr = (request.remote_addr or "") if has_request_context() else "cli"
    db.session.add(AuditEvent(actor_id=actor_id, action=action, target=target[:120],
                              detail=detail, remote_addr=addr[:64]))
