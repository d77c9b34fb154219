"""What the database holds, as a value two moments can be compared by: "nothing changed"."""

from contextlib import contextmanager

from sqlalchemy import func, select

from models import AuditEvent, Base
from network.extensions import db

# Written by design on refusals and sign-ins, so not part of "what the person changed".
BOOKKEEPING = frozenset({"audit_events", "user_sessions", "api_tokens", "register_schools",
                         "alembic_version"})


def fingerprint(ignore=frozenset()) -> dict[str, list[str]]:
    """Every row of every table people's actions can change, as sorted text, per table."""
    skip = BOOKKEEPING | set(ignore)
    state = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in skip or table.info.get("reference"):
                continue
            rows = connection.execute(select(table)).all()
            state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ between two fingerprints."""
    return [name for name in before if before[name] != after.get(name)]


@contextmanager
def unchanged(ignore=frozenset()):
    """Assert that whatever runs inside the block leaves the database exactly as it was."""
    db.session.commit()
    before = fingerprint(ignore)
    yield
    db.session.commit()
    changed = changed_tables(before, fingerprint(ignore))
    assert not changed, f"the database changed in {changed}"


def refusals() -> int:
    """How many refusals the audit log holds (written when the refused request ends)."""
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "access refused"))
