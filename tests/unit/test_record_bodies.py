"""The typed record bodies (models/record_bodies.py): they give back exactly the JSON stored
today, load bodies saved before newer keys existed, refuse a wrong type or an unknown key by
naming the field, and read whatever is stored without failing. No database, no app."""

import copy
from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from models.record_bodies import (
    BODIES,
    BodyError,
    CaseStudyBody,
    LessonStudyBody,
    Team,
    body_for,
    read,
)
from network.demo import records as demo
from network.services.gate import strings_of
from network.web.forms import lesson_study_data as steps
from network.web.forms.case_study_steps import GroupsForm, SupportForm
from network.web.forms.lesson_studies import LessonStepForm, PupilsForm, TeamForm
from tests.factories import (
    CASE_BODY,
    CASE_STEPS,
    LESSON_BODY,
    lesson_form,
    lesson_step_form,
    pupils_form,
)

CASE_KEYS = {"context", "group_id", "group_name", "barriers", "barrier_narrative",
             "what_needed_to_change", "actions", "impact", "offer", "offer_standards",
             "standards", "end_group_id", "end_group_name", "barrier_solutions", "timeline",
             "support", "next_steps", "risks"}
LESSON_KEYS = {"team", "coach", "subject", "year_group", "class_size_band", "focus", "question",
               "technique", "pupils", "lessons", "outcomes", "practice_changes", "sharing",
               "related_case_studies", "barriers", "standards"}


def demo_bodies() -> list[tuple[str, dict]]:
    """Every story in network/data/demo_records.json as the demo stores it, early drafts too."""
    found = []
    for story in demo.CASE_STUDIES:
        body = demo.case_study_body(story, "We are a primary school.")
        found += [("case_study", body.to_json()), ("case_study", demo._early(body).to_json())]
    for story in demo.LESSON_STUDIES:
        body = demo.lesson_study_body(story, [7, 9], demo.PARTNERS[0], date(2025, 1, 6))
        found += [("lesson_study", body.to_json()), ("lesson_study", demo._early(body).to_json())]
    return found


@pytest.mark.parametrize(("kind", "body"), demo_bodies())
def test_every_demo_body_comes_back_exactly(kind, body):
    keys = CASE_KEYS if kind == "case_study" else LESSON_KEYS
    assert set(body) == keys
    assert body_for(kind, copy.deepcopy(body)).to_json() == body
    assert read(kind, copy.deepcopy(body)).to_json() == body


def test_the_demo_bodies_are_the_stories():
    story = demo.CASE_STUDIES[0]
    body = demo.case_study_body(story, "Context.").to_json()
    assert body["actions"][0] == {"text": story["actions"][0][0],
                                  "standards": story["actions"][0][1]}
    assert body["impact"]["measures"][0] == dict(zip(("measure", "before", "after"),
                                                     story["measures"][0], strict=True))
    assert body["group_id"] == str(story["group"]) and body["group_name"]
    lesson = demo.lesson_study_body(demo.LESSON_STUDIES[0], [7], "", date(2025, 1, 6))
    assert [x.date for x in lesson.lessons][:2] == ["2025-01-06", "2025-01-20"]
    assert lesson.team.member_ids == (7,) and lesson.pupils[0].label == "Pupil A"


@pytest.mark.parametrize(("kind", "body"), [("case_study", CASE_BODY),
                                            ("lesson_study", LESSON_BODY)])
def test_the_services_test_bodies_come_back_exactly(kind, body):
    assert body_for(kind, copy.deepcopy(body)).to_json() == body


# --- what the forms produce --------------------------------------------------------------

@pytest.fixture
def request_context():
    """A bare Flask request context, enough for a form (no database, no app factory)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    with app.test_request_context(method="POST"):
        yield


def _ns(**values):
    return SimpleNamespace(**values)


ELEMENTS = [_ns(code=f"CE{n}", title=f"Element {n}",
                standards=[_ns(id=f"CE{n}.{x}", title=f"Standard {n}.{x}") for x in "ABCDEF"])
            for n in range(1, 7)]
BARRIERS = [_ns(slug=slug, title=slug) for slug in (
    "middle-leaders-passive", "low-morale", "teaching-inconsistent", "tracking-inconsistent",
    "sen-unfocused", "behaviour", "low-maths")]


def test_the_case_study_steps_build_a_body_that_comes_back_exactly(request_context):
    groups = GroupsForm(formdata=MultiDict({**CASE_STEPS["groups"], "version": "1"}))
    groups.prepare(_ns(groups=[_ns(id=n, name=f"Group {n}") for n in range(1, 7)]))
    support = SupportForm(formdata=MultiDict({**CASE_STEPS["support"], "version": "1",
                                              "support-2-school_id": "12"}))
    support.prepare(_ns(partners=[_ns(id=12, name="A partner")]))
    assert groups.validate() and support.validate(), (groups.errors, support.errors)
    body = {**CASE_BODY, **groups.changes()["body"], **support.changes()["body"]}
    assert body["timeline"][1] == {"when": "2020", "what": "A year in an improvement programme."}
    assert [s["school_id"] for s in body["support"]] == [0, 0, 12]
    typed = CaseStudyBody.from_json(copy.deepcopy(body))
    assert typed.to_json() == body
    assert typed.start_date() == "2019-09"
    assert [s.school_id for s in typed.published().support] == [0, 0, 0]


def test_the_lesson_study_steps_build_a_body_that_comes_back_exactly(request_context):
    """Team, case pupils and three research lessons, each step written into the body in
    turn: each lesson keeps its own interviews and discussion, and the body is in shape."""
    team = SimpleNamespace(
        members=[(3, "A teacher")], partners=[(8, "A partner", "Other School")],
        coaches=[(9, "A coach, Far School")], coach_school={9: 40})
    form = TeamForm(formdata=MultiDict(lesson_form(team_members=["3"], partner_ids=["8"],
                                                   coach="9")))
    form.set_choices(team)
    assert form.validate(), form.errors
    body = steps.apply_team(form, LessonStudyBody(), team.coach_school, school_id=1)
    assert body.team == Team(member_ids=(3,), partner_ids=(8,), partners="")
    assert body.coach.user_id == 9 and body.coach.where == "other"
    form = PupilsForm(formdata=MultiDict(pupils_form(1)))
    assert form.validate(), form.errors
    body = steps.apply_pupils(form, body)
    assert [p.baseline for p in body.pupils][0] == "Writes one sentence without an order."
    for n in (1, 2, 3):
        form = LessonStepForm(formdata=MultiDict(lesson_step_form(1, n, taught=[3],
                                                                  observed=[8, 9])),
                              number=n, pupils=body.pupils)
        form.set_choices(steps.lesson_people(body, {3: "A", 8: "B", 9: "C"}))
        assert form.validate(), form.errors
        body = steps.apply_lesson(form, body, n)
    stored = body.to_json()
    assert set(stored) == LESSON_KEYS and len(stored["lessons"]) == 3
    third = stored["lessons"][2]
    assert third["taught_by"] == [3] and third["observed_by"] == [8, 9]
    assert third["interviews"] == ["Pupil A said lesson 3 helped", "Pupil B said lesson 3 helped"]
    assert third["discussion"]["changes"] == "What changes after lesson 3"
    assert stored["lessons"][0]["discussion"]["progress"][1] == "Progress of pupil 2 in lesson 1"
    assert third["stages"][0]["responses"][1] == {"predicted": "Predicted L3S1P2",
                                                  "observed": "Observed L3S1P2"}
    assert LessonStudyBody.from_json(copy.deepcopy(stored)).to_json() == stored


def test_people_leave_published_readers_only_roles():
    """Without people, the body keeps how many took part but none of their ids."""
    stored = copy.deepcopy(LESSON_BODY)
    stored["team"].update(member_ids=[3, 4], partner_ids=[8])
    stored["coach"] = {"user_id": 9, "where": "other"}
    stored["lessons"][0].update(taught_by=[3], observed_by=[4, 8, 9])
    hidden = LessonStudyBody.from_json(stored).without_people().to_json()
    assert hidden["coach"] == {"user_id": 0, "where": "other"}
    assert hidden["team"]["member_ids"] == [0, 0] and hidden["team"]["partner_ids"] == [0]
    assert hidden["lessons"][0]["taught_by"] == [0]
    assert hidden["lessons"][0]["observed_by"] == [0, 0, 0]
    assert hidden["lessons"][0]["interviews"] == stored["lessons"][0]["interviews"]


# --- older bodies, wrong types, unknown keys ---------------------------------------------

def test_a_body_saved_before_newer_keys_existed_loads_with_defaults():
    old = CaseStudyBody.from_json({"context": "A small school.",
                                   "impact": {"measures": [{"measure": "Attendance"}]}})
    assert old.context == "A small school." and old.offer == "" and old.actions == ()
    assert old.impact.measures[0].after == "" and old.impact.narrative == ""
    assert set(old.to_json()) == CASE_KEYS
    lesson = LessonStudyBody.from_json({"subject": "Science", "lessons": [{"objective": "X"}],
                                        "team": None})
    assert lesson.related_case_studies == () and lesson.coach.user_id == 0
    assert lesson.lessons[0].date == "" and lesson.lessons[0].day is None
    assert lesson.lessons[0].discussion.changes == "" and lesson.lessons[0].interviews == ()
    assert lesson.team.member_ids == ()


@pytest.mark.parametrize(("kind", "change", "field", "problem"), [
    ("case_study", {"context": 12}, "context", "must be text"),
    ("case_study", {"actions": {"text": "x"}}, "actions", "must be a list"),
    ("case_study", {"actions": [{"text": "x", "standards": "CE1.A"}]}, "actions.1.standards",
     "must be a list"),
    ("case_study", {"impact": {"measures": [{"measure": "m"}, {"after": 7}]}},
     "impact.measures.2.after", "must be text"),
    ("case_study", {"impact": "better"}, "impact", "must be a set of named fields"),
    ("lesson_study", {"team": {"member_ids": ["4"]}}, "team.member_ids.1",
     "must be a whole number"),
    ("lesson_study", {"team": {"member_ids": [True]}}, "team.member_ids.1",
     "must be a whole number"),
    ("lesson_study", {"related_case_studies": [3, 4.5]}, "related_case_studies.2",
     "must be a whole number"),
    ("lesson_study", {"lessons": [{"date": "3 March 2025"}]}, "lessons.1.date",
     "must be a date written YYYY-MM-DD"),
    ("lesson_study", {"lessons": [{"stages": [{"responses": [{"observed": ["x"]}]}]}]},
     "lessons.1.stages.1.responses.1.observed", "must be text"),
    ("lesson_study", {"lessons": [{"discussion": {"progress": "fine"}}]},
     "lessons.1.discussion.progress", "must be a list"),
    ("lesson_study", {"coach": {"user_id": 4, "where": "Oak School"}}, "coach.where",
     "must be school or other"),
    ("lesson_study", {"lessons": [{"taught_by": ["Mrs Smith"]}]}, "lessons.1.taught_by.1",
     "must be a whole number"),
])
def test_a_wrong_type_is_refused_naming_the_field(kind, change, field, problem):
    good = CASE_BODY if kind == "case_study" else LESSON_BODY
    with pytest.raises(BodyError) as refused:
        body_for(kind, {**copy.deepcopy(good), **change})
    assert refused.value.field == field
    assert str(refused.value) == f"{field} {problem}"


@pytest.mark.parametrize(("kind", "body", "field"), [
    ("case_study", {**CASE_BODY, "school_name": "St Anywhere"}, "school_name"),
    ("case_study", {**CASE_BODY, "impact": {"narrative": "", "chart": []}}, "impact.chart"),
    ("case_study", LESSON_BODY, "team"),  # a lesson study's body is not a case study's
    ("lesson_study", {**LESSON_BODY, "pupils": [{"label": "A", "name": "Jay"}]},
     "pupils.1.name"),
])
def test_an_unknown_key_is_refused_but_read_past(kind, body, field):
    with pytest.raises(BodyError) as refused:
        body_for(kind, copy.deepcopy(body))
    assert refused.value.field == field and "is not a known field" in str(refused.value)
    assert read(kind, copy.deepcopy(body)) == read(kind, _without(body, field))


def _without(body: dict, field: str) -> dict:
    """A copy of `body` without the key at the dotted `field` (lists counted from 1)."""
    body = copy.deepcopy(body)
    *path, last = field.split(".")
    place = body
    for step in path:
        place = place[int(step) - 1] if step.isdigit() else place[step]
    del place[last]
    return body


def test_a_body_that_is_not_a_dict_or_of_an_unknown_kind_is_refused():
    with pytest.raises(BodyError, match="the body must be a set of named fields"):
        body_for("case_study", ["context"])
    with pytest.raises(BodyError) as refused:
        body_for("evaluation", {})
    assert refused.value.field == "kind"
    assert set(BODIES) == {"case_study", "lesson_study"}


@pytest.mark.parametrize(("stored", "standards"), [
    (None, ()), ([], ()), ("text", ()), (3, ()), ({"context": 5, "actions": "x"}, ()),
    ({"impact": [1], "standards": [1, "CE1.A"]}, ("", "CE1.A"))])
def test_reading_stored_data_never_fails(stored, standards):
    body = read("case_study", stored)
    assert set(body.to_json()) == CASE_KEYS
    assert body.context == "" and body.actions == () and body.impact.measures == ()
    assert body.standards == standards  # a wrong entry reads as empty text, in its place


def test_reading_keeps_the_per_pupil_lists_aligned_and_the_good_values():
    stored = {"pupils": [{"label": "Pupil A"}, {"label": "Pupil B"}],
              "subject": ["Maths"],
              "team": {"member_ids": [3, "4", 5], "partners": "A partner"},
              "lessons": [{"date": "not a date", "objective": "Count",
                           "interviews": [7, "Pupil B liked it"]}]}
    body = LessonStudyBody.read(stored)
    assert body.lessons[0].interviews == ("", "Pupil B liked it")  # still one per pupil
    assert body.subject == "" and body.team == Team(member_ids=(3, 5), partners="A partner")
    assert body.lessons[0].date == "" and body.lessons[0].objective == "Count"


# --- what callers read -------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "body"), [("case_study", CASE_BODY),
                                            ("lesson_study", LESSON_BODY),
                                            *demo_bodies()[:1], *demo_bodies()[-2:-1]])
def test_texts_are_every_written_string_where_the_gate_finds_it(kind, body):
    typed = body_for(kind, copy.deepcopy(body))
    assert list(typed.texts()) == [(where, text) for where, text in strings_of(body) if text]


def test_the_search_sections_of_each_kind():
    case = body_for("case_study", copy.deepcopy(CASE_BODY))
    assert case.barrier_texts() == [CASE_BODY["barrier_narrative"]]
    assert case.action_texts() == [CASE_BODY["actions"][0]["text"]]
    assert case.impact_texts() == ["Pupils on track in mathematics", "about two thirds",
                                   "about four in five", CASE_BODY["impact"]["narrative"]]
    assert case.group_id == "3" and case.barriers == ("tracking-inconsistent",)
    lesson = body_for("lesson_study", copy.deepcopy(LESSON_BODY))
    assert lesson.barrier_texts() == [] and lesson.group_id == ""
    assert lesson.action_texts() == [LESSON_BODY["technique"], LESSON_BODY["practice_changes"]]
    assert lesson.impact_texts() == [LESSON_BODY["outcomes"],
                                     *(p["impact"] for p in LESSON_BODY["pupils"])]
    assert lesson.standards == ("CE5.B",) and lesson.lessons[0].day == date(2024, 10, 3)


def test_the_gate_and_the_index_walk_every_new_lesson_study_passage():
    """Baselines, impacts and each lesson's interviews and discussion are in `texts()`,
    which the anonymisation gate and the search index read."""
    body = demo.lesson_study_body(demo.LESSON_STUDIES[0], [7], "", date(2025, 1, 6))
    places = dict(body.texts())
    story = demo.LESSON_STUDIES[0]
    assert places["pupils.1.baseline"] == story["baselines"][0]
    assert places["pupils.3.impact"] == story["impacts"][2]
    for n, lesson in enumerate(story["lessons"], 1):
        assert places[f"lessons.{n}.interviews.2"] == lesson["interviews"][1]
        assert places[f"lessons.{n}.discussion.progress.3"] == lesson["progress"][2]
        assert places[f"lessons.{n}.discussion.changes"] == lesson["changes"]
