"""Signals partner matching reads that no change-log row names: which schools have a
headteacher designated a Local Leader of Education, and each supporting school's track record
(closed partnerships whose impact review shows the supported school improving on a focus
standard). `fingerprint` is one cheap query that moves when either changes."""

from dataclasses import replace

from sqlalchemy import func, select, true

from models import Partnership, User
from network.extensions import db


def fingerprint() -> tuple:
    """What moves when a headteacher becomes (or stops being) a Local Leader of Education or
    a partnership closes: counts and sums of ids, in one query."""
    lle = select(func.count(User.id), func.coalesce(func.sum(User.id), 0),
                 func.coalesce(func.sum(User.school_id), 0)).where(*LLE_HEAD).subquery()
    closed = select(func.count(Partnership.id), func.coalesce(func.sum(Partnership.id), 0)
                    ).where(Partnership.status == "closed").subquery()
    row = db.session.execute(select(lle, closed).select_from(lle.join(closed, true()))).one()
    return tuple(int(value) for value in row)


def refresh(net) -> None:
    """Put back the candidates whose LLE headteacher or track record changed since the copy
    last read them."""
    now = fingerprint()
    if now == net.signals:
        return
    lle, improved = lle_schools(None), track_records(None)
    for c in list(net.pool.candidates):
        fresh = (c.school_id in lle, improved.get(c.school_id, 0))
        if (c.lle, c.improved) != fresh:
            net.pool.put(replace(c, lle=fresh[0], improved=fresh[1]))
    net.signals = now


LLE_HEAD = (User.is_lle.is_(True), User.school_role == "headteacher",
            User.school_id.is_not(None), User.is_active.is_(True))


def lle_schools(ids: set[int] | None) -> set[int]:
    """Schools (of `ids`, or every school) with an active headteacher who is a Local Leader
    of Education."""
    query = select(User.school_id).where(*LLE_HEAD)
    if ids is not None:
        query = query.where(User.school_id.in_(ids))
    return set(db.session.scalars(query))


def improved(review) -> bool:
    """Whether a closed partnership's impact review shows the supported school improving on
    a focus standard (review["schools"]["supported"]["rows"], a change above 0)."""
    try:
        rows = review["schools"]["supported"]["rows"]
        return any(isinstance(row.get("change"), int | float) and row["change"] > 0
                   for row in rows)
    except (KeyError, TypeError, AttributeError):
        return False


def track_records(ids: set[int] | None) -> dict[int, int]:
    """Per supporting school (of `ids`, or every school), its closed partnerships whose
    supported school improved on a focus standard."""
    query = select(Partnership.supporting_school_id, Partnership.review).where(
        Partnership.status == "closed")
    if ids is not None:
        query = query.where(Partnership.supporting_school_id.in_(ids))
    counts: dict[int, int] = {}
    for sid, review in db.session.execute(query):
        if improved(review):
            counts[sid] = counts.get(sid, 0) + 1
    return counts
