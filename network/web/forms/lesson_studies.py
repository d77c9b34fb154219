"""The lesson-study editor: one structured form, and the record body it produces.

What the form hands to ``records.create(actor, "lesson_study", data)`` and
``records.update(actor, record_id, version, data)`` (see ``LessonStudyForm.record_data``)::

    data = {"title": str, "body": <body>, "barriers": [barrier slugs],
            "standards": [standard ids such as "CE5.C"], "coauthor_ids": [user ids],
            "audience": "cluster" | "network", "attributed": bool}

The body is a ``models.record_bodies.LessonStudyBody`` as JSON (its shape is documented
there). The form has fixed slots: three
case pupils (the third optional), three research lessons (empty ones are dropped), four
stages per lesson (empty ones are dropped). Text typed for a pupil slot left without a
pseudonym is refused rather than silently lost.
"""

from datetime import date

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

from models.record_bodies import Discussion, LessonStudyBody, Pupil, Team
from network.web.forms import NoNulls
from network.web.forms.lesson_parts import (
    AUDIENCES,
    CLASS_SIZE_BANDS,
    EARLIEST_YEAR,
    LESSON_SLOTS,
    PUPIL_SLOTS,
    SUBJECT_MAX,
    TITLE_MAX,
    YEAR_GROUPS,
    LessonDateField,
    LessonForm,
    MaxChars,
    PupilForm,
    TextForm,
    has_text,
    lesson_body,
    line_field,
    refresh_errors,
    strip,
    text_field,
)


class LessonStudyForm(FlaskForm):
    """Everything a team writes up about one lesson-study cycle."""

    version = HiddenField()
    title = StringField("Title", widget=GovTextInput(), filters=[strip],
                        validators=[NoNulls(), MaxChars(TITLE_MAX)])
    team_members = SelectMultipleField("Who from your school was in the team",
                                       widget=GovCheckboxesInput(), validate_choice=False)
    partners = text_field("Teachers from partner schools")
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
    pupils = FieldList(FormField(PupilForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)
    lessons = FieldList(FormField(LessonForm), min_entries=LESSON_SLOTS,
                        max_entries=LESSON_SLOTS)
    interviews = FieldList(FormField(TextForm), min_entries=PUPIL_SLOTS,
                           max_entries=PUPIL_SLOTS)
    progress = FieldList(FormField(TextForm), min_entries=PUPIL_SLOTS, max_entries=PUPIL_SLOTS)
    changes = text_field("What the team will change next time")
    outcomes = text_field("Outcomes")
    practice_changes = text_field("Changes to practice")
    sharing = text_field("What we will share, and with whom")
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
        refresh_errors(self)
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
            if not has_text(form):
                continue
            kept += 1
            self._check_date(form.date, number)
            for s, stage in enumerate(form.stages, 1):
                if has_text(stage.form) and not stage.form.stage.data:
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
        pupils = [self.pupils[i].form for i in slots]
        body = LessonStudyBody(
            team=Team(member_ids=tuple(int(v) for v in dict.fromkeys(self.team_members.data
                                                                     or [])),
                      partners=self.partners.data or ""),
            subject=self.subject.data or "",
            year_group=self.year_group.data or "",
            class_size_band=self.class_size_band.data or "",
            focus=self.focus.data or "",
            question=self.question.data or "",
            technique=self.technique.data or "",
            pupils=tuple(Pupil(label=p.pseudonym.data, stands_for=p.stands_for.data or "")
                         for p in pupils),
            lessons=tuple(lesson_body(lesson.form, slots) for lesson in self.lessons
                          if has_text(lesson.form)),
            interviews=tuple(self.interviews[i].form.text.data or "" for i in slots),
            discussion=Discussion(progress=tuple(self.progress[i].form.text.data or ""
                                                 for i in slots),
                                  changes=self.changes.data or ""),
            outcomes=self.outcomes.data or "",
            practice_changes=self.practice_changes.data or "",
            sharing=self.sharing.data or "",
            related_case_studies=tuple(int(v) for v in
                                       dict.fromkeys(self.related_case_studies.data or [])),
            barriers=tuple(barriers),
            standards=tuple(standards),
        )
        return {"title": self.title.data, "body": body.to_json(), "barriers": barriers,
                "standards": standards,
                "coauthor_ids": [int(v) for v in dict.fromkeys(self.coauthors.data or [])],
                "audience": self.audience.data, "attributed": bool(self.attributed.data)}
