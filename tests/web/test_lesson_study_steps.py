"""Writing a lesson study up in steps: the first step makes the draft, each step saves only
its part (three research lessons, each with its own interviews and discussion), the task
list shows how far it has got, "Check your answers" sends it to the headteacher, and it goes
through the anonymisation gate to publication with people shown only by role."""

import re

import pytest
from sqlalchemy import select

from models import Record
from models.record_bodies import LessonStudyBody
from network.extensions import db
from network.services import gate
from tests.factories import (
    api_token,
    csrf_token,
    lesson_form,
    lesson_step_form,
    outcomes_form,
    pupils_form,
    sharing_form,
)

NEW = "/lesson-studies/new"


def _send(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def _version(record: Record) -> int:
    db.session.expire_all()
    return db.session.get(Record, record.id).version


@pytest.fixture
def people(make_cluster, make_user):
    """A school with a leading teacher who writes and a colleague, its headteacher, a
    teacher at the cluster's other school who joins the team, and that school's leading
    teacher who coaches."""
    cluster = make_cluster(schools=2)
    home, other = cluster.schools
    return {"author": make_user(home, "leading_teacher", name="Lena Leading"),
            "colleague": make_user(home, "member", name="Colin Colleague"),
            "head": make_user(home, "headteacher", name="Hana Head"),
            "partner": make_user(other, "member", name="Parveen Partner"),
            "coach": make_user(other, "leading_teacher", name="Cora Coach"),
            "home": home, "other": other}


def _start(client, login, people) -> Record:
    login(people["author"], as_client=client)
    response = _send(client, NEW, lesson_form(
        team_members=[str(people["author"].id), str(people["colleague"].id)],
        partner_ids=[str(people["partner"].id)], coach=str(people["coach"].id)))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    record = db.session.scalar(select(Record).order_by(Record.id.desc()))
    assert response.headers["Location"].endswith(f"/lesson-studies/{record.id}/edit")
    return record


def _write_all(client, record, people) -> None:
    base = f"/lesson-studies/{record.id}"
    team = [people["author"].id, people["colleague"].id, people["partner"].id]
    assert _send(client, f"{base}/steps/pupils", pupils_form(_version(record))).status_code == 302
    for n in (1, 2, 3):
        taught = [team[(n - 1) % 3]]
        observed = [p for p in team if p not in taught] + [people["coach"].id]
        response = _send(client, f"{base}/lessons/{n}",
                         lesson_step_form(_version(record), n, taught, observed))
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert _send(client, f"{base}/steps/outcomes",
                 outcomes_form(_version(record))).status_code == 302
    assert _send(client, f"{base}/steps/sharing",
                 sharing_form(_version(record))).status_code == 302


def test_three_research_lessons_round_trip_through_the_steps_the_gate_and_publishing(
        app, client, login, people):
    """Each lesson keeps its own interviews and discussion and who taught and observed it;
    the task list marks every step done; the check page sends it to the headteacher; the
    gate sees every new passage; the published copy shows people only by role."""
    record = _start(client, login, people)
    tasks = client.get(f"/lesson-studies/{record.id}/edit").get_data(as_text=True)
    assert "Research lesson 2" in tasks and "Cannot start yet" in tasks
    _write_all(client, record, people)

    db.session.expire_all()
    record = db.session.get(Record, record.id)
    body = LessonStudyBody.from_json(record.body)
    assert body.team.member_ids == (people["author"].id, people["colleague"].id)
    assert body.team.partner_ids == (people["partner"].id,)
    assert (body.coach.user_id, body.coach.where) == (people["coach"].id, "other")
    assert [p.baseline for p in body.pupils] == ["Writes one sentence without an order.",
                                                 "Writes in order without a closing sentence."]
    assert len(body.lessons) == 3
    for n, lesson in enumerate(body.lessons, 1):
        assert lesson.interviews == (f"Pupil A said lesson {n} helped",
                                     f"Pupil B said lesson {n} helped")
        assert lesson.discussion.changes == f"What changes after lesson {n}"
        assert lesson.stages[2].responses[1].observed == f"Observed L{n}S3P2"
        assert people["coach"].id in lesson.observed_by
    assert body.lessons[2].taught_by == (people["partner"].id,)
    assert body.pupils[1].impact == "Pupils working at expectations add a closing sentence."
    assert body.standards == ("CE2.E", "CE5.C")

    tasks = client.get(f"/lesson-studies/{record.id}/edit").get_data(as_text=True)
    assert "Cannot start yet" not in tasks and "In progress" not in tasks
    assert len(re.findall(r"\bCompleted\b", tasks)) == 7  # team, pupils, 3 lessons, 2 more

    check = client.get(f"/lesson-studies/{record.id}/steps/check").get_data(as_text=True)
    assert "Check your answers" in check and "Send to the headteacher" in check
    assert f'href="/lesson-studies/{record.id}/lessons/3"' in check
    assert "Cora Coach" in check and "Parveen Partner" in check  # names inside the school
    response = _send(client, f"/records/{record.id}/submit", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Record, record.id).status == "submitted"

    # The gate reads the new places: a lesson's interview and a pupil's baseline.
    record = db.session.get(Record, record.id)
    school = people["home"].name
    marked = LessonStudyBody.from_json(record.body).to_json()
    marked["lessons"][2]["interviews"][0] = f"I liked it at {school}."
    marked["pupils"][0]["baseline"] = f"Started at {school} in Year 3."
    found = {f.field for f in gate.flags(record, record.title, marked)}
    assert any("lessons.3.interviews.1" in f for f in found), found
    assert any("pupils.1.baseline" in f for f in found), found

    head = login(people["head"], as_client=app.test_client())
    review = head.get(f"/records/{record.id}/review")
    assert review.status_code == 200
    response = _send(head, f"/records/{record.id}/publish",
                     {"version": str(record.version), "audience": "cluster"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    record = db.session.get(Record, record.id)
    assert record.is_live
    published = LessonStudyBody.from_json(record.published_body)
    assert published.lessons[1].interviews == body.lessons[1].interviews

    page = head.get(f"/records/{record.id}/published").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    for n in (1, 2, 3):
        assert f"Pupil A said lesson {n} helped" in main
        assert f"What changes after lesson {n}" in main
    assert "A leading teacher from another school" in main
    assert "A teacher from a partner school" in main  # who taught lesson 3
    assert "Team of 2 from the school, with a teacher from another school" in main
    for name in ("Lena Leading", "Colin Colleague", "Parveen Partner", "Cora Coach",
                 people["other"].name):
        assert name not in main, name
    assert 'class="app-table-scroll"' in main

    # Through the API an anonymous lesson study names nobody by id either.
    shown = app.test_client().get(f"/api/v1/lesson-studies/{record.id}", headers={
        "Authorization": f"Bearer {api_token(people['partner'])}"}).get_json()["body"]
    assert shown["coach"] == {"user_id": 0, "where": "other"}
    assert shown["team"]["partner_ids"] == [0] and "member_ids" not in shown["team"]
    assert {i for lesson in shown["lessons"] for i in lesson["taught_by"] +
            lesson["observed_by"]} == {0}
    assert shown["lessons"][2]["interviews"] == list(body.lessons[2].interviews)


def test_a_stale_save_on_one_step_shows_both_versions_and_keeps_what_was_typed(
        app, client, login, people):
    """Two authors on the same lesson: the second sees both and keeps their words; saving
    again replaces only that lesson; other steps stay as the first left them."""
    record = _start(client, login, people)
    base = f"/lesson-studies/{record.id}"
    _send(client, f"{base}/steps/pupils", pupils_form(_version(record)))
    _send(client, f"{base}/steps/sharing", sharing_form(
        _version(record), coauthors=[str(people["colleague"].id)]))
    colleague = login(people["colleague"], as_client=app.test_client())
    stale = _version(record)
    assert _send(client, f"{base}/lessons/1", lesson_step_form(
        stale, 1, objective="Saved first")).status_code == 302
    response = _send(colleague, f"{base}/lessons/1", lesson_step_form(
        stale, 1, objective="Typed second", changes="My own changes"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this lesson study" in page
    assert "Saved first" in page and "Typed second" in page and "My own changes" in page
    assert 'class="app-table-scroll"' in page
    newer = _version(record)
    assert re.search(rf'name="version"[^>]*value="{newer}"', page) or \
        f'value="{newer}"' in page
    again = _send(colleague, f"{base}/lessons/1", lesson_step_form(
        newer, 1, objective="Typed second"))
    assert again.status_code == 302
    db.session.expire_all()
    body = LessonStudyBody.from_json(db.session.get(Record, record.id).body)
    assert body.lessons[0].objective == "Typed second"
    assert [p.label for p in body.pupils] == ["Pupil A", "Pupil B"]
    assert body.focus == lesson_form()["focus"]


def test_leaving_and_coming_back_shows_every_step_as_saved(client, login, people):
    """A step saved and opened again shows what was typed; a lesson cannot be started
    before the case pupils, nor lesson 3 before lesson 2."""
    record = _start(client, login, people)
    base = f"/lesson-studies/{record.id}"
    response = client.get(f"{base}/lessons/1")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/edit")
    _send(client, f"{base}/steps/pupils", pupils_form(_version(record)))
    _send(client, f"{base}/lessons/1", lesson_step_form(_version(record), 1))
    assert client.get(f"{base}/lessons/3").status_code == 302
    page = client.get(f"{base}/lessons/1").get_data(as_text=True)
    for typed in ("Observed L1S3P2", "Pupil B said lesson 1 helped",
                  "Progress of pupil 2 in lesson 1", "What changes after lesson 1"):
        assert typed in page, typed
    page = client.get(f"{base}/steps/pupils").get_data(as_text=True)
    assert "Writes in order without a closing sentence." in page
    page = client.get(f"{base}/steps/team").get_data(as_text=True)
    assert lesson_form()["focus"] in page
    assert re.search(rf'value="{people["coach"].id}"\s+selected', page)
    tasks = client.get(f"{base}/edit").get_data(as_text=True)
    assert "In progress" in tasks and "Not yet started" in tasks


def test_case_pupils_keep_their_notes(client, login, people):
    """A case pupil with notes in a lesson cannot be dropped; a third pupil added later gets
    an empty place in every lesson."""
    record = _start(client, login, people)
    base = f"/lesson-studies/{record.id}"
    _send(client, f"{base}/steps/pupils", pupils_form(_version(record)))
    _send(client, f"{base}/lessons/1", lesson_step_form(_version(record), 1))
    version = _version(record)
    response = _send(client, f"{base}/steps/pupils", pupils_form(
        version, **{"pupils-1-pseudonym": "", "pupils-1-stands_for": "",
                    "pupils-1-baseline": ""}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Case pupil 2 has notes in research lesson 1" in page
    assert _version(record) == version
    response = _send(client, f"{base}/steps/pupils", pupils_form(
        version, **{"pupils-2-pseudonym": "Pupil C", "pupils-2-stands_for": "above",
                    "pupils-2-baseline": "Writes linked paragraphs."}))
    assert response.status_code == 302
    db.session.expire_all()
    lesson = LessonStudyBody.from_json(db.session.get(Record, record.id).body).lessons[0]
    assert len(lesson.interviews) == 3 and lesson.interviews[2] == ""
    assert all(len(stage.responses) == 3 for stage in lesson.stages)
    assert lesson.criteria[:2] == ("Criterion 1.0", "Criterion 1.1")


@pytest.mark.parametrize(("step", "data", "message"), [
    ("team", lesson_form(focus=""), "Enter the research focus"),
    ("team", lesson_form(coach="999999"), "Choose a coach from the list"),
    ("team", lesson_form(partner_ids=["999999"]), "Choose partner teachers from the list"),
    ("pupils", pupils_form(0, **{"pupils-1-pseudonym": "pupil a"}),
     "Give case pupil 2 a different pseudonym"),
    ("pupils", pupils_form(0, **{"pupils-1-pseudonym": "", "pupils-1-stands_for": "",
                                 "pupils-1-baseline": ""}), "Name at least two case pupils"),
    ("lesson", lesson_step_form(0, 1, date=["31", "2", "2026"]),
     "The date of research lesson 1 must be a real date"),
    ("lesson", lesson_step_form(0, 1, taught_by=["999999"]),
     "Choose who taught it from the team"),
    ("lesson", lesson_step_form(0, 1, **{"stages-1-stage": ""}),
     "Name stage 2, or clear what you wrote in it"),
    ("outcomes", outcomes_form(0, outcomes="x" * 5001),
     "Outcomes must be 5000 characters or fewer"),
    ("sharing", sharing_form(0, audience="everyone"),
     "Choose who the lesson study should be published to"),
])
def test_a_step_refuses_bad_input_and_keeps_what_was_typed(client, login, people, step, data,
                                                          message):
    """The step comes back with the message in the error summary, nothing saved, and what
    was typed still in the boxes."""
    record = _start(client, login, people)
    base = f"/lesson-studies/{record.id}"
    _send(client, f"{base}/steps/pupils", pupils_form(_version(record)))
    version = _version(record)
    path = f"{base}/lessons/1" if step == "lesson" else f"{base}/steps/{step}"
    response = _send(client, path, {**data, "version": str(version)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert _version(record) == version
    for key, typed in data.items():
        if isinstance(typed, str) and len(typed) > 12 and typed.strip() and key != "version":
            assert typed in page, key
