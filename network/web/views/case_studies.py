"""Case studies: the school's own and the published ones, and the structured editor.

The shared workflow (submit, review through the gate, publish, versions, contact) lives in
the records blueprint; saving here redirects there.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from network.access import require
from network.services import evaluations, profiles, records, schools
from network.services.errors import Conflict
from network.web import form_recovery
from network.web.forms.case_studies import (
    ACTION_SLOTS,
    MEASURE_ROWS,
    TEXT_MAX,
    CaseStudyForm,
    EditCaseStudyForm,
    initial_data,
)
from network.web.views import save_new_record

bp = Blueprint("case_studies", __name__, url_prefix="/case-studies")
KIND = "case_study"


@bp.get("")
def index():
    """The school's own case studies (drafts included) and those published to the user."""
    lists = records.list_for(current_user, KIND)
    return render_template("case_studies/index.html", own=lists["own"],
                           published=lists["published"],
                           can_write=current_user.school_id is not None)


def _colleagues(school_id: int, author_id: int) -> list:
    """Everyone active at the school but the author: who may be a co-author."""
    return [p for p in schools.colleagues(current_user, school_id)
            if p.id != author_id and p.is_active]


def _prepare(form: CaseStudyForm, school_id: int, author_id: int) -> tuple[dict, list]:
    """Offer the form's choices; the reference data the page needs beside it."""
    elements = evaluations.elements()
    taxonomy = profiles.barrier_taxonomy()
    form.set_choices(profiles.groups(), taxonomy, elements, _colleagues(school_id, author_id))
    return {b.slug: b.title for b in taxonomy}, elements


def _page(form, record, barrier_titles, elements, theirs=None, mine=None, restored=False):
    return render_template("case_studies/edit.html", form=form, record=record,
                           elements=elements, barrier_titles=barrier_titles, theirs=theirs,
                           mine=mine, restored=restored, text_max=TEXT_MAX,
                           action_slots=ACTION_SLOTS, measure_rows=MEASURE_ROWS)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a case study for the user's school; it starts as a draft."""
    if current_user.school_id is None:
        abort(404)
    restored = form_recovery.take() if request.method == "GET" else None
    form = CaseStudyForm(formdata=restored) if restored is not None \
        else CaseStudyForm(data={"audience": "cluster"})
    barrier_titles, elements = _prepare(form, current_user.school_id, current_user.id)
    if form.validate_on_submit():
        answer = save_new_record(form, KIND, url_for("case_studies.index"),
                                 "Your case study has been saved as a draft.")
        if answer:
            return answer
    return _page(form, None, barrier_titles, elements, restored=restored is not None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    """Change the working copy; a save made on a stale version shows both versions (409)."""
    record = records.get(current_user, record_id, KIND)
    require(current_user, "edit", record)
    restored = form_recovery.take() if request.method == "GET" else None
    initial = initial_data(record)
    form = EditCaseStudyForm(formdata=restored, data=initial) if restored is not None \
        else EditCaseStudyForm(data=initial)
    barrier_titles, elements = _prepare(form, record.school_id, record.author_id)
    if form.validate_on_submit():
        data = form.record_data()
        try:
            records.update(current_user, record.id, int(form.version.data), data)
        except Conflict as conflict:
            form.version.data = conflict.version
            return _page(form, record, barrier_titles, elements, theirs=conflict.theirs,
                         mine=data), 409
        flash("Your changes have been saved.", "success")
        return redirect(url_for("records.show", record_id=record.id))
    return _page(form, record, barrier_titles, elements, restored=restored is not None)
