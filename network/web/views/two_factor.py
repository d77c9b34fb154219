"""Two-factor sign-in: the code after the password, and under Account setting it up (QR code
and secret), recovery codes, turning it off."""

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from network.services import throttle, two_factor
from network.services.errors import Invalid
from network.web.forms.two_factor import CodeForm, NewRecoveryCodesForm, SetUpForm, TurnOffForm
from network.web.security import public
from network.web.views import attach_error
from network.web.views.auth import PENDING, _start_session, _too_many

bp = Blueprint("two_factor", __name__)

SETTING_UP = "two_factor_secret"  # noqa: S105 (the session key of the secret being set up)
PENDING_SECONDS = 300
# Where someone whose grace is over may still go: setting it up, and signing out.
UNTIL_SET_UP = {"two_factor.set_up", "auth.logout", "static"}


@bp.route("/login/code", methods=["GET", "POST"])
@public
def sign_in():
    """The second step of signing in: a code from the app or a recovery code (throttled per
    person; the step lapses after five minutes and belongs to the browser that began it)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    pending = session.get(PENDING)
    started = pending.get("t") if isinstance(pending, dict) else None
    user = two_factor.pending_user(pending.get("u")) if isinstance(started, int) and \
        time.time() - started <= PENDING_SECONDS else None
    if user is None:
        session.pop(PENDING, None)
        flash("Your sign-in was not finished in time. Sign in again.", "important")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        subjects = [f"2fa:{user.id}", f"2fa-day:{user.id}"]  # a minute's and a day's tries
        wait = throttle.spend(subjects)
        if wait:
            return _too_many(wait)
        if two_factor.check_code(user, form.code.data):
            throttle.refund(subjects)
            target = pending.get("n") or url_for("main.home")
            _start_session(user)
            return redirect(target)
        form.code.errors = [*form.code.errors, "The code is not right, or has been used. Enter "
                            "the code your app shows now, or an unused recovery code"]
    return render_template("two_factor/sign_in.html", form=form), 400 if form.errors else 200


@bp.before_app_request
def _set_up_first():
    """After the grace, someone whose role needs two-factor sign-in and has not set it up
    reaches only the set-up page (and signing out)."""
    if request.endpoint in UNTIL_SET_UP or request.blueprint == "api" or \
            not current_user.is_authenticated:
        return None
    if two_factor.must_set_up_now(current_user):
        return redirect(url_for("two_factor.set_up"))
    return None


@bp.app_template_global()
def two_factor_days_left():
    """Days of grace the signed-in person has left to set up two-factor sign-in (None: not
    required, or already on)."""
    return two_factor.days_left(current_user)


@bp.get("/account/two-factor")
def index():
    """Whether two-factor sign-in is on, and what can be done about it."""
    return render_template("two_factor/index.html", on=two_factor.is_on(current_user),
                           required=two_factor.is_required(current_user),
                           codes_left=two_factor.recovery_codes_left(current_user))


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
def set_up():
    """Set up two-factor sign-in: scan the QR code (or type the secret), then confirm with a
    code; the recovery codes are shown once."""
    if two_factor.is_on(current_user):
        return redirect(url_for("two_factor.index"))
    secret = session.get(SETTING_UP)
    if not two_factor.valid_secret(secret):
        secret = session[SETTING_UP] = two_factor.new_secret()
    form = SetUpForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.turn_on(current_user._get_current_object(), secret,
                                       form.code.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            session.pop(SETTING_UP, None)
            return render_template("two_factor/recovery_codes.html", codes=codes, first=True)
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template("two_factor/set_up.html", form=form, secret=secret,
                           grouped=two_factor.grouped(secret),
                           qr=Markup(two_factor.qr_svg(uri)),  # noqa: S704 (segno's own SVG)
                           ), 400 if form.errors else 200


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
def recovery_codes():
    """Make new recovery codes (the old ones stop working), shown once."""
    if not two_factor.is_on(current_user):
        return redirect(url_for("two_factor.index"))
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.renew_recovery_codes(current_user._get_current_object(),
                                                    form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            return render_template("two_factor/recovery_codes.html", codes=codes, first=False)
    return render_template("two_factor/new_codes.html", form=form), 400 if form.errors else 200


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
def turn_off():
    """Turn off two-factor sign-in, with your password (not for roles that need it)."""
    if not two_factor.is_on(current_user):
        return redirect(url_for("two_factor.index"))
    required = two_factor.is_required(current_user)
    form = TurnOffForm()
    if form.validate_on_submit():
        try:
            two_factor.turn_off(current_user._get_current_object(), form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash("Two-factor sign-in is off.", "success")
            return redirect(url_for("two_factor.index"))
    return render_template("two_factor/turn_off.html", form=form, required=required), \
        400 if form.errors else 200
