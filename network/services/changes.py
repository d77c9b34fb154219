"""Where the change log stands, for the caches each process keeps (partner matching's
candidates, published work on a school's barriers).

Every change to a record, a school or anything matching reads writes a row to
`search_changes` in its own transaction (network/indexing.py), so a process can tell whether
its copy is still current by reading where the log stands, and can bring the copy up to date
by reading only the rows it has not applied.

On PostgreSQL ids are handed out before commit, so a slow transaction can commit a row with a
lower id after a higher one: a copy remembers the ids it has applied above a floor WINDOW ids
below the newest, and any row above that floor it has not applied is new to it.
"""

import weakref
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models import SearchChange
from network.extensions import db

WINDOW = 1000  # changes committed out of id order (PostgreSQL) are seen within this many ids
# The generations the current request has read; None outside a request (read every time).
_memo: ContextVar[dict | None] = ContextVar("change_generations", default=None)


def generation(floor: int) -> tuple:
    """Where the change log stands: its newest row, and how many rows lie above `floor`.
    Read once per request and floor (in one query); a commit in this process reads it anew."""
    memo = _memo.get()
    memo = {} if memo is None else memo
    if floor not in memo:
        newest = select(SearchChange.id, SearchChange.at).order_by(
            SearchChange.id.desc()).limit(1).subquery()
        above = select(func.count(SearchChange.id)).where(SearchChange.id > floor)
        row = db.session.execute(select(newest.c.id, newest.c.at, above.scalar_subquery())
                                 .select_from(newest)).first()
        memo[floor] = (floor, row[0], str(row[1]), row[2]) if row else (floor, 0, "", 0)
    return memo[floor]


@event.listens_for(Session, "after_commit")
def _forget_generations(_session) -> None:
    """After this process commits, the next `generation` of the request reads the log again."""
    if _memo.get() is not None:
        _memo.set({})


def install(app: Flask) -> None:
    """Let each request read where the change log stands once, not once per cache it asks."""

    @app.before_request
    def _begin() -> None:
        _memo.set({})

    @app.teardown_request
    def _end(_error=None) -> None:
        _memo.set(None)


@dataclass(frozen=True)
class Mark:
    """How far a cached copy has applied the log: the `generation` it was made at and the ids
    above that generation's floor it has applied."""

    generation: tuple
    applied: frozenset[int]

    def current(self) -> bool:
        """Whether nothing has been logged since (one cheap query per request)."""
        return generation(self.generation[0]) == self.generation


def mark() -> Mark:
    """Where the log stands now, for a copy about to be read from the database in full."""
    top = db.session.scalar(select(func.max(SearchChange.id))) or 0
    now = generation(max(0, top - WINDOW))
    return Mark(now, frozenset(db.session.scalars(
        select(SearchChange.id).where(SearchChange.id > now[0]))))


def since(old: Mark) -> tuple[Mark, set[str] | None]:
    """Where the log stands now, and the keys of the rows logged since `old` (read before the
    copy is brought up to date, so a change committed meanwhile is applied again next time,
    never missed). None instead of keys when rows the copy applied have gone (the database
    was emptied or restored): the copy must be read again in full."""
    top = db.session.scalar(select(func.max(SearchChange.id))) or 0
    now = generation(max(old.generation[0], top - WINDOW))
    rows = db.session.execute(select(SearchChange.id, SearchChange.key).where(
        SearchChange.id > old.generation[0])).all()
    ids = {id_ for id_, _ in rows}
    if top < old.generation[1] or not old.applied <= ids:
        return now, None
    keys = {key for id_, key in rows if id_ not in old.applied}
    return Mark(now, frozenset(id_ for id_ in ids if id_ > now[0])), keys


Copy = TypeVar("Copy")


def kept(cache: weakref.WeakKeyDictionary, build: Callable[[Mark], Copy],
         apply: Callable[[Copy, set[str]], bool]) -> Copy:
    """This process's copy of something read from the database (kept in `cache` per database
    engine, with its `mark`), brought up to date: `apply(copy, keys)` puts back what the new
    log rows' keys name and says whether it could; if not, `build(mark)` reads it all again."""
    engine = db.engine
    cached = cache.get(engine)
    if cached is not None and cached.mark.current():
        return cached
    if cached is not None:
        now, keys = since(cached.mark)
        if keys is not None and apply(cached, keys):
            cached.mark = now
            return cached
    cache[engine] = built = build(mark())
    return built
