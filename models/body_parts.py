"""What every record body and every part of one shares: reading JSON into frozen dataclasses
strictly (``from_json``, for what is about to be stored) or leniently (``read``, for what is
already stored), writing it back (``to_json``) and walking its text (``texts``). The shapes
themselves are in ``case_study_body`` and ``lesson_study_body``; ``record_bodies`` is the door.
Pure standard library.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field, fields, is_dataclass
from functools import cache
from typing import Any, get_args, get_origin, get_type_hints

__all__ = ["BodyError", "Part", "ids"]


class BodyError(ValueError):
    """A body not in its shape; `field` says where (dotted, lists counted from 1)."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where or 'the body'} {problem}")
        self.field = where


_PROBLEMS = {str: "must be text", int: "must be a whole number"}
_WRONG = object()  # a value of the wrong type, when reading leniently


def _at(path: str, name: str | int) -> str:
    return f"{path}.{name}" if path else str(name)


@cache
def _hints(cls) -> dict[str, Any]:
    return get_type_hints(cls)


def _wrong(where: str, problem: str, strict: bool):
    if strict:
        raise BodyError(where, problem)
    return _WRONG


def _value(hint, raw, where: str, strict: bool):
    """`raw` read as the type `hint` (a part, a tuple of one type, str or int)."""
    if is_dataclass(hint):
        return _load(hint, raw, where, strict)
    if get_origin(hint) is tuple:
        if not isinstance(raw, list):
            return _wrong(where, "must be a list", strict)
        item, found = get_args(hint)[0], []
        for n, entry in enumerate(raw, 1):
            value = _value(item, entry, _at(where, n), strict)
            if value is _WRONG:  # keep the entries aligned with the case pupils
                value = item() if is_dataclass(item) else "" if item is str else _WRONG
            if value is not _WRONG:
                found.append(value)
        return tuple(found)
    ok = type(raw) is int if hint is int else isinstance(raw, hint)
    return raw if ok else _wrong(where, _PROBLEMS[hint], strict)


def _load(cls, data, path: str, strict: bool):
    if not isinstance(data, dict):
        if strict:
            raise BodyError(path, "must be a set of named fields")
        return cls()
    known = fields(cls)
    if strict:
        names = {f.name for f in known}
        unknown = [key for key in data if key not in names]
        if unknown:
            raise BodyError(_at(path, unknown[0]), "is not a known field")
    values = {}
    for f in known:
        raw, where = data.get(f.name), _at(path, f.name)
        if raw is None:
            continue
        value = _value(_hints(cls)[f.name], raw, where, strict)
        check = f.metadata.get("check")
        if value is not _WRONG and check and not check(value):
            value = _wrong(where, f.metadata["problem"], strict)
        if value is not _WRONG:
            values[f.name] = value
    return cls(**values)


def _dump(value):
    if is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    return value


def _texts(value, path: str) -> Iterator[tuple[str, str]]:
    if is_dataclass(value):
        for f in fields(value):
            yield from _texts(getattr(value, f.name), _at(path, f.name))
    elif isinstance(value, tuple):
        for n, item in enumerate(value, 1):
            yield from _texts(item, _at(path, n))
    elif isinstance(value, str) and value:
        yield path, value


class Part:
    """What every body and every part of one can do."""

    @classmethod
    def from_json(cls, data: dict):
        """The body in `data`, checked: BodyError on a wrong type or an unknown key."""
        return _load(cls, data, "", True)

    @classmethod
    def read(cls, data: dict | None):
        """The body in stored `data`, whatever state it is in; never fails."""
        return _load(cls, data, "", False)

    def to_json(self) -> dict:
        """The body as it is stored."""
        return _dump(self)

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every piece of text written in it, with where it sits (e.g. "lessons.1.objective"),
        in stored order; empty ones left out."""
        return _texts(self, "")


def ids():
    return field(default_factory=tuple)

