"""Case studies: the school's own and the published ones, and writing one in steps.

A case study is written step by step from a task list (``/case-studies/<id>/steps``); each
step is its own page and saves only its part (``network.services.case_study_steps``), then
"Check your answers" leads to sending it to the headteacher. The shared workflow (submit,
review through the gate, publish, versions, contact) lives in the records blueprint.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models.case_study_body import CaseStudyBody
from network.access import can
from network.services import case_study_steps as steps
from network.services import profiles, records, schools
from network.services.errors import Conflict, Invalid
from network.web import form_recovery
from network.web.forms.case_studies import TEXT_MAX, ActionForm, NewContextForm
from network.web.forms.records import ActionForm as SubmitForm
from network.web.views import attach_error, editable_record, submit_once
from network.web.views.case_study_pages import FORMS, SECTIONS, choices_for, form_for

bp = Blueprint("case_studies", __name__, url_prefix="/case-studies")
KIND = "case_study"


@bp.get("")
def index():
    """The school's own case studies (drafts included) and those published to the user."""
    lists = records.list_for(current_user, KIND)
    return render_template("case_studies/index.html", own=lists["own"],
                           published=lists["published"],
                           can_write=current_user.school_id is not None)


def _editable(record_id: int):
    """The record, for those who may change its working copy (see ``editable_record``)."""
    return editable_record(KIND, record_id)


def _step_page(form, record, step, theirs=None, mine=None, restored=False, status=200):
    body = CaseStudyBody.read(record.body) if record else CaseStudyBody()
    return render_template("case_studies/step.html", form=form, record=record, step=step,
                           step_title=steps.TITLES[step], body=body, theirs=theirs, mine=mine,
                           restored=restored, text_max=TEXT_MAX, sections=SECTIONS[step],
                           choices=form.choices), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    """The first step of a new case study: its title and context start the draft."""
    if current_user.school_id is None:
        abort(404)
    restored = form_recovery.take() if request.method == "GET" else None
    form = NewContextForm(formdata=restored) if restored is not None else NewContextForm()
    form.choices = None
    if form.validate_on_submit():
        answer = submit_once(form, url_for("case_studies.index"), lambda: steps.create_draft(
            current_user, form.title.data, form.context.data),
            lambda record: url_for("case_studies.tasks", record_id=record.id),
            "Your case study has been saved as a draft. Carry on with the next steps.")
        if answer:
            return answer
    return _step_page(form, None, "context", restored=restored is not None)


@bp.get("/<int:record_id>/edit")
def edit(record_id: int):
    """Changing a case study starts from its task list."""
    return redirect(url_for("case_studies.tasks", record_id=_editable(record_id).id))


@bp.get("/<int:record_id>/steps")
def tasks(record_id: int):
    """The task list: each step with how far it has got, and the way to check and send."""
    record = _editable(record_id)
    return render_template("case_studies/tasks.html", record=record, steps=steps.STEPS,
                           statuses=steps.statuses(current_user, record))


def _save(form, record, step: str, changes: dict):
    """Save a step; the page again (with both versions on a conflict) or None when saved."""
    try:
        steps.save_step(current_user, record.id, int(form.version.data), step, changes)
    except Conflict as conflict:
        form.version.data = conflict.version
        mine = steps.merged(current_user, record, changes)
        return _step_page(form, record, step, theirs=conflict.theirs, mine=mine, status=409)
    except Invalid as error:
        attach_error(form, error)
        return _step_page(form, record, step)
    return None


@bp.route("/<int:record_id>/steps/<step>", methods=["GET", "POST"])
def step(record_id: int, step: str):
    """One step of the case study on its own page; saving returns to the task list (or, for
    "Add another" and "Remove", to the same page)."""
    record = _editable(record_id)
    if step not in FORMS:
        abort(404)
    restored = form_recovery.take() if request.method == "GET" else None
    form = form_for(step, record, restored)
    if request.method == "GET" and request.args.get("add") and hasattr(form, "entries_name"):
        getattr(form, form.entries_name).append_entry()
        form.prepare(form.choices)
    removed = request.form.get("remove", "")
    if request.method == "POST" and removed.isdigit() and hasattr(form, "entries_name"):
        rows = getattr(form, form.entries_name).entries
        if int(removed) < len(rows):
            rows.pop(int(removed))
    if form.validate_on_submit():
        changes = form.changes()
        if step == "actions" and removed.isdigit():
            actions = list(CaseStudyBody.read(record.body).to_json()["actions"])
            if int(removed) < len(actions):
                actions.pop(int(removed))
            changes["body"]["actions"] = actions
        page = _save(form, record, step, changes)
        if page:
            return page
        if step == "actions" and "add" in request.form:
            return redirect(url_for("case_studies.add_action", record_id=record.id))
        if "add" in request.form:
            return redirect(url_for("case_studies.step", record_id=record.id, step=step,
                                    add=1, _anchor="last"))
        if removed:
            flash("Removed, and your other answers saved.", "success")
            return redirect(url_for("case_studies.step", record_id=record.id, step=step))
        flash(f"“{steps.TITLES[step]}” is saved.", "success")
        return redirect(url_for("case_studies.tasks", record_id=record.id))
    return _step_page(form, record, step, restored=restored is not None)


def _action_page(form, record, number, theirs=None, mine=None, restored=False, status=200):
    return render_template("case_studies/action.html", form=form, record=record, number=number,
                           theirs=theirs, mine=mine, restored=restored,
                           elements=form.choices.elements), status


def _one_action(record_id: int, number: int | None):
    """Write a new action (number None) or change action `number`, on a page of its own."""
    record = _editable(record_id)
    actions = list(CaseStudyBody.read(record.body).to_json()["actions"])
    if number is not None and not 1 <= number <= len(actions):
        abort(404)
    restored = form_recovery.take() if request.method == "GET" else None
    current = actions[number - 1] if number else {"text": "", "standards": []}
    data = {"version": record.version, **current}
    form = ActionForm(formdata=restored, data=data) if restored is not None \
        else ActionForm(data=data)
    form.choices = choices_for(record, "actions")
    form.prepare(form.choices)
    if form.validate_on_submit():
        if number:
            actions[number - 1] = form.action()
        else:
            actions.append(form.action())
        changes = {"body": {"actions": actions}}
        try:
            steps.save_step(current_user, record.id, int(form.version.data), "actions",
                            changes)
        except Conflict as conflict:
            form.version.data = conflict.version
            return _action_page(form, record, number, theirs=conflict.theirs,
                                mine=steps.merged(current_user, record, changes), status=409)
        except Invalid as error:
            attach_error(form, error)
            return _action_page(form, record, number)
        flash(f"Action {number or len(actions)} is saved.", "success")
        return redirect(url_for("case_studies.step", record_id=record.id, step="actions"))
    return _action_page(form, record, number, restored=restored is not None)


@bp.route("/<int:record_id>/steps/actions/new", methods=["GET", "POST"])
def add_action(record_id: int):
    """Add one action to the case study."""
    return _one_action(record_id, None)


@bp.route("/<int:record_id>/steps/actions/<int:action>", methods=["GET", "POST"])
def change_action(record_id: int, action: int):
    """Change one action of the case study."""
    return _one_action(record_id, action)


@bp.get("/<int:record_id>/check")
def check(record_id: int):
    """Check your answers: every step's answers with a way back to change them, then send the
    case study to the headteacher."""
    record = _editable(record_id)
    body = CaseStudyBody.read(record.body)
    names = {s.id: s.name for s in steps.partner_schools(current_user, record.school_id)}
    people = {p.id: p.name for p in schools.colleagues(current_user, record.school_id)}
    return render_template("case_studies/check.html", record=record, body=body,
                           statuses=steps.statuses(current_user, record), steps=steps.STEPS,
                           titles=steps.TITLES, partner_names=names, submit_form=SubmitForm(),
                           can_submit=can(current_user, "submit", record),
                           coauthors=[people.get(c.user_id, "") for c in record.coauthors],
                           barrier_titles={b.slug: b.title
                                           for b in profiles.barrier_taxonomy()})
