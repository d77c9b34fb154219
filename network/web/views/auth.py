"""Signing up, in and out, and passwords."""

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from network.services import accounts, throttle, two_factor
from network.services.errors import Invalid
from network.web import form_recovery
from network.web.errors import render_error
from network.web.forms.auth import (
    ChangePasswordForm,
    ConfirmEmailForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
)
from network.web.links import public_url
from network.web.security import public
from network.web.views import attach_error

bp = Blueprint("auth", __name__)


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _start_session(user) -> None:
    """Throw away the visitor's session and begin a fresh one for `user` (keeping a draft)."""
    draft = session.get(form_recovery.KEY)
    session.clear()
    if draft:
        session[form_recovery.KEY] = draft
    login_user(accounts.open_session(user))


PENDING = "two_factor_pending"  # {"u": user id, "t": when the password was right, "n": next}


def begin_sign_in(user, next_url: str):
    """The password was right and the person has two-factor on: remember them in this
    browser's (renewed) session for a few minutes and ask for the code. Not yet signed in."""
    draft = session.get(form_recovery.KEY)
    session.clear()
    if draft:
        session[form_recovery.KEY] = draft
    session[PENDING] = {"u": user.id, "t": int(time.time()), "n": next_url}
    return redirect(url_for("two_factor.sign_in"))


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup():
    """Start an account: the emailed link finishes it (the answer is the same for an email
    that already has one, which is told so by email instead)."""
    form = SignUpForm()
    if form.validate_on_submit():
        target = _safe_next("")
        accounts.request_sign_up(
            form.name.data, form.email.data, form.password.data,
            confirm_link=lambda token: public_url("auth.confirm_email", token=token,
                                                  **({"next": target} if target else {})),
            sign_in_link=public_url("auth.login"), reset_link=public_url("auth.request_reset"))
        return render_template("auth/signup_sent.html", email=form.email.data)
    return render_template("auth/signup.html", form=form)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):
    """Finish an account from the emailed link (a button, so mail scanners opening the link
    use nothing), then carry on signed in."""
    if accounts.user_for_confirm_token(token) is None:
        return render_template("auth/confirm_invalid.html"), 400
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        user = accounts.confirm_email(token)
        _start_session(user)
        flash("Your account has been created.", "success")
        return redirect(_safe_next(url_for("main.home")))
    return render_template("auth/confirm_email.html", form=form)


def _too_many(wait: int):
    """429 with Retry-After, and a page that says when to try again."""
    until = (datetime.now(UTC) + timedelta(seconds=wait)).strftime("%H:%M:%S")
    body, code = render_error(429, f"Too many sign-in attempts: try again in "
                                   f"{throttle.wait_words(wait)} (at {until} UTC). Until then "
                                   "even the right password is refused.")
    response = make_response(body, code)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in; each attempt is counted before its password is checked, and past the limit
    (per address and per email) the answer is 429 with when to try again."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        subjects = [f"ip:{request.remote_addr}",
                    f"email:{accounts.normalise_email(form.email.data)[:250]}"]
        wait = throttle.spend(subjects)
        if wait:
            return _too_many(wait)
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except Invalid as error:
            form.form_errors.append(str(error))
        else:
            if user is not None:
                throttle.refund(subjects)
                if two_factor.is_on(user):  # not signed in yet: the code comes next
                    return begin_sign_in(user, _safe_next(url_for("main.home")))
                _start_session(user)
                return redirect(_safe_next(url_for("main.home")))
            form.form_errors.append("Enter a correct email address and password.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    """Sign out: the session ends on the server too, so an old cookie cannot come back."""
    if current_user.is_authenticated:
        accounts.close_session(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change your password; your other signed-in browsers are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            # The real object, not the proxy: it is stored as the signed-in user below.
            user = accounts.change_password(current_user._get_current_object(),
                                            form.current_password.data, form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            session.clear()
            login_user(user)
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@public
def request_reset():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data, lambda token: public_url(
            "auth.reset_password", token=token))
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password from an emailed link."""
    if accounts.user_for_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
