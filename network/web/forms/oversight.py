"""Forms for outcome measures, their values, oversight grants and accepting an invitation."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from models import OVERSIGHT_ROLES
from network.web.forms import NoNulls
from network.web.forms.auth import new_password
from network.web.forms.evaluations import DateInput, RealDateField

UNIT_CHOICES = [("percent", "Percentage (%)"), ("points", "Percentage points"),
                ("pupils", "Number of pupils"), ("days", "Days"), ("score", "Score"),
                ("number", "Another number")]


class MeasureForm(FlaskForm):
    """A new outcome measure for one of the two schools."""

    school_id = RadioField("Which school measures it", widget=GovRadioInput(),
                           validate_choice=False,
                           validators=[InputRequired("Choose the school")])
    name = StringField("What is measured", widget=GovTextInput(), validators=[
        InputRequired("Say what is measured"), NoNulls(),
        Length(max=200, message="What is measured must be 200 characters or fewer")],
        description="For example: Year 6 pupils reaching the expected standard in reading")
    unit = SelectField("Unit", widget=GovSelect(), choices=UNIT_CHOICES, validate_choice=False,
                       validators=[InputRequired("Choose the unit")])
    standard_id = SelectField("Focus standard it bears on", widget=GovSelect(),
                              validate_choice=False, validators=[Optional()])
    submit = SubmitField("Add the measure", widget=GovSubmitInput())

    def validate_unit(self, field):
        if field.data not in dict(UNIT_CHOICES):
            raise ValidationError("Choose a unit from the list")


class ValueForm(FlaskForm):
    """One dated value of a measure."""

    measured_on = RealDateField("Date measured", widget=DateInput(), format="%d %m %Y",
                            validators=[InputRequired("Enter the date it was measured")],
                            description="For example, 27 3 2026")
    value = StringField("Value", widget=GovTextInput(), validators=[
        InputRequired("Enter the value"), Length(max=20, message="Enter a shorter number")],
        description="A number, like 62 or 62.5")
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[
        Optional(), NoNulls(), Length(max=1000, message="The note must be 1000 characters "
                                                        "or fewer")])
    submit = SubmitField("Record the value", widget=GovSubmitInput())

    def validate_value(self, field):
        text = (field.data or "").strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise ValidationError("Enter the value as a number, like 62 or 62.5") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationError("Enter the value as a number, like 62 or 62.5")
        field.number = number


class GrantForm(FlaskForm):
    """Give someone read-only access to the partnership."""

    email = StringField("Their email address", widget=GovTextInput(),
                        filters=[lambda v: v.strip() if isinstance(v, str) else v], validators=[
        InputRequired("Enter their email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.org")])
    role = RadioField("Their role", widget=GovRadioInput(), choices=list(OVERSIGHT_ROLES.items()),
                      validators=[InputRequired("Choose their role")])
    submit = SubmitField("Give read-only access", widget=GovSubmitInput())


class AcceptForm(FlaskForm):
    """Create an account from an oversight invitation."""

    name = StringField("Full name", widget=GovTextInput(), validators=[
        InputRequired("Enter your full name"), NoNulls(),
        Length(max=120, message="Full name must be 120 characters or fewer")])
    password, confirm = new_password()
    submit = SubmitField("Create account", widget=GovSubmitInput())

