"""Lesson studies: the list, and writing one up in steps from a task list (team, coach and
focus; case pupils; each research lesson; outcomes; sharing; check your answers).

Each step saves only its part of the body, with the version it started from: a save over
someone else's newer one shows both (409) and keeps what was typed. Submitting, review
through the anonymisation gate, publishing and versions are the shared record pages
(network/web/views/records.py).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import LessonStudyBody
from models.record_bodies import Team
from network.services import evaluations, lesson_team, profiles, records, schools
from network.services.errors import Conflict, Invalid
from network.web import form_recovery
from network.web.forms import lesson_study_data as data
from network.web.forms.lesson_parts import LESSON_SLOTS
from network.web.forms.lesson_studies import (
    LessonStepForm,
    OutcomesForm,
    PupilsForm,
    SharingForm,
    TeamForm,
)
from network.web.forms.lesson_study_tasks import CANNOT, comparison, lesson_status, task_items
from network.web.views import attach_error, editable_record, submit_once
from network.web.views.lesson_study_check import check_page

bp = Blueprint("lesson_studies", __name__, url_prefix="/lesson-studies")
KIND = "lesson_study"
STEPS = ("team", "pupils", "outcomes", "sharing", "check")


@bp.get("")
def index():
    """The school's lesson studies (drafts included) and the published ones the person may read."""
    found = records.list_for(current_user, KIND)
    own_ids = {r.id for r in found["own"]}
    return render_template("lesson_studies/index.html", own=found["own"],
                           published=[r for r in found["published"] if r.id not in own_ids],
                           write=current_user.school_id is not None)


def _editable(record_id: int):
    """The record, for those who may change its working copy (see ``editable_record``)."""
    return editable_record(KIND, record_id)


def _tasks_url(record_id: int, step: str, lesson: int | None = None) -> str:
    if step == "lesson":
        return url_for("lesson_studies.lesson", record_id=record_id, lesson=lesson)
    return url_for("lesson_studies.step", record_id=record_id, step=step)


def _made(cls, data_, **options):
    """The step form from the post, from what was kept at sign-out, or from the record."""
    restored = form_recovery.take() if request.method == "GET" else None
    form = cls(formdata=restored, data=data_, **options) if restored is not None \
        else cls(data=data_, **options)
    return form, restored is not None


def _case_studies(record) -> list[tuple[int, str]]:
    """The school's case studies the person may open, and any the record already links."""
    found = records.list_for(current_user, "case_study")
    choices = {r.id: r.title for r in found["own"]}
    for r in found["published"]:
        if r.school_id == current_user.school_id:
            choices.setdefault(r.id, r.published_title)
    for record_id in LessonStudyBody.read(record.body).related_case_studies:
        choices.setdefault(record_id, f"A case study from your school (number {record_id})")
    return sorted(choices.items(), key=lambda pair: pair[1].casefold())


def _page(template: str, form, record=None, step: str = "team", lesson: int | None = None,
          rows=None, restored=False, status: int = 200, **context):
    return render_template(f"lesson_studies/{template}.html", form=form, record=record,
                           step=step, lesson=lesson, comparison=rows, restored=restored,
                           **context), status


def _save(form, record, template: str, step: str, lesson: int | None, changed: dict,
          **context):
    """Save the step's part; back to the task list, or the form again with both versions
    (409) or with what the service refused."""
    try:
        records.update(current_user, record.id, form.saved_version(), changed)
    except Conflict as conflict:
        form.version.data = str(conflict.version)
        rows = comparison(step, lesson, conflict.theirs,
                          LessonStudyBody.read(changed["body"]), changed["title"])
        return _page(template, form, record, step, lesson, rows=rows, status=409, **context)
    except Invalid as error:
        attach_error(form, error)
        return _page(template, form, record, step, lesson, **context)
    flash("Saved. Carry on with the next step, or come back to it later.", "success")
    return redirect(url_for("lesson_studies.edit", record_id=record.id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start a lesson study: the first step (team, coach and focus) creates the draft."""
    if current_user.school_id is None:
        abort(404)
    start = LessonStudyBody(team=Team(member_ids=(current_user.id,)))
    form, restored = _made(TeamForm, data.team_data(None, start))
    team = lesson_team.choices(current_user, current_user.school_id)
    form.set_choices(team)
    if form.validate_on_submit():
        body = data.apply_team(form, LessonStudyBody(), team.coach_school,
                               current_user.school_id)
        changed = {"title": form.title.data, "body": body.to_json(), "barriers": [],
                   "standards": [], "coauthor_ids": [], "audience": "cluster",
                   "attributed": False}
        answer = submit_once(form, url_for("lesson_studies.index"),
                             lambda: records.create(current_user, KIND, changed),
                             lambda record: url_for("lesson_studies.edit", record_id=record.id),
                             "The lesson study is saved as a draft. Carry on with the next "
                             "step, or come back to it later.")
        if answer:
            return answer
    return _page("step_team", form, restored=restored)


@bp.get("/<int:record_id>/edit")
def edit(record_id: int):
    """The task list: each step of writing the lesson study up, and how far it has got."""
    record = _editable(record_id)
    body = LessonStudyBody.read(record.body)
    items = task_items(record.title, body, lambda step, n: _tasks_url(record.id, step, n))
    return render_template("lesson_studies/tasks.html", record=record, items=items)


@bp.route("/<int:record_id>/steps/<step>", methods=["GET", "POST"])
def step(record_id: int, step: str):
    """One step of writing the lesson study up (or checking the answers)."""
    record = _editable(record_id)
    if step not in STEPS:
        abort(404)
    body = LessonStudyBody.read(record.body)
    if step == "check":
        return check_page(record, body)
    if step == "team":
        team = lesson_team.choices(current_user, record.school_id)
        form, restored = _made(TeamForm, data.team_data(record, body))
        form.set_choices(team)
        if form.validate_on_submit():
            new_body = data.apply_team(form, body, team.coach_school, record.school_id)
            return _save(form, record, "step_team", step, None,
                         data.record_data(record, new_body, title=form.title.data))
        return _page("step_team", form, record, step, restored=restored)
    if step == "pupils":
        form, restored = _made(PupilsForm, data.pupils_data(record, body),
                               notes_in=data.notes_in(body))
        if form.validate_on_submit():
            return _save(form, record, "step_pupils", step, None,
                         data.record_data(record, data.apply_pupils(form, body)))
        return _page("step_pupils", form, record, step, restored=restored)
    if step == "outcomes":
        form, restored = _made(OutcomesForm, data.outcomes_data(record, body),
                               pupils=body.pupils)
        if form.validate_on_submit():
            return _save(form, record, "step_outcomes", step, None,
                         data.record_data(record, data.apply_outcomes(form, body)),
                         pupils=body.pupils)
        return _page("step_outcomes", form, record, step, restored=restored,
                     pupils=body.pupils)
    form, restored = _made(SharingForm, data.sharing_data(record, body))
    form.set_choices(people=schools.people(current_user, records.school_of(record)),
                     author_id=record.author_id, case_studies=_case_studies(record),
                     barriers=profiles.barrier_taxonomy(), elements=evaluations.elements())
    if form.validate_on_submit():
        return _save(form, record, "step_sharing", step, None,
                     data.apply_sharing(form, record, body))
    return _page("step_sharing", form, record, step, restored=restored)


@bp.route("/<int:record_id>/lessons/<int:lesson>", methods=["GET", "POST"])
def lesson(record_id: int, lesson: int):
    """One research lesson as a cycle: plan, predictions, who taught and observed it, what
    was seen, what the case pupils said and the discussion after it."""
    record = _editable(record_id)
    if not 1 <= lesson <= LESSON_SLOTS:
        abort(404)
    body = LessonStudyBody.read(record.body)
    if lesson_status(body, lesson) == CANNOT:
        flash("Name the case pupils, and start the research lessons before this one, first.",
              "important")
        return redirect(url_for("lesson_studies.edit", record_id=record.id))
    form, restored = _made(LessonStepForm, data.lesson_data(record, body, lesson),
                           number=lesson, pupils=body.pupils)
    team = lesson_team.choices(current_user, record.school_id)
    names = {**dict(team.members), **{i: f"{n}, {s}" for i, n, s in team.partners},
             **dict(team.coaches)}
    form.set_choices(data.lesson_people(body, names))
    context = {"pupils": body.pupils}
    if form.validate_on_submit():
        return _save(form, record, "step_lesson", "lesson", lesson,
                     data.record_data(record, data.apply_lesson(form, body, lesson)),
                     **context)
    return _page("step_lesson", form, record, "lesson", lesson, restored=restored, **context)
