"""The case-study editor's pieces, and the forms of its first and last steps.

A case study is written in steps (``network.web.forms.case_study_steps`` has the steps in
between); each step's form gives ``changes()``, the part of the record it saves, as
``network.services.case_study_steps.save_step`` takes it. The body's shape is in
``models.case_study_body``.

Text is stored as typed (trimmed, with Windows line endings made plain); pages show it with
the ``formatted`` filter, which allows light formatting only and drops raw HTML and
``javascript:`` links.
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from network.web.forms import VERSION, NoNulls

TEXT_MAX = 5000
TITLE_MAX = 200
CELL_MAX = 200
AUDIENCES = [("cluster", "Our cluster only"),
             ("network", "The whole network, anonymised")]
STANDARDS_FROM_LIST = "Choose standards from the list"


def tidy(value):
    """Trim what was typed and make Windows line endings plain."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def text_field(label: str, name: str, required: str | None = None, description: str = ""):
    """A passage of light-formatted text of at most TEXT_MAX characters."""
    # No Optional(): it would stop the inline checks that compare an empty field with others.
    first = [InputRequired(required)] if required else []
    return TextAreaField(label, widget=GovTextArea(), description=description, filters=[tidy],
                         validators=[*first, NoNulls(), Length(
                             max=TEXT_MAX, message=f"{name} must be {TEXT_MAX} characters "
                                                   "or fewer")])


def cell_field(label: str, name: str):
    """A short line of at most CELL_MAX characters."""
    return StringField(label, widget=GovTextInput(), filters=[tidy], validators=[
        NoNulls(),
        Length(max=CELL_MAX, message=f"{name} must be {CELL_MAX} characters or fewer")])


def version_field():
    """The version the page was read at, for the check against saving over someone else."""
    return HiddenField(validators=[InputRequired("Reload the page and try again"), VERSION])


class StepForm(FlaskForm):
    """What every step's form has: the version it was read at and its buttons."""

    version = version_field()
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def prepare(self, choices) -> None:
        """Offer the choices the step needs (see ``views.case_study_steps.Choices``)."""

    def changes(self) -> dict:  # pragma: no cover - every step defines its own
        """The part of the record this step saves."""
        raise NotImplementedError


def pick_standards(field, order: list[str], where: str) -> None:
    """Refuse standards that are not in the toolkit."""
    if any(value not in set(order) for value in field.data or []):
        raise ValidationError(f"{STANDARDS_FROM_LIST} for {where}")


def in_order(order: list[str], chosen) -> list[str]:
    """The chosen standard ids in toolkit order."""
    chosen = set(chosen or [])
    return [sid for sid in order if sid in chosen]


class ContextForm(StepForm):
    """Step 1: the title and the school's context. Saving it the first time starts the draft."""

    title = StringField("Title", widget=GovTextInput(), filters=[tidy], validators=[
        InputRequired("Enter a title"), NoNulls(),
        Length(max=TITLE_MAX, message=f"The title must be {TITLE_MAX} characters or fewer")],
        description="Say what changed, for example “From patchy tracking to progress "
                    "meetings every term”. Do not use the school's name.")
    context = text_field("The school's context", "The context", "Describe the school's context",
                         "Phase, size, kind of area and intake in general words. Do not type "
                         "the school's name, its exact number on roll or exact percentages: "
                         "the phase, size, free-school-meals and region bands are added "
                         "automatically when it is published.")

    def changes(self) -> dict:
        return {"title": self.title.data, "body": {"context": self.context.data or ""}}


class NewContextForm(ContextForm):
    """Step 1 of a case study not yet saved: there is no version to check."""

    version = HiddenField(validators=[Optional()])


class PublicationForm(StepForm):
    """The last step: co-authors, where it should go and whether it carries the school's
    name."""

    coauthor_ids = SelectMultipleField("Co-authors (optional)", widget=GovCheckboxesInput(),
                                       validate_choice=False,
                                       description="Colleagues who may edit the case study "
                                                   "with you.")
    audience = RadioField("Where should it be published?", widget=GovRadioInput(),
                          choices=AUDIENCES, validate_choice=False,
                          validators=[InputRequired("Choose where it should be published")],
                          description="Your headteacher checks it for anything that could "
                                      "identify the school, and publishes it.")
    attributed = BooleanField("Publish with our school's name", widget=GovCheckboxInput(),
                              description="Leave this unticked to publish anonymously. "
                                          "Readers can still ask to talk to you, and you "
                                          "decide whether to reply.")

    def prepare(self, choices) -> None:
        self.coauthor_ids.choices = [(str(p.id), p.name) for p in choices.colleagues]

    def validate_coauthor_ids(self, field):
        allowed = {value for value, _ in field.choices or []}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError("Choose co-authors from the list of your colleagues")

    def validate_audience(self, field):
        if field.data not in dict(AUDIENCES):
            raise ValidationError("Choose where it should be published")

    def changes(self) -> dict:
        return {"coauthor_ids": [int(value) for value in self.coauthor_ids.data or []],
                "audience": self.audience.data, "attributed": bool(self.attributed.data)}


class ActionForm(StepForm):
    """One action on its own page: what the school did and the standards it addresses."""

    text = text_field("What the school did", "The action", "Say what the school did",
                      "One thing, in a sentence or two: who did what, how often and for how "
                      "long.")
    standards = SelectMultipleField("Standards this action addresses", validate_choice=False)
    submit = SubmitField("Save the action", widget=GovSubmitInput())

    def prepare(self, choices) -> None:
        self.order = choices.standard_order

    def validate_standards(self, field):
        pick_standards(field, self.order, "this action")

    def action(self) -> dict:
        """The action as the body keeps it."""
        return {"text": self.text.data, "standards": in_order(self.order, self.standards.data)}


class EntryForm(Form):
    """One entry of a list on a step page (a timeline step, a measure, some support)."""

    number = 0

    def is_blank(self) -> bool:
        """Nothing typed or chosen: the entry is dropped when saved."""
        return not any(f.data for f in self if f.type not in ("HiddenField", "RadioField"))
