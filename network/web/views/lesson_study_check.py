"""The "Check your answers" page of a lesson study written in steps: every step's answers
in summary lists, each with a link to change it, what is still missing, and the button that
sends it to the headteacher."""

from flask import render_template, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from models import LessonStudyBody
from network.access import can
from network.services import lesson_team, profiles
from network.web.forms.lesson_study_tasks import missing
from network.web.forms.records import ActionForm
from network.web.templating import standard_name


def _row(key: str, value) -> dict:
    text = value if value not in (None, "", [], ()) else "Not given"
    return {"key": {"text": key},
            "value": {"html": escape(text) if isinstance(text, str) else text}}


def _lines(values) -> Markup:
    values = [v for v in values if v]
    return Markup("<br>").join(escape(v) for v in values) if values else Markup("None")


def _names(ids, names: dict[int, str]) -> Markup:
    return _lines(names.get(i, "Someone who can no longer be chosen") for i in ids)


def check_page(record, body: LessonStudyBody):
    """The page: summary cards for each step, with "Change" links back to it."""
    team = lesson_team.choices(current_user, record.school_id)
    names = {**dict(team.members), **{i: f"{n}, {school}" for i, n, school in team.partners},
             **dict(team.coaches)}

    def step(name: str) -> str:
        return url_for("lesson_studies.step", record_id=record.id, step=name)

    cards = [("Team, coach and focus", step("team"), [
        _row("Title", record.title), _row("Who was in the team",
                                          _names(body.team.member_ids, names)),
        _row("Teachers from other schools in the cluster",
             _names(body.team.partner_ids, names)),
        _row("Partner teachers not on the platform", body.team.partners),
        _row("Coach", names.get(body.coach.user_id, "No coach") if body.coach.user_id
             else "No coach"),
        _row("Subject", body.subject), _row("Year group", body.year_group),
        _row("Size of the class", body.class_size_band), _row("Research focus", body.focus),
        _row("Research question", body.question),
        _row("Teaching approach", body.technique)])]
    cards.append(("Case pupils", step("pupils"), [
        _row(p.label, _lines([f"Stands for pupils {p.stands_for}",
                              f"Started: {p.baseline}" if p.baseline else "Where they "
                              "started: not given"])) for p in body.pupils]
        or [_row("Case pupils", "")]))
    for n, lesson in enumerate(body.lessons, 1):
        href = url_for("lesson_studies.lesson", record_id=record.id, lesson=n)
        observed = sum(1 for s in lesson.stages for r in s.responses if r.observed)
        cards.append((f"Research lesson {n}", href, [
            _row("Date", lesson.day.strftime("%-d %B %Y") if lesson.day else ""),
            _row("Learning objective", lesson.objective),
            _row("Who taught it", _names(lesson.taught_by, names)),
            _row("Who observed", _names(lesson.observed_by, names)),
            _row("Stages", _lines(s.name for s in lesson.stages)),
            _row("Observations written", str(observed) if observed else ""),
            _row("Interviews written", str(sum(1 for t in lesson.interviews if t)) or ""),
            _row("What changes for the next lesson", lesson.discussion.changes)]))
    cards.append(("Outcomes and impact on groups", step("outcomes"), [
        *(_row(f"Impact on pupils {p.stands_for or 'like ' + p.label}", p.impact)
          for p in body.pupils),
        _row("Outcomes", body.outcomes), _row("Changes to practice", body.practice_changes)]))
    barriers = {b.slug: b.title for b in profiles.barrier_taxonomy()}
    cards.append(("Sharing and publishing", step("sharing"), [
        _row("What we will share, and with whom", body.sharing),
        _row("Barriers", _lines(barriers.get(b, b) for b in body.barriers)),
        _row("Standards", _lines(standard_name(s) for s in body.standards)),
        _row("Published to", "The whole network" if record.audience == "network"
             else "Our cluster"),
        _row("Publish with our school's name", "Yes" if record.attributed else "No")]))
    for title, href, rows in cards:
        for row in rows:
            row["actions"] = {"items": [{"href": href, "text": "Change",
                                         "visuallyHiddenText": f"{row['key']['text']} "
                                                               f"({title.lower()})"}]}
    gaps = [(message, url_for("lesson_studies.lesson", record_id=record.id, lesson=n)
             if where == "lesson" else step(where)) for message, where, n in missing(
        record.title, body)]
    return render_template("lesson_studies/check.html", record=record, cards=cards, gaps=gaps,
                           can_submit=can(current_user, "submit", record) and not gaps,
                           action_form=ActionForm())
