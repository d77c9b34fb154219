"""Forms shared by both kinds of record: the workflow, the gate, contact requests."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from network.web.forms import VERSION, NoNulls


class ActionForm(FlaskForm):
    """A button that moves a record along (submit, withdraw)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class PublishForm(FlaskForm):
    """The headteacher publishes a record to the cluster or the network."""

    version = HiddenField(validators=[InputRequired(), VERSION])
    audience = RadioField("Publish to", widget=GovRadioInput(), choices=[
        ("cluster", "Our cluster only"), ("network", "The whole network, anonymised")],
        validators=[InputRequired("Choose who the record is published to")])
    submit = SubmitField("Publish", widget=GovSubmitInput())


class ReturnForm(FlaskForm):
    """The headteacher returns a record to its authors with comments."""

    comment = TextAreaField("Comments for the authors", widget=GovTextArea(), validators=[
        InputRequired("Write what the authors should change"), NoNulls(),
        Length(max=3000, message="Comments must be 3000 characters or fewer")])
    submit = SubmitField("Return to the authors", widget=GovSubmitInput())


class OverrideForm(FlaskForm):
    """The headteacher marks one flagged passage as not identifying, with a reason."""

    kind = HiddenField(validators=[InputRequired(), NoNulls(), Length(max=40)])
    text = HiddenField(validators=[InputRequired(), NoNulls(), Length(max=300)])
    reason = TextAreaField("Why this does not identify the school", widget=GovTextArea(),
                           validators=[InputRequired("Say why this does not identify the school"),
                                       NoNulls(), Length(max=1000, message="1000 characters "
                                                                           "or fewer")])
    submit = SubmitField("Mark as not identifying", widget=GovSubmitInput())


class ContactForm(FlaskForm):
    """A reader asks to talk to the authors."""

    message = TextAreaField("What would you like to talk about?", widget=GovTextArea(),
                            validators=[InputRequired("Say what you would like to talk about"),
                                        NoNulls(), Length(max=2000, message="Your message must "
                                                                            "be 2000 characters "
                                                                            "or fewer")])
    submit = SubmitField("Send request", widget=GovSubmitInput())


class ContactDecisionForm(FlaskForm):
    """The author school's headteacher replies or declines."""

    decision = RadioField("Your answer", widget=GovRadioInput(), choices=[
        ("reply", "Reply: the reader learns which school you are"),
        ("decline", "Decline: your school stays anonymous")],
        validators=[InputRequired("Choose reply or decline")])
    message = TextAreaField("Message (optional)", widget=GovTextArea(), validators=[
        NoNulls(), Length(max=2000, message="2000 characters or fewer")])
    submit = SubmitField("Send answer", widget=GovSubmitInput())
