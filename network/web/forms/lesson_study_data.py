"""Between a lesson-study record and its step forms: each step's starting values read from
the saved body, each step's answers written back into the body (only that step's part; the
rest stays exactly as saved), and the rows comparing two versions of one step after a
conflict.

The body is a ``models.record_bodies.LessonStudyBody`` (its shape is documented there).
"""

from dataclasses import replace

from models.record_bodies import (
    Coach,
    Discussion,
    Lesson,
    LessonStudyBody,
    Pupil,
    Response,
    Stage,
    Team,
)
from network.web.forms.lesson_parts import PUPIL_SLOTS, STAGE_SLOTS, has_text

STEPS = {"team": "Team, coach and focus", "pupils": "Case pupils",
         "outcomes": "Outcomes and impact on groups", "sharing": "Sharing and publishing"}


def _pad(values: list, size: int, empty) -> list:
    return [*values[:size], *([empty] * (size - len(values[:size])))]


def _per_pupil(values) -> list[dict]:
    return _pad([{"text": v or ""} for v in values or []], PUPIL_SLOTS, {"text": ""})


def _texts(entries, count: int) -> tuple[str, ...]:
    return tuple(entries[i].form.text.data or "" for i in range(count))


def _ids(values) -> tuple[int, ...]:
    return tuple(int(v) for v in dict.fromkeys(values or []) if str(v).isdigit())


def _fit(values: tuple, count: int, empty) -> tuple:
    """`values` made one per case pupil (for `count` pupils)."""
    return (*values[:count], *([empty] * (count - len(values[:count]))))


def record_data(record, body: LessonStudyBody, **changes) -> dict:
    """What records.update takes: the record as saved, with `body` and any `changes`."""
    data = {"title": record.title, "body": body.to_json(),
            "barriers": [b.barrier_slug for b in record.barriers],
            "standards": [s.standard_id for s in record.standards],
            "coauthor_ids": [c.user_id for c in record.coauthors],
            "audience": record.audience, "attributed": record.attributed}
    return {**data, **changes}


# --- step 1: team, coach and focus -------------------------------------------------------

def team_data(record, body: LessonStudyBody) -> dict:
    """The team step's starting values."""
    return {"version": str(record.version) if record else "",
            "title": record.title if record else "",
            "team_members": [str(i) for i in body.team.member_ids],
            "partner_ids": [str(i) for i in body.team.partner_ids],
            "partners": body.team.partners,
            "coach": str(body.coach.user_id) if body.coach.user_id else "",
            "subject": body.subject, "year_group": body.year_group,
            "class_size_band": body.class_size_band or None, "focus": body.focus,
            "question": body.question, "technique": body.technique}


def apply_team(form, body: LessonStudyBody, coach_school: dict[int, int],
               school_id: int) -> LessonStudyBody:
    """The body with the team step's answers."""
    coach_id = int(form.coach.data) if str(form.coach.data or "").isdigit() else 0
    coach = Coach(user_id=coach_id, where=("school" if coach_school.get(coach_id) == school_id
                                           else "other")) if coach_id else Coach()
    return replace(body, team=Team(member_ids=_ids(form.team_members.data),
                                   partner_ids=_ids(form.partner_ids.data),
                                   partners=form.partners.data or ""),
                   coach=coach, subject=form.subject.data or "",
                   year_group=form.year_group.data or "",
                   class_size_band=form.class_size_band.data or "",
                   focus=form.focus.data or "", question=form.question.data or "",
                   technique=form.technique.data or "")


# --- step 2: case pupils -----------------------------------------------------------------

def pupils_data(record, body: LessonStudyBody) -> dict:
    """The case-pupils step's starting values."""
    return {"version": str(record.version),
            "pupils": _pad([{"pseudonym": p.label, "stands_for": p.stands_for,
                             "baseline": p.baseline} for p in body.pupils], PUPIL_SLOTS, {})}


def notes_in(body: LessonStudyBody) -> dict[int, list[str]]:
    """For each case pupil, where the body has notes about them (so they are not dropped)."""
    found: dict[int, list[str]] = {}
    for n, lesson in enumerate(body.lessons, 1):
        columns = [lesson.criteria, lesson.interviews, lesson.discussion.progress,
                   *([f"{r.predicted}{r.observed}" for r in s.responses] for s in lesson.stages)]
        for column in columns:
            for index, text in enumerate(column):
                if text and f"research lesson {n}" not in found.get(index, []):
                    found.setdefault(index, []).append(f"research lesson {n}")
    for index, pupil in enumerate(body.pupils):
        if pupil.impact:
            found.setdefault(index, []).append("the outcomes")
    return found


def apply_pupils(form, body: LessonStudyBody) -> LessonStudyBody:
    """The body with the case pupils' answers; every list kept per case pupil follows (a
    pupil added gets empty entries, a pupil taken away had none)."""
    old = list(body.pupils)
    pupils = tuple(Pupil(label=e.form.pseudonym.data, stands_for=e.form.stands_for.data or "",
                         baseline=e.form.baseline.data or "",
                         impact=old[i].impact if i < len(old) else "")
                   for i, e in enumerate(form.pupils) if e.form.pseudonym.data)
    count = len(pupils)
    lessons = tuple(replace(
        lesson, criteria=_fit(lesson.criteria, count, ""),
        interviews=_fit(lesson.interviews, count, ""),
        discussion=replace(lesson.discussion,
                           progress=_fit(lesson.discussion.progress, count, "")),
        stages=tuple(replace(s, responses=_fit(s.responses, count, Response()))
                     for s in lesson.stages)) for lesson in body.lessons)
    return replace(body, pupils=pupils, lessons=lessons)


# --- the research lessons ----------------------------------------------------------------

def lesson_data(record, body: LessonStudyBody, number: int) -> dict:
    """Research lesson `number`'s starting values (empty when not yet written)."""
    lesson = body.lessons[number - 1] if number <= len(body.lessons) else Lesson()
    stages = [{"stage": stage.name,
               "responses": _pad([{"predicted": r.predicted, "observed": r.observed}
                                  for r in stage.responses],
                                 PUPIL_SLOTS, {"predicted": "", "observed": ""})}
              for stage in lesson.stages[:STAGE_SLOTS]]
    return {"version": str(record.version), "date": lesson.day, "objective": lesson.objective,
            "taught_by": [str(i) for i in lesson.taught_by],
            "observed_by": [str(i) for i in lesson.observed_by],
            "criteria": _per_pupil(lesson.criteria), "stages": _pad(stages, STAGE_SLOTS, {}),
            "interviews": _per_pupil(lesson.interviews),
            "progress": _per_pupil(lesson.discussion.progress),
            "changes": lesson.discussion.changes}


def apply_lesson(form, body: LessonStudyBody, number: int) -> LessonStudyBody:
    """The body with research lesson `number` as typed (a last lesson left empty is
    dropped)."""
    count = len(body.pupils)
    lesson = Lesson(
        date=form.date.data.isoformat() if form.date.data else "",
        objective=form.objective.data or "",
        taught_by=_ids(form.taught_by.data), observed_by=_ids(form.observed_by.data),
        criteria=_texts(form.criteria, count),
        stages=tuple(Stage(name=stage.form.stage.data, responses=tuple(
            Response(predicted=stage.form.responses[i].form.predicted.data or "",
                     observed=stage.form.responses[i].form.observed.data or "")
            for i in range(count))) for stage in form.stages if has_text(stage.form)),
        interviews=_texts(form.interviews, count),
        discussion=Discussion(progress=_texts(form.progress, count),
                              changes=form.changes.data or ""))
    lessons = list(body.lessons)
    if number <= len(lessons):
        lessons[number - 1] = lesson
    else:
        lessons.append(lesson)
    while lessons and lessons[-1] == Lesson(
            criteria=("",) * count, interviews=("",) * count,
            discussion=Discussion(progress=("",) * count)):
        lessons.pop()
    return replace(body, lessons=tuple(lessons))


def lesson_people(body: LessonStudyBody, names: dict[int, str]) -> list[tuple[int, str]]:
    """Who may have taught or observed: the team, partner teachers and the coach, by name
    (`names` from the people the school may choose)."""
    ids = [*body.team.member_ids, *body.team.partner_ids,
           *([body.coach.user_id] if body.coach.user_id else [])]
    people = []
    for person in dict.fromkeys(ids):
        if person in names:
            role = " (coach)" if person == body.coach.user_id else ""
            people.append((person, f"{names[person]}{role}"))
    return people


# --- outcomes and sharing ----------------------------------------------------------------

def outcomes_data(record, body: LessonStudyBody) -> dict:
    """The outcomes step's starting values."""
    return {"version": str(record.version),
            "impacts": _per_pupil([p.impact for p in body.pupils]),
            "outcomes": body.outcomes, "practice_changes": body.practice_changes}


def apply_outcomes(form, body: LessonStudyBody) -> LessonStudyBody:
    """The body with the outcomes and each group's impact."""
    pupils = tuple(replace(p, impact=form.impacts[i].form.text.data or "")
                   for i, p in enumerate(body.pupils))
    return replace(body, pupils=pupils, outcomes=form.outcomes.data or "",
                   practice_changes=form.practice_changes.data or "")


def sharing_data(record, body: LessonStudyBody) -> dict:
    """The sharing step's starting values."""
    return {"version": str(record.version), "sharing": body.sharing,
            "barriers": [b.barrier_slug for b in record.barriers],
            "standards": [s.standard_id for s in record.standards],
            "related_case_studies": [str(i) for i in body.related_case_studies],
            "coauthors": [str(c.user_id) for c in record.coauthors],
            "audience": record.audience, "attributed": record.attributed}


def apply_sharing(form, record, body: LessonStudyBody) -> dict:
    """The record data with the sharing step's answers."""
    offered = [value for value, _ in form.standards.choices]
    chosen = set(form.standards.data or [])
    standards = [s for s in offered if s in chosen]
    barriers = list(dict.fromkeys(form.barriers.data or []))
    body = replace(body, sharing=form.sharing.data or "", barriers=tuple(barriers),
                   standards=tuple(standards),
                   related_case_studies=_ids(form.related_case_studies.data))
    return record_data(record, body, barriers=barriers, standards=standards,
                       coauthor_ids=list(_ids(form.coauthors.data)),
                       audience=form.audience.data, attributed=bool(form.attributed.data))

