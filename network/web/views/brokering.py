"""Brokering pages: ask for support, the broker's requests and candidates, proposals with their
support agreement, approving a declared conflict of interest, both heads' decisions, changes to
the agreement, milestones, closing by agreement and the case study it starts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Agreement
from network.access import can, require
from network.domain.terms import term_end
from network.services import agreements, closing, evaluations, milestones, profiles, support
from network.services import matching as matcher
from network.services import partnerships as service
from network.services.errors import Conflict, Invalid
from network.services.support import COORDINATORS
from network.web.forms.brokering import (
    FUNDER_CHOICES,
    STATUS_CHOICES,
    ActionButton,
    AgreementChangeForm,
    CloseForm,
    ConflictForm,
    DecisionForm,
    MilestoneForm,
    ProgressForm,
    ProposalForm,
    ReviewForm,
    SignForm,
    SupportRequestForm,
    term_choices,
)
from network.web.views import attach_error, carry_out, submit_once

bp = Blueprint("brokering", __name__)


def _standards() -> list:
    return evaluations.elements()


@bp.route("/schools/<int:school_id>/support", methods=["GET", "POST"])
def ask(school_id: int):
    """A school's leaders ask their coordinators or an LLE for support."""
    school = support.school_for_asking(current_user, school_id)
    form = SupportRequestForm()
    lles = support.nearest_brokers(school, skip=current_user)
    form.broker.choices = [(COORDINATORS, "Our cluster's coordinators")] + [
        (str(b.user.id), f"{b.user.name}, Local Leader of Education") for b in lles]
    hints = [{}] + [{"hint": {"text": b.hint}} for b in lles]
    form.barriers.choices = [(b.slug, b.title) for b in profiles.barrier_taxonomy()]
    if request.method == "GET":
        _, needs, _ = evaluations.offers_and_needs(school.id)
        form.standards.data = list(needs)
        form.barriers.data = [b.barrier_slug for b in profiles.barriers_of(school.id)
                              if b.overcome_on is None]
    if form.validate_on_submit():
        answer = submit_once(
            form, url_for("brokering.ask", school_id=school.id),
            lambda: support.ask(current_user, school.id, form.broker.data, *_focus(form),
                                form.hopes.data),
            lambda asked: url_for("brokering.support_request", support_id=asked.id),
            "Your request has been sent.")
        if answer:
            return answer
    return render_template("brokering/ask.html", school=school, form=form, hints=hints,
                           elements=_standards(), asked=support.for_school(current_user, school))


@bp.get("/support-requests/<int:support_id>")
def support_request(support_id: int):
    """The request; for its brokers, the school's needs and the candidates with reasons."""
    asked = support.get(current_user, support_id)
    broker = can(current_user, "propose", asked)
    found = needs = needs_term = None
    if broker:
        found = matcher.ranked(asked.school, 10, {}, broker=current_user, asked=asked)
        needs, needs_term = support.needs(asked)
    proposals = [p for p in service.for_person(current_user) if p.request_id == asked.id]
    return render_template("brokering/request.html", asked=asked, broker=broker, found=found,
                           needs=needs, needs_term=needs_term, proposals=proposals,
                           withdraw=can(current_user, "withdraw", asked), button=ActionButton())


@bp.post("/support-requests/<int:support_id>/withdraw")
def withdraw(support_id: int):
    """The school withdraws its request."""
    support.withdraw(current_user, support_id)
    flash("Your request is withdrawn.", "success")
    return redirect(url_for("brokering.support_request", support_id=support_id))


@bp.route("/support-requests/<int:support_id>/propose", methods=["GET", "POST"])
def propose(support_id: int):
    """A broker proposes a supporting school from the candidates."""
    asked = support.get(current_user, support_id)
    require(current_user, "propose", asked)
    found = matcher.ranked(asked.school, 10, {}, broker=current_user, asked=asked)
    form = ProposalForm()
    form.supporting_school_id.choices = [(str(m.school_id), m.name) for m in found.matches]
    form.barriers.choices = [(b.slug, b.title) for b in profiles.barrier_taxonomy()]
    if request.method == "GET":
        form.supporting_school_id.data = request.args.get("school", "")
        form.standards.data = list(asked.standards)
        form.barriers.data = list(asked.barriers)
    if form.validate_on_submit():
        answer = submit_once(
            form, url_for("brokering.support_request", support_id=asked.id),
            lambda: service.propose(current_user, asked.id, _int(form.supporting_school_id.data),
                                    *_focus(form), form.activities.data, form.agreement(),
                                    form.declaration.data or ""),
            lambda proposed: url_for("brokering.partnership", partnership_id=proposed.id),
            "The proposal has been sent to both headteachers.")
        if answer:
            return answer
    return render_template("brokering/propose.html", asked=asked, found=found, form=form,
                           elements=_standards(),
                           own=current_user.school_id in {m.school_id for m in found.matches}
                           ), 400 if form.errors else 200


def _focus(form) -> tuple[list[str], list[str]]:
    """The standards and barriers a support form names."""
    return form.standards.data or [], form.barriers.data or []


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 10 else -1


@bp.get("/brokering")
def requests():
    """For LLEs and coordinators: the requests they were asked to broker, each with the
    school's named standards and its three best candidates."""
    asked = support.for_broker(current_user)
    top = {r.id: matcher.ranked(r.school, 3, {}, broker=current_user, asked=r).matches
           for r in asked if r.status != "withdrawn"}
    return render_template("brokering/requests.html", asked=asked, top=top)


@bp.get("/partnerships")
def partnerships():
    """The partnerships the person brokers, or their school or cluster takes part in."""
    return render_template("brokering/partnerships.html",
                           partnerships=service.for_person(current_user))


def _partnership_page(partnership, progress=None, **forms):
    """The partnership page; a form that failed comes back with its errors (400)."""
    forms.setdefault("decision", DecisionForm(formdata=None))
    forms.setdefault("conflict", ConflictForm(formdata=None))
    forms.setdefault("close", CloseForm(formdata=None))
    pending = agreements.awaiting(partnership)
    forms.setdefault("sign", SignForm(formdata=None, number=pending.number if pending else ""))
    forms.setdefault("milestone", MilestoneForm(formdata=None))
    forms["milestone"].term.choices = term_choices()
    notes = {m.id: ProgressForm(formdata=None, prefix=f"m{m.id}")
             for m in partnership.milestones}
    if progress is not None:
        notes[progress[0]] = progress[1]
    failed = next((f for f in [*forms.values(), *notes.values()] if f.errors), None)
    force = agreements.in_force(partnership)
    return render_template(
        "brokering/partnership.html", p=partnership, forms=forms, notes=notes, form=failed,
        side=service.side_of(current_user, partnership), status_choices=STATUS_CHOICES,
        decide=can(current_user, "decide", partnership),
        approve=can(current_user, "approve_conflict", partnership),
        track=can(current_user, "track", partnership),
        report=can(current_user, "report", partnership),
        review=can(current_user, "review", partnership),
        agree_close=can(current_user, "agree_close", partnership),
        change=can(current_user, "change_agreement", partnership),
        sign=can(current_user, "sign_agreement", partnership) and pending is not None,
        changes=agreements.compare(force, pending) if force and pending else None,
        closing=closing.standing(partnership) if partnership.closing else None,
        write=can(current_user, "write_case_study", partnership),
        impact=partnership.review["schools"] if partnership.review else None,
        button=ActionButton()), 400 if failed is not None else 200


@bp.get("/partnerships/<int:partnership_id>")
def partnership(partnership_id: int):
    """A partnership: its agreement, both decisions, milestones and the impact review."""
    return _partnership_page(service.get(current_user, partnership_id))


@bp.post("/partnerships/<int:partnership_id>/decision")
def decide(partnership_id: int):
    """A headteacher accepts (signing the agreement) or declines for their school."""
    found = service.get(current_user, partnership_id)
    require(current_user, "decide", found)
    form = DecisionForm()
    if form.validate_on_submit():
        answer = carry_out(
            form, lambda: service.decide(current_user, found.id, form.decision.data == "accept",
                                         form.reason.data or ""),
            url_for("brokering.partnership", partnership_id=found.id),
            "Your decision has been sent.")
        if answer:
            return answer
    return _partnership_page(found, decision=form)


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
        answer = carry_out(form, lambda: closing.start(current_user, found.id,
                                                       form.summary.data, form.reason.data or ""),
                           url_for("brokering.partnership", partnership_id=found.id),
                           "You have agreed to close the partnership. The others have been "
                           "asked to agree.")
        if answer:
            return answer
    measured = closing.impact(found)
    return render_template("brokering/review.html", p=found, form=form, impact=measured,
                           shows_impact=closing.shows_impact(measured)), \
        400 if form.errors else 200


@bp.post("/partnerships/<int:partnership_id>/close")
def close(partnership_id: int):
    """Agree to close a partnership someone has started closing."""
    found = service.get(current_user, partnership_id)
    require(current_user, "agree_close", found)
    form = CloseForm()
    if form.validate_on_submit():
        answer = carry_out(form, lambda: closing.agree(current_user, found.id,
                                                       form.reason.data or ""),
                           url_for("brokering.partnership", partnership_id=found.id),
                           lambda done: "The partnership is closed with its impact review."
                           if done.status == "closed" else
                           "You have agreed to close the partnership.")
        if answer:
            return answer
    return _partnership_page(found, close=form)


@bp.post("/partnerships/<int:partnership_id>/case-study")
def case_study(partnership_id: int):
    """Start a draft case study filled in from the closed partnership."""
    record = closing.start_case_study(current_user, partnership_id)
    flash("A draft case study has been started from the partnership. Check every section "
          "before you submit it.", "success")
    return redirect(url_for("case_studies.edit", record_id=record.id))
