"""The toolkit's fixed vocabulary - standards, barriers and priority groups - read once per
process. Migrations and `flask init-db` write it; nobody edits it through the service, so pages
that only show titles (profiles, partner filters, search facets) need not query it each time."""

import weakref
from dataclasses import dataclass

from sqlalchemy import select

from models import Barrier, CoreElement, PriorityGroup, Standard
from network.extensions import db


@dataclass(frozen=True)
class StandardTerm:
    """A lettered quality standard as pages show it (CE2.A and its title)."""

    id: str
    element_code: str
    letter: str
    position: int
    title: str
    description: str


@dataclass(frozen=True)
class Vocabulary:
    """Every standard in toolkit order, barrier titles in taxonomy order, group names by id."""

    standards: dict[str, StandardTerm]
    element_titles: dict[str, str]
    barriers: dict[str, str]
    groups: dict[int, str]


_CACHE: "weakref.WeakKeyDictionary[object, Vocabulary]" = weakref.WeakKeyDictionary()


def vocabulary() -> Vocabulary:
    """The vocabulary of the database this process serves (read once, when it is seeded)."""
    cached = _CACHE.get(db.engine)
    if cached is not None:
        return cached
    rows = db.session.execute(select(Standard, CoreElement.title).join(CoreElement).order_by(
        CoreElement.position, Standard.position)).all()
    found = Vocabulary(
        standards={s.id: StandardTerm(s.id, s.element_code, s.letter, s.position, s.title,
                                      s.description) for s, _ in rows},
        element_titles=dict(db.session.execute(select(CoreElement.code, CoreElement.title)
                                               .order_by(CoreElement.position)).all()),
        barriers=dict(db.session.execute(select(Barrier.slug, Barrier.title)
                                         .order_by(Barrier.position)).all()),
        groups=dict(db.session.execute(select(PriorityGroup.id, PriorityGroup.name)
                                       .order_by(PriorityGroup.id)).all()))
    if found.standards and found.barriers and found.groups:  # an unseeded database is not kept
        _CACHE[db.engine] = found
    return found
