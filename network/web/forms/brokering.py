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
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from models import FUNDERS, MILESTONE_STATUSES
from network.domain import terms
from network.web.forms import VERSION, NoNulls
from network.web.forms.evaluations import DateInput, RealDateField


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
    # The school the asker found as a match and hopes for (empty when asking in general).
    hoped_school = HiddenField(validators=[Optional(), Length(max=12)])
    submit = SubmitField("Ask for support", widget=GovSubmitInput())


FUNDER_CHOICES = list(FUNDERS.items())


def _people(label: str, what: str):
    return _text(label, what, limit=2000, required=f"Name at least one person from {what}, "
                 "with their role", description="One person a line: their name, a comma and "
                                                "their role, for example “Sam Lee, deputy "
                                                "headteacher”.")


class AgreementFields(FlaskForm):
    """The support agreement's terms (proposing a partnership, or changing its agreement)."""

    supported_people = _people("People from the supported school", "the supported school")
    supporting_people = _people("People from the supporting school", "the supporting school")
    days_per_term = IntegerField(
        "Days a term the supporting school commits", widget=GovTextInput(),
        validators=[InputRequired("Give the days a term as a whole number"),
                    NumberRange(0, 200, "Give the days a term as a whole number up to 200")])
    cost_pounds = IntegerField(
        "Cost in pounds", widget=GovTextInput(), description="The whole cost of the support, "
                                                              "in pounds; 0 if none.",
        validators=[InputRequired("Give the cost in pounds as a whole number"),
                    NumberRange(0, 1_000_000, "Give the cost as a whole number of pounds")])
    funded_by = RadioField("Who funds it", widget=GovRadioInput(), choices=FUNDER_CHOICES,
                           validate_choice=False,
                           validators=[InputRequired("Choose who funds the support")])
    starts_on = RealDateField("Start date", widget=DateInput(), format="%d %m %Y",
                          validators=[InputRequired("Give the date the support starts")])
    ends_on = RealDateField("End date", widget=DateInput(), format="%d %m %Y",
                        validators=[InputRequired("Give the date the support ends")])
    success_criteria = _text(
        "Success criteria for each focus standard", "The success criteria", limit=5000,
        required="Write the success criteria for each focus standard",
        description="One line for each focus standard: its code (its name may follow), a "
                    "colon and what success looks like, for example “CE2.A Tracking steers "
                    "improvement: every class tracks progress the same way”.")
    exit_criteria = _text("When the support ends", "The exit criteria", limit=3000,
                          required="Say when the support ends",
                          description="The exit criteria: what will show the school no "
                                      "longer needs the support.")

    def validate_funded_by(self, field):
        if field.data not in FUNDERS:
            raise ValidationError("Choose who funds the support")

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError("The end date must be after the start date")

    def agreement(self) -> dict:
        """The terms as services/agreements.py takes them."""
        return {name: getattr(self, name).data for name in (
            "supported_people", "supporting_people", "days_per_term", "cost_pounds",
            "funded_by", "starts_on", "ends_on", "success_criteria", "exit_criteria")}


class AgreementChangeForm(AgreementFields):
    """A proposed change to the agreement in force: a new version both heads must sign."""

    based_on = HiddenField(validators=[VERSION])
    submit = SubmitField("Propose this change", widget=GovSubmitInput())


class SignForm(FlaskForm):
    """A headteacher signs the proposed change to the agreement for their school."""

    number = HiddenField(validators=[VERSION])
    submit = SubmitField("Sign the changed agreement for my school", widget=GovSubmitInput())


class ConflictForm(FlaskForm):
    """A coordinator approves or refuses an LLE's proposal of their own school."""

    decision = RadioField("Your decision on the conflict of interest", widget=GovRadioInput(),
                          choices=[("approve", "Approve: the headteachers may now decide"),
                                   ("refuse", "Refuse: the proposal ends")],
                          validators=[InputRequired("Choose to approve or refuse")])
    reason = _text("Reason (needed to refuse)", "The reason", limit=2000)
    submit = SubmitField("Send decision on the conflict", widget=GovSubmitInput())


class ProposalForm(AgreementFields):
    """A broker proposes a supporting school, the focus, the activities and the draft support
    agreement."""

    supporting_school_id = RadioField("Supporting school", widget=GovRadioInput(),
                                      validate_choice=False,
                                      validators=[InputRequired("Choose a supporting school")])
    standards = SelectMultipleField("Focus standards", validate_choice=False)
    barriers = SelectMultipleField("Focus barriers", widget=GovCheckboxesInput(),
                                   validate_choice=False)
    activities = _text("Proposed activities", "The activities",
                       required="Describe the activities you propose",
                       description="For example paired visits, coaching, joint moderation.")
    declaration = _text("Declaration of your conflict of interest", "The declaration",
                        limit=3000, description="Needed if you propose your own school: say "
                                                "how you are connected to it. A coordinator of "
                                                "its cluster approves it before the "
                                                "headteachers decide.")
    inclusion_reason = _text("Why you include a school graded below good", "The reason",
                             limit=2000, description="Needed if you choose a school graded "
                                                     "below good at its last inspection: both "
                                                     "headteachers read it.")
    submit = SubmitField("Propose the partnership", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """A headteacher accepts or declines a proposal for their school."""

    decision = RadioField("Your school's decision", widget=GovRadioInput(), choices=[
        ("accept", "Accept the partnership"), ("decline", "Decline it")],
        description="Accepting signs the support agreement above for your school.",
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
    success_criteria = _text("How you will know it is met", "The success criteria",
                             limit=2000, required="Say how you will know the milestone is met")
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
    evidence = _text("Evidence (needed for done)", "The evidence", limit=3000,
                     description="What shows the milestone is done, for example the moderated "
                                 "books or the minutes of the meeting.")
    submit = SubmitField("Record progress", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    """The impact review that closes a partnership."""

    summary = _text("What changed, in your words", "The summary", limit=5000,
                    required="Summarise what changed")
    reason = _text("Why close now (needed if it closes without one headteacher's agreement)",
                   "The reason", limit=2000)
    submit = SubmitField("Agree to close the partnership with this review",
                         widget=GovSubmitInput())


class CloseForm(FlaskForm):
    """Agreeing to close a partnership someone else has started closing."""

    reason = _text("Why close now (needed if it closes without one headteacher's agreement)",
                   "The reason", limit=2000)
    submit = SubmitField("Agree to close the partnership", widget=GovSubmitInput())


class StopClosingForm(FlaskForm):
    """Stopping a closing that has started, so the partnership carries on."""

    reason = _text("Why the partnership should carry on", "The reason", limit=2000,
                   required="Say why the partnership should carry on")
    submit = SubmitField("Stop closing and carry on", widget=GovSubmitInput())


class DigestForm(FlaskForm):
    """How often unread notices are emailed."""

    digest = RadioField("Email me a digest of unread notices", widget=GovRadioInput(), choices=[
        ("none", "Never"), ("daily", "Daily"), ("weekly", "Weekly")],
        validators=[InputRequired("Choose how often")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class ActionButton(FlaskForm):
    """A single button (withdraw a request, start a case study)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
