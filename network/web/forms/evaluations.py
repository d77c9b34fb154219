"""Forms for self-evaluations: starting a term, rating a core element, finalising."""

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from models.toolkit_data import RATINGS
from network.domain import terms
from network.web.forms import VERSION, NoNulls

MAX_ACTIONS = 10
# Short labels for the inline radios; the page explains the scale once, above the standards.
SHORT_RATINGS = {1: "Strong", 2: "Developing", 3: "Some improvement",
                 4: "Significant development"}
RATING_CHOICES = [(str(n), f"{n} {SHORT_RATINGS[n]}") for n in RATINGS]


class DateInput(GovDateInput):
    """GOV.UK day/month/year inputs that tolerate a post missing some of the three parts."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None
        params = super().map_gov_params(field, **kwargs)
        # The error summary links to the field's id: let that be the Day box, as GOV.UK does.
        params["id"] = f"{field.id}-group"
        params["items"][0]["id"] = field.id
        return params


class RealDateField(DateField):
    """A date typed as day, month and year whose error names the field: "Start date must be a
    real date, for example 27 3 2027", in the error summary and by the boxes."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            parts = [(v or "").strip() for v in valuelist]
            if len(parts) == 3 and not all(parts) and any(parts):
                raise ValueError(f"{self.label.text} must include a day, month and year"
                                 ) from None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2027"
                             ) from None


class NotInThePast:
    """A new or changed date may not be in the past (a date already saved may stay)."""

    def __call__(self, form, field):
        if field.data and field.data < date.today() and field.data != field.object_data:
            raise ValidationError(f"{field.label.text} must be today or later")


class ActionForm(Form):
    """One action: what will be done, by whom, by when."""

    what = StringField("What will be done", widget=GovTextInput(), validators=[
        Optional(), NoNulls(),
        Length(max=500, message="An action must be 500 characters or fewer")])
    who = StringField("Who", widget=GovTextInput(), validators=[
        Optional(), NoNulls(), Length(max=120, message="Who must be 120 characters or fewer")])
    by_when = RealDateField("By when", widget=DateInput(), format="%d %m %Y",
                        validators=[Optional(), NotInThePast()])

    def validate_what(self, field):
        if not (field.data or "").strip() and (self.who.data or self.by_when.data):
            raise ValidationError("Say what will be done, or clear the who and the date")


class StandardForm(Form):
    """The judgement on one standard."""

    rating = RadioField("Rating", widget=GovRadioInput(), choices=RATING_CHOICES,
                        validate_choice=False)
    evidence = TextAreaField("Evidence for this judgement", widget=GovTextArea(), validators=[
        Optional(), NoNulls(),
        Length(max=5000, message="Evidence must be 5000 characters or fewer")])
    sef_ref = StringField("SEF reference (optional)", widget=GovTextInput(), validators=[
        Optional(), NoNulls(),
        Length(max=60, message="The SEF reference must be 60 characters or fewer")])
    share_how = StringField("How another school could learn from it (optional)",
                            widget=GovTextInput(), validators=[
                                Optional(), NoNulls(),
                                Length(max=300, message="How it could be shared must be 300 "
                                                        "characters or fewer")])
    actions = FieldList(FormField(ActionForm), min_entries=0, max_entries=MAX_ACTIONS)

    def validate(self, extra_validators=None):
        """Validate, naming the standard and action in every action's message."""
        valid = super().validate(extra_validators)
        for number, entry in enumerate(self.actions, 1):
            for field in entry.form:
                field.errors = [f"{message} (action {number} for {self.standard_id})"
                                for message in field.errors]
        return valid

    def validate_rating(self, field):
        """A rating from 1 to 4; while only adding, changing or removing an action (`partial`)
        a standard not yet rated may stay so."""
        if getattr(self, "partial", False) and field.data in (None, "", "None"):
            return
        if field.data not in {"1", "2", "3", "4"}:
            raise ValidationError(f"Choose a rating from 1 to 4 for {self.standard_id}")


def element_form_class(standard_ids: list[str]):
    """A form with one StandardForm per standard of a core element (fields std_A, std_B...)."""

    class ElementForm(FlaskForm):
        version = HiddenField(validators=[InputRequired(), VERSION])
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

    for standard_id in standard_ids:
        subform = type(f"Standard{standard_id.replace('.', '')}", (StandardForm,),
                       {"standard_id": standard_id})
        setattr(ElementForm, field_name(standard_id), FormField(subform, label=standard_id))
    return ElementForm


def field_name(standard_id: str) -> str:
    """The form field holding a standard: CE2.A -> std_A."""
    return "std_" + standard_id.split(".")[1]


EMPTY_ACTION = {"what": "", "who": "", "by_when": None}


def element_data(evaluation, standard_ids: list[str], add: str | None = None) -> dict:
    """The saved values of some standards, shaped for the element form: only the actions
    saved, plus one empty action for the standard named by `add` (its "Add an action")."""
    data = {"version": evaluation.version}
    for sid in standard_ids:
        rating = evaluation.ratings[sid]
        actions = [{"what": a.what, "who": a.who, "by_when": a.by_when} for a in rating.actions]
        if add == sid and len(actions) < MAX_ACTIONS:
            actions.append(dict(EMPTY_ACTION))
        data[field_name(sid)] = {"rating": str(rating.rating) if rating.rating else None,
                                 "evidence": rating.evidence, "sef_ref": rating.sef_ref,
                                 "share_how": rating.share_how, "actions": actions}
    return data


def entries_from(form, standard_ids: list[str], drop: tuple[str, int] | None = None) -> dict:
    """The form's values as the evaluation service takes them, leaving out the action
    `drop` names (standard id, position from 0) when the person pressed its "Remove"."""
    entries = {}
    for sid in standard_ids:
        sub = getattr(form, field_name(sid)).form
        rated = sub.rating.data in {"1", "2", "3", "4"}
        entries[sid] = {"rating": int(sub.rating.data) if rated else None,
                        "evidence": sub.evidence.data or "",
                        "sef_ref": sub.sef_ref.data or "",
                        "share_how": sub.share_how.data or "",
                        "actions": [{"what": a.form.what.data or "", "who": a.form.who.data or "",
                                     "by_when": a.form.by_when.data}
                                    for n, a in enumerate(sub.actions) if (sid, n) != drop]}
    return entries


def parse_button(value: str | None, standard_ids: list[str]) -> tuple[str, int] | None:
    """Which standard (and action) an "Add an action", "Change" or "Remove" button named:
    "std_B" -> ("CE2.B", -1), "std_B-2" -> ("CE2.B", 2); None for anything else."""
    name, _, number = (value or "").partition("-")
    by_name = {field_name(sid): sid for sid in standard_ids}
    if name not in by_name or (number and not (number.isdigit() and len(number) < 3)):
        return None
    return by_name[name], int(number) if number else -1


class StartForm(FlaskForm):
    """Open the evaluation for a term: the current one, or (when asked) an earlier one."""

    term = SelectField("Term", widget=GovSelect(), validate_choice=False,
                       validators=[InputRequired("Choose a term")])
    earlier = HiddenField()
    submit = SubmitField("Start the evaluation", widget=GovSubmitInput())

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.term.choices = [(f"{year}-{term}", terms.label(year, term))
                             for year, term in offered]
        if not self.term.data and self.term.choices:
            self.term.data = self.term.choices[0][0]

    def validate_term(self, field):
        """Only the terms the form offers (or one already started, which the service names)."""
        if field.data not in {f"{year}-{term}" for year, term in terms.recent_terms(6)}:
            raise ValidationError("Choose a term from the list")

    def parsed(self) -> tuple[int, str]:
        """(year, term) from a value like 2026-autumn; ValueError if malformed."""
        year, _, term = (self.term.data or "").partition("-")
        return int(year), term


class FinaliseForm(FlaskForm):
    """Make the term's evaluation final (after the confirmation page)."""

    version = HiddenField(validators=[InputRequired(), VERSION])
    submit = SubmitField("Finalise this term", widget=GovSubmitInput())


class DeleteDraftForm(FlaskForm):
    """Delete a draft started by mistake (after the confirmation page)."""

    submit = SubmitField("Delete this draft", widget=GovSubmitInput())


class OptInForm(FlaskForm):
    """Choose which of the school's strengths the network may see."""

    standards = HiddenField()  # filled from request.form.getlist in the view
    submit = SubmitField("Save what we share", widget=GovSubmitInput())
