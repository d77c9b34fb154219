"""Worlds built once per run and copied back for every test that asks for them.

Building a world (two clusters with a person in every role, the planted matching network, the
crowd) takes many inserts and password hashes; copying its rows back takes a few. The first
test that asks for a world builds it through the real services and fixtures; its rows are then
kept in memory, and each later test starts from the same rows, inserted into an empty database,
with the world's objects loaded afresh in that test's session. Tests may change what they are
given: the database is emptied after every test, as before.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import func, inspect, select

from models import Base
from network.extensions import db


@dataclass(frozen=True)
class Ref:
    """An object of the world, remembered by its class and primary key."""

    model: type
    key: tuple


def _tables(keep: set[str]) -> list:
    return [t for t in Base.metadata.sorted_tables
            if t.name not in keep and not t.info.get("reference")]


def is_empty(keep: set[str]) -> bool:
    """Whether no test data is in the database yet (so a snapshot can be copied in)."""
    with db.engine.connect() as connection:
        return all(connection.scalar(select(func.count()).select_from(t)) == 0
                   for t in _tables(keep))


def _rows(keep: set[str]) -> list[tuple]:
    with db.engine.connect() as connection:
        return [(table, [dict(row._mapping) for row in connection.execute(select(table))])
                for table in _tables(keep)]


def _refs(value):
    """The world with every mapped object replaced by a Ref."""
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _refs(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return {k: _refs(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_refs(v) for v in value)
    state = inspect(value, raiseerr=False)
    if state is not None and getattr(state, "mapper", None) is not None:
        return Ref(type(value), state.identity)
    return value


def _objects(value):
    """The world with every Ref loaded in the current session."""
    if isinstance(value, Ref):
        return db.session.get(value.model, value.key)
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _objects(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return {k: _objects(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_objects(v) for v in value)
    return value


class Snapshots:
    """Worlds by name: built by their fixture the first time, copied back after that."""

    def __init__(self, keep: set[str]):
        self.keep = keep
        self.kept: dict[str, tuple[list, object]] = {}

    def world(self, name: str, build):
        """The world `name`: built by `build()` into an empty database, or copied back."""
        if not is_empty(self.keep):  # something else was written first: build afresh
            return build()
        if name not in self.kept:
            built = build()
            db.session.commit()
            self.kept[name] = (_rows(self.keep), _refs(built))
            return built
        rows, refs = self.kept[name]
        with db.engine.begin() as connection:
            for table, values in rows:
                if values:
                    connection.execute(table.insert(), values)
        return _objects(refs)
