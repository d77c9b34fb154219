"""Between a lesson-study record and its form: slot checks on a raw post, the form's starting
values from a saved record, and the rows comparing two versions after a conflict.

The body of a lesson study is a ``models.record_bodies.LessonStudyBody`` (its shape is
documented there); this module reads it through that schema.
"""

import re

from models.record_bodies import LessonStudyBody
from network.web.forms.lesson_parts import LESSON_SLOTS, PUPIL_SLOTS, STAGE_SLOTS
from network.web.forms.lesson_studies import LessonStudyForm
from network.web.templating import standard_name

THREE_PUPILS = "A lesson study follows at most three case pupils"
_SLOT_LIMITS = [
    *((re.compile(pattern), PUPIL_SLOTS, THREE_PUPILS) for pattern in (
        r"^pupils-(\d+)-", r"^(?:interviews|progress)-(\d+)-", r"^lessons-\d+-criteria-(\d+)-",
        r"^lessons-\d+-stages-\d+-responses-(\d+)-")),
    (re.compile(r"^lessons-(\d+)-"), LESSON_SLOTS,
     "A lesson study has at most three research lessons"),
    (re.compile(r"^lessons-\d+-stages-(\d+)-"), STAGE_SLOTS,
     "A research lesson has at most four stages"),
]


def slot_problems(formdata) -> list[str]:
    """Messages for fields posted beyond the form's slots (a fourth case pupil, say).

    The form itself would quietly ignore them, so the view checks the raw post.
    """
    problems = []
    for key in formdata:
        for pattern, limit, message in _SLOT_LIMITS:
            match = pattern.match(key)
            if match and int(match.group(1)) >= limit and message not in problems:
                problems.append(message)
    return problems


# --- loading a record into the form ------------------------------------------------------

def _pad(values: list, size: int, empty) -> list:
    return [*values[:size], *([empty] * (size - len(values[:size])))]


def _per_pupil(values) -> list[dict]:
    return _pad([{"text": v or ""} for v in values or []], PUPIL_SLOTS, {"text": ""})


def new_data(author) -> dict:
    """A blank form: the author is in the team, and it would go to the cluster."""
    return {"version": "", "team_members": [str(author.id)], "audience": "cluster",
            "attributed": False}


def form_data(record) -> dict:
    """A saved lesson study, shaped for the form."""
    body = LessonStudyBody.read(record.body)
    lessons = []
    for lesson in body.lessons[:LESSON_SLOTS]:
        stages = [{"stage": stage.name,
                   "responses": _pad([{"predicted": r.predicted, "observed": r.observed}
                                      for r in stage.responses],
                                     PUPIL_SLOTS, {"predicted": "", "observed": ""})}
                  for stage in lesson.stages[:STAGE_SLOTS]]
        lessons.append({"date": lesson.day, "objective": lesson.objective,
                        "criteria": _per_pupil(lesson.criteria),
                        "stages": _pad(stages, STAGE_SLOTS, {})})
    return {
        "version": str(record.version),
        "title": record.title,
        "team_members": [str(i) for i in body.team.member_ids],
        "partners": body.team.partners,
        "subject": body.subject,
        "year_group": body.year_group,
        "class_size_band": body.class_size_band or None,
        "focus": body.focus,
        "question": body.question,
        "technique": body.technique,
        "pupils": _pad([{"pseudonym": p.label, "stands_for": p.stands_for}
                        for p in body.pupils], PUPIL_SLOTS, {}),
        "lessons": _pad(lessons, LESSON_SLOTS, {}),
        "interviews": _per_pupil(body.interviews),
        "progress": _per_pupil(body.discussion.progress),
        "changes": body.discussion.changes,
        "outcomes": body.outcomes,
        "practice_changes": body.practice_changes,
        "sharing": body.sharing,
        "barriers": [b.barrier_slug for b in record.barriers],
        "standards": [s.standard_id for s in record.standards],
        "related_case_studies": [str(i) for i in body.related_case_studies],
        "coauthors": [str(c.user_id) for c in record.coauthors],
        "audience": record.audience,
        "attributed": record.attributed,
    }


# --- the conflict page -------------------------------------------------------------------

def comparison(theirs: dict, form: LessonStudyForm, barrier_titles: dict[str, str]) -> list:
    """(what, saved by someone else, yours) rows for the key fields of a lesson study."""
    body = LessonStudyBody.read(theirs.get("body"))
    yours = form.record_data() if not form.errors else None
    mine = LessonStudyBody.read(yours["body"]) if yours else None

    def lessons_of(lessons) -> str:
        dates = [lesson.day for lesson in lessons]
        return "; ".join(d.strftime("%-d %B %Y") if d else "no date" for d in dates) or "None"

    def pupils_of(pupils) -> str:
        return "; ".join(f"{p.label} ({p.stands_for})" for p in pupils) or "None"

    def barriers_of(slugs) -> str:
        return "; ".join(barrier_titles.get(s, s) for s in slugs) or "None"

    rows = [("Title", theirs.get("title") or "", form.title.data or "")]
    for key, label in (("subject", "Subject"), ("year_group", "Year group"),
                       ("question", "Research question"), ("outcomes", "Outcomes"),
                       ("practice_changes", "Changes to practice")):
        rows.append((label, getattr(body, key),
                     (getattr(mine, key) if mine else getattr(form, key).data) or ""))
    rows.append(("Case pupils", pupils_of(body.pupils), pupils_of(mine.pupils if mine else ())))
    rows.append(("Research lessons", lessons_of(body.lessons),
                 lessons_of(mine.lessons if mine else ())))
    rows.append(("Barriers", barriers_of(theirs.get("barriers") or []),
                 barriers_of(form.barriers.data or [])))
    rows.append(("Standards", "; ".join(map(standard_name, theirs.get("standards") or []))
                 or "None", "; ".join(map(standard_name, mine.standards if mine else ()))
                 or "None"))
    return rows
