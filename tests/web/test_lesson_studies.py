"""The lesson-study pages: starting one, who may change it, bad input on the first step,
the read-only body shown lesson by lesson, and text neutralised when shown. Writing the
rest up step by step is in test_lesson_study_steps.py."""

import re
from datetime import UTC, datetime

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from models import Record, RecordVersion
from network.extensions import db
from tests.factories import (
    csrf_token,
    lesson_form,
    lesson_step_form,
    pupils_form,
    sharing_form,
)

NEW = "/lesson-studies/new"


def _post(client, path: str, data: dict | None = None, **overrides):
    data = {**(data if data is not None else lesson_form()), **overrides}
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


def test_the_first_step_starts_a_draft_and_the_list_shows_it(client, login, teacher):
    """Team, coach and focus make the draft; the task list opens next."""
    login(teacher)
    listing = client.get("/lesson-studies").get_data(as_text=True)
    assert "Write up a lesson study" in listing
    page = client.get(NEW).get_data(as_text=True)
    assert "Team, coach and focus" in page and "Lena Leading" in page
    assert re.search(rf'value="{teacher.id}"\s+checked', page)  # the author is in the team
    response = _post(client, NEW, team_members=[str(teacher.id)])
    record = db.session.scalar(select(Record))
    assert response.headers["Location"].endswith(f"/lesson-studies/{record.id}/edit")
    assert (record.kind, record.status, record.author_id) == ("lesson_study", "draft", teacher.id)
    assert record.body["team"] == {"member_ids": [teacher.id], "partner_ids": [],
                                   "partners": ""}
    assert record.body["focus"] == lesson_form()["focus"]
    assert record.body["lessons"] == [] and record.body["pupils"] == []
    tasks = client.get(f"/lesson-studies/{record.id}/edit").get_data(as_text=True)
    assert "Talk for writing in Year 4" in tasks and "Check your answers" in tasks
    listing = client.get("/lesson-studies").get_data(as_text=True)
    assert f'/records/{record.id}"' in listing


BAD = [
    ({"title": "   "}, "Enter a title"),
    ({"title": "T" * 201}, "Title must be 200 characters or fewer"),
    ({"focus": ""}, "Enter the research focus"),
    ({"question": ""}, "Enter the research question"),
    ({"year_group": "Year 14"}, "Choose a year group from the list"),
    ({"question": "Why?\x00"}, "contains characters that are not allowed"),
    ({"technique": "x" * 5001}, "Teaching approach being developed must be 5000 characters"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD,
                         ids=[message[:40] for _, message in BAD])
def test_bad_input_on_the_first_step_is_refused_and_kept(client, login, teacher, overrides,
                                                         message):
    """Each mistake gets its message in the error summary; nothing is saved or lost."""
    login(teacher)
    response = _post(client, NEW, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert _records() == 0
    for key, typed in lesson_form(**overrides).items():
        if key in {"year_group", "version", "coach"} or not typed.strip() or "\x00" in typed:
            continue
        assert typed.replace("'", "&#39;") in page or typed in page, key


def test_another_clusters_people_get_404(app, login, two_clusters):
    """Outside the cluster the lesson study and every step of it do not exist."""
    author = two_clusters.A.people["leading_teacher"]
    record = _write(app.test_client(), login, author)
    version = record.version
    base = f"/lesson-studies/{record.id}"
    for role in ("leading_teacher", "headteacher", "coordinator"):
        browser = login(two_clusters.B.people[role], as_client=app.test_client())
        for path in (f"{base}/edit", f"{base}/steps/team", f"{base}/steps/check",
                     f"{base}/lessons/1"):
            assert browser.get(path).status_code == 404, path
        response = browser.post(f"{base}/steps/team", data={
            **lesson_form(version=str(version)), "csrf_token": csrf_token(browser, NEW)})
        assert response.status_code == 404
    db.session.refresh(record)
    assert record.version == version


def test_colleagues_who_are_not_authors_get_403(app, login, teacher, school, make_user):
    """A leader who can read the draft may not change it; nor may a reader of the published
    copy; a colleague who cannot see the draft does not learn it exists."""
    record = _write(app.test_client(), login, teacher)
    path = f"/lesson-studies/{record.id}/steps/team"
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
    for path in (f"/lesson-studies/{record.id}/edit", f"/lesson-studies/{record.id}/lessons/1"):
        response = client.get(path)
        assert response.status_code == 403
        assert "with the headteacher for review" in response.get_data(as_text=True)


def test_a_case_study_is_not_edited_here(client, login, teacher):
    """The steps only open lesson studies, and only steps that exist."""
    record = _write(client, login, teacher)
    assert client.get(f"/lesson-studies/{record.id}/steps/context").status_code == 404
    assert client.get(f"/lesson-studies/{record.id}/lessons/4").status_code == 404
    record.kind = "case_study"
    db.session.commit()
    assert client.get(f"/lesson-studies/{record.id}/edit").status_code == 404
    assert client.get(f"/lesson-studies/{record.id}/steps/team").status_code == 404


BODY = {
    "team": {"member_ids": [1, 2, 3], "partner_ids": [4],
             "partners": "A Year 4 teacher from a partner school"},
    "coach": {"user_id": 5, "where": "other"},
    "subject": "Mathematics", "year_group": "Year 6", "class_size_band": "30 or more",
    "focus": "Reasoning", "question": "Do bar models help?", "technique": "Bar models",
    "pupils": [{"label": "Pupil A", "stands_for": "below", "baseline": "Guesses",
                "impact": "The group now draws bars"},
               {"label": "Pupil B", "stands_for": "at", "baseline": "", "impact": ""},
               {"label": "Pupil C", "stands_for": "above", "baseline": "", "impact": ""}],
    "lessons": [{"date": "2026-03-05", "objective": "Solve two-step problems",
                 "taught_by": [1], "observed_by": [2, 4, 5],
                 "criteria": ["c1", "c2", "c3"],
                 "stages": [{"name": "Starter", "responses": [
                     {"predicted": "Will guess", "observed": "Drew a bar"},
                     {"predicted": "Will draw", "observed": "Drew two bars"},
                     {"predicted": "Will explain", "observed": "Explained to a partner"}]}],
                 "interviews": ["i1", "i2", "i3"],
                 "discussion": {"progress": ["p1", "p2", "p3"], "changes": "Slower start"}},
                {"date": "2026-03-19", "objective": "Second", "taught_by": [4],
                 "observed_by": [1, 2], "criteria": [], "stages": [],
                 "interviews": ["j1", "", ""],
                 "discussion": {"progress": [], "changes": "Keep the bars"}}],
    "outcomes": "Better", "practice_changes": "Bar models in Year 5",
    "sharing": "Staff meeting", "related_case_studies": [], "barriers": [], "standards": [],
}


def _render(body: dict) -> str:
    return render_template_string('{% include "records/_body_lesson_study.html" %}', body=body)


def test_the_body_shows_each_research_lesson_as_its_own_cycle(app):
    """Each lesson: who taught and observed it by role, its predicted-against-observed
    table in a scrolling region, its interviews and its discussion."""
    with app.test_request_context():
        html = _render(BODY)
    table = html[html.index("<table"):html.index("</table>")]
    assert "Research lesson 1: what the team predicted" in table
    assert table.count('scope="colgroup"') == 3 and table.count(">Predicted<") == 3
    assert '<th scope="row" class="govuk-table__header">Starter</th>' in table
    region = html[:html.index("<table")]
    assert 'class="app-table-scroll" tabindex="0" role="region"' in region[-300:]
    first, second = html.split('id="research-lesson-2"')
    assert "5 March 2026" in first and "i1" in first and "Slower start" in first
    assert "What changed for the next research lesson" in first
    assert "A teacher from the school" in first
    assert "A teacher from the school, a teacher from a partner school and the coach" in first
    assert "j1" in second and "Keep the bars" in second and "i1" not in second
    assert "A teacher from a partner school" in second
    assert "Team of 3 from the school, with a teacher from another school" in html
    assert "A leading teacher from another school" in html
    assert "Guesses" in html and "The group now draws bars" in html
    assert "A Year 4 teacher from a partner school" in html


def test_an_empty_or_foreign_body_renders_without_error(app):
    """Old or partial bodies (a draft saved early, another kind's keys) still render."""
    with app.test_request_context():
        assert "No research lessons recorded yet" in _render({})
        assert "No case pupils recorded" in _render({"context": "x", "lessons": []})
        assert "Not recorded" in _render({"lessons": [{"objective": "x"}]})


def test_scripts_and_javascript_links_are_stored_but_never_rendered(client, login, teacher):
    """What people type is kept as typed, and neutralised when shown."""
    record = _write(client, login, teacher,
                    partners="<a href=\"javascript:alert('partners')\">partner</a>",
                    technique="Fine <script>alert('technique')</script> approach")
    _post(client, f"/lesson-studies/{record.id}/steps/pupils", pupils_form(record.version))
    db.session.refresh(record)
    _post(client, f"/lesson-studies/{record.id}/lessons/1", lesson_step_form(
        record.version, 1, **{"stages-0-responses-0-observed":
                              "[see the video](javascript:alert('grid')) and "
                              "<img src=x onerror=alert(1)>"}))
    db.session.refresh(record)
    assert "<script>alert('technique')</script>" in record.body["technique"]
    number = db.session.scalar(select(func.max(RecordVersion.number)).where(
        RecordVersion.record_id == record.id))
    for path in (f"/records/{record.id}", f"/records/{record.id}/print",
                 f"/records/{record.id}/versions/{number}"):
        page = client.get(path).get_data(as_text=True)
        assert "Fine" in page and "see the video" in page, path
        assert "<script>alert" not in page, path
        assert "javascript:" not in page.lower(), path
        assert "onerror" not in page, path
    form = client.get(f"/lesson-studies/{record.id}/steps/team").get_data(as_text=True)
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
    """Only the school's own case studies, people and team can be linked."""
    colleague = make_user(school, "member", name="Cora Coauthor")
    elsewhere = make_user(make_cluster(name="Other Partnership").schools[0], "member")
    case_study = Record(kind="case_study", school_id=school.id, cluster_id=school.cluster_id,
                        author_id=teacher.id, title="How we fixed tracking", body={})
    db.session.add(case_study)
    db.session.commit()
    login(teacher)
    page = _post(client, NEW, team_members=[str(elsewhere.id)]).get_data(as_text=True)
    assert "Choose team members from the people at your school" in page
    assert "Choose a coach from the list" in _post(
        client, NEW, coach=str(elsewhere.id)).get_data(as_text=True)
    assert _post(client, NEW).status_code == 302
    record = db.session.scalar(select(Record).where(Record.kind == "lesson_study"))
    path = f"/lesson-studies/{record.id}/steps/sharing"
    form = client.get(path).get_data(as_text=True)
    assert "How we fixed tracking" in form and "Cora Coauthor" in form
    for field, value, message in (
            ("related_case_studies", "999999", "Choose related case studies from the list"),
            ("coauthors", str(elsewhere.id), "Choose co-authors from the people at your school"),
            ("standards", "CE9.Z", "Choose standards from the list"),
            ("barriers", "not-a-barrier", "Choose barriers from the list")):
        page = _post(client, path, sharing_form(record.version),
                     **{field: [value]}).get_data(as_text=True)
        assert message in page, field
    response = _post(client, path, sharing_form(record.version),
                     related_case_studies=[str(case_study.id)], coauthors=[str(colleague.id)])
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.body["related_case_studies"] == [case_study.id]
    assert [c.user_id for c in record.coauthors] == [colleague.id]
    assert record.body["standards"] == ["CE2.E", "CE5.C"]  # in toolkit order
