"""The forms of a case study's middle steps (the first and last are in ``case_studies``).

Lists on a step page (timeline steps, support received, measures) grow one entry at a time:
the page shows what is saved, "Add another" saves and adds one empty entry, "Remove" saves
without that entry, and entries left empty are dropped, so nothing empty is ever kept.
"""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import FieldList, FormField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from models.case_study_body import MAX_ENTRIES, SUPPORT_KINDS
from network.web.forms.case_studies import (
    EntryForm,
    StepForm,
    cell_field,
    in_order,
    pick_standards,
    text_field,
    tidy,
)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def entries(form_class):
    """A list of entries that starts empty and never grows past MAX_ENTRIES."""
    return FieldList(FormField(form_class), min_entries=0, max_entries=MAX_ENTRIES)


class ListStepForm(StepForm):
    """A step with a list of entries (`entries_name`); `removed` is the entry to leave out."""

    entries_name = ""
    removed: int | None = None

    def kept(self) -> list:
        """The entries to save: not removed, not left empty."""
        rows = getattr(self, self.entries_name).entries
        return [e.form for n, e in enumerate(rows) if n != self.removed and not e.form.is_blank()]

    def number_entries(self) -> None:
        for number, entry in enumerate(getattr(self, self.entries_name).entries, 1):
            entry.form.number = number


class TimelineEntry(EntryForm):
    """A dated step: the year, the month if known, and what happened."""

    year = StringField("Year", widget=GovTextInput(), filters=[tidy])
    month = SelectField("Month (optional)", widget=GovSelect(), validate_choice=False,
                        choices=[("", "Not known")] + [(f"{n:02d}", m)
                                                       for n, m in enumerate(MONTHS, 1)])
    what = text_field("What happened", "What happened")

    def is_blank(self) -> bool:
        return not (self.year.data or self.what.data)

    def validate_year(self, field):
        if self.is_blank():
            return
        if not (field.data or "").isdigit() or not 1950 <= int(field.data) <= 2100:
            raise ValidationError(f"Enter the year of step {self.number}, for example 2019")

    def validate_month(self, field):
        if field.data and field.data not in {f"{n:02d}" for n in range(1, 13)}:
            raise ValidationError(f"Choose the month of step {self.number} from the list")

    def validate_what(self, field):
        if not field.data and self.year.data:
            raise ValidationError(f"Say what happened in step {self.number}, or remove it")

    def entry(self) -> dict:
        when = self.year.data + (f"-{self.month.data}" if self.month.data else "")
        return {"when": when, "what": self.what.data}


class GroupsForm(ListStepForm):
    """The priority group at the start and at the end, and the timeline."""

    entries_name = "timeline"
    timeline = entries(TimelineEntry)
    group_id = RadioField("Which priority group was the school in when the work began?",
                          widget=GovRadioInput(), validate_choice=False,
                          description="If you leave this, we take it from your school's "
                                      "group history on the date of the timeline's first "
                                      "step.")
    end_group_id = RadioField("Which priority group is the school in now, or when the work "
                              "ended?", widget=GovRadioInput(), validate_choice=False)

    def prepare(self, choices) -> None:
        self.group_id.choices = [(str(g.id), g.name) for g in choices.groups]
        self.end_group_id.choices = list(self.group_id.choices)
        self.number_entries()

    def validate_group_id(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError("Choose a priority group from the list")

    def validate_end_group_id(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError("Choose the priority group the school ended in from the "
                                  "list")

    def changes(self) -> dict:
        timeline = sorted((e.entry() for e in self.kept()), key=lambda s: s["when"])
        return {"body": {"group_id": self.group_id.data or "",
                         "end_group_id": self.end_group_id.data or "", "timeline": timeline}}


class BarriersForm(StepForm):
    """The barriers, what solved each one (`solution_<n>` fields, one per barrier in the
    taxonomy, added by ``with_solutions``) and the story behind them."""

    barriers = SelectMultipleField("Which barriers held the school back?",
                                   widget=GovCheckboxesInput(), validate_choice=False,
                                   description="Choose all that apply, and say what solved "
                                               "each one.")
    barrier_narrative = text_field("The barriers in your own words (optional)",
                                   "The barriers text")
    slugs: list[str] = []

    def prepare(self, choices) -> None:
        self.barriers.choices = [(b.slug, b.title) for b in choices.barriers]

    def validate_barriers(self, field):
        if any(value not in self.slugs for value in field.data or []):
            raise ValidationError("Choose barriers from the list")

    def solution(self, slug: str):
        """The "what solved it" field of a barrier."""
        return self[f"solution_{self.slugs.index(slug)}"]

    def changes(self) -> dict:
        chosen = [slug for slug in self.slugs if slug in set(self.barriers.data or [])]
        solutions = [{"barrier": slug, "solution": self.solution(slug).data}
                     for slug in chosen if self.solution(slug).data]
        return {"body": {"barriers": chosen, "barrier_solutions": solutions,
                         "barrier_narrative": self.barrier_narrative.data or ""}}


def with_solutions(slugs: list[str]) -> type[BarriersForm]:
    """The barriers form for a taxonomy of `slugs`."""
    fields = {f"solution_{n}": text_field("What solved it", "What solved it")
              for n, _ in enumerate(slugs)}
    return type("BarriersStepForm", (BarriersForm,), {"slugs": list(slugs), **fields})


class ActionsForm(StepForm):
    """What needed to change; the actions themselves are added one at a time on their own
    pages."""

    what_needed_to_change = text_field("What needed to change", "What needed to change",
                                       description="The school's own issues, as leaders "
                                                   "saw them then.")

    def changes(self) -> dict:
        return {"body": {"what_needed_to_change": self.what_needed_to_change.data or ""}}


class SupportEntry(EntryForm):
    """Support the school received: its kind, what it was and, for a partner school on the
    platform, which school (seen only by the school's own people)."""

    kind = RadioField("Kind of support", widget=GovRadioInput(), validate_choice=False,
                      choices=list(SUPPORT_KINDS.items()))
    details = text_field("What the support was", "The support")
    school_id = SelectField("Which partner school? (optional)", widget=GovSelect(),
                            validate_choice=False,
                            description="Only people at your school see this. Readers see "
                                        "“a partner school on the platform”.")

    def is_blank(self) -> bool:
        return not self.details.data

    def validate_kind(self, field):
        if not self.is_blank() and field.data not in SUPPORT_KINDS:
            raise ValidationError(f"Choose the kind of support {self.number}")

    def validate_school_id(self, field):
        if field.data and field.data not in {v for v, _ in field.choices}:
            raise ValidationError(f"Choose the partner school of support {self.number} "
                                  "from the list")

    def entry(self) -> dict:
        partner = self.kind.data == "partner" and self.school_id.data
        return {"kind": self.kind.data, "description": self.details.data,
                "school_id": int(self.school_id.data) if partner else 0}


class SupportForm(ListStepForm):
    """The support the school received."""

    entries_name = "support"
    support = entries(SupportEntry)

    def prepare(self, choices) -> None:
        options = [("", "Not on the platform, or I would rather not say")] + [
            (str(s.id), s.name) for s in choices.partners]
        for entry in self.support.entries:
            entry.form.school_id.choices = options
        self.number_entries()

    def changes(self) -> dict:
        return {"body": {"support": [e.entry() for e in self.kept()]}}


class MeasureEntry(EntryForm):
    """One measured outcome, before and after."""

    measure = cell_field("Measure", "A measure")
    before = cell_field("Before", "A before figure")
    after = cell_field("After", "An after figure")

    def validate_measure(self, field):
        if not field.data and (self.before.data or self.after.data):
            raise ValidationError(f"Say what measure {self.number} is, or remove it")


class ImpactForm(ListStepForm):
    """The measured outcomes and the impact in words."""

    entries_name = "measures"
    measures = entries(MeasureEntry)
    impact_narrative = text_field("The impact in your own words", "The impact text")

    def prepare(self, choices) -> None:
        self.number_entries()

    def changes(self) -> dict:
        measures = [{"measure": e.measure.data, "before": e.before.data or "",
                     "after": e.after.data or ""} for e in self.kept()]
        return {"body": {"impact": {"measures": measures,
                                    "narrative": self.impact_narrative.data or ""}}}


class NextStepsForm(StepForm):
    """Next steps, risks, and what the school can now offer others."""

    next_steps = text_field("Next steps", "The next steps",
                            description="What the school will do next to keep improving.")
    risks = text_field("Risks", "The risks", description="What could undo the gains, for "
                       "example “high pupil mobility will test our capacity”.")
    offer = text_field("What the school can now offer other schools", "The offer",
                       description="For example coaching, visits, shared training or a "
                                   "leading teacher's time.")
    offer_standards = SelectMultipleField("Standards the school can now support others with",
                                          validate_choice=False)

    def prepare(self, choices) -> None:
        self.order = choices.standard_order

    def validate_offer_standards(self, field):
        pick_standards(field, self.order, "what the school can offer")

    def changes(self) -> dict:
        return {"body": {"next_steps": self.next_steps.data or "",
                         "risks": self.risks.data or "", "offer": self.offer.data or "",
                         "offer_standards": in_order(self.order, self.offer_standards.data)}}

