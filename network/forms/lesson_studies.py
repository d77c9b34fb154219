"""The lesson-study editor: one structured form, and the record body it produces.

What the form hands to ``records.create(actor, "lesson_study", data)`` and
``records.update(actor, record_id, version, data)`` (see ``LessonStudyForm.record_data``)::

    data = {"title": str, "body": <body>, "barriers": [barrier slugs],
            "standards": [standard ids such as "CE5.C"], "coauthor_ids": [user ids],
            "audience": "cluster" | "network", "attributed": bool}

The body of a lesson study (``Record.body``; the published copy has the same shape)::

    {"team": {"member_ids": [ids of people at the school],
              "partners": str},               # people from partner schools, free text
     "subject": str,
     "year_group": "Reception" | "Year 1" ... "Year 13",
     "class_size_band": "Under 20" | "20 to 29" | "30 or more" | "",
     "focus": str,                            # research focus, tied to a school priority
     "question": str,                         # the research question
     "technique": str,                        # the teaching approach being developed
     "pupils": [{"label": "Pupil A", "stands_for": str}, ...],      # 2 or 3, never 4
     "lessons": [                                                   # 1 to 3, as typed
        {"date": "YYYY-MM-DD", "objective": str,
         "criteria": [str per case pupil],                          # success criteria
         "stages": [{"name": str,
                     "responses": [{"predicted": str, "observed": str} per case pupil]}]}],
     "interviews": [str per case pupil],       # notes from talking with the case pupils
     "discussion": {"progress": [str per case pupil], "changes": str},
     "outcomes": str, "practice_changes": str, "sharing": str,
     "related_case_studies": [record ids of the school's case studies],
     "barriers": [as data["barriers"]], "standards": [as data["standards"]]}

Every list "per case pupil" has exactly one entry per pupil in ``pupils``, in the same
order. Free text may use light formatting (paragraphs, lists, emphasis, links); pages show
it through the ``formatted`` filter, which sanitises it. Names of team members are never
part of the body, only their ids; case pupils are named only by a pseudonym.

The form has fixed slots: three case pupils (the third optional), three research lessons
(empty ones are dropped), four stages per lesson (empty ones are dropped). Text typed for a
pupil slot left without a pseudonym is refused rather than silently lost.
"""

from datetime import date, datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from network.forms import NoNulls
from network.forms.evaluations import DateInput

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
LESSON_WORDS = {1: "first", 2: "second", 3: "third"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MaxChars:
    """Refuse text longer than `limit` characters, naming the field and the limit."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        if len(field.data or "") > self.limit:
            raise ValidationError(f"{field.label.text} must be {self.limit} characters or fewer "
                                  f"(it has {len(field.data)})")


def _text(label: str, limit: int = TEXT_MAX) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), filters=[_strip],
                         validators=[NoNulls(), MaxChars(limit)])


def _line(label: str, limit: int = SHORT_MAX) -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[_strip],
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
    """A case pupil: a pseudonym and the group they stand for."""

    pseudonym = _line("Pseudonym", PSEUDONYM_MAX)
    stands_for = _line("Who they stand for")


class TextForm(Form):
    """One passage about one case pupil."""

    text = _text("Notes")


class ResponseForm(Form):
    """What the team predicted one case pupil would do at a stage, and what they saw."""

    predicted = _text("Predicted")
    observed = _text("Observed")


class StageForm(Form):
    """A stage of a research lesson."""

    stage = _line("Stage")
    responses = FieldList(FormField(ResponseForm), min_entries=PUPIL_SLOTS,
                          max_entries=PUPIL_SLOTS)


class LessonForm(Form):
    """A research lesson: when, what it aimed at, and the predicted-against-observed grid."""

    date = LessonDateField("Date", widget=DateInput(), format="%d %m %Y")
    objective = _text("Learning objective")
    criteria = FieldList(FormField(TextForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)
    stages = FieldList(FormField(StageForm), min_entries=STAGE_SLOTS, max_entries=STAGE_SLOTS)


def _texts(form: Form) -> list[str]:
    """Every piece of text typed anywhere in a (sub)form."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                found += _texts(entry.form) if isinstance(entry, FormField) else [entry.data]
        elif isinstance(field, FormField):
            found += _texts(field.form)
        elif isinstance(field, LessonDateField):
            found += field.parts
        elif isinstance(field.data, str):
            found.append(field.data)
    return [t for t in found if t]


def _has_text(form: Form) -> bool:
    return bool(_texts(form))


class LessonStudyForm(FlaskForm):
    """Everything a team writes up about one lesson-study cycle."""

    version = HiddenField()
    title = StringField("Title", widget=GovTextInput(), filters=[_strip],
                        validators=[NoNulls(), MaxChars(TITLE_MAX)])
    team_members = SelectMultipleField("Who from your school was in the team",
                                       widget=GovCheckboxesInput(), validate_choice=False)
    partners = _text("Teachers from partner schools")
    subject = _line("Subject", SUBJECT_MAX)
    year_group = SelectField("Year group", widget=GovSelect(), validate_choice=False,
                             choices=[("", "Choose a year group"),
                                      *((y, y) for y in YEAR_GROUPS)])
    class_size_band = RadioField("Size of the class", widget=GovRadioInput(),
                                 validate_choice=False,
                                 choices=[(b, b) for b in CLASS_SIZE_BANDS])
    focus = _text("Research focus")
    question = _text("Research question")
    technique = _text("Teaching approach being developed")
    pupils = FieldList(FormField(PupilForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)
    lessons = FieldList(FormField(LessonForm), min_entries=LESSON_SLOTS,
                        max_entries=LESSON_SLOTS)
    interviews = FieldList(FormField(TextForm), min_entries=PUPIL_SLOTS,
                           max_entries=PUPIL_SLOTS)
    progress = FieldList(FormField(TextForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)
    changes = _text("What the team will change next time")
    outcomes = _text("Outcomes")
    practice_changes = _text("Changes to practice")
    sharing = _text("What we will share, and with whom")
    barriers = SelectMultipleField("Barriers the lesson study tackles",
                                   widget=GovCheckboxesInput(), validate_choice=False)
    standards = SelectMultipleField("Standards the lesson study addresses",
                                    validate_choice=False)
    related_case_studies = SelectMultipleField("Related case studies from your school",
                                               widget=GovCheckboxesInput(),
                                               validate_choice=False)
    coauthors = SelectMultipleField("Co-authors", widget=GovCheckboxesInput(),
                                    validate_choice=False)
    audience = RadioField("Who should it be published to", widget=GovRadioInput(),
                          choices=AUDIENCES, validate_choice=False)
    attributed = BooleanField("Publish with our school's name", widget=GovCheckboxInput())
    submit = SubmitField("Save lesson study", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Form-wide messages link to the banner at the top of the form.
        self._form_error_key = "lesson-study-problems"
        self._orphans: dict[str, str] = {}
        self._label_slots()
        self.set_choices()

    def _label_slots(self) -> None:
        """Name every slot in full, so labels and messages say which one is meant."""
        for p, entry in enumerate(self.pupils, 1):
            entry.form.pseudonym.label.text = f"Pseudonym of case pupil {p}"
            entry.form.stands_for.label.text = f"Who case pupil {p} stands for"
        for p, entry in enumerate(self.interviews, 1):
            entry.form.text.label.text = f"Interview notes for case pupil {p}"
        for p, entry in enumerate(self.progress, 1):
            entry.form.text.label.text = f"Progress of case pupil {p}"
        for n, lesson in enumerate(self.lessons, 1):
            form = lesson.form
            form.date.label.text = f"Date of research lesson {n}"
            form.objective.label.text = f"Learning objective of research lesson {n}"
            for p, entry in enumerate(form.criteria, 1):
                entry.form.text.label.text = (f"Success criteria for case pupil {p} in research "
                                              f"lesson {n}")
            for s, stage in enumerate(form.stages, 1):
                stage.form.stage.label.text = f"Name of stage {s} of research lesson {n}"
                for p, entry in enumerate(stage.form.responses, 1):
                    where = f"case pupil {p} at stage {s} of research lesson {n}"
                    entry.form.predicted.label.text = f"Prediction for {where}"
                    entry.form.observed.label.text = f"Observation of {where}"

    def set_choices(self, people=(), author_id: int | None = None, case_studies=(),
                    barriers=(), elements=()) -> None:
        """Offer the school's people, its case studies and the reference lists.

        `case_studies` is a list of (id, title) pairs the person may choose from.
        """
        self.team_members.choices = [(str(u.id), u.name) for u in people]
        self.coauthors.choices = [(str(u.id), u.name) for u in people if u.id != author_id]
        self.related_case_studies.choices = [(str(i), title) for i, title in case_studies]
        self.barriers.choices = [(b.slug, b.title) for b in barriers]
        self.elements = list(elements)
        self.standards.choices = [(s.id, f"{s.id} {s.title}") for e in self.elements
                                  for s in e.standards]

    # --- what the template needs ---------------------------------------------------------

    def pupil_names(self) -> list[str]:
        """What to call each pupil slot on the page: its pseudonym, once typed."""
        return [entry.form.pseudonym.data or f"Case pupil {p}"
                for p, entry in enumerate(self.pupils, 1)]

    def standard_groups(self) -> list[dict]:
        """The standards as GOV.UK checkbox groups, one per core element."""
        chosen = set(self.standards.data or [])
        return [{"code": e.code, "legend": f"{e.code} {e.title}",
                 "items": [{"value": s.id, "text": f"{s.id} {s.title}",
                            "checked": s.id in chosen} for s in e.standards]}
                for e in self.elements]

    # --- validation ----------------------------------------------------------------------

    def validate_version(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError("This page is out of date: reload it and make your changes "
                                  "again")

    def saved_version(self) -> int:
        """The version the person started from (0 when unknown, which is always stale)."""
        return int(self.version.data) if str(self.version.data or "").isdigit() else 0

    def orphan(self, field) -> dict | None:
        """The GOV.UK error message for a passage about a pupil slot left without a pseudonym."""
        message = self._orphans.get(field.id)
        return {"text": message} if message else None

    def validate(self, extra_validators=None) -> bool:
        self._orphans = {}
        super().validate(extra_validators)
        self._check_required()
        self._check_choices()
        slots = self._check_pupils()
        self._check_pupil_columns(slots)
        self._check_lessons()
        _refresh_errors(self)
        return not self.errors

    @staticmethod
    def _refuse(field, message: str) -> None:
        if message not in field.errors:
            field.errors = [*field.errors, message]

    def _check_required(self) -> None:
        for field, message in ((self.title, "Enter a title"),
                               (self.subject, "Enter the subject"),
                               (self.question, "Enter the research question")):
            if not field.errors and not field.data:
                self._refuse(field, message)
        if not self.year_group.data:
            self._refuse(self.year_group, "Choose the year group")
        elif self.year_group.data not in YEAR_GROUPS:
            self._refuse(self.year_group, "Choose a year group from the list")
        if self.class_size_band.data and self.class_size_band.data not in CLASS_SIZE_BANDS:
            self._refuse(self.class_size_band, "Choose a class size from the list")
        if self.audience.data not in {"cluster", "network"}:
            self._refuse(self.audience, "Choose who the lesson study should be published to")

    def _check_choices(self) -> None:
        for field, message in (
                (self.barriers, "Choose barriers from the list"),
                (self.standards, "Choose standards from the list"),
                (self.team_members, "Choose team members from the people at your school"),
                (self.coauthors, "Choose co-authors from the people at your school"),
                (self.related_case_studies, "Choose related case studies from the list")):
            offered = {value for value, _ in field.choices}
            if any(value not in offered for value in field.data or []):
                self._refuse(field, message)

    def _check_pupils(self) -> list[int]:
        """The slots (0-based) of the named case pupils, after refusing what is amiss."""
        slots, seen = [], {}
        for index, entry in enumerate(self.pupils):
            pupil, number = entry.form, index + 1
            if pupil.pseudonym.data:
                slots.append(index)
                key = pupil.pseudonym.data.casefold()
                if key in seen:
                    self._refuse(pupil.pseudonym, f"Give case pupil {number} a different "
                                                  f"pseudonym from case pupil {seen[key]}")
                seen.setdefault(key, number)
                if not pupil.stands_for.data and not pupil.stands_for.errors:
                    self._refuse(pupil.stands_for,
                                 f"Say which group of pupils case pupil {number} stands for")
            elif pupil.stands_for.data:
                self._refuse(pupil.pseudonym, f"Enter a pseudonym for case pupil {number}, "
                                              "such as Pupil C")
        if len(slots) < 2 and not any(e.form.pseudonym.errors for e in self.pupils):
            first_empty = next(e for e in self.pupils if not e.form.pseudonym.data)
            self._refuse(first_empty.form.pseudonym,
                         "Name at least two case pupils, by a pseudonym such as Pupil A")
        return slots

    def _check_pupil_columns(self, slots: list[int]) -> None:
        """Refuse notes typed for a pupil slot that has no pseudonym, rather than lose them."""
        for index in (i for i in range(PUPIL_SLOTS) if i not in slots):
            places: dict[str, list] = {}
            for n, lesson in enumerate(self.lessons, 1):
                columns = [lesson.form.criteria[index].form.text]
                for stage in lesson.form.stages:
                    response = stage.form.responses[index].form
                    columns += [response.predicted, response.observed]
                places[f"research lesson {n}"] = columns
            places["the interviews"] = [self.interviews[index].form.text]
            places["the discussion"] = [self.progress[index].form.text]
            written = {where: [f for f in fields if f.data] for where, fields in places.items()}
            written = {where: fields for where, fields in written.items() if fields}
            if not written:
                continue
            where = list(written)
            where = where[0] if len(where) == 1 else f"{', '.join(where[:-1])} and {where[-1]}"
            # One message in the summary, at the pseudonym; each passage is marked on the page
            # (see `orphan`) without repeating the message in the summary.
            self._refuse(self.pupils[index].form.pseudonym,
                         f"Add a pseudonym for case pupil {index + 1}, or clear what you wrote "
                         f"about them in {where}")
            for fields in written.values():
                for field in fields:
                    self._orphans[field.id] = (f"Case pupil {index + 1} has no pseudonym: add "
                                               "one, or clear this")

    def _check_lessons(self) -> None:
        kept = 0
        for number, lesson in enumerate(self.lessons, 1):
            form = lesson.form
            if not _has_text(form):
                continue
            kept += 1
            self._check_date(form.date, number)
            for s, stage in enumerate(form.stages, 1):
                if _has_text(stage.form) and not stage.form.stage.data:
                    self._refuse(stage.form.stage,
                                 f"Name stage {s} of research lesson {number}")
        if not kept:
            self._refuse(self.lessons[0].form.date,
                         "Write up at least one research lesson, starting with its date")

    def _check_date(self, field: LessonDateField, number: int) -> None:
        parts = field.parts
        if field.errors:
            return
        if not any(parts):
            if field.data is None:
                self._refuse(field, f"Enter the date of research lesson {number}")
            return
        if len(parts) != 3 or not all(parts):
            self._refuse(field, f"The date of research lesson {number} must include a day, "
                                "month and year")
        elif field.data is None:
            self._refuse(field, f"The date of research lesson {number} must be a real date, "
                                "like 14 3 2026")
        elif not EARLIEST_YEAR <= field.data.year <= date.today().year + 1:
            self._refuse(field, f"The date of research lesson {number} must be between "
                                f"{EARLIEST_YEAR} and the end of next year")

    # --- the record ----------------------------------------------------------------------

    def _slots(self) -> list[int]:
        return [i for i, entry in enumerate(self.pupils) if entry.form.pseudonym.data]

    def record_data(self) -> dict:
        """The validated form as records.create / records.update take it."""
        slots = self._slots()
        offered = [value for value, _ in self.standards.choices]
        chosen = set(self.standards.data or [])
        standards = [s for s in offered if s in chosen]
        barriers = list(dict.fromkeys(self.barriers.data or []))
        body = {
            "team": {"member_ids": [int(v) for v in dict.fromkeys(self.team_members.data or [])],
                     "partners": self.partners.data or ""},
            "subject": self.subject.data or "",
            "year_group": self.year_group.data or "",
            "class_size_band": self.class_size_band.data or "",
            "focus": self.focus.data or "",
            "question": self.question.data or "",
            "technique": self.technique.data or "",
            "pupils": [{"label": self.pupils[i].form.pseudonym.data,
                        "stands_for": self.pupils[i].form.stands_for.data or ""} for i in slots],
            "lessons": [_lesson_body(lesson.form, slots) for lesson in self.lessons
                        if _has_text(lesson.form)],
            "interviews": [self.interviews[i].form.text.data or "" for i in slots],
            "discussion": {"progress": [self.progress[i].form.text.data or "" for i in slots],
                           "changes": self.changes.data or ""},
            "outcomes": self.outcomes.data or "",
            "practice_changes": self.practice_changes.data or "",
            "sharing": self.sharing.data or "",
            "related_case_studies": [int(v) for v in
                                     dict.fromkeys(self.related_case_studies.data or [])],
            "barriers": barriers,
            "standards": standards,
        }
        return {"title": self.title.data, "body": body, "barriers": barriers,
                "standards": standards,
                "coauthor_ids": [int(v) for v in dict.fromkeys(self.coauthors.data or [])],
                "audience": self.audience.data, "attributed": bool(self.attributed.data)}


def _lesson_body(form: LessonForm, slots: list[int]) -> dict:
    return {"date": form.date.data.isoformat(), "objective": form.objective.data or "",
            "criteria": [form.criteria[i].form.text.data or "" for i in slots],
            "stages": [{"name": stage.form.stage.data,
                        "responses": [{"predicted": stage.form.responses[i].form.predicted.data
                                       or "",
                                       "observed": stage.form.responses[i].form.observed.data
                                       or ""} for i in slots]}
                       for stage in form.stages if _has_text(stage.form)]}


def _refresh_errors(field_or_form) -> None:
    """Recompute the error lists FieldList keeps, after messages were added to entries."""
    for field in field_or_form:
        if isinstance(field, FieldList):
            for entry in field:
                if isinstance(entry, FormField):
                    _refresh_errors(entry.form)
            field.errors = [entry.errors for entry in field]
            if not any(field.errors):
                field.errors = []
        elif isinstance(field, FormField):
            _refresh_errors(field.form)


# --- crafted posts -----------------------------------------------------------------------
