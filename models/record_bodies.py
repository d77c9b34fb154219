"""The typed shape of a record's body: what a case study or a lesson study says, kept as JSON
in ``Record.body`` (the working copy), ``Record.published_body`` (the live copy) and
``RecordVersion.body``. Pure standard library.

The shapes: a case study in ``models.case_study_body``, a lesson study in
``models.lesson_study_body``; what they share in ``models.body_parts``.

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

from models.body_parts import BodyError
from models.case_study_body import Action, CaseStudyBody, Impact, Measure
from models.lesson_study_body import (
    Coach,
    Discussion,
    Lesson,
    LessonStudyBody,
    Pupil,
    Response,
    Stage,
    Team,
)

__all__ = ["BODIES", "Action", "Body", "BodyError", "CaseStudyBody", "Coach", "Discussion",
           "Impact", "Lesson", "LessonStudyBody", "Measure", "Pupil", "Response", "Stage", "Team",
           "body_for", "read"]


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
