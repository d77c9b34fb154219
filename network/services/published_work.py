"""Published work on a school's barriers: live case studies and lesson studies from other
schools tagged with the barriers it faces, shown apart from partner matches.

Only the published copy is named (title, kind, date, the shared barriers); the author school
is never named here, even for attributed records: readers open the record, where the
platform's usual rules decide what it shows, and ask the authors through contact without
exposure.

Counting tags across every published record is the slow part at national scale, so each
process keeps the lists it has worked out, per school and reader's cluster, until the search
change log (written in the same transaction as every change to a record, a school or its
barriers) moves on: the next request after a commit in any process sees the change.
"""

import weakref
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from models import Record, RecordBarrier, School, SchoolBarrier, SearchChange, User
from network.access import can_read_live
from network.extensions import db
from network.services.matching import WINDOW, generation


@dataclass
class Work:
    """One published record and the school's barriers it addresses."""

    record_id: int
    kind: str
    title: str
    published_at: object
    barriers: list[str]


_CACHE: "weakref.WeakKeyDictionary[object, tuple[tuple, dict]]" = weakref.WeakKeyDictionary()
MAX_KEPT = 5000  # lists kept per process before they are all dropped


def on_barriers(actor: User, school: School, limit: int = 10) -> list[Work]:
    """Up to `limit` live records from other schools on the barriers `school` faces, those
    sharing most barriers first, then the newest (worked out once per change to the data)."""
    if not (actor.is_authenticated and actor.is_active):
        return []
    engine = db.engine
    cached = _CACHE.get(engine)
    if cached is None or generation(cached[0][0]) != cached[0]:
        top = db.session.scalar(select(func.max(SearchChange.id))) or 0
        cached = _CACHE[engine] = (generation(max(0, top - WINDOW)), {})
    kept = cached[1]
    key = (school.id, actor.cluster_id, limit)
    if key not in kept:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = _worked_out(actor, school, limit)
    return list(kept[key])


def _worked_out(actor: User, school: School, limit: int) -> list[Work]:
    """The list itself, from the database (readers in the same cluster see the same list)."""
    facing = set(db.session.scalars(select(SchoolBarrier.barrier_slug).where(
        SchoolBarrier.school_id == school.id, SchoolBarrier.overcome_on.is_(None))))
    if not facing:
        return []
    live_elsewhere = (RecordBarrier.barrier_slug.in_(facing), Record.school_id != school.id,
                      Record.published_visibility.is_not(None), Record.withdrawn_at.is_(None),
                      or_(Record.published_visibility == "network",
                          Record.cluster_id == (actor.cluster_id or -1)))
    # The database counts, orders and cuts; only `limit` records are loaded (not every record
    # on a common barrier, which at national scale is tens of thousands).
    best = db.session.execute(
        select(Record.id, Record.kind, Record.published_title, Record.published_at)
        .join(RecordBarrier, Record.id == RecordBarrier.record_id).where(*live_elsewhere)
        .group_by(Record.id, Record.kind, Record.published_title, Record.published_at)
        .order_by(func.count().desc(), Record.published_at.desc().nulls_last(), Record.id)
        .limit(limit)).all()
    shared: dict[int, list[str]] = {}
    for record_id, slug in db.session.execute(
            select(RecordBarrier.record_id, RecordBarrier.barrier_slug).where(
                RecordBarrier.record_id.in_([b.id for b in best]),
                RecordBarrier.barrier_slug.in_(facing))):
        shared.setdefault(record_id, []).append(slug)
    readable = {r.id for r in db.session.scalars(select(Record).where(
        Record.id.in_(list(shared)))) if can_read_live(actor, r)}  # the usual rule, re-checked
    return [Work(b.id, b.kind, b.published_title, b.published_at, sorted(shared[b.id]))
            for b in best if b.id in readable]
