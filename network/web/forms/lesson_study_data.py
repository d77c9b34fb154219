"""Between a lesson-study record and its form: slot checks on a raw post, the form's starting
values from a saved record, and the rows comparing two versions after a conflict.

The body of a lesson study (``Record.body``; the published copy has the same shape)::

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
     "barriers": [as data["barriers"]], "standards": [as data["standards"]]}

Every list "per case pupil" has exactly one entry per pupil in ``pupils``, in the same
order. Free text may use light formatting (paragraphs, lists, emphasis, links); pages show
it through the ``formatted`` filter, which sanitises it. Names of team members are never
part of the body, only their ids; case pupils are named only by a pseudonym.
"""

import re
from datetime import date

from network.web.forms.lesson_parts import LESSON_SLOTS, PUPIL_SLOTS, STAGE_SLOTS
from network.web.forms.lesson_studies import LessonStudyForm

_SLOT_LIMITS = [
    (re.compile(r"^pupils-(\d+)-"), PUPIL_SLOTS,
     "A lesson study follows at most three case pupils"),
    (re.compile(r"^(?:interviews|progress)-(\d+)-"), PUPIL_SLOTS,
     "A lesson study follows at most three case pupils"),
    (re.compile(r"^lessons-\d+-criteria-(\d+)-"), PUPIL_SLOTS,
     "A lesson study follows at most three case pupils"),
    (re.compile(r"^lessons-\d+-stages-\d+-responses-(\d+)-"), PUPIL_SLOTS,
     "A lesson study follows at most three case pupils"),
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


def _iso(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def new_data(author) -> dict:
    """A blank form: the author is in the team, and it would go to the cluster."""
    return {"version": "", "team_members": [str(author.id)], "audience": "cluster",
            "attributed": False}


def form_data(record) -> dict:
    """A saved lesson study, shaped for the form."""
    body = record.body or {}
    team = body.get("team") or {}
    lessons = []
    for lesson in (body.get("lessons") or [])[:LESSON_SLOTS]:
        stages = [{"stage": stage.get("name") or "",
                   "responses": _pad([{"predicted": r.get("predicted") or "",
                                       "observed": r.get("observed") or ""}
                                      for r in stage.get("responses") or []],
                                     PUPIL_SLOTS, {"predicted": "", "observed": ""})}
                  for stage in (lesson.get("stages") or [])[:STAGE_SLOTS]]
        lessons.append({"date": _iso(lesson.get("date")), "objective": lesson.get("objective")
                        or "", "criteria": _per_pupil(lesson.get("criteria")),
                        "stages": _pad(stages, STAGE_SLOTS, {})})
    discussion = body.get("discussion") or {}
    return {
        "version": str(record.version),
        "title": record.title,
        "team_members": [str(i) for i in team.get("member_ids") or []],
        "partners": team.get("partners") or "",
        "subject": body.get("subject") or "",
        "year_group": body.get("year_group") or "",
        "class_size_band": body.get("class_size_band") or None,
        "focus": body.get("focus") or "",
        "question": body.get("question") or "",
        "technique": body.get("technique") or "",
        "pupils": _pad([{"pseudonym": p.get("label") or "", "stands_for": p.get("stands_for")
                         or ""} for p in body.get("pupils") or []], PUPIL_SLOTS, {}),
        "lessons": _pad(lessons, LESSON_SLOTS, {}),
        "interviews": _per_pupil(body.get("interviews")),
        "progress": _per_pupil(discussion.get("progress")),
        "changes": discussion.get("changes") or "",
        "outcomes": body.get("outcomes") or "",
        "practice_changes": body.get("practice_changes") or "",
        "sharing": body.get("sharing") or "",
        "barriers": [b.barrier_slug for b in record.barriers],
        "standards": [s.standard_id for s in record.standards],
        "related_case_studies": [str(i) for i in body.get("related_case_studies") or []],
        "coauthors": [str(c.user_id) for c in record.coauthors],
        "audience": record.audience,
        "attributed": record.attributed,
    }


# --- the conflict page -------------------------------------------------------------------

def comparison(theirs: dict, form: LessonStudyForm, barrier_titles: dict[str, str]) -> list:
    """(what, saved by someone else, yours) rows for the key fields of a lesson study."""
    body = theirs.get("body") or {}
    yours = form.record_data() if not form.errors else None

    def lessons_of(lessons) -> str:
        dates = [_iso(lesson.get("date")) for lesson in lessons]
        return "; ".join(d.strftime("%-d %B %Y") if d else "no date" for d in dates) or "None"

    def pupils_of(pupils) -> str:
        return "; ".join(f"{p.get('label')} ({p.get('stands_for')})" for p in pupils) or "None"

    def barriers_of(slugs) -> str:
        return "; ".join(barrier_titles.get(s, s) for s in slugs) or "None"

    mine = yours["body"] if yours else {}
    rows = [("Title", theirs.get("title") or "", form.title.data or "")]
    for key, label in (("subject", "Subject"), ("year_group", "Year group"),
                       ("question", "Research question"), ("outcomes", "Outcomes"),
                       ("practice_changes", "Changes to practice")):
        rows.append((label, body.get(key) or "", mine.get(key, getattr(form, key).data) or ""))
    rows.append(("Case pupils", pupils_of(body.get("pupils") or []),
                 pupils_of(mine.get("pupils") or [])))
    rows.append(("Research lessons", lessons_of(body.get("lessons") or []),
                 lessons_of(mine.get("lessons") or [])))
    rows.append(("Barriers", barriers_of(theirs.get("barriers") or []),
                 barriers_of(form.barriers.data or [])))
    rows.append(("Standards", "; ".join(theirs.get("standards") or []) or "None",
                 "; ".join(mine.get("standards") or []) or "None"))
    return rows
