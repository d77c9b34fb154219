"""API tokens under Account: create one (shown once), list yours, revoke one."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import IntegerField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from models.users import TOKEN_DAYS, TOKEN_MAX_DAYS
from network.services import tokens
from network.services.errors import Invalid
from network.web.forms import NoNulls
from network.web.views import attach_error

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    """Name a new token, choose how long it lasts and whether it may change anything."""

    name = StringField("Name", widget=GovTextInput(),
                       description="What will use it, for example “Trust dashboard”",
                       validators=[InputRequired("Enter a name for the token"), NoNulls(),
                                   Length(max=80, message="Keep the name to 80 characters")])
    days = IntegerField("Days until it expires", widget=GovTextInput(), default=TOKEN_DAYS,
                        description=f"From 1 to {TOKEN_MAX_DAYS}",
                        validators=[InputRequired("Enter how many days the token lasts"),
                                    NumberRange(1, TOKEN_MAX_DAYS, f"Enter a number of days "
                                                f"from 1 to {TOKEN_MAX_DAYS}")])
    scope = RadioField("What it may do", widget=GovRadioInput(), default="read", choices=[
        ("read", "Read only"), ("write", "Read and change")],
        validators=[InputRequired("Choose what the token may do")])
    submit = SubmitField("Create token", widget=GovSubmitInput())


def token_id_from_form() -> int:
    """The `token_id` a revoke form posts; anything but a whole number is a 400."""
    raw = request.form.get("token_id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        abort(400, description="Choose a token to revoke.")
    return int(raw)


@bp.route("", methods=["GET", "POST"])
def index():
    """Your API tokens; create one, whose secret is shown once."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create(current_user, form.name.data, form.days.data,
                                          form.scope.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            return render_template("tokens/created.html", token=token, secret=secret)
    return render_template("tokens/index.html", form=form, mine=tokens.mine(current_user),
                           live=tokens.is_live), 400 if form.errors else 200


@bp.post("/revoke")
def revoke():
    """Revoke one of your tokens: programs using it are refused from now on."""
    token = tokens.revoke(current_user, token_id_from_form())
    flash(f"The token “{token.name}” has been revoked.", "success")
    return redirect(url_for("tokens.index"))
