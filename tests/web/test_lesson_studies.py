"""The lesson-study editor: writing one up, bad input kept and refused, conflicts, who may
edit, and the read-only body with its predicted-against-observed grid."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from models import Record, RecordVersion
from network.extensions import db
from network.services import profiles
from tests.factories import csrf_token, day, lesson_form

NEW = "/lesson-studies/new"






def _post(client, path: str, **overrides):
    data = lesson_form(**overrides)
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def _records() -> int:
    return db.session.scalar(select(func.count()).select_from(Record))


@pytest.fixture
def school(make_cluster):
    return make_cluster().schools[1]


@pytest.fixture
def teacher(school, make_user):
    return make_user(school, "leading_teacher", name="Lena Leading")


def _write(client, login, author, **overrides) -> Record:
    login(author, as_client=client)
    response = _post(client, NEW, **overrides)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Record).order_by(Record.id.desc()))


def test_a_leading_teacher_writes_up_a_cycle_and_sees_it(client, login, teacher):
    """Three research lessons, two case pupils: stored in the documented shape and shown."""
    barrier = profiles.barrier_taxonomy()[0]
    login(teacher)
    assert client.get("/lesson-studies").status_code == 200
    assert "Write up a lesson study" in client.get("/lesson-studies").get_data(as_text=True)
    assert client.get(NEW).status_code == 200
    response = _post(client, NEW, barriers=[barrier.slug], team_members=[str(teacher.id)])
    assert response.status_code == 302
    record = db.session.scalar(select(Record))
    assert response.headers["Location"].endswith(f"/records/{record.id}")
    assert (record.kind, record.status, record.author_id) == ("lesson_study", "draft", teacher.id)
    body = record.body
    assert body["pupils"] == [
        {"label": "Pupil A", "stands_for": "working below age-related expectations"},
        {"label": "Pupil B", "stands_for": "working at expectations"}]
    assert len(body["lessons"]) == 3
    first = body["lessons"][0]
    assert first["date"] == (date.today() - timedelta(days=60)).isoformat()
    assert first["criteria"] == ["Criterion 0.0", "Criterion 0.1"]
    assert len(first["stages"]) == 3  # the empty fourth stage slot is dropped
    assert first["stages"][1] == {"name": "Stage 2 of lesson 1", "responses": [
        {"predicted": "Predicted L1S2P1", "observed": "Observed L1S2P1"},
        {"predicted": "Predicted L1S2P2", "observed": "Observed L1S2P2"}]}
    assert body["interviews"] == ["Pupil A said the map helped", "Pupil B said the map helped"]
    assert body["discussion"] == {"progress": ["Progress note 0", "Progress note 1"],
                                  "changes": "Give out the word bank before the lesson."}
    assert body["team"] == {"member_ids": [teacher.id], "partners": ""}
    assert body["standards"] == ["CE2.E", "CE5.C"]  # in toolkit order
    assert body["barriers"] == [barrier.slug]
    assert [s.standard_id for s in record.standards] == ["CE2.E", "CE5.C"]
    assert [b.barrier_slug for b in record.barriers] == [barrier.slug]

    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "Talk for writing in Year 4" in page
    assert "Predicted L3S3P2" in page and "Observed L3S3P2" in page
    assert "Team of 1 from the school" in page
    assert "Lena Leading" not in page.split("<main")[1]  # team names are never shown
    listing = client.get("/lesson-studies").get_data(as_text=True)
    assert f'/records/{record.id}"' in listing and "Talk for writing in Year 4" in listing


def test_empty_lesson_slots_are_dropped(client, login, teacher):
    """Two lessons taught so far: the third slot, left blank, is not saved."""
    blank = {key: ("" if not isinstance(value, list) else ["", "", ""])
             for key, value in lesson_form().items() if key.startswith("lessons-2-")}
    record = _write(client, login, teacher, **blank)
    assert len(record.body["lessons"]) == 2


def _clear_pupil(number: int) -> dict:
    """A post that leaves case pupil `number` (1-based) and everything about them empty."""
    p = number - 1
    cleared = {f"pupils-{p}-pseudonym": "", f"pupils-{p}-stands_for": "",
               f"interviews-{p}-text": "", f"progress-{p}-text": ""}
    for n in range(3):
        cleared[f"lessons-{n}-criteria-{p}-text"] = ""
        for s in range(4):
            cleared[f"lessons-{n}-stages-{s}-responses-{p}-predicted"] = ""
            cleared[f"lessons-{n}-stages-{s}-responses-{p}-observed"] = ""
    return cleared


BAD = [
    ({"lessons-1-date": ["", "", ""]}, "Enter the date of research lesson 2"),
    ({"lessons-2-date": ["31", "2", str(date.today().year)]},
     "The date of research lesson 3 must be a real date"),
    ({"lessons-0-date": ["", "3", "2026"]},
     "The date of research lesson 1 must include a day, month and year"),
    (_clear_pupil(2), "Name at least two case pupils"),
    ({"pupils-3-pseudonym": "Pupil D", "pupils-3-stands_for": "working above expectations"},
     "A lesson study follows at most three case pupils"),
    ({"lessons-0-stages-0-responses-3-predicted": "A fourth pupil"},
     "A lesson study follows at most three case pupils"),
    ({"lessons-3-objective": "A fourth lesson"},
     "A lesson study has at most three research lessons"),
    ({"lessons-0-stages-2-responses-2-observed": "Wrote two sentences"},
     "Add a pseudonym for case pupil 3, or clear what you wrote about them"),
    ({"pupils-1-pseudonym": "pupil a"}, "Give case pupil 2 a different pseudonym"),
    ({"lessons-1-stages-1-stage": ""}, "Name stage 2 of research lesson 2"),
    ({"standards": ["CE5.C", "CE9.Z"]}, "Choose standards from the list"),
    ({"barriers": ["not-a-barrier"]}, "Choose barriers from the list"),
    ({"coauthors": ["999999"]}, "Choose co-authors from the people at your school"),
    ({"outcomes": "x" * 5001}, "Outcomes must be 5000 characters or fewer"),
    ({"title": "T" * 201}, "Title must be 200 characters or fewer"),
    ({"lessons-0-stages-0-responses-0-predicted": "p" * 5001},
     "Prediction for case pupil 1 at stage 1 of research lesson 1 must be 5000 characters"),
    ({"title": "   "}, "Enter a title"),
    ({"year_group": "Year 14"}, "Choose a year group from the list"),
    ({"audience": "everyone"}, "Choose who the lesson study should be published to"),
    ({"question": "Why?\x00"}, "contains characters that are not allowed"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD,
                         ids=[message[:40] for _, message in BAD])
def test_bad_input_is_refused_and_everything_typed_is_kept(client, login, teacher, overrides,
                                                           message):
    """Each mistake gets its message in the error summary; nothing is saved or lost."""
    login(teacher)
    response = _post(client, NEW, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert _records() == 0
    # What was typed comes back: text anywhere in the grid, the dates, the ticked standards.
    for kept in ("Observed L3S3P1", "Predicted L2S1P1", "Criterion 2.0",
                 "Give out the word bank before the lesson.", "Pupil A said the map helped"):
        assert kept in page, kept
    if "title" not in overrides:
        assert 'value="Talk for writing in Year 4"' in page
    assert re.search(r'value="CE5\.C"\s+checked', page)
    if "lessons-2-date" not in overrides:
        year = day(20)[2]
        assert f'name="lessons-2-date" type="text" value="{year}"' in page or \
            re.search(rf'id="lessons-2-date-year"[^>]*value="{year}"', page) or \
            re.search(rf'value="{year}"[^>]*id="lessons-2-date-year"', page)
    # Fields the form has come back as typed (a crafted fourth slot has nowhere to go, and a
    # list offers only its own choices).
    for key, typed in overrides.items():
        if re.search(r"-3-", key) or key in {"year_group", "audience"}:
            continue
        if isinstance(typed, str) and typed.strip() and "\x00" not in typed:
            assert typed in page, key


def test_an_edit_saves_a_new_version_and_keeps_the_shape(client, login, teacher):
    """Editing loads the saved lesson study into the form and saves it again."""
    record = _write(client, login, teacher)
    body, version = record.body, record.version
    page = client.get(f"/lesson-studies/{record.id}/edit").get_data(as_text=True)
    assert "Predicted L2S3P1" in page and 'value="Pupil B"' in page
    response = _post(client, f"/lesson-studies/{record.id}/edit", version=str(version),
                     title="Talk for writing, revised")
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.title == "Talk for writing, revised" and record.version > version
    assert record.body == body


def test_a_stale_edit_is_a_409_showing_both_versions(app, login, teacher, school, make_user):
    """Two authors edit at once: the second is shown both versions and keeps what they typed."""
    colleague = make_user(school, "member", name="Cora Coauthor")
    first, second = app.test_client(), app.test_client()
    both = [str(colleague.id)]
    record = _write(first, login, teacher, coauthors=both)
    login(colleague, as_client=second)
    path = f"/lesson-studies/{record.id}/edit"
    stale = str(record.version)
    assert second.get(path).status_code == 200
    assert _post(first, path, version=stale, title="Saved first",
                 coauthors=both).status_code == 302
    response = _post(second, path, version=stale, title="Typed second",
                     outcomes="My own outcomes", coauthors=both)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this lesson study" in page
    assert "Saved first" in page and "Typed second" in page and "My own outcomes" in page
    db.session.refresh(record)
    assert record.title == "Saved first"
    assert f'name="version" type="hidden" value="{record.version}"' in page or \
        re.search(rf'name="version"[^>]*value="{record.version}"', page)
    # Saving again from the conflict page (it carries the new version) keeps the second edit.
    again = _post(second, path, version=str(record.version), title="Typed second",
                  coauthors=both)
    assert again.status_code == 302
    db.session.refresh(record)
    assert record.title == "Typed second"


def test_another_clusters_people_get_404(app, login, two_clusters):
    """Outside the cluster the lesson study does not exist, on GET and POST."""
    author = two_clusters.A.people["leading_teacher"]
    record = _write(app.test_client(), login, author)
    version = record.version
    path = f"/lesson-studies/{record.id}/edit"
    for role in ("leading_teacher", "headteacher", "coordinator"):
        browser = login(two_clusters.B.people[role], as_client=app.test_client())
        assert browser.get(path).status_code == 404
        response = browser.post(path, data={**lesson_form(version=str(version)),
                                            "csrf_token": csrf_token(browser, NEW)})
        assert response.status_code == 404
    db.session.refresh(record)
    assert record.version == version


def test_colleagues_who_are_not_authors_get_403(app, login, teacher, school, make_user):
    """A leader who can read the draft may not change it; nor may a reader of the published
    copy; a colleague who cannot see the draft does not learn it exists."""
    record = _write(app.test_client(), login, teacher)
    path = f"/lesson-studies/{record.id}/edit"
    senior = login(make_user(school, "senior_leader"), as_client=app.test_client())
    assert senior.get(path).status_code == 403
    response = senior.post(path, data={**lesson_form(version=str(record.version)),
                                       "csrf_token": csrf_token(senior, NEW)})
    assert response.status_code == 403
    client = login(make_user(school, "member"), as_client=app.test_client())
    assert client.get(path).status_code == 404
    record.status, record.published_body, record.published_title = \
        "published", record.body, record.title
    record.published_visibility, record.published_at = "cluster", datetime.now(UTC)
    db.session.commit()
    assert client.get(path).status_code == 403
    db.session.refresh(record)
    assert record.title == "Talk for writing in Year 4"


def test_a_submitted_lesson_study_cannot_be_edited(client, login, teacher):
    """Once with the headteacher, even its author waits for it to come back."""
    record = _write(client, login, teacher)
    record.status = "submitted"
    db.session.commit()
    response = client.get(f"/lesson-studies/{record.id}/edit")
    assert response.status_code == 403
    assert "with the headteacher for review" in response.get_data(as_text=True)


def test_a_case_study_is_not_edited_here(client, login, teacher):
    """The editor only opens lesson studies."""
    record = _write(client, login, teacher)
    record.kind = "case_study"
    db.session.commit()
    assert client.get(f"/lesson-studies/{record.id}/edit").status_code == 404


BODY = {
    "team": {"member_ids": [1, 2, 3], "partners": "A Year 4 teacher from a partner school"},
    "subject": "Mathematics", "year_group": "Year 6", "class_size_band": "30 or more",
    "focus": "Reasoning", "question": "Do bar models help?", "technique": "Bar models",
    "pupils": [{"label": "Pupil A", "stands_for": "below"},
               {"label": "Pupil B", "stands_for": "at"},
               {"label": "Pupil C", "stands_for": "above"}],
    "lessons": [{"date": "2026-03-05", "objective": "Solve two-step problems",
                 "criteria": ["c1", "c2", "c3"],
                 "stages": [{"name": "Starter", "responses": [
                     {"predicted": "Will guess", "observed": "Drew a bar"},
                     {"predicted": "Will draw", "observed": "Drew two bars"},
                     {"predicted": "Will explain", "observed": "Explained to a partner"}]}]}],
    "interviews": ["i1", "i2", "i3"], "discussion": {"progress": ["p1", "p2", "p3"],
                                                     "changes": "Slower start"},
    "outcomes": "Better", "practice_changes": "Bar models in Year 5",
    "sharing": "Staff meeting", "related_case_studies": [], "barriers": [], "standards": [],
}


def _render(body: dict) -> str:
    return render_template_string('{% include "records/_body_lesson_study.html" %}', body=body)


def test_the_body_shows_predicted_against_observed_as_a_table(app):
    """Rows are stages, and each case pupil has a predicted and an observed column."""
    with app.test_request_context():
        html = _render(BODY)
    table = html[html.index("<table"):html.index("</table>")]
    assert '<caption class="govuk-table__caption' in table
    assert "Research lesson 1: what the team predicted" in table
    assert table.count('scope="colgroup"') == 3 and table.count('colspan="2"') == 3
    assert table.count(">Predicted<") == 3 and table.count(">Observed<") == 3
    assert '<th scope="row" class="govuk-table__header">Starter</th>' in table
    cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', table, re.S)
    assert ["Will guess" in cells[0], "Drew a bar" in cells[1],
            "Explained to a partner" in cells[5]] == [True, True, True]
    assert "5 March 2026" in html and "Team of 3 from the school" in html
    assert "A Year 4 teacher from a partner school" in html


def test_an_empty_or_foreign_body_renders_without_error(app):
    """Old or partial bodies (a draft saved early, another kind's keys) still render."""
    with app.test_request_context():
        assert "No research lessons recorded yet" in _render({})
        assert "No case pupils recorded" in _render({"context": "x", "lessons": []})


def test_scripts_and_javascript_links_are_stored_but_never_rendered(client, login, teacher):
    """What people type is kept as typed, and neutralised when shown."""
    record = _write(client, login, teacher, **{
        "outcomes": "Fine <script>alert('outcomes')</script> results",
        "lessons-0-stages-0-responses-0-observed":
            "[see the video](javascript:alert('grid')) and <img src=x onerror=alert(1)>",
        "partners": "<a href=\"javascript:alert('partners')\">partner</a>"})
    assert "<script>alert('outcomes')</script>" in record.body["outcomes"]
    number = db.session.scalar(select(RecordVersion.number).where(
        RecordVersion.record_id == record.id))
    for path in (f"/records/{record.id}", f"/records/{record.id}/print",
                 f"/records/{record.id}/versions/{number}"):
        page = client.get(path).get_data(as_text=True)
        assert "Fine" in page and "see the video" in page, path
        assert "<script>alert" not in page, path
        assert "javascript:" not in page.lower(), path
        assert "onerror" not in page, path
    # The editor gives the text back as typed, escaped, for the authors to change.
    form = client.get(f"/lesson-studies/{record.id}/edit").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in form and "<script>alert" not in form


def test_people_without_a_school_cannot_start_one(client, login, make_user):
    """Writing up belongs to a school; the list still opens."""
    login(make_user(name="Una Unattached"))
    assert client.get(NEW).status_code == 404
    page = client.get("/lesson-studies")
    assert page.status_code == 200
    assert "Write up a lesson study" not in page.get_data(as_text=True)


def test_related_case_studies_and_coauthors_come_from_the_school(client, login, teacher, school,
                                                                 make_user, make_cluster):
    """Only the school's own case studies and people can be linked."""
    colleague = make_user(school, "member", name="Cora Coauthor")
    elsewhere = make_user(make_cluster(name="Other Partnership").schools[0], "member")
    case_study = Record(kind="case_study", school_id=school.id, cluster_id=school.cluster_id,
                        author_id=teacher.id, title="How we fixed tracking", body={})
    db.session.add(case_study)
    db.session.commit()
    login(teacher)
    form = client.get(NEW).get_data(as_text=True)
    assert "How we fixed tracking" in form and "Cora Coauthor" in form
    for field, value, message in (
            ("related_case_studies", "999999", "Choose related case studies from the list"),
            ("coauthors", str(elsewhere.id), "Choose co-authors from the people at your school"),
            ("team_members", str(elsewhere.id), "Choose team members from the people at your")):
        page = _post(client, NEW, **{field: [value]}).get_data(as_text=True)
        assert message in page, field
    assert _records() == 1
    response = _post(client, NEW, related_case_studies=[str(case_study.id)],
                     coauthors=[str(colleague.id)])
    assert response.status_code == 302
    record = db.session.scalar(select(Record).where(Record.kind == "lesson_study"))
    assert record.body["related_case_studies"] == [case_study.id]
    assert [c.user_id for c in record.coauthors] == [colleague.id]
