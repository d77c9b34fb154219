"""The workflow both kinds of record share: review through the gate, publish, withdraw,
versions, the print view and contact without exposure.

Pages get a record's body typed (models/record_bodies.py), read so that no stored state can
break them; the templates' `body.section` reads a typed body and a plain dict alike."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from models import record_bodies
from network.access import can, refuse
from network.services import contexts, gate, later, records, search
from network.services.errors import Conflict, Invalid
from network.web.forms.records import (
    ActionForm,
    ContactDecisionForm,
    ContactForm,
    OverrideForm,
    PublishForm,
    ReturnForm,
)
from network.web.views import attach_error, carry_out

bp = Blueprint("records", __name__)
EDIT = {"case_study": "case_studies.edit", "lesson_study": "lesson_studies.edit"}


@bp.get("/records/<int:record_id>")
def show(record_id: int):
    """Authors see the working copy and its state; everyone else the anonymised live copy."""
    record = records.get(current_user, record_id)
    if not can(current_user, "see_draft", record):
        return redirect(url_for("records.published", record_id=record.id))
    return render_template("records/show.html", record=record,
                           body=record_bodies.read(record.kind, record.body),
                           related=records.related_for(current_user, record, False),
                           similar=search.more_like_this(current_user, record),
                           title=record.title, edit_endpoint=EDIT[record.kind],
                           flags=gate.flags(record), action_form=ActionForm())


@bp.get("/records/<int:record_id>/published")
def published(record_id: int):
    """The published copy as every reader sees it: no school unless it chose attribution."""
    record = records.get(current_user, record_id)
    if not record.is_live:
        abort(404)
    return render_template("records/published.html", record=record,
                           body=record_bodies.read(record.kind, record.published_body),
                           related=records.related_for(current_user, record, True),
                           title=record.published_title,
                           school_name=records.attributed_name(record),
                           similar=search.more_like_this(current_user, record),
                           contact=can(current_user, "contact", record))


@bp.get("/records/<int:record_id>/print")
def print_view(record_id: int):
    """A print-friendly page: the working copy for its authors, the live copy for readers."""
    record = records.get(current_user, record_id)
    draft = can(current_user, "see_draft", record)
    if not draft and not record.is_live:
        abort(404)
    return render_template("records/print.html", record=record, draft=draft,
                           related=records.related_for(current_user, record, not draft),
                           body=record_bodies.read(record.kind, record.body if draft
                                                   else record.published_body),
                           title=record.title if draft else record.published_title)


@bp.post("/records/<int:record_id>/submit")
def submit(record_id: int):
    """Send the draft to the headteacher."""
    if ActionForm().validate_on_submit():
        records.submit(current_user, record_id)
        flash("Sent to your headteacher for review.", "success")
    return redirect(url_for("records.show", record_id=record_id))


def _review_page(record, publish_form=None, return_form=None, override_form=None,
                 status: int = 200):
    return render_template(
        "records/review.html", record=record, body=record_bodies.read(record.kind, record.body),
        title=record.title,
        related=records.related_for(current_user, record, False),
        flags=gate.flags(record),
        publish_form=publish_form or PublishForm(data={"version": record.version,
                                                       "audience": record.audience}),
        return_form=return_form or ReturnForm(), override_form=override_form or OverrideForm(),
        context=contexts.preview_of(record)), status


def _under_review(record_id: int):
    """The record, for its headteacher only: its authors are refused (403) and everyone else
    is told it does not exist (404), before any form is read, so that no one else ever sees
    the review page and what it says about the school."""
    record = records.get(current_user, record_id)
    if not can(current_user, "review", record):
        refuse(current_user, "review", record, hidden=not can(current_user, "see_draft", record))
    return record


@bp.get("/records/<int:record_id>/review")
def review(record_id: int):
    """The headteacher's review: what the gate found, and publish or return."""
    return _review_page(_under_review(record_id))


@bp.post("/records/<int:record_id>/override")
def override(record_id: int):
    """Mark one flagged passage as not identifying, with a reason for the audit trail."""
    record = _under_review(record_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            records.mark_not_identifying(current_user, record.id, form.kind.data, form.text.data,
                                         form.reason.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash(f"“{form.text.data}” marked as not identifying.", "success")
            return redirect(url_for("records.review", record_id=record.id))
    return _review_page(record, override_form=form, status=400)


@bp.post("/records/<int:record_id>/publish")
def publish(record_id: int):
    """Publish through the gate; refused while anything could identify the school."""
    record = _under_review(record_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            records.publish(current_user, record.id, int(form.version.data), form.audience.data)
        except records.GateClosed as closed:
            form.form_errors.append(f"{len(closed.flags)} passages could still identify the "
                                    "school. Return the record for changes, or mark each as "
                                    "not identifying with a reason.")
            return _review_page(record, publish_form=form, status=400)
        except Conflict:
            form.form_errors.append("The authors changed the record while you reviewed it. "
                                    "Review the new version.")
            return _review_page(record, status=409)
        except Invalid as error:
            attach_error(form, error)
            return _review_page(record, publish_form=form, status=400)
        # Saved-search alerts run as a job: publishing answers at once, whatever they do.
        # (`record_id`, not `record.id`: reading the committed record again would begin a
        # transaction, and on SQLite hold the write lock a job run at once needs.)
        later.now("alert_new_publication", record_id=record_id)
        flash("Published.", "success")
        return redirect(url_for("records.published", record_id=record.id))
    return _review_page(record, publish_form=form, status=400)


@bp.post("/records/<int:record_id>/return")
def return_to_authors(record_id: int):
    """Return the record to its authors with comments."""
    record = _under_review(record_id)
    form = ReturnForm()
    if form.validate_on_submit():
        records.return_to_authors(current_user, record.id, form.comment.data)
        flash("Returned to the authors.", "success")
        return redirect(url_for("records.show", record_id=record.id))
    return _review_page(record, return_form=form, status=400)


@bp.post("/records/<int:record_id>/withdraw")
def withdraw(record_id: int):
    """Take the publication down."""
    if ActionForm().validate_on_submit():
        records.withdraw(current_user, record_id)
        flash("The publication has been withdrawn.", "success")
    return redirect(url_for("records.show", record_id=record_id))


@bp.get("/records/<int:record_id>/versions")
def versions(record_id: int):
    """Every saved version, newest first."""
    record, rows = records.versions(current_user, record_id)
    return render_template("records/versions.html", record=record, versions=rows)


@bp.get("/records/<int:record_id>/versions/<int:number>")
def version(record_id: int, number: int):
    """One saved version as it was."""
    record, rows = records.versions(current_user, record_id)
    found = next((v for v in rows if v.number == number), None)
    if found is None:
        abort(404)
    return render_template("records/version.html", record=record, version=found, related=[],
                           body=record_bodies.read(record.kind, found.body), title=found.title)


@bp.route("/records/<int:record_id>/contact", methods=["GET", "POST"])
def contact(record_id: int):
    """Ask to talk to the authors; their school stays anonymous unless they reply."""
    record = records.get(current_user, record_id)
    if not can(current_user, "contact", record):
        refuse(current_user, "contact", record, hidden=not record.is_live)
    form = ContactForm()
    if form.validate_on_submit():
        answer = carry_out(
            form, lambda: records.request_contact(current_user, record.id, form.message.data),
            url_for("records.published", record_id=record.id),
            "Your request has been sent. You will hear in your inbox.")
        if answer:
            return answer
    return render_template("records/contact.html", record=record, form=form)


@bp.route("/contact-requests/<int:contact_id>", methods=["GET", "POST"])
def contact_request(contact_id: int):
    """The author school's headteacher answers a reader's request."""
    contact_request = records.contact_request(current_user, contact_id)
    form = ContactDecisionForm()
    if form.validate_on_submit():
        records.decide_contact(current_user, contact_id, form.decision.data == "reply",
                               form.message.data or "")
        flash("Your answer has been sent.", "success")
        return redirect(url_for("inbox.index"))
    return render_template("records/contact_request.html", request=contact_request, form=form,
                           record=records.record_of(contact_request),
                           requester_label=records.requester_label(contact_request),
                           decide=can(current_user, "decide", contact_request))
