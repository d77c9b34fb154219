"""Lesson studies: the list, and the editor a team writes a lesson-study cycle up in.

Submitting, review through the anonymisation gate, publishing, versions and the rest of
the workflow are the shared record pages (network/web/views/records.py).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import LessonStudyBody
from network.access import can, refuse
from network.services import evaluations, profiles, records, schools
from network.services.errors import Conflict
from network.web import form_recovery
from network.web.forms.lesson_studies import LessonStudyForm
from network.web.forms.lesson_study_data import comparison, form_data, new_data, slot_problems
from network.web.views import save_new_record

bp = Blueprint("lesson_studies", __name__, url_prefix="/lesson-studies")
KIND = "lesson_study"


@bp.get("")
def index():
    """The school's lesson studies (drafts included) and the published ones the person may read."""
    found = records.list_for(current_user, KIND)
    own_ids = {r.id for r in found["own"]}
    return render_template("lesson_studies/index.html", own=found["own"],
                           published=[r for r in found["published"] if r.id not in own_ids],
                           write=current_user.school_id is not None)


def _case_studies(record=None) -> list[tuple[int, str]]:
    """The school's case studies the person may open, and any the record already links."""
    found = records.list_for(current_user, "case_study")
    choices = {r.id: r.title for r in found["own"]}
    for r in found["published"]:
        if r.school_id == current_user.school_id:
            choices.setdefault(r.id, r.published_title)
    linked = LessonStudyBody.read(record.body).related_case_studies if record else ()
    for record_id in linked:
        choices.setdefault(record_id, f"A case study from your school (number {record_id})")
    return sorted(choices.items(), key=lambda pair: pair[1].casefold())


def _form(record=None) -> tuple[LessonStudyForm, bool]:
    """The editor, filled from the post, from a draft kept at sign-out, or from the record."""
    restored = form_recovery.take() if request.method == "GET" else None
    data = form_data(record) if record is not None else new_data(current_user)
    form = LessonStudyForm(formdata=restored, data=data) if restored is not None \
        else LessonStudyForm(data=data)
    school = schools.school_for(current_user, record.school_id if record is not None
                                else current_user.school_id)
    form.set_choices(people=schools.people(current_user, school),
                     author_id=record.author_id if record is not None else current_user.id,
                     case_studies=_case_studies(record),
                     barriers=profiles.barrier_taxonomy(), elements=evaluations.elements())
    return form, restored is not None


def _valid(form: LessonStudyForm) -> bool:
    """Validate the post, including fields posted beyond the form's slots."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    problems = slot_problems(request.form)
    form.form_errors.extend(problems)
    return valid and not problems


def _page(form, record=None, theirs=None, restored=False, status: int = 200):
    rows = None
    if theirs is not None:
        titles = {b.slug: b.title for b in profiles.barrier_taxonomy()}
        rows = comparison(theirs, form, titles)
    return render_template("lesson_studies/edit.html", form=form, record=record,
                           comparison=rows, restored=restored,
                           pupil_names=form.pupil_names()), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write up a lesson study: saved as a draft of the person's school."""
    if current_user.school_id is None:
        abort(404)
    form, restored = _form()
    if _valid(form):
        answer = save_new_record(form, KIND, url_for("lesson_studies.index"),
                                 "The lesson study is saved as a draft.")
        if answer:
            return answer
    return _page(form, restored=restored)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    """Change a lesson study; a save over someone else's newer one shows both (409)."""
    record = records.get(current_user, record_id, KIND)
    if not can(current_user, "edit", record):
        under_review = record.status == "submitted" and can(current_user, "see_draft", record)
        refuse(current_user, "edit", record, hidden=False, message=(
            "This lesson study is with the headteacher for review. It can be changed again "
            "once it is published or returned." if under_review else ""))
    form, restored = _form(record)
    if _valid(form):
        try:
            records.update(current_user, record.id, form.saved_version(), form.record_data())
        except Conflict as conflict:
            form.version.data = str(conflict.version)
            return _page(form, record, theirs=conflict.theirs, status=409)
        flash("The lesson study is saved.", "success")
        return redirect(url_for("records.show", record_id=record.id))
    return _page(form, record, restored=restored)
