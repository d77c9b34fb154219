"""Forms for site administration."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from network.web.forms import NoNulls


class DesignationsForm(FlaskForm):
    """Grant or withdraw the designations only site admins give."""

    designations = SelectMultipleField(
        "Designations", widget=GovCheckboxesInput(),
        choices=[("lle", "Local Leader of Education (brokers support across clusters)"),
                 ("site_admin", "Site admin")])
    submit = SubmitField("Save designations", widget=GovSubmitInput())


class PublicBodyForm(FlaskForm):
    """Add a national body's domain, phone number or postcode to the list the anonymisation
    check leaves alone."""

    kind = RadioField("What are you adding?", widget=GovRadioInput(), choices=[
        ("domain", "A domain (web and email addresses under it)"),
        ("phone", "A phone number"),
        ("postcode", "A postcode (the body's building)")],
        validators=[InputRequired("Choose whether this is a domain, a phone number or a "
                                  "postcode")])
    value = StringField("Domain, phone number or postcode", widget=GovTextInput(),
                        description="For example educationendowmentfoundation.org.uk, "
                                    "0300 123 1231 or SW1P 3BT",
                        validators=[InputRequired("Enter the domain, phone number or postcode"),
                                    NoNulls(), Length(max=120, message="Keep it to 120 "
                                                                       "characters")])
    note = StringField("Whose is it? (optional)", widget=GovTextInput(),
                       validators=[Optional(), NoNulls(),
                                   Length(max=200, message="Keep the note to 200 characters")])
    submit = SubmitField("Add to the list", widget=GovSubmitInput())
