"""The case-study editor: one structured form in the seven sections of a case study.

What the form produces (``CaseStudyForm.record_data()``) is what
``network.services.records.create(actor, "case_study", data)`` and ``update`` take::

    data = {"title": str, "body": body, "barriers": [barrier slugs],
            "standards": [standard ids such as "CE2.A"],
            "coauthor_ids": [ids of people at the author's own school],
            "audience": "cluster" | "network", "attributed": bool}

and the ``body`` is a ``models.record_bodies.CaseStudyBody`` as JSON (its shape is documented
there).

Text is stored as typed (trimmed, with Windows line endings made plain); pages show it with
the ``formatted`` filter, which allows light formatting only and drops raw HTML and
``javascript:`` links. Empty action slots and empty measure rows are dropped.
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
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from models.record_bodies import Action, CaseStudyBody, Impact, Measure
from network.web.forms import NoNulls

ACTION_SLOTS = 6
MEASURE_ROWS = 5
TEXT_MAX = 5000
TITLE_MAX = 200
CELL_MAX = 200
AUDIENCES = [("cluster", "Our cluster only"),
             ("network", "The whole network, anonymised")]
STANDARDS_FROM_LIST = "Choose standards from the list"


def _tidy(value):
    """Trim what was typed and make Windows line endings plain."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _text(label: str, name: str, required: str | None = None, description: str = ""):
    """A passage of light-formatted text of at most TEXT_MAX characters."""
    # No Optional(): it would stop the inline checks that compare an empty field with others.
    first = [InputRequired(required)] if required else []
    return TextAreaField(label, widget=GovTextArea(), description=description, filters=[_tidy],
                         validators=[*first, NoNulls(), Length(
                             max=TEXT_MAX, message=f"{name} must be {TEXT_MAX} characters "
                                                   "or fewer")])


def _cell(label: str, name: str):
    return StringField(label, widget=GovTextInput(), filters=[_tidy], validators=[
        NoNulls(),
        Length(max=CELL_MAX, message=f"{name} must be {CELL_MAX} characters or fewer")])


class ActionForm(Form):
    """One thing the school did, with the standards it addresses."""

    text = _text("What the school did", "An action")
    standards = SelectMultipleField("Standards this action addresses", validate_choice=False)

    # Set by the parent form: the slot's number and the toolkit's standard ids.
    number = 0
    known_standards: frozenset = frozenset()

    def validate_text(self, field):
        if not field.data and self.standards.data:
            raise ValidationError(f"Say what was done in action {self.number}, or clear the "
                                  "standards you chose for it")

    def validate_standards(self, field):
        if any(value not in self.known_standards for value in field.data or []):
            raise ValidationError(f"{STANDARDS_FROM_LIST} for action {self.number}")


class MeasureForm(Form):
    """One measured outcome, before and after."""

    measure = _cell("Measure", "A measure")
    before = _cell("Before", "A before figure")
    after = _cell("After", "An after figure")

    number = 0

    def validate_measure(self, field):
        if not field.data and (self.before.data or self.after.data):
            raise ValidationError(f"Say what measure {self.number} is, or clear its before "
                                  "and after figures")


class CaseStudyForm(FlaskForm):
    """A case study in its seven sections, with who writes it and where it should go."""

    title = StringField("Title", widget=GovTextInput(), filters=[_tidy], validators=[
        InputRequired("Enter a title"), NoNulls(),
        Length(max=TITLE_MAX, message=f"The title must be {TITLE_MAX} characters or fewer")],
        description="Say what changed, for example “From patchy tracking to progress "
                    "meetings every term”. Do not use the school's name.")
    context = _text("The school's context", "The context", "Describe the school's context",
                    "Phase, size, kind of area and intake in general words. Do not type the "
                    "school's name, its exact number on roll or exact percentages: the phase, "
                    "size, free-school-meals and region bands are added automatically when it "
                    "is published.")
    group_id = RadioField("Which priority group was the school in when it started?",
                          widget=GovRadioInput(), validate_choice=False,
                          description="The group it was in before the work described here "
                                      "began.", validators=[
                              InputRequired("Choose the priority group the school started in")])
    barriers = SelectMultipleField("Which barriers held the school back?",
                                   widget=GovCheckboxesInput(), validate_choice=False,
                                   description="Choose all that apply.")
    barrier_narrative = _text("The barriers in your own words (optional)", "The barriers text")
    what_needed_to_change = _text("What needed to change", "What needed to change",
                                  description="The school's own issues, as leaders saw them "
                                              "then.")
    actions = FieldList(FormField(ActionForm), min_entries=ACTION_SLOTS,
                        max_entries=ACTION_SLOTS)
    measures = FieldList(FormField(MeasureForm), min_entries=MEASURE_ROWS,
                         max_entries=MEASURE_ROWS)
    impact_narrative = _text("The impact in your own words (optional)", "The impact text")
    offer = _text("What the school can now offer other schools", "The offer",
                  description="For example coaching, visits, shared training or a leading "
                              "teacher's time.")
    offer_standards = SelectMultipleField("Standards the school can now support others with",
                                          validate_choice=False)
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
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_choices(self, groups, barriers, elements, colleagues) -> None:
        """Offer the priority groups, the barrier taxonomy, the toolkit's standards and the
        author's colleagues (everyone at the school but the author)."""
        self.group_id.choices = [(str(g.id), g.name) for g in groups]
        self.group_hints = [{"hint": {"text": g.description}} for g in groups]
        self.barriers.choices = [(b.slug, b.title) for b in barriers]
        self.coauthor_ids.choices = [(str(p.id), p.name) for p in colleagues]
        self.standard_order = [s.id for e in elements for s in e.standards]
        known = frozenset(self.standard_order)
        for number, entry in enumerate(self.actions.entries, 1):
            entry.form.number, entry.form.known_standards = number, known
        for number, entry in enumerate(self.measures.entries, 1):
            entry.form.number = number

    def _allowed(self, field) -> set[str]:
        return {value for value, _ in field.choices or []}

    def validate_group_id(self, field):
        if field.data not in self._allowed(field):
            raise ValidationError("Choose a priority group from the list")

    def validate_barriers(self, field):
        if any(value not in self._allowed(field) for value in field.data or []):
            raise ValidationError("Choose barriers from the list")

    def validate_actions(self, field):
        if not any(field.errors) and not any(e.form.text.data for e in field.entries):
            raise ValidationError("Describe at least one thing the school did")

    def validate_offer_standards(self, field):
        if any(value not in set(self.standard_order) for value in field.data or []):
            raise ValidationError(f"{STANDARDS_FROM_LIST} for what the school can offer")

    def validate_coauthor_ids(self, field):
        if any(value not in self._allowed(field) for value in field.data or []):
            raise ValidationError("Choose co-authors from the list of your colleagues")

    def validate_audience(self, field):
        if field.data not in dict(AUDIENCES):
            raise ValidationError("Choose where it should be published")

    def _in_order(self, chosen) -> list[str]:
        chosen = set(chosen)
        return [sid for sid in self.standard_order if sid in chosen]

    def record_data(self) -> dict:
        """The validated form as the records service takes it (see the module docstring)."""
        actions = tuple(Action(text=e.form.text.data,
                               standards=tuple(self._in_order(e.form.standards.data)))
                        for e in self.actions.entries if e.form.text.data)
        measures = tuple(Measure(measure=e.form.measure.data or "",
                                 before=e.form.before.data or "", after=e.form.after.data or "")
                         for e in self.measures.entries if e.form.measure.data)
        offer_standards = self._in_order(self.offer_standards.data or [])
        standards = self._in_order([*(s for a in actions for s in a.standards),
                                    *offer_standards])
        barriers = [slug for slug, _ in self.barriers.choices if slug in
                    set(self.barriers.data or [])]
        body = CaseStudyBody(
            context=self.context.data or "",
            group_id=self.group_id.data,
            group_name=dict(self.group_id.choices)[self.group_id.data],
            barriers=tuple(barriers),
            barrier_narrative=self.barrier_narrative.data or "",
            what_needed_to_change=self.what_needed_to_change.data or "",
            actions=actions,
            impact=Impact(measures=measures, narrative=self.impact_narrative.data or ""),
            offer=self.offer.data or "",
            offer_standards=tuple(offer_standards),
            standards=tuple(standards),
        )
        return {"title": self.title.data, "body": body.to_json(), "barriers": barriers,
                "standards": standards,
                "coauthor_ids": [int(value) for value in self.coauthor_ids.data or []],
                "audience": self.audience.data, "attributed": bool(self.attributed.data)}


class EditCaseStudyForm(CaseStudyForm):
    """The same form for a saved case study, carrying the version it was read at."""

    version = HiddenField(validators=[InputRequired("Reload the page and try again"),
                                      Regexp(r"^\d{1,9}$", message="Reload the page and try "
                                                                   "again")])


def initial_data(record) -> dict:
    """A saved case study's working copy, shaped for the form."""
    body = CaseStudyBody.read(record.body)
    actions = [{"text": a.text, "standards": list(a.standards)}
               for a in body.actions][:ACTION_SLOTS]
    measures = [{"measure": m.measure, "before": m.before, "after": m.after}
                for m in body.impact.measures]
    return {
        "version": record.version,
        "title": record.title,
        "context": body.context,
        "group_id": body.group_id,
        "barriers": list(body.barriers or [b.barrier_slug for b in record.barriers]),
        "barrier_narrative": body.barrier_narrative,
        "what_needed_to_change": body.what_needed_to_change,
        "actions": actions,
        "measures": measures[:MEASURE_ROWS],
        "impact_narrative": body.impact.narrative,
        "offer": body.offer,
        "offer_standards": list(body.offer_standards),
        "coauthor_ids": [str(c.user_id) for c in record.coauthors],
        "audience": record.audience or "cluster",
        "attributed": bool(record.attributed),
    }
