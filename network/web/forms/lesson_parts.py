"""The pieces the lesson-study form is built from: its limits and lists, the text fields,
the date typed in three boxes, the sub-forms for case pupils, research lessons and their
stages, and helpers that read typed text out of them."""

from datetime import date, datetime

from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import DateField, FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import ValidationError

from network.web.forms import NoNulls

PUPIL_SLOTS = 3
LESSON_SLOTS = 3
STAGE_SLOTS = 4
TEXT_MAX = 5000
TITLE_MAX = 200
SHORT_MAX = 200
SUBJECT_MAX = 100
PSEUDONYM_MAX = 40
YEAR_GROUPS = ["Reception", *(f"Year {n}" for n in range(1, 14))]
CLASS_SIZE_BANDS = ["Under 20", "20 to 29", "30 or more"]
AUDIENCES = [("cluster", "Our cluster"),
             ("network", "The whole network (anonymised unless you publish with the "
                         "school's name)")]
EARLIEST_YEAR = 2000


def strip(value):
    """Typed text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


class MaxChars:
    """Refuse text longer than `limit` characters, naming the field and the limit."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        if len(field.data or "") > self.limit:
            raise ValidationError(f"{field.label.text} must be {self.limit} characters or fewer "
                                  f"(it has {len(field.data)})")


def text_field(label: str, limit: int = TEXT_MAX) -> TextAreaField:
    """A box of free text, at most `limit` characters."""
    return TextAreaField(label, widget=GovTextArea(), filters=[strip],
                         validators=[NoNulls(), MaxChars(limit)])


def line_field(label: str, limit: int = SHORT_MAX) -> StringField:
    """A one-line answer, at most `limit` characters."""
    return StringField(label, widget=GovTextInput(), filters=[strip],
                       validators=[NoNulls(), MaxChars(limit)])


class LessonDateField(DateField):
    """A date typed as day, month and year; blank is None, and nothing raises here.

    The lesson-study form judges the parts itself so that its messages can say which
    research lesson is meant.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        parts = [(v or "").strip() for v in valuelist]
        if len(parts) == 3 and all(parts):
            try:
                self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
            except ValueError:
                self.data = None

    @property
    def parts(self) -> list[str]:
        """What was typed in the boxes (empty when nothing was posted)."""
        return [(v or "").strip() for v in (self.raw_data or [])]


class PupilForm(Form):
    """A case pupil: a pseudonym, the group they stand for and where they started."""

    pseudonym = line_field("Pseudonym", PSEUDONYM_MAX)
    stands_for = line_field("Who they stand for")
    baseline = text_field("Where they started")


class TextForm(Form):
    """One passage about one case pupil."""

    text = text_field("Notes")


class ResponseForm(Form):
    """What the team predicted one case pupil would do at a stage, and what they saw."""

    predicted = text_field("Predicted")
    observed = text_field("Observed")


class StageForm(Form):
    """A stage of a research lesson."""

    stage = line_field("Stage")
    responses = FieldList(FormField(ResponseForm), min_entries=PUPIL_SLOTS,
                          max_entries=PUPIL_SLOTS)


def per_pupil() -> FieldList:
    """One passage for each case pupil slot."""
    return FieldList(FormField(TextForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)


def texts(form: Form) -> list[str]:
    """Every piece of text typed anywhere in a (sub)form."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                found += texts(entry.form) if isinstance(entry, FormField) else [entry.data]
        elif isinstance(field, FormField):
            found += texts(field.form)
        elif isinstance(field, LessonDateField):
            found += field.parts
        elif isinstance(field.data, str):
            found.append(field.data)
    return [t for t in found if t]


def has_text(form: Form) -> bool:
    """Whether anything was typed anywhere in a (sub)form."""
    return bool(texts(form))


def refresh_errors(field_or_form) -> None:
    """Recompute the error lists FieldList keeps, after messages were added to entries."""
    for field in field_or_form:
        if isinstance(field, FieldList):
            for entry in field:
                if isinstance(entry, FormField):
                    refresh_errors(entry.form)
            field.errors = [entry.errors for entry in field]
            if not any(field.errors):
                field.errors = []
        elif isinstance(field, FormField):
            refresh_errors(field.form)


def date_problem(field: LessonDateField, number: int) -> str | None:
    """What is wrong with the date typed for research lesson `number` (None: nothing; a
    lesson may be saved before its date is known)."""
    parts = field.parts
    if not any(parts):
        return None
    if len(parts) != 3 or not all(parts):
        return f"The date of research lesson {number} must include a day, month and year"
    if field.data is None:
        return f"The date of research lesson {number} must be a real date, like 14 3 2026"
    if not EARLIEST_YEAR <= field.data.year <= date.today().year + 1:
        return (f"The date of research lesson {number} must be between {EARLIEST_YEAR} and "
                "the end of next year")
    return None
