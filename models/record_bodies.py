"""The typed shape of a record's body: what a case study or a lesson study says, kept as JSON
in ``Record.body`` (the working copy), ``Record.published_body`` (the live copy) and
``RecordVersion.body``. Pure standard library.

A case study, in its seven sections::

    {"context": str,                  # 1. the school in words; the phase, size, free-school-
                                      #    meals and region bands are added at publication
     "group_id": "1".."6",            # 2. the priority group the school started in
     "group_name": str,               #    ... and its name, so no page needs to look it up
     "barriers": [slugs],             # 3. tags from the barrier taxonomy
     "barrier_narrative": str,        #    ... and the story behind them
     "what_needed_to_change": str,    # 4. the school's own issues
     "actions": [{"text": str, "standards": [standard ids]}],   # 5. at least one, at most 6
     "impact": {"measures": [{"measure": str, "before": str, "after": str}],  # 6. at most 5
                "narrative": str},
     "offer": str,                    # 7. what the school can now offer others
     "offer_standards": [standard ids],
     "standards": [standard ids]}     # every action's standards and the offer's, in toolkit
                                      # order

A lesson study::

    {"team": {"member_ids": [ids of people at the school],
              "partners": str},               # people from partner schools, free text
     "subject": str,
     "year_group": "Reception" | "Year 1" ... "Year 13",
     "class_size_band": "Under 20" | "20 to 29" | "30 or more" | "",
     "focus": str,                            # research focus, tied to a school priority
     "question": str,                         # the research question
     "technique": str,                        # the teaching approach being developed
     "pupils": [{"label": "Pupil A", "stands_for": str}, ...],      # 2 or 3, never 4
     "lessons": [                                                   # 1 to 3, as typed
        {"date": "YYYY-MM-DD", "objective": str,
         "criteria": [str per case pupil],                          # success criteria
         "stages": [{"name": str,
                     "responses": [{"predicted": str, "observed": str} per case pupil]}]}],
     "interviews": [str per case pupil],       # notes from talking with the case pupils
     "discussion": {"progress": [str per case pupil], "changes": str},
     "outcomes": str, "practice_changes": str, "sharing": str,
     "related_case_studies": [record ids of the school's case studies],
     "barriers": [barrier slugs], "standards": [standard ids]}

Every list "per case pupil" has one entry per pupil in ``pupils``, in the same order (the
form sees to it). Names of team members are never part of the body, only their ids; case
pupils are named only by a pseudonym. Text is stored as typed (trimmed, Windows line endings
made plain); pages show it through the ``formatted`` filter, which sanitises it.

Reading and writing:

- ``Body.from_json(data)`` is the check for what is about to be stored: a key missing (as in
  bodies saved before it existed) or null takes its default, but a value of the wrong type or
  a key the shape does not know raises ``BodyError`` (a ValueError) naming the field, e.g.
  ``impact.measures.2.after``. The records service refuses such a body.
- ``Body.read(data)`` is for what is already stored and never fails: a value of the wrong
  type reads as if it were missing, unknown keys are left out, anything but a dict is empty.
- ``body.to_json()`` gives back exactly the stored shape (every key, lists for lists), so
  ``to_json(from_json(x)) == x`` for every well-formed body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any, get_args, get_origin, get_type_hints

__all__ = ["BODIES", "Action", "Body", "BodyError", "CaseStudyBody", "Discussion", "Impact",
           "Lesson", "LessonStudyBody", "Measure", "Pupil", "Response", "Stage", "Team",
           "body_for", "read"]


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


class _Part:
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


def _ids():
    return field(default_factory=tuple)


# --- a case study ------------------------------------------------------------------------

@dataclass(frozen=True)
class Action(_Part):
    """One thing the school did, with the standards it addresses."""

    text: str = ""
    standards: tuple[str, ...] = _ids()


@dataclass(frozen=True)
class Measure(_Part):
    """One measured outcome, before and after."""

    measure: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Impact(_Part):
    """The measured outcomes and the impact in words."""

    measures: tuple[Measure, ...] = _ids()
    narrative: str = ""


@dataclass(frozen=True)
class CaseStudyBody(_Part):
    """A case study's seven sections (see the module docstring)."""

    context: str = ""
    group_id: str = ""
    group_name: str = ""
    barriers: tuple[str, ...] = _ids()
    barrier_narrative: str = ""
    what_needed_to_change: str = ""
    actions: tuple[Action, ...] = _ids()
    impact: Impact = field(default_factory=Impact)
    offer: str = ""
    offer_standards: tuple[str, ...] = _ids()
    standards: tuple[str, ...] = _ids()

    def barrier_texts(self) -> list[str]:
        """What the authors wrote about the barriers."""
        return [self.barrier_narrative]

    def action_texts(self) -> list[str]:
        """What the school did."""
        return [action.text for action in self.actions]

    def impact_texts(self) -> list[str]:
        """The measures (measure, before, after) and the impact in words."""
        return [text for _, text in self.impact.texts()]


# --- a lesson study ----------------------------------------------------------------------

def _iso_date(value: str) -> bool:
    try:
        return not value or bool(date.fromisoformat(value))
    except ValueError:
        return False


@dataclass(frozen=True)
class Team(_Part):
    """Who did the lesson study: people at the school by id, partners in words."""

    member_ids: tuple[int, ...] = _ids()
    partners: str = ""


@dataclass(frozen=True)
class Pupil(_Part):
    """A case pupil: a pseudonym and the group they stand for."""

    label: str = ""
    stands_for: str = ""


@dataclass(frozen=True)
class Response(_Part):
    """What the team predicted one case pupil would do at a stage, and what it saw."""

    predicted: str = ""
    observed: str = ""


@dataclass(frozen=True)
class Stage(_Part):
    """A stage of a research lesson, with one response per case pupil."""

    name: str = ""
    responses: tuple[Response, ...] = _ids()


@dataclass(frozen=True)
class Lesson(_Part):
    """A research lesson: when, what it aimed at, criteria per pupil and its stages."""

    date: str = field(default="", metadata={"check": _iso_date,
                                            "problem": "must be a date written YYYY-MM-DD"})
    objective: str = ""
    criteria: tuple[str, ...] = _ids()
    stages: tuple[Stage, ...] = _ids()

    @property
    def day(self) -> date | None:
        """The lesson's date, or None when none was given."""
        return date.fromisoformat(self.date) if self.date else None


@dataclass(frozen=True)
class Discussion(_Part):
    """The post-lesson discussion: each case pupil's progress, and what will change."""

    progress: tuple[str, ...] = _ids()
    changes: str = ""


@dataclass(frozen=True)
class LessonStudyBody(_Part):
    """A lesson-study cycle written up (see the module docstring)."""

    team: Team = field(default_factory=Team)
    subject: str = ""
    year_group: str = ""
    class_size_band: str = ""
    focus: str = ""
    question: str = ""
    technique: str = ""
    pupils: tuple[Pupil, ...] = _ids()
    lessons: tuple[Lesson, ...] = _ids()
    interviews: tuple[str, ...] = _ids()
    discussion: Discussion = field(default_factory=Discussion)
    outcomes: str = ""
    practice_changes: str = ""
    sharing: str = ""
    related_case_studies: tuple[int, ...] = _ids()
    barriers: tuple[str, ...] = _ids()
    standards: tuple[str, ...] = _ids()

    group_id = ""  # a lesson study names no priority group

    def barrier_texts(self) -> list[str]:
        """What the authors wrote about the barriers (a lesson study only tags them)."""
        return []

    def action_texts(self) -> list[str]:
        """What the team did: the approach it developed and how practice changed."""
        return [self.technique, self.practice_changes]

    def impact_texts(self) -> list[str]:
        """What came of it."""
        return [self.outcomes]


Body = CaseStudyBody | LessonStudyBody
BODIES: dict[str, type[CaseStudyBody] | type[LessonStudyBody]] = {
    "case_study": CaseStudyBody, "lesson_study": LessonStudyBody}


def _kind(kind: str):
    if kind not in BODIES:
        raise BodyError("kind", f"must be one of {', '.join(BODIES)}")
    return BODIES[kind]


def body_for(kind: str, data: dict) -> Body:
    """The checked body of a record of `kind` (see ``from_json``)."""
    return _kind(kind).from_json(data)


def read(kind: str, data: dict | None) -> Body:
    """The body of a stored record of `kind`, whatever state it is in (see ``read``)."""
    return _kind(kind).read(data)
