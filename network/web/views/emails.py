"""Email about what a person must act on: their choice on the account pages, and the
one-click unsubscribe link each such email carries."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from network.extensions import csrf
from network.services import action_mail
from network.web.security import public

bp = Blueprint("emails", __name__)


class ActionMailForm(FlaskForm):
    """Whether to be emailed what one must act on."""

    choice = RadioField("Email me when I must act", widget=GovRadioInput(), choices=[
        ("on", "Yes, email me"), ("off", "No, only tell me in my inbox")],
        description="A partnership proposal or a join request to decide, a request to talk "
                    "about your school's work, a record returned to you.",
        validators=[InputRequired("Choose whether to be emailed")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class UnsubscribeForm(FlaskForm):
    """The button an unsubscribe link shows (opening a link changes nothing)."""

    class Meta:
        csrf = False  # one-click unsubscribe (RFC 8058): mail clients POST without a form

    submit = SubmitField("Stop these emails", widget=GovSubmitInput())


@bp.route("/account/email", methods=["GET", "POST"])
def settings():
    """Choose whether to be emailed what you must act on."""
    form = ActionMailForm(data={"choice": "on" if current_user.email_actions else "off"})
    if form.validate_on_submit():
        action_mail.choose(current_user, form.choice.data == "on")
        flash("Your email setting is saved.", "success")
        return redirect(url_for("emails.settings"))
    return render_template("emails/settings.html", form=form), 400 if form.errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """Stop the emails about what one must act on, from the link in one of them: no sign-in;
    opening the link shows a button, so mail scanners that follow links change nothing."""
    person = action_mail.user_for_token(token)
    if person is None:  # as a broken reset or confirmation link: 400, it names no record
        return render_template("emails/unsubscribe_invalid.html"), 400
    form = UnsubscribeForm()
    if form.validate_on_submit():
        action_mail.choose(person, False)
        return render_template("emails/unsubscribed.html")
    return render_template("emails/unsubscribe.html", form=form, email=person.email)
