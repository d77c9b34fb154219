"""Forms for brokering: asking for support, proposing, deciding, milestones, the impact
review, and each person's digest preference."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from models import MILESTONE_STATUSES
from network.domain import terms
from network.web.forms import NoNulls


def _text(label: str, what: str, limit: int = 3000, required: str | None = None, **kw):
    checks = [InputRequired(required) if required else Optional(), NoNulls(),
              Length(max=limit, message=f"{what} must be {limit} characters or fewer")]
    return TextAreaField(label, widget=GovTextArea(), validators=checks, **kw)


class SupportRequestForm(FlaskForm):
    """A school's leaders ask for support with standards and barriers."""

    broker = RadioField("Who should broker support?", widget=GovRadioInput(),
                        validate_choice=False,
                        validators=[InputRequired("Choose who to ask")])
    standards = SelectMultipleField("Standards you want support with", validate_choice=False,
                                    description="Your 3s and 4s from the latest final "
                                                "self-evaluation are ticked to start with.")
    barriers = SelectMultipleField("Barriers you face", widget=GovCheckboxesInput(),
                                   validate_choice=False)
    hopes = _text("What you hope a partnership will do", "What you hope for",
                  required="Say what you hope a partnership will do")
    submit = SubmitField("Ask for support", widget=GovSubmitInput())


class ProposalForm(FlaskForm):
    """A broker proposes a supporting school, the focus and the activities."""

    supporting_school_id = RadioField("Supporting school", widget=GovRadioInput(),
                                      validate_choice=False,
                                      validators=[InputRequired("Choose a supporting school")])
    standards = SelectMultipleField("Focus standards", validate_choice=False)
    barriers = SelectMultipleField("Focus barriers", widget=GovCheckboxesInput(),
                                   validate_choice=False)
    activities = _text("Proposed activities", "The activities",
                       required="Describe the activities you propose",
                       description="For example paired visits, coaching, joint moderation.")
    submit = SubmitField("Propose the partnership", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """A headteacher accepts or declines a proposal for their school."""

    decision = RadioField("Your school's decision", widget=GovRadioInput(), choices=[
        ("accept", "Accept the partnership"), ("decline", "Decline it")],
        validators=[InputRequired("Choose to accept or decline")])
    reason = _text("Reason (needed to decline)", "The reason", limit=2000)
    submit = SubmitField("Send decision", widget=GovSubmitInput())


def term_choices() -> list[tuple[str, str]]:
    """The current term and the five after it, as milestone due terms."""
    year, term = terms.current_term()
    start = terms.order(year, term)
    out = []
    for n in range(start, start + 6):
        y, t = n // 3, terms.TERMS[n % 3]
        out.append((f"{y}-{t}", f"End of {terms.label(y, t)}"))
    return out


class MilestoneForm(FlaskForm):
    """A termly milestone: what should be done by the end of which term."""

    title = StringField("Milestone", widget=GovTextInput(), validators=[
        InputRequired("Describe the milestone"), NoNulls(),
        Length(max=200, message="The milestone must be 200 characters or fewer")])
    term = SelectField("Due", widget=GovSelect(), validate_choice=False,
                       validators=[InputRequired("Choose the term it is due")])
    submit = SubmitField("Add milestone", widget=GovSubmitInput())

    def validate_term(self, field):
        if field.data not in dict(term_choices()):
            raise ValidationError("Choose a term from the list")


STATUS_CHOICES = [(s, s.replace("_", " ").capitalize()) for s in MILESTONE_STATUSES]


class ProgressForm(FlaskForm):
    """A school's note on a milestone, with its status."""

    status = RadioField("Status", widget=GovRadioInput(), choices=STATUS_CHOICES,
                        validators=[InputRequired("Choose the milestone's status")])
    note = _text("Note from your school", "The note", limit=2000,
                 required="Write a note on progress")
    submit = SubmitField("Record progress", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    """The impact review that closes a partnership."""

    summary = _text("What changed, in your words", "The summary", limit=5000,
                    required="Summarise what changed")
    submit = SubmitField("Close the partnership with this review", widget=GovSubmitInput())


class DigestForm(FlaskForm):
    """How often unread notices are emailed."""

    digest = RadioField("Email me a digest of unread notices", widget=GovRadioInput(), choices=[
        ("none", "Never"), ("daily", "Daily"), ("weekly", "Weekly")],
        validators=[InputRequired("Choose how often")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class ActionButton(FlaskForm):
    """A single button (withdraw a request, start a case study)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
