"""Actions on a partnership's page (on the brokering blueprint): approving a declared conflict
of interest, changing and signing the support agreement, milestones and each school's progress,
the impact review and closing by agreement, and the case study a closed partnership starts."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Agreement
from network.access import require
from network.domain.terms import term_end
from network.services import agreements, closing, milestones
from network.services import partnerships as service
from network.services.errors import Conflict, Invalid
from network.web.confirm import ask, confirmed
from network.web.forms.brokering import (
    FUNDER_CHOICES,
    AgreementChangeForm,
    CloseForm,
    ConflictForm,
    MilestoneForm,
    ProgressForm,
    ReviewForm,
    SignForm,
    StopClosingForm,
    term_choices,
)
from network.web.views import attach_error, carry_out
from network.web.views.partnership_page import _partnership_page, bp


@bp.post("/partnerships/<int:partnership_id>/conflict")
def conflict(partnership_id: int):
    """A coordinator of the supporting school's cluster approves or refuses an LLE's
    proposal of their own school."""
    found = service.get(current_user, partnership_id)
    require(current_user, "approve_conflict", found)
    form = ConflictForm()
    if form.validate_on_submit():
        answer = carry_out(
            form, lambda: service.approve_conflict(
                current_user, found.id, form.decision.data == "approve", form.reason.data or ""),
            url_for("brokering.partnership", partnership_id=found.id),
            "Your decision on the conflict of interest has been sent.")
        if answer:
            return answer
    return _partnership_page(found, conflict=form)


@bp.post("/partnerships/<int:partnership_id>/agreement/sign")
def sign(partnership_id: int):
    """A headteacher signs the proposed change to the agreement for their school."""
    found = service.get(current_user, partnership_id)
    require(current_user, "sign_agreement", found)
    form = SignForm()
    if form.validate_on_submit():
        answer = carry_out(
            form, lambda: agreements.sign(current_user, found.id, int(form.number.data)),
            url_for("brokering.partnership", partnership_id=found.id),
            "You have signed the changed agreement.")
        if answer:
            return answer
    return _partnership_page(found, sign=form)


def _words(partnership, form) -> dict:
    """What the form proposes, in the words the agreement is shown in."""
    try:
        return agreements.as_dict(Agreement(**agreements.clean(form.agreement(),
                                                               partnership.focus_standards)))
    except Invalid:
        return {key: str(getattr(form, key).data or "") for key in agreements.LABELS
                if hasattr(form, key)}


@bp.route("/partnerships/<int:partnership_id>/agreement", methods=["GET", "POST"])
def change_agreement(partnership_id: int):
    """Propose a change to the agreement: a new version both heads sign before it is in
    force. A change based on a version someone has since replaced is a 409 with both."""
    found = service.get(current_user, partnership_id)
    require(current_user, "change_agreement", found)
    newest = agreements.current(found)
    form = AgreementChangeForm() if request.method == "POST" else AgreementChangeForm(
        data=agreements.form_data(newest))
    form.funded_by.choices = FUNDER_CHOICES
    if form.validate_on_submit():
        try:
            return carry_out(form, lambda: agreements.propose_change(
                current_user, found.id, form.agreement(), int(form.based_on.data)),
                url_for("brokering.partnership", partnership_id=found.id),
                "The change is proposed: it is in force once both headteachers sign it.") or \
                _change_page(found, form, newest, 400)
        except Conflict as stale:
            mine = _words(found, form)
            rows = [(label, stale.theirs.get(key, ""), mine.get(key, ""))
                    for key, label in agreements.LABELS.items()]
            form.based_on.data = stale.version
            return _change_page(found, form, newest, 409, rows)
    return _change_page(found, form, newest, 400 if form.errors else 200)


def _change_page(partnership, form, newest, status: int, conflict_rows=None):
    return render_template("brokering/agreement_change.html", p=partnership, form=form,
                           newest=newest, conflict_rows=conflict_rows), status


@bp.post("/partnerships/<int:partnership_id>/milestones")
def add_milestone(partnership_id: int):
    """Add a milestone due by the end of a term, with its success criteria."""
    found = service.get(current_user, partnership_id)
    require(current_user, "track", found)
    form = MilestoneForm()
    form.term.choices = term_choices()
    if form.validate_on_submit():
        year, term = form.term.data.split("-")
        try:
            milestones.add(current_user, found.id, form.title.data, term_end(int(year), term),
                           form.success_criteria.data)
        except Invalid as error:
            error.field = "term" if error.field == "due_on" else error.field
            attach_error(form, error)
        else:
            flash("Milestone added.", "success")
            return redirect(url_for("brokering.partnership", partnership_id=found.id))
    return _partnership_page(found, milestone=form)


@bp.post("/milestones/<int:milestone_id>")
def progress(milestone_id: int):
    """A school's leader reports their school's status on a milestone (evidence for done)."""
    found, partnership = milestones.get_milestone(current_user, milestone_id)
    require(current_user, "report", partnership)
    form = ProgressForm(prefix=f"m{found.id}")
    if form.validate_on_submit():
        answer = carry_out(form, lambda: milestones.report(
            current_user, found.id, form.status.data, form.note.data, form.evidence.data or ""),
            url_for("brokering.partnership", partnership_id=partnership.id),
            "Progress recorded.")
        if answer:
            return answer
    return _partnership_page(partnership, progress=(found.id, form))


@bp.route("/partnerships/<int:partnership_id>/review", methods=["GET", "POST"])
def review(partnership_id: int):
    """The impact review: focus ratings before and after, a summary, and starting to close
    (the others then agree)."""
    found = service.get(current_user, partnership_id)
    require(current_user, "review", found)
    form = ReviewForm()
    if form.validate_on_submit():
        if not confirmed():
            return _confirm_closing(found, starting=True)
        answer = carry_out(form, lambda: closing.start(current_user, found.id,
                                                       form.summary.data, form.reason.data or ""),
                           url_for("brokering.partnership", partnership_id=found.id),
                           "You have agreed to close the partnership. The others have been "
                           "asked to agree.")
        if answer:
            return answer
    measured = closing.impact(found)
    return render_template("brokering/review.html", p=found, form=form, impact=measured,
                           shows_impact=closing.shows_impact(measured),
                           loose_ends=closing.loose_ends(found, measured)), \
        400 if form.errors else 200


@bp.post("/partnerships/<int:partnership_id>/close")
def close(partnership_id: int):
    """Agree to close a partnership someone has started closing."""
    found = service.get(current_user, partnership_id)
    require(current_user, "agree_close", found)
    form = CloseForm()
    if form.validate_on_submit():
        if not confirmed():
            try:
                closing.check_agreement(current_user, found.id, form.reason.data or "")
            except Invalid as error:
                attach_error(form, error)
                return _partnership_page(found, close=form)
            return _confirm_closing(found, starting=False)
        answer = carry_out(form, lambda: closing.agree(current_user, found.id,
                                                       form.reason.data or ""),
                           url_for("brokering.partnership", partnership_id=found.id),
                           lambda done: "The partnership is closed with its impact review."
                           if done.status == "closed" else
                           "You have agreed to close the partnership.")
        if answer:
            return answer
    return _partnership_page(found, close=form)


@bp.post("/partnerships/<int:partnership_id>/closing/stop")
def stop_closing(partnership_id: int):
    """Stop a closing that has started: the partnership carries on (closing can start again)."""
    found = service.get(current_user, partnership_id)
    require(current_user, "stop_closing", found)
    form = StopClosingForm()
    if form.validate_on_submit():
        answer = carry_out(form, lambda: closing.stop(current_user, found.id, form.reason.data),
                           url_for("brokering.partnership", partnership_id=found.id),
                           "Closing is stopped: the partnership carries on.")
        if answer:
            return answer
    return _partnership_page(found, stop_closing=form)


def _confirm_closing(partnership, starting: bool):
    """The confirmation page before agreeing to close: whether this agreement closes the
    partnership, and what is still missing from its impact review."""
    party = closing.party_of(current_user, partnership)
    closes_now = not starting and closing.closes({**closing.agreed(partnership), party: 0})
    if starting:
        happens = ["You agree to close the partnership with this review. The others are asked "
                   "to agree: it closes when both headteachers agree, or when the broker and "
                   "one headteacher agree and give a reason."]
    elif closes_now:
        happens = ["Your agreement closes the partnership now. Its work ends and the impact "
                   "review is kept with the ratings as they stand today."]
    else:
        happens = ["You agree to close the partnership. It closes when both headteachers "
                   "agree, or when the broker and one headteacher agree and give a reason."]
    return ask(heading="Are you sure you want to close the partnership?",
               caption=f"{partnership.supporting.name} supporting {partnership.supported.name}",
               happens=happens,
               warnings=closing.loose_ends(partnership, closing.impact(partnership)),
               cannot_undo="You cannot undo this once the partnership closes: a closed "
                           "partnership cannot be reopened. Until then, any of you can stop "
                           "closing and carry on." if not closes_now else
                           "You cannot undo this: a closed partnership cannot be reopened.",
               yes="Yes, close the partnership" if closes_now else
               "Yes, agree to close the partnership",
               back=url_for("brokering.review" if starting else "brokering.partnership",
                            partnership_id=partnership.id))


@bp.post("/partnerships/<int:partnership_id>/case-study")
def case_study(partnership_id: int):
    """Start a draft case study filled in from the closed partnership."""
    record = closing.start_case_study(current_user, partnership_id)
    flash("A draft case study has been started from the partnership. Check every section "
          "before you submit it.", "success")
    return redirect(url_for("case_studies.edit", record_id=record.id))
