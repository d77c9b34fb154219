"""Outcome measures, oversight by advisers, trust leads and governors, and the termly report.

The partnership page (a brokering page) includes templates/oversight/_partnership_panels.html,
which asks `oversight_panels(p)` what the person looking may see and do here.
"""

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2 import TemplateNotFound

from network.access import can, require
from network.services import outcomes, oversight, partnerships, reports
from network.services.errors import Invalid
from network.web.forms.oversight import (
    AcceptForm,
    GrantForm,
    MeasureForm,
    ValueForm,
)
from network.web.links import public_url
from network.web.security import public
from network.web.templating import standard_name
from network.web.views import attach_error, carry_out
from network.web.views.auth import _start_session

bp = Blueprint("oversight", __name__)


@dataclass
class Panels:
    """What the partnership page offers the person looking at it."""

    outcomes: list[dict] | None  # before/after rows, for those who may see outcomes
    record: bool  # may record measures and values
    overseers: list | None  # the grants, for the two headteachers
    grant: bool  # may give someone access
    report: bool  # may read the termly report


@bp.app_template_global("oversight_panels")
def oversight_panels(p) -> Panels:
    """The outcome, oversight and report panels of partnership `p` for the person looking."""
    me = current_user._get_current_object()
    sees = can(me, "see_outcomes", p)
    heads = can(me, "see_overseers", p)
    return Panels(outcomes=outcomes.before_after(p) if sees else None,
                  record=can(me, "record_outcomes", p),
                  overseers=oversight.overseers(me, p.id)[1] if heads else None,
                  grant=can(me, "grant_oversight", p), report=can(me, "view", p))


@bp.route("/partnerships/<int:partnership_id>/outcomes", methods=["GET", "POST"])
def measures(partnership_id: int):
    """The partnership's outcome measures, before and after, and a form to add one."""
    partnership, found = outcomes.measures(current_user, partnership_id)
    form = MeasureForm()
    schools = outcomes.schools_for(current_user, partnership)
    form.school_id.choices = [(str(s.id), s.name) for s in schools]
    form.standard_id.choices = [("", "None in particular")] + [
        (s, standard_name(s)) for s in partnership.focus_standards]
    if request.method == "GET" and len(schools) == 1:
        form.school_id.data = str(schools[0].id)
    if request.method == "POST":
        require(current_user, "record_outcomes", partnership)
        if form.validate_on_submit():
            answer = carry_out(
                form, lambda: outcomes.add_measure(
                    current_user, partnership.id, _int(form.school_id.data), form.name.data,
                    form.unit.data, form.standard_id.data or None),
                lambda made: url_for("oversight.measure", measure_id=made.id),
                "The measure is added. Record its values below.")
            if answer:
                return answer
    return render_template("oversight/measures.html", p=partnership, measures=found,
                           rows=outcomes.before_after(partnership), form=form,
                           record=can(current_user, "record_outcomes", partnership)
                           ), 400 if form.errors else 200


@bp.route("/outcome-measures/<int:measure_id>", methods=["GET", "POST"])
def measure(measure_id: int):
    """One measure's dated values, and a form to record another."""
    found = outcomes.measure(current_user, measure_id)
    form = ValueForm()
    if request.method == "POST":
        require(current_user, "record", found)
        if form.validate_on_submit():
            answer = carry_out(
                form, lambda: outcomes.add_value(current_user, found.id, form.measured_on.data,
                                                 form.value.number, form.note.data or ""),
                url_for("oversight.measure", measure_id=found.id), "The value is recorded.")
            if answer:
                return answer
    return render_template("oversight/measure.html", m=found,
                           p=partnerships.get(current_user, found.partnership_id),
                           form=form, record=can(current_user, "record", found),
                           reading=outcomes.reading), 400 if form.errors else 200


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 10 else -1


@bp.route("/partnerships/<int:partnership_id>/overseers", methods=["GET", "POST"])
def overseers(partnership_id: int):
    """For either headteacher: who follows the partnership, and giving someone access."""
    partnership, grants = oversight.overseers(current_user, partnership_id)
    form = GrantForm()
    if request.method == "POST":
        require(current_user, "grant_oversight", partnership)
        if form.validate_on_submit():
            answer = carry_out(
                form, lambda: oversight.grant(
                    current_user, partnership.id, form.email.data, form.role.data,
                    lambda token: public_url("oversight.accept", token=token)),
                url_for("oversight.overseers", partnership_id=partnership.id),
                lambda made: f"{made.email} can now follow the partnership."
                if made.user_id else f"{made.email} has been invited by email.")
            if answer:
                return answer
    return render_template("oversight/overseers.html", p=partnership, grants=grants,
                           form=form,
                           grant=can(current_user, "grant_oversight", partnership)
                           ), 400 if form.errors else 200


@bp.post("/oversight-grants/<int:grant_id>/revoke")
def revoke(grant_id: int):
    """End someone's read-only access at once."""
    found = oversight.revoke(current_user, grant_id)
    flash(f"{found.email} no longer has access to the partnership.", "success")
    return redirect(url_for("oversight.overseers", partnership_id=found.partnership_id))


@bp.route("/oversight/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    """Create an account from an emailed invitation to follow a partnership."""
    invited = oversight.grant_for_token(token)
    if invited is None:
        return render_template("oversight/invitation_invalid.html"), 400
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            person, new = oversight.accept(token, form.name.data, form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            if not new:
                flash("You already have an account: sign in to follow the partnership.",
                      "success")
                return redirect(url_for("auth.login"))
            _start_session(person)
            flash("Your account has been created.", "success")
            return redirect(url_for("oversight.following"))
    return render_template("oversight/accept.html", form=form, invited=invited,
                           email=invited.email), 400 if form.errors else 200


@bp.get("/partnerships/<int:partnership_id>/report")
def report(partnership_id: int):
    """The termly one-page report, ready to print."""
    found = reports.report(current_user, partnership_id, request.args.get("term"))
    return render_template("oversight/report.html", r=found, p=found.partnership,
                           partials=_partials(), today=date.today())


def _partials() -> dict[str, bool]:
    """Which of the brokering summaries the report includes exist (the report lists the
    term's milestones itself when the milestones summary does not)."""
    out = {}
    for key in ("agreement", "milestones"):
        try:
            current_app.jinja_env.get_template(f"brokering/_{key}_summary.html")
        except TemplateNotFound:
            out[key] = False
        else:
            out[key] = True
    return out


@bp.get("/following")
def following():
    """The partnerships the person follows as an adviser, trust lead or governor."""
    return render_template("oversight/following.html",
                           followed=oversight.following(current_user))
