"""Looking schools up in the national register."""

from sqlalchemy import func, select

from models import RegisterSchool, School
from network.extensions import db


def find_schools(text: str, limit: int = 20) -> list[tuple[RegisterSchool, bool]]:
    """Open register schools whose name contains `text` (or whose URN is it), with claimed flags."""
    text = (text or "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL
    if len(text) < 3:
        return []
    query = select(RegisterSchool).where(RegisterSchool.status.like("Open%"))
    if text.isdigit():
        query = query.where(RegisterSchool.urn == text)
    else:
        words = [w.replace("%", "").replace("_", "") for w in text.lower().split()]
        for word in words:
            query = query.where(func.lower(RegisterSchool.name).like(f"%{word}%"))
    entries = list(db.session.scalars(query.order_by(RegisterSchool.name).limit(limit)))
    claimed = set(db.session.scalars(select(School.urn).where(
        School.urn.in_([e.urn for e in entries]))))
    return [(entry, entry.urn in claimed) for entry in entries]


def entry(urn: str) -> RegisterSchool | None:
    """The register entry with this URN."""
    return db.session.get(RegisterSchool, urn) if urn else None
