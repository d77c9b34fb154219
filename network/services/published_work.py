"""Published work on a school's barriers: live case studies and lesson studies from other
schools tagged with the barriers it faces, shown apart from partner matches.

Only the published copy is named (title, kind, date, the shared barriers); the author school
is never named here, even for attributed records: readers open the record, where the
platform's usual rules decide what it shows, and ask the authors through contact without
exposure.

Counting tags across every published record in the database takes seconds at national scale,
so each process keeps a shelf of the live records by barrier (read once, before gunicorn
forks its workers) and keeps it current with the change log (network/services/changes.py):
only the records changed since are read again, so a list costs milliseconds even while the
network is being written to. The lists themselves are kept per school and reader's cluster
until the next change.
"""

import heapq
import weakref
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from models import Record, RecordBarrier, School, SchoolBarrier, User
from network.access import can_read_live
from network.extensions import db
from network.services import changes

MAX_RECORDS_APPLIED = 2000  # more changed records than this at once: read the shelf again
MAX_KEPT = 5000  # lists kept per process before they are all dropped


@dataclass
class Work:
    """One published record and the school's barriers it addresses."""

    record_id: int
    kind: str
    title: str
    published_at: object
    barriers: list[str]
    school_id: int  # to mark the reader's own school's work as theirs; never shown

    def yours(self, actor: User) -> bool:
        """Whether the reader's own school wrote it (only they are told)."""
        return actor.school_id is not None and actor.school_id == self.school_id


@dataclass(frozen=True, slots=True)
class _Live:
    """What the lists need of one live record."""

    kind: str
    title: str
    published_at: datetime | None
    school_id: int
    cluster_id: int
    network: bool  # the whole network may read it (else its own cluster only)
    barriers: frozenset[str]

    @property
    def readers(self) -> int | None:
        """Who may read it: None for the whole network, else its cluster's id."""
        return None if self.network else self.cluster_id


@dataclass
class _Shelf:
    """Every live record by barrier, as of `mark`, and the lists worked out from it since."""

    mark: changes.Mark
    live: dict[int, _Live] = field(default_factory=dict)
    # (readers: a cluster's id or None for the whole network, barrier) -> live records
    on: dict[tuple[int | None, str], set[int]] = field(default_factory=dict)
    kept: dict[tuple, list[Work]] = field(default_factory=dict)

    def put(self, record_id: int, entry: _Live | None) -> None:
        """Shelve the record as it now is (None: no longer live)."""
        old = self.live.pop(record_id, None)
        for slug in old.barriers if old else ():
            self.on[old.readers, slug].discard(record_id)
        if entry is not None:
            self.live[record_id] = entry
            for slug in entry.barriers:
                self.on.setdefault((entry.readers, slug), set()).add(record_id)


_CACHE: "weakref.WeakKeyDictionary[object, _Shelf]" = weakref.WeakKeyDictionary()


def shelf() -> _Shelf:
    """This process's shelf of live records, brought up to date with the change log."""
    return changes.kept(_CACHE, _build, _apply)


def _build(mark: changes.Mark) -> _Shelf:
    """Every live record on a new shelf."""
    built = _Shelf(mark)
    for record_id, entry in _read(None).items():
        built.put(record_id, entry)
    return built


def _apply(current: _Shelf, keys: set[str]) -> bool:
    """Shelve again the records the change-log `keys` name; False when the shelf must be
    filled again instead (a kind of change it does not know, a flood of changes)."""
    records = {int(k.partition(":")[2]) for k in keys if k.startswith("record:")}
    if len(records) > MAX_RECORDS_APPLIED or not all(
            k.startswith(("record:", "school:")) for k in keys):
        return False
    read = _read(records) if records else {}
    for record_id in records:
        current.put(record_id, read.get(record_id))
    current.kept.clear()  # a school's barriers or a record changed: lists anew
    return True


def _read(ids: set[int] | None) -> dict[int, _Live]:
    """The live records among `ids` (None: all of them), with their barriers."""
    live = (Record.published_visibility.is_not(None), Record.withdrawn_at.is_(None))
    rows = select(Record.id, Record.kind, Record.published_title, Record.published_at,
                  Record.school_id, Record.cluster_id, Record.published_visibility).where(*live)
    tags = select(RecordBarrier.record_id, RecordBarrier.barrier_slug).join(
        Record, Record.id == RecordBarrier.record_id).where(*live)
    if ids is not None:
        rows, tags = rows.where(Record.id.in_(ids)), tags.where(Record.id.in_(ids))
    barriers: dict[int, set[str]] = {}
    for record_id, slug in db.session.execute(tags):
        barriers.setdefault(record_id, set()).add(slug)
    return {r.id: _Live(r.kind, r.published_title or "", r.published_at, r.school_id,
                        r.cluster_id, r.published_visibility == "network",
                        frozenset(barriers.get(r.id, ()))) for r in db.session.execute(rows)}


def on_barriers(actor: User, school: School, limit: int = 10) -> list[Work]:
    """Up to `limit` live records on the barriers `school` faces, the school's own among them
    (leaving them out would tell a reader which records are the school's), those
    sharing most barriers first, then the newest (worked out once per change to the data)."""
    if not (actor.is_authenticated and actor.is_active):
        return []
    current = shelf()
    key = (school.id, actor.cluster_id, limit)
    if key not in current.kept:
        if len(current.kept) >= MAX_KEPT:
            current.kept.clear()
        current.kept[key] = _worked_out(current, actor, school, limit)
    return list(current.kept[key])


def _worked_out(current: _Shelf, actor: User, school: School, limit: int) -> list[Work]:
    """The list itself, from the shelf (readers in the same cluster see the same list)."""
    facing = set(db.session.scalars(select(SchoolBarrier.barrier_slug).where(
        SchoolBarrier.school_id == school.id, SchoolBarrier.overcome_on.is_(None))))
    shared = Counter()  # live record -> how many of the barriers faced it is tagged with
    for slug in facing:
        shared.update(current.on.get((None, slug), ()))
        if actor.cluster_id:
            shared.update(current.on.get((actor.cluster_id, slug), ()))
    by_count: dict[int, list[int]] = {}
    for record_id, n in shared.items():
        by_count.setdefault(n, []).append(record_id)
    best: list[int] = []
    for n in sorted(by_count, reverse=True):  # ties: the newest first, then the lowest id
        best += heapq.nlargest(limit - len(best), by_count[n], key=lambda rid: (
            current.live[rid].published_at is not None,
            current.live[rid].published_at or datetime.min, -rid))
        if len(best) >= limit:
            break
    readable = {r.id for r in db.session.scalars(select(Record).where(Record.id.in_(best)))
                if can_read_live(actor, r)}  # the usual rule, re-checked
    return [Work(rid, current.live[rid].kind, current.live[rid].title,
                 current.live[rid].published_at, sorted(current.live[rid].barriers & facing),
                 current.live[rid].school_id)
            for rid in best if rid in readable]
