"""Brokering pages: ask for support (LLEs nearest first), the broker's requests and candidates,
proposals with their support agreement, the partnership page and both heads' decisions. The
other actions on a partnership's page are in views/partnership_actions.py."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from network.access import can, require
from network.services import evaluations, profiles, support
from network.services import matching as matcher
from network.services import partnerships as service
from network.services.errors import Invalid
from network.services.support import COORDINATORS
from network.web import confirm
from network.web.forms.brokering import (
    ActionButton,
    DecisionForm,
    ProposalForm,
    SupportRequestForm,
)
from network.web.views import attach_error, carry_out, submit_once
from network.web.views.partnership_page import _partnership_page, bp


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
    hoped = _hoped(school, form.hoped_school.data if request.method == "POST"
                   else request.args.get("school"))
    if request.method == "GET":
        _, needs, _ = evaluations.offers_and_needs(school.id)
        form.standards.data = list(needs)
        form.barriers.data = [b.barrier_slug for b in profiles.barriers_of(school.id)
                              if b.overcome_on is None]
        if hoped is not None:
            form.hoped_school.data = str(hoped.id)
            met, overcome = support.met_by(school, hoped, form.standards.data,
                                           form.barriers.data)
            if met or overcome:
                form.standards.data, form.barriers.data = met, overcome
    if form.validate_on_submit():
        answer = submit_once(
            form, url_for("brokering.ask", school_id=school.id),
            lambda: support.ask(current_user, school.id, form.broker.data, *_focus(form),
                                form.hopes.data, hoped.id if hoped else None),
            lambda asked: url_for("brokering.support_request", support_id=asked.id),
            "Your request has been sent.")
        if answer:
            return answer
    return render_template("brokering/ask.html", school=school, form=form, hints=hints,
                           elements=_standards(), asked=support.for_school(current_user, school),
                           hoped=hoped)


def _hoped(school, partner_id):
    """The school hoped for, from a match (None if none is named or it cannot be matched)."""
    try:
        return support.hoped_for(school, partner_id)
    except Invalid:
        return None


@bp.get("/support-requests/<int:support_id>")
def support_request(support_id: int):
    """The request; for its brokers, the school's needs and the candidates with reasons."""
    asked = support.get(current_user, support_id)
    broker = can(current_user, "broker", asked)
    found = needs = needs_term = hoped = None
    if broker:
        found = matcher.ranked(asked.school, 10, {}, broker=current_user, asked=asked)
        needs, needs_term = support.needs(asked)
        hoped = support.hoped_standing(asked, found.matches, found.excluded)
    proposals = [p for p in service.for_person(current_user) if p.request_id == asked.id]
    return render_template("brokering/request.html", asked=asked, broker=broker, found=found,
                           needs=needs, needs_term=needs_term, proposals=proposals, hoped=hoped,
                           withdraw=can(current_user, "withdraw", asked), button=ActionButton())


@bp.post("/support-requests/<int:support_id>/withdraw")
def withdraw(support_id: int):
    """The school withdraws its request, once a leader confirms."""
    asked = support.get(current_user, support_id)
    require(current_user, "withdraw", asked)
    if not confirm.confirmed():
        return confirm.ask(heading="Are you sure you want to withdraw the request?",
                   caption=asked.school.name,
                   happens=["Brokers stop looking for a school to support yours through this "
                            "request, and no new partnership can be proposed from it."],
                   cannot_undo="You cannot undo this: to ask for support again you send a "
                               "new request.",
                   yes="Yes, withdraw the request",
                   back=url_for("brokering.support_request", support_id=asked.id))
    support.withdraw(current_user, asked.id)
    flash("Your request is withdrawn.", "success")
    return redirect(url_for("brokering.support_request", support_id=support_id))


@bp.route("/support-requests/<int:support_id>/propose", methods=["GET", "POST"])
def propose(support_id: int):
    """A broker proposes a supporting school from the candidates."""
    asked = support.get(current_user, support_id)
    require(current_user, "propose", asked)
    found = matcher.ranked(asked.school, 10, {}, broker=current_user, asked=asked)
    form = ProposalForm()
    form.supporting_school_id.choices = [(str(m.school_id), m.name) for m in found.matches] + [
        (str(sid), f"{name} ({why.split(':')[0]}: only with a reason)")
        for sid, name, why in found.excluded if sid in found.includable]
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
                                    form.declaration.data or "",
                                    form.inclusion_reason.data or ""),
            lambda proposed: url_for("brokering.partnership", partnership_id=proposed.id),
            "The proposal has been sent to both headteachers.")
        if answer:
            return answer
    return render_template("brokering/propose.html", asked=asked, found=found, form=form,
                           elements=_standards(),
                           own=current_user.school_id in {m.school_id for m in found.matches},
                           below_good=bool(found.includable)), 400 if form.errors else 200


def _focus(form) -> tuple[list[str], list[str]]:
    """The standards and barriers a support form names."""
    return form.standards.data or [], form.barriers.data or []


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 10 else -1


@bp.get("/brokering")
def requests():
    """For LLEs and coordinators: the requests they were asked to broker, each with the
    school's named standards, its state and, while it still needs a supporting school, its
    three best candidates."""
    asked = support.for_broker(current_user)
    top = {r.id: matcher.ranked(r.school, 3, {}, broker=current_user, asked=r).matches
           for r in asked if r.wants_candidates}
    return render_template("brokering/requests.html", asked=asked, top=top)


@bp.get("/partnerships")
def partnerships():
    """The partnerships the person brokers, or their school or cluster takes part in."""
    return render_template("brokering/partnerships.html",
                           partnerships=service.for_person(current_user))


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
        if form.decision.data == "decline" and not confirm.confirmed():
            if (form.reason.data or "").strip():
                return _confirm_decline(found)
            attach_error(form, Invalid("Say why your school declines", "reason"))
            return _partnership_page(found, decision=form)
        answer = carry_out(
            form, lambda: service.decide(current_user, found.id, form.decision.data == "accept",
                                         form.reason.data or ""),
            url_for("brokering.partnership", partnership_id=found.id),
            "Your decision has been sent.")
        if answer:
            return answer
    return _partnership_page(found, decision=form)


def _confirm_decline(partnership):
    other = partnership.supporting if service.side_of(current_user, partnership) == \
        "supported" else partnership.supported
    return confirm.ask(heading="Are you sure you want to decline the partnership?",
               caption=f"{partnership.supporting.name} supporting {partnership.supported.name}",
               happens=[f"Your school declines to work with {other.name}. The proposal ends, "
                        "and the broker and the other school are told, with your reason."],
               cannot_undo="You cannot undo this: a declined proposal cannot be accepted "
                           "later; the broker would have to propose a partnership again.",
               yes="Yes, decline the partnership",
               back=url_for("brokering.partnership", partnership_id=partnership.id))


# The actions on a partnership's page are in their own module, on this blueprint.
from network.web.views import partnership_actions  # noqa: E402, F401
