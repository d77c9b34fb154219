"""Forms for site administration."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectMultipleField, SubmitField


class DesignationsForm(FlaskForm):
    """Grant or withdraw the designations only site admins give."""

    designations = SelectMultipleField(
        "Designations", widget=GovCheckboxesInput(),
        choices=[("lle", "Local Leader of Education (brokers support across clusters)"),
                 ("site_admin", "Site admin")])
    submit = SubmitField("Save designations", widget=GovSubmitInput())
