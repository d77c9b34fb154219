"""Forms for accounts: sign up, sign in, passwords."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from network.web.forms import NoNulls

EMAIL = [InputRequired("Enter your email address"),
         Length(max=254, message="Email address must be 254 characters or fewer"),
         Email("Enter an email address in the correct format, like name@example.com")]
NEW_PASSWORD = [InputRequired("Enter a password"),
                Length(min=10, max=200, message="Password must be between 10 and 200 characters")]


def new_password(label: str = "Password") -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation, typed twice so a slip is caught."""
    return (PasswordField(label, widget=GovPasswordInput(), validators=NEW_PASSWORD,
                          description="At least 10 characters"),
            PasswordField(f"Confirm {label.lower()}", widget=GovPasswordInput(), validators=[
                InputRequired(f"Confirm your {label.lower()}"),
                EqualTo("password", "The passwords do not match")]))


class SignUpForm(FlaskForm):
    """Create an account."""

    name = StringField("Full name", widget=GovTextInput(), validators=[
        InputRequired("Enter your full name"), NoNulls(),
        Length(max=120, message="Full name must be 120 characters or fewer")])
    email = EmailField("Email address", widget=GovTextInput(), validators=EMAIL)
    password, confirm = new_password()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(FlaskForm):
    """Sign in with email and password."""

    email = EmailField("Email address", widget=GovTextInput(), validators=EMAIL)
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[
        InputRequired("Enter your password"), Length(max=200)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    """Change the password of the signed-in person."""

    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    password, confirm = new_password("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResetRequestForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField("Email address", widget=GovTextInput(), validators=EMAIL)
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password, confirm = new_password("New password")
    submit = SubmitField("Set new password", widget=GovSubmitInput())


class ConfirmEmailForm(FlaskForm):
    """Finish an account from its emailed link."""

    submit = SubmitField("Confirm email address", widget=GovSubmitInput())
