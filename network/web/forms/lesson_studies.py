"""The lesson-study forms, one per step of writing it up: the team, coach and focus; the
case pupils; each research lesson; outcomes and impact; sharing. Each form holds only its
step's part; ``lesson_study_data`` reads a saved body into them and writes their answers
back into the body (the shape is in ``models.lesson_study_body``).

Every step form carries the version it was started from, so a save over someone else's
newer one is caught (409, both versions shown). Pupil slots are fixed at three (the third
optional), stages at four per lesson; pages show only the slots of the named case pupils.
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import ValidationError

from network.web.forms import NoNulls
from network.web.forms.evaluations import DateInput
from network.web.forms.lesson_parts import (
    AUDIENCES,
    CLASS_SIZE_BANDS,
    PUPIL_SLOTS,
    SUBJECT_MAX,
    TITLE_MAX,
    YEAR_GROUPS,
    LessonDateField,
    MaxChars,
    PupilForm,
    StageForm,
    date_problem,
    has_text,
    line_field,
    per_pupil,
    refresh_errors,
    strip,
    text_field,
)
from network.web.forms.lesson_parts import STAGE_SLOTS as STAGE_SLOTS


def _checkboxes(label: str) -> SelectMultipleField:
    return SelectMultipleField(label, widget=GovCheckboxesInput(), validate_choice=False)


class StepForm(FlaskForm):
    """What every step has: the version it started from and its save button."""

    version = HiddenField()
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._form_error_key = "lesson-study-problems"

    def validate_version(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError("This page is out of date: reload it and make your changes "
                                  "again")

    def saved_version(self) -> int:
        """The version the person started from (0 when unknown, which is always stale)."""
        return int(self.version.data) if str(self.version.data or "").isdigit() else 0

    @staticmethod
    def refuse(field, message: str) -> None:
        """Add `message` to the field's errors (once)."""
        if message not in field.errors:
            field.errors = [*field.errors, message]

    def refuse_unoffered(self, *pairs) -> None:
        """Refuse choices that were not offered (a forged post)."""
        for field, message in pairs:
            offered = {value for value, _ in field.choices}
            if any(value not in offered for value in field.data or []):
                self.refuse(field, message)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.check()
        refresh_errors(self)
        return not self.errors

    def check(self) -> None:
        """The step's own checks, beyond each field's."""


class TeamForm(StepForm):
    """Step 1: the title, the team and its coach, the class, and what it researched."""

    title = StringField("Title", widget=GovTextInput(), filters=[strip],
                        validators=[NoNulls(), MaxChars(TITLE_MAX)])
    team_members = _checkboxes("Who from your school was in the team")
    partner_ids = _checkboxes("Teachers from other schools in your cluster")
    partners = text_field("Partner teachers who are not on the platform")
    coach = SelectField("Coach", widget=GovSelect(), validate_choice=False)
    subject = line_field("Subject", SUBJECT_MAX)
    year_group = SelectField("Year group", widget=GovSelect(), validate_choice=False,
                             choices=[("", "Choose a year group"),
                                      *((y, y) for y in YEAR_GROUPS)])
    class_size_band = RadioField("Size of the class", widget=GovRadioInput(),
                                 validate_choice=False,
                                 choices=[(b, b) for b in CLASS_SIZE_BANDS])
    focus = text_field("Research focus")
    question = text_field("Research question")
    technique = text_field("Teaching approach being developed")

    def set_choices(self, team) -> None:
        """Offer the people from ``lesson_team.choices``."""
        self.team_members.choices = [(str(i), name) for i, name in team.members]
        self.partner_ids.choices = [(str(i), f"{name}, {school}")
                                    for i, name, school in team.partners]
        self._partners = team.partners
        self.coach.choices = [("", "No coach"), *((str(i), name) for i, name in team.coaches)]

    def partner_groups(self) -> list[dict]:
        """The partner teachers as GOV.UK checkbox groups, one per school."""
        chosen = set(self.partner_ids.data or [])
        groups: dict[str, list] = {}
        for person, name, school in self._partners:
            groups.setdefault(school, []).append(
                {"value": str(person), "text": name, "checked": str(person) in chosen})
        return [{"school": school, "items": items, "chosen": sum(i["checked"] for i in items)}
                for school, items in groups.items()]

    def check(self) -> None:
        for field, message in ((self.title, "Enter a title"),
                               (self.subject, "Enter the subject"),
                               (self.focus, "Enter the research focus"),
                               (self.question, "Enter the research question")):
            if not field.errors and not field.data:
                self.refuse(field, message)
        if not self.year_group.data:
            self.refuse(self.year_group, "Choose the year group")
        elif self.year_group.data not in YEAR_GROUPS:
            self.refuse(self.year_group, "Choose a year group from the list")
        if self.class_size_band.data and self.class_size_band.data not in CLASS_SIZE_BANDS:
            self.refuse(self.class_size_band, "Choose a class size from the list")
        self.refuse_unoffered(
            (self.team_members, "Choose team members from the people at your school"),
            (self.partner_ids, "Choose partner teachers from the list"))
        if self.coach.data and self.coach.data not in {v for v, _ in self.coach.choices}:
            self.refuse(self.coach, "Choose a coach from the list")


class PupilsForm(StepForm):
    """Step 2: the case pupils, the group each stands for and where each started."""

    pupils = FieldList(FormField(PupilForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)

    def __init__(self, *args, notes_in: dict[int, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes_in = notes_in or {}  # slot: where the saved body has notes on that pupil
        for p, entry in enumerate(self.pupils, 1):
            entry.form.pseudonym.label.text = f"Pseudonym of case pupil {p}"
            entry.form.stands_for.label.text = f"Who case pupil {p} stands for"
            entry.form.baseline.label.text = f"Where case pupil {p} started"

    def check(self) -> None:
        seen: dict[str, int] = {}
        named = 0
        for index, entry in enumerate(self.pupils):
            pupil, number = entry.form, index + 1
            if pupil.pseudonym.data:
                named += 1
                key = pupil.pseudonym.data.casefold()
                if key in seen:
                    self.refuse(pupil.pseudonym, f"Give case pupil {number} a different "
                                                 f"pseudonym from case pupil {seen[key]}")
                seen.setdefault(key, number)
                if not pupil.stands_for.data and not pupil.stands_for.errors:
                    self.refuse(pupil.stands_for,
                                f"Say which group of pupils case pupil {number} stands for")
            elif has_text(pupil):
                self.refuse(pupil.pseudonym, f"Enter a pseudonym for case pupil {number}, "
                                             "such as Pupil C")
            elif index in self.notes_in:
                where = " and ".join(self.notes_in[index])
                self.refuse(pupil.pseudonym, f"Case pupil {number} has notes in {where}: "
                                             "keep their pseudonym, or clear those notes first")
        if named < 2 and not any(e.form.pseudonym.errors for e in self.pupils):
            first_empty = next(e for e in self.pupils if not e.form.pseudonym.data)
            self.refuse(first_empty.form.pseudonym,
                        "Name at least two case pupils, by a pseudonym such as Pupil A")
        if named and not self.errors:
            slots = [i for i, e in enumerate(self.pupils) if e.form.pseudonym.data]
            if slots != list(range(len(slots))):
                gap = next(i for i in range(PUPIL_SLOTS) if i not in slots)
                self.refuse(self.pupils[gap].form.pseudonym,
                            f"Fill in case pupil {gap + 1} before case pupil {gap + 2}")


class LessonStepForm(StepForm):
    """A research lesson as one cycle: plan, predictions, who taught and observed it, what
    was seen, what the case pupils said, and the discussion after it."""

    date = LessonDateField("Date", widget=DateInput(), format="%d %m %Y")
    objective = text_field("Learning objective")
    taught_by = _checkboxes("Who taught it")
    observed_by = _checkboxes("Who observed the case pupils")
    criteria = per_pupil()
    stages = FieldList(FormField(StageForm), min_entries=STAGE_SLOTS, max_entries=STAGE_SLOTS)
    interviews = per_pupil()
    progress = per_pupil()
    changes = text_field("What changes for the next research lesson")

    def __init__(self, *args, number: int = 1, pupils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.number, self.pupil_names = number, [p.label for p in pupils]
        n = number
        for p, name in enumerate(self.pupil_names):
            self.criteria[p].form.text.label.text = f"Success criteria for {name}"
            self.interviews[p].form.text.label.text = f"What {name} told you"
            self.progress[p].form.text.label.text = f"Progress {name} made"
        for s, stage in enumerate(self.stages, 1):
            stage.form.stage.label.text = f"What happens at stage {s}"
            for p, name in enumerate(self.pupil_names):
                response = stage.form.responses[p].form
                response.predicted.label.text = f"Predicted: {name}, stage {s}"
                response.observed.label.text = f"Observed: {name}, stage {s}"
        self.date.label.text = f"Date of research lesson {n}"

    def stage_open(self, index: int) -> bool:
        """Whether stage `index` (0-based) is shown open: the first always, a later one
        once something is written in it or refused."""
        stage = self.stages[index].form
        return index == 0 or has_text(stage) or bool(self.stages[index].errors)

    def set_choices(self, people: list[tuple[int, str]]) -> None:
        """Offer the team: its members, partner teachers and coach, by name."""
        self.taught_by.choices = [(str(i), name) for i, name in people]
        self.observed_by.choices = list(self.taught_by.choices)

    def check(self) -> None:
        problem = None if self.date.errors else date_problem(self.date, self.number)
        if problem:
            self.refuse(self.date, problem)
        for s, stage in enumerate(self.stages, 1):
            if has_text(stage.form) and not stage.form.stage.data:
                self.refuse(stage.form.stage, f"Name stage {s}, or clear what you wrote in it")
        self.refuse_unoffered(
            (self.taught_by, "Choose who taught it from the team"),
            (self.observed_by, "Choose who observed from the team"))


class OutcomesForm(StepForm):
    """What came of the cycle: for the pupils each case pupil stands for, and overall."""

    impacts = per_pupil()
    outcomes = text_field("Outcomes")
    practice_changes = text_field("Changes to practice")

    def __init__(self, *args, pupils=(), **kwargs):
        super().__init__(*args, **kwargs)
        for p, pupil in enumerate(pupils):
            self.impacts[p].form.text.label.text = (f"What changed for pupils "
                                                    f"{pupil.stands_for or 'like ' + pupil.label}")


class SharingForm(StepForm):
    """Sharing, what the lesson study is about, its authors and who it is published to."""

    sharing = text_field("What we will share, and with whom")
    barriers = _checkboxes("Barriers the lesson study tackles")
    standards = SelectMultipleField("Standards the lesson study addresses",
                                    validate_choice=False)
    related_case_studies = _checkboxes("Related case studies from your school")
    coauthors = _checkboxes("Co-authors")
    audience = RadioField("Who should it be published to", widget=GovRadioInput(),
                          choices=AUDIENCES, validate_choice=False)
    attributed = BooleanField("Publish with our school's name", widget=GovCheckboxInput())

    def set_choices(self, people=(), author_id=None, case_studies=(), barriers=(),
                    elements=()) -> None:
        """Offer the school's people, its case studies and the reference lists."""
        self.coauthors.choices = [(str(u.id), u.name) for u in people if u.id != author_id]
        self.related_case_studies.choices = [(str(i), title) for i, title in case_studies]
        self.barriers.choices = [(b.slug, b.title) for b in barriers]
        self.elements = list(elements)
        self.standards.choices = [(s.id, f"{s.id} {s.title}") for e in self.elements
                                  for s in e.standards]

    def standard_groups(self) -> list[dict]:
        """The standards as GOV.UK checkbox groups, one per core element."""
        chosen = set(self.standards.data or [])
        return [{"code": e.code, "legend": f"{e.code} {e.title}",
                 "items": [{"value": s.id, "text": f"{s.id} {s.title}",
                            "checked": s.id in chosen} for s in e.standards]}
                for e in self.elements]

    def check(self) -> None:
        if self.audience.data not in {"cluster", "network"}:
            self.refuse(self.audience, "Choose who the lesson study should be published to")
        self.refuse_unoffered(
            (self.barriers, "Choose barriers from the list"),
            (self.standards, "Choose standards from the list"),
            (self.coauthors, "Choose co-authors from the people at your school"),
            (self.related_case_studies, "Choose related case studies from the list"))
