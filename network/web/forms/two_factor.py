"""Forms for two-factor sign-in: the code at sign-in, setting up, and what needs the password."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from network.web.forms import NoNulls


class CodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField("Security code", widget=GovTextInput(), validators=[
        InputRequired("Enter the 6-digit code from your authenticator app, or a recovery code"),
        NoNulls(), Length(max=40, message="Enter the 6-digit code or a recovery code")],
        description="The 6-digit code your authenticator app shows, or one of your recovery "
                    "codes")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpForm(FlaskForm):
    """Confirm the new secret with a code the app made from it."""

    code = StringField("Code from your app", widget=GovTextInput(), validators=[
        InputRequired("Enter the 6-digit code your authenticator app shows"), NoNulls(),
        Length(max=20, message="Enter the 6-digit code your authenticator app shows")],
        description="6 digits")
    submit = SubmitField("Turn on two-factor sign-in", widget=GovSubmitInput())


class PasswordCheckForm(FlaskForm):
    """Your password again, before changing how you sign in."""

    password = PasswordField("Your password", widget=GovPasswordInput(), validators=[
        InputRequired("Enter your password"), Length(max=200)])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class TurnOffForm(PasswordCheckForm):
    """Turn off two-factor sign-in (roles that do not need it)."""

    submit = SubmitField("Turn off two-factor sign-in", widget=GovSubmitInput())


class NewRecoveryCodesForm(PasswordCheckForm):
    """Make new recovery codes; the old ones stop working."""

    submit = SubmitField("Make new recovery codes", widget=GovSubmitInput())
