"""Published work on a school's barriers: live case studies and lesson studies from other
schools tagged with the barriers it faces, shown apart from partner matches.

Only the published copy is named (title, kind, date, the shared barriers); the author school
is never named here, even for attributed records: readers open the record, where the
platform's usual rules decide what it shows, and ask the authors through contact without
exposure.
"""

from dataclasses import dataclass

from sqlalchemy import select

from models import Record, RecordBarrier, School, SchoolBarrier, User
from network.access import can_read_live
from network.extensions import db


@dataclass
class Work:
    """One published record and the school's barriers it addresses."""

    record_id: int
    kind: str
    title: str
    published_at: object
    barriers: list[str]


def on_barriers(actor: User, school: School, limit: int = 10) -> list[Work]:
    """Up to `limit` live records from other schools on the barriers `school` faces, those
    sharing most barriers first, then the newest."""
    facing = set(db.session.scalars(select(SchoolBarrier.barrier_slug).where(
        SchoolBarrier.school_id == school.id, SchoolBarrier.overcome_on.is_(None))))
    if not facing:
        return []
    shared: dict[int, list[str]] = {}
    for record_id, slug in db.session.execute(
            select(RecordBarrier.record_id, RecordBarrier.barrier_slug)
            .join(Record, Record.id == RecordBarrier.record_id)
            .where(RecordBarrier.barrier_slug.in_(facing), Record.school_id != school.id,
                   Record.published_body.is_not(None), Record.withdrawn_at.is_(None))):
        shared.setdefault(record_id, []).append(slug)
    if not shared:
        return []
    records = db.session.scalars(select(Record).where(Record.id.in_(shared))).all()
    found = [Work(r.id, r.kind, r.published_title, r.published_at, sorted(shared[r.id]))
             for r in records if can_read_live(actor, r)]
    found.sort(key=lambda w: (-len(w.barriers), -(w.published_at.timestamp()
                                                   if w.published_at else 0), w.record_id))
    return found[:limit]
