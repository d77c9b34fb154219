"""Where a lesson study written in steps stands: each step's status on the task list, what
is still missing before it goes to the headteacher, and one step's part of two versions
side by side after a conflict."""

from dataclasses import replace

from models.record_bodies import Lesson, LessonStudyBody
from network.web.forms.lesson_parts import LESSON_SLOTS

DONE, STARTED, NOT_STARTED, CANNOT = ("Completed", "In progress", "Not yet started",
                                      "Cannot start yet")


def _some(values) -> bool:
    return any(v for v in values)


def team_status(title: str, body: LessonStudyBody) -> str:
    """The first step is done when the title, class and research focus are all there."""
    needed = (title, body.subject, body.year_group, body.focus, body.question)
    return DONE if all(needed) else STARTED


def pupils_status(body: LessonStudyBody) -> str:
    """Done with two or three case pupils, each with the group they stand for and a
    baseline."""
    if not body.pupils:
        return NOT_STARTED
    complete = len(body.pupils) >= 2 and all(p.stands_for and p.baseline for p in body.pupils)
    return DONE if complete else STARTED


def lesson_complete(lesson: Lesson) -> bool:
    """A research lesson written up as a whole cycle."""
    return bool(lesson.date and lesson.objective and lesson.taught_by and lesson.observed_by
                and any(any(r.observed for r in s.responses) for s in lesson.stages)
                and _some(lesson.interviews) and _some(lesson.discussion.progress))


def lesson_status(body: LessonStudyBody, number: int) -> str:
    """A lesson can be started once the case pupils are named and the lesson before it is
    begun."""
    if len(body.pupils) < 2 or number > len(body.lessons) + 1:
        return CANNOT
    if number > len(body.lessons):
        return NOT_STARTED
    return DONE if lesson_complete(body.lessons[number - 1]) else STARTED


def outcomes_status(body: LessonStudyBody) -> str:
    """Done when the outcomes are written and the impact on every case pupil's group."""
    typed = [body.outcomes, body.practice_changes, *(p.impact for p in body.pupils)]
    if not _some(typed):
        return NOT_STARTED
    return DONE if body.outcomes and body.pupils and all(p.impact for p in body.pupils) \
        else STARTED


def sharing_status(body: LessonStudyBody) -> str:
    """Done once the team says what it will share."""
    return DONE if body.sharing else NOT_STARTED


def missing(title: str, body: LessonStudyBody) -> list[tuple[str, str, int | None]]:
    """What must be written before the headteacher can review it: (message, step, lesson)."""
    found = []
    if team_status(title, body) != DONE:
        found.append(("Give the title, subject, year group, research focus and question",
                      "team", None))
    if len(body.pupils) < 2:
        found.append(("Name at least two case pupils", "pupils", None))
    elif pupils_status(body) != DONE:
        found.append(("Say who each case pupil stands for and where they started", "pupils",
                      None))
    if not body.lessons:
        found.append(("Write up at least one research lesson", "lesson", 1))
    for n, lesson in enumerate(body.lessons, 1):
        if not lesson.date:
            found.append((f"Give the date of research lesson {n}", "lesson", n))
    return found


def _tag(status: str) -> dict:
    if status == DONE:
        return {"text": DONE}
    if status == CANNOT:
        return {"text": CANNOT, "classes": "govuk-task-list__status--cannot-start-yet"}
    colour = "govuk-tag--light-blue" if status == STARTED else "govuk-tag--blue"
    return {"tag": {"text": status, "classes": colour}}


def task_items(title: str, body: LessonStudyBody, href) -> list[dict]:
    """The govukTaskList items: `href(step, lesson)` gives each step's address."""
    steps = [("Team, coach and focus", team_status(title, body), "team", None,
              "The title, who was in the team, the coach, the class and the research focus"),
             ("Case pupils", pupils_status(body), "pupils", None,
              "Two or three case pupils, the group each stands for and where they started")]
    lessons = max(len(body.lessons) + 1, 3)
    for n in range(1, min(lessons, LESSON_SLOTS) + 1):
        steps.append((f"Research lesson {n}", lesson_status(body, n), "lesson", n,
                      "Plan, predictions, who taught and observed, observations, interviews "
                      "and the discussion after it"))
    steps += [("Outcomes and impact on groups", outcomes_status(body), "outcomes", None,
               "What changed for the group each case pupil stands for, and for your teaching"),
              ("Sharing and publishing", sharing_status(body), "sharing", None,
               "Who you will share it with, what it is about, and who it is published to")]
    items = []
    for text, status, step, lesson, hint in steps:
        item = {"title": {"text": text}, "hint": {"text": hint}, "status": _tag(status)}
        if status != CANNOT:
            item["href"] = href(step, lesson)
        items.append(item)
    return items


# --- comparing two versions of one step ---------------------------------------------------

_WORDS = {"objective": "learning objective", "date": "date", "criteria": "success criteria",
          "name": "name", "predicted": "predicted", "observed": "observed",
          "interviews": "what the pupil said", "progress": "progress",
          "changes": "what changes next", "partners": "partner teachers not on the platform",
          "subject": "subject", "year_group": "year group", "class_size_band": "class size",
          "focus": "research focus", "question": "research question",
          "technique": "teaching approach", "label": "pseudonym", "stands_for": "stands for",
          "baseline": "where they started", "impact": "impact on their group",
          "outcomes": "outcomes", "practice_changes": "changes to practice",
          "sharing": "sharing", "where": "coach's school"}
_PER_PUPIL = {"criteria", "responses", "interviews", "progress", "pupils", "impact"}


def label(path: str, pupils: list[str]) -> str:
    """A passage's place in words, e.g. "Stage 2, Pupil A, observed"."""
    words, before = [], ""
    for token in path.split("."):
        if token.isdigit():
            n = int(token)
            if before in _PER_PUPIL:
                words.append(pupils[n - 1] if n <= len(pupils) else f"case pupil {n}")
            elif before == "stages":
                words.append(f"stage {n}")
        elif token in _WORDS:
            words.append(_WORDS[token])
        before = token
    text = ", ".join(words) or path
    return text[0].upper() + text[1:]


def step_part(body: LessonStudyBody, step: str, number: int | None) -> dict:
    """The part of the body one step writes, by name."""
    if step == "lesson":
        return {"": body.lessons[number - 1] if number <= len(body.lessons) else Lesson()}
    if step == "team":
        return {"team": body.team, "subject": body.subject, "year_group": body.year_group,
                "class_size_band": body.class_size_band, "focus": body.focus,
                "question": body.question, "technique": body.technique}
    if step == "pupils":
        return {"pupils": tuple(replace(p, impact="") for p in body.pupils)}
    if step == "outcomes":
        return {"impact": tuple(p.impact for p in body.pupils), "outcomes": body.outcomes,
                "practice_changes": body.practice_changes}
    return {"sharing": body.sharing}


def _walk(value, path: str):
    if hasattr(value, "texts"):
        for inner, text in value.texts():
            yield (f"{path}.{inner}" if path else inner), text
    elif isinstance(value, tuple):
        for n, item in enumerate(value, 1):
            yield from _walk(item, f"{path}.{n}")
    elif isinstance(value, str) and value:
        yield path, value


def _passages(part: dict) -> dict[str, str]:
    return {path: text for name, value in part.items() for path, text in _walk(value, name)}


def comparison(step: str, number: int | None, theirs: dict, mine: LessonStudyBody,
               my_title: str) -> list[tuple[str, str, str]]:
    """(what, saved by someone else, yours) rows for the passages of the step's part that
    differ between the two versions."""
    saved = LessonStudyBody.read(theirs.get("body"))
    pupils = [p.label for p in mine.pupils] or [p.label for p in saved.pupils]
    rows = [("Title", theirs.get("title") or "", my_title)] \
        if step == "team" and (theirs.get("title") or "") != my_title else []
    a = _passages(step_part(saved, step, number))
    b = _passages(step_part(mine, step, number))
    for path in dict.fromkeys([*a, *b]):
        if a.get(path, "") != b.get(path, ""):  # only what differs: the rest is the same
            rows.append((label(path, pupils), a.get(path, ""), b.get(path, "")))
    return rows or [("This step", "The same as yours", "The same as theirs")]
