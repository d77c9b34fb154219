"""The shape of a lesson study's body (see ``models.record_bodies`` for reading and writing).

A lesson study::

    {"team": {"member_ids": [ids of people at the school],
              "partner_ids": [ids of people at other schools of the cluster],
              "partners": str},               # partner teachers not on the platform, in words
     "coach": {"user_id": int,                # a leading teacher who coached the team (0: none)
               "where": "school" | "other"},  # at the school, or at another school
     "subject": str,
     "year_group": "Reception" | "Year 1" ... "Year 13",
     "class_size_band": "Under 20" | "20 to 29" | "30 or more" | "",
     "focus": str,                            # research focus, tied to a school priority
                                              # (required before sending for review)
     "question": str,                         # the research question
     "technique": str,                        # the teaching approach being developed
     "pupils": [{"label": "Pupil A", "stands_for": str,              # 2 or 3, never 4
                 "baseline": str,               # where the pupil started
                 "impact": str}, ...],          # what changed for the group they stand for
     "lessons": [                                                   # 1 to 3, as typed
        {"date": "YYYY-MM-DD", "objective": str,
         "taught_by": [ids], "observed_by": [ids],  # team members or partner teachers
         "criteria": [str per case pupil],                          # success criteria
         "stages": [{"name": str,
                     "responses": [{"predicted": str, "observed": str} per case pupil]}],
         "interviews": [str per case pupil],    # notes from talking with the case pupils
         "discussion": {"progress": [str per case pupil],  # after this lesson
                        "changes": str}}],      # what changes for the next lesson
     "outcomes": str, "practice_changes": str, "sharing": str,
     "related_case_studies": [record ids of the school's case studies],
     "barriers": [barrier slugs], "standards": [standard ids]}

Every list "per case pupil" has one entry per pupil in ``pupils``, in the same order (the
form sees to it). Each research lesson is a cycle of its own: planned, predicted, taught,
observed, followed by talking with the case pupils and a discussion that changes the next one.
Names of people (team, partners, coach) are never part of the body, only their ids; pages
show them by role. Case pupils are named only by a pseudonym. Text is stored as typed
(trimmed, Windows line endings made plain); pages show it through the ``formatted`` filter,
which sanitises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from models.body_parts import Part as _Part
from models.body_parts import ids as _ids


def _iso_date(value: str) -> bool:
    try:
        return not value or bool(date.fromisoformat(value))
    except ValueError:
        return False


COACH_PLACES = ("", "school", "other")


@dataclass(frozen=True)
class Team(_Part):
    """Who did the lesson study: people at the school and partner teachers in the cluster by
    id, partner teachers who are not on the platform in words."""

    member_ids: tuple[int, ...] = _ids()
    partner_ids: tuple[int, ...] = _ids()
    partners: str = ""


@dataclass(frozen=True)
class Coach(_Part):
    """The leading teacher who coached the team (by id; 0 for none), and whether they work
    at the school or at another school on the platform."""

    user_id: int = 0
    where: str = field(default="", metadata={"check": lambda v: v in COACH_PLACES,
                                             "problem": "must be school or other"})


@dataclass(frozen=True)
class Pupil(_Part):
    """A case pupil: a pseudonym, the group they stand for, where they started and what
    changed for that group."""

    label: str = ""
    stands_for: str = ""
    baseline: str = ""
    impact: str = ""


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
class Discussion(_Part):
    """A post-lesson discussion: each case pupil's progress, and what changes next."""

    progress: tuple[str, ...] = _ids()
    changes: str = ""


@dataclass(frozen=True)
class Lesson(_Part):
    """A research lesson as one cycle: when, what it aimed at, who taught and observed it,
    criteria per pupil, its stages, what the case pupils said and the discussion after it."""

    date: str = field(default="", metadata={"check": _iso_date,
                                            "problem": "must be a date written YYYY-MM-DD"})
    objective: str = ""
    taught_by: tuple[int, ...] = _ids()
    observed_by: tuple[int, ...] = _ids()
    criteria: tuple[str, ...] = _ids()
    stages: tuple[Stage, ...] = _ids()
    interviews: tuple[str, ...] = _ids()
    discussion: Discussion = field(default_factory=Discussion)

    @property
    def day(self) -> date | None:
        """The lesson's date, or None when none was given."""
        return date.fromisoformat(self.date) if self.date else None


@dataclass(frozen=True)
class LessonStudyBody(_Part):
    """A lesson-study cycle written up (see the module docstring)."""

    team: Team = field(default_factory=Team)
    coach: Coach = field(default_factory=Coach)
    subject: str = ""
    year_group: str = ""
    class_size_band: str = ""
    focus: str = ""
    question: str = ""
    technique: str = ""
    pupils: tuple[Pupil, ...] = _ids()
    lessons: tuple[Lesson, ...] = _ids()
    outcomes: str = ""
    practice_changes: str = ""
    sharing: str = ""
    related_case_studies: tuple[int, ...] = _ids()
    barriers: tuple[str, ...] = _ids()
    standards: tuple[str, ...] = _ids()

    group_id = ""  # a lesson study names no priority group

    def without_people(self) -> LessonStudyBody:
        """The body with every person's id blanked (0), for readers who may not learn who
        was in the team: how many took each part stays, who they were does not."""
        def blank(ids: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(0 for _ in ids)

        return replace(
            self, team=replace(self.team, member_ids=blank(self.team.member_ids),
                               partner_ids=blank(self.team.partner_ids)),
            coach=replace(self.coach, user_id=0) if self.coach.user_id else self.coach,
            lessons=tuple(replace(lesson, taught_by=blank(lesson.taught_by),
                                  observed_by=blank(lesson.observed_by))
                          for lesson in self.lessons))

    def barrier_texts(self) -> list[str]:
        """What the authors wrote about the barriers (a lesson study only tags them)."""
        return []

    def action_texts(self) -> list[str]:
        """What the team did: the approach it developed and how practice changed."""
        return [self.technique, self.practice_changes]

    def impact_texts(self) -> list[str]:
        """What came of it."""
        return [self.outcomes, *(p.impact for p in self.pupils)]
