"""The shape of a lesson study's body (see ``models.record_bodies`` for reading and writing).

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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.body_parts import Part as _Part
from models.body_parts import ids as _ids


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
