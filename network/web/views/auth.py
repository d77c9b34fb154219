"""Signing up, in and out, and passwords."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from network.extensions import limiter
from network.services import accounts
from network.services.errors import Invalid
from network.web import form_recovery
from network.web.forms.auth import (
    ChangePasswordForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
)
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


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup():
    """Create an account, then carry on to register or join a cluster."""
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(form.name.data, form.email.data, form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            _start_session(user)
            flash("Your account has been created.", "success")
            return redirect(_safe_next(url_for("main.home")))
    return render_template("auth/signup.html", form=form)


def _failed_sign_in(response) -> bool:
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"],
               deduct_when=_failed_sign_in, error_message="Too many attempts")
def login():
    """Sign in; repeated failures from one address are throttled (429)."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
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
        accounts.send_password_reset(form.email.data, lambda token: url_for(
            "auth.reset_password", token=token, _external=True))
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
