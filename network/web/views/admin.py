"""Site administration: designations, the development outbox, the audit log and the national
bodies the anonymisation check leaves alone.

Site admins operate the platform for every cluster; to everyone else these pages do not exist.
"""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from network.services import admin, members, tokens, two_factor
from network.services import public_bodies as bodies
from network.services.errors import Invalid
from network.services.public_bodies import PublicBodyError
from network.web.forms.admin import DesignationsForm, PublicBodyForm
from network.web.security import cross_cluster
from network.web.views import attach_error, page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@cross_cluster
def users():
    """Find an account by name or email."""
    query = request.args.get("q", "")[:100]
    found = members.find_people(current_user, query) if query else admin.check(current_user)
    return render_template("admin/users.html", query=query, people=found or [])



@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@cross_cluster
def user(user_id: int):
    """Grant or withdraw someone's LLE or site-admin designation."""
    person = members.person_for_admin(current_user, user_id)
    chosen = [d for d, on in (("lle", person.is_lle), ("site_admin", person.is_site_admin)) if on]
    form = DesignationsForm(data={"designations": chosen})
    if form.validate_on_submit():
        try:
            members.set_designations(current_user, user_id, "lle" in form.designations.data,
                                     "site_admin" in form.designations.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash(f"{person.name}'s designations have been saved.", "success")
            return redirect(url_for("admin.users", q=person.email))
    return render_template("admin/user.html", person=person, form=form,
                           two_factor_on=two_factor.is_on(person),
                           two_factor_required=two_factor.is_required(person))


@bp.post("/users/<int:user_id>/two-factor/reset")
@cross_cluster
def reset_two_factor(user_id: int):
    """Turn off someone's two-factor sign-in (a lost phone); their sessions and tokens end."""
    person = two_factor.reset(current_user, user_id)
    flash(f"{person.name}'s two-factor sign-in has been reset and they have been signed out "
          "everywhere.", "success")
    return redirect(url_for("admin.user", user_id=person.id))



@bp.get("/outbox")
@cross_cluster
def outbox():
    """The emails the development mail backend has recorded."""
    page = page_number()
    return render_template("admin/outbox.html", mails=admin.outbox(current_user, page), page=page)



@bp.get("/audit")
@cross_cluster
def audit_log():
    """The audit log, newest first, narrowed by action, the actor's email and dates."""
    page = page_number()
    only = admin.AuditFilter(action=request.args.get("action", "")[:60],
                             email=request.args.get("email", "")[:254],
                             since=_day("since"), until=_day("until"))
    events, more = admin.audit_page(current_user, page, only)
    return render_template("admin/audit.html", events=events, more=more, page=page, only=only,
                           actions=admin.audit_actions(current_user))


@bp.route("/public-bodies", methods=["GET", "POST"])
@cross_cluster
def public_bodies():
    """The national bodies' domains, phone numbers and postcodes site admins added; add one."""
    added = bodies.entries(current_user)
    form = PublicBodyForm()
    if form.validate_on_submit():
        try:
            entry = bodies.add(current_user, form.kind.data, form.value.data, form.note.data)
        except PublicBodyError as error:
            attach_error(form, error)
        else:
            flash(f"{entry.value} has been added: the anonymisation check leaves it alone.",
                  "success")
            return redirect(url_for("admin.public_bodies"))
    return render_template("admin/public_bodies.html", form=form, added=added), \
        400 if form.errors else 200


@bp.get("/tokens")
@cross_cluster
def api_tokens():
    """Every API token, or one person's (by email), with a Revoke button on each live one."""
    email = request.args.get("email", "")[:254]
    return render_template("admin/tokens.html", email=email,
                           rows=tokens.for_admin(current_user, email), live=tokens.is_live)


@bp.post("/tokens/revoke")
@cross_cluster
def revoke_api_token():
    """Revoke anyone's API token."""
    from network.web.views.tokens import token_id_from_form

    admin.check(current_user)
    token = tokens.revoke(current_user, token_id_from_form())
    flash(f"Token {token.id} (“{token.name}”) has been revoked.", "success")
    return redirect(url_for("admin.api_tokens", email=request.args.get("email", "")[:254]))


def _day(name: str) -> date | None:
    """A yyyy-mm-dd query argument as a date (None if empty); anything else is a 400."""
    raw = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        abort(400, description="Enter dates as year-month-day, for example 2026-01-31.")

