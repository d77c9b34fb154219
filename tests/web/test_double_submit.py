"""A create form sent twice (a double click, the browser resending) creates one thing, and the
second answer takes the person to it."""

import re

import pytest
from sqlalchemy import func, select

from models import Cluster, FormSubmission, Invitation, JoinRequest, Record
from network.extensions import db
from network.web import once
from tests.factories import WORKED, lesson_form


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form_page(client, path: str) -> dict:
    """The hidden fields of the form at `path`: its CSRF token and its one-time key."""
    page = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|form_key)" (?:type="hidden" )?value="([^"]+)"',
                             page))
    assert set(fields) == {"csrf_token", "form_key"}, "the form carries a one-time key"
    return fields


def _twice(client, path: str, data: dict):
    """Post the same form (same key) twice; both answers."""
    sent = {**data, **_form_page(client, path)}
    return client.post(path, data=sent), client.post(path, data=sent)


def _same_place(first, second) -> None:
    assert first.status_code == 302, first.get_data(as_text=True)[:1000]
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]


@pytest.fixture
def school(make_cluster):
    return make_cluster().schools[1]


@pytest.fixture
def author(school, make_user, login):
    person = make_user(school, "headteacher")
    login(person)
    return person


def test_a_case_study_sent_twice_is_written_once(client, author):
    first, second = _twice(client, "/case-studies/new", WORKED)
    _same_place(first, second)
    assert _count(Record) == 1
    assert second.headers["Location"].endswith(
        f"/case-studies/{db.session.scalar(select(Record.id))}/steps")
    assert "already been sent" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_a_lesson_study_sent_twice_is_written_once(client, author):
    first, second = _twice(client, "/lesson-studies/new", lesson_form())
    _same_place(first, second)
    assert _count(Record) == 1


def test_two_forms_are_two_case_studies(client, author):
    """The control: the same words from two separately opened forms are two drafts."""
    for _ in range(2):
        sent = {**WORKED, **_form_page(client, "/case-studies/new")}
        assert client.post("/case-studies/new", data=sent).status_code == 302
    assert _count(Record) == 2


def test_a_refused_post_does_not_use_up_its_key(client, author):
    fields = _form_page(client, "/case-studies/new")
    refused = client.post("/case-studies/new", data={**WORKED, **fields, "title": ""})
    assert refused.status_code == 200 and _count(Record) == 0
    accepted = client.post("/case-studies/new", data={**WORKED, **fields})
    assert accepted.status_code == 302 and _count(Record) == 1


def test_a_post_without_a_key_still_works(client, author):
    fields = _form_page(client, "/case-studies/new")
    del fields["form_key"]
    assert client.post("/case-studies/new", data={**WORKED, **fields}).status_code == 302
    assert _count(FormSubmission) == 0


def test_while_the_first_post_is_still_working_the_second_waits(client, author, monkeypatch):
    """If what the first post creates is not known in time, the second goes to the list."""
    monkeypatch.setattr(once, "WAIT_SECONDS", 0.2)
    fields = _form_page(client, "/case-studies/new")
    db.session.add(FormSubmission(key=fields["form_key"], user_id=author.id))
    db.session.commit()
    answer = client.post("/case-studies/new", data={**WORKED, **fields})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/case-studies")
    assert _count(Record) == 0


def test_someone_elses_key_is_refused(client, author, make_user):
    fields = _form_page(client, "/case-studies/new")
    db.session.add(FormSubmission(key=fields["form_key"], user_id=make_user().id,
                                  target="/records/1"))
    db.session.commit()
    assert client.post("/case-studies/new", data={**WORKED, **fields}).status_code == 400
    assert _count(Record) == 0


def test_a_cluster_registration_sent_twice_registers_once(client, make_user, login, free_urns):
    login(make_user())
    data = {"name": "Northside Partnership", "description": "Four schools",
            "region": "North West", "urn": next(free_urns)}
    first, second = _twice(client, "/register", data)
    _same_place(first, second)
    assert _count(Cluster) == 1


def test_an_invitation_sent_twice_is_made_once(client, make_cluster, make_user, login):
    cluster = make_cluster()
    login(make_user(cluster.schools[0], "headteacher", coordinator=True))
    before = _count(Invitation)
    path = f"/clusters/{cluster.id}/invitations"
    data = {"school_id": "new", "role": "headteacher", "note": "Welcome"}
    first, second = _twice(client, path, data)
    assert first.status_code == 200 and "/invitations/" in first.get_data(as_text=True)
    assert second.status_code == 303 and second.headers["Location"].endswith(path)
    assert _count(Invitation) == before + 1


def test_a_join_request_sent_twice_is_sent_once(client, make_cluster, make_user, login,
                                                 free_urns):
    cluster = make_cluster()
    login(make_user())
    data = {"urn": next(free_urns), "message": "We would like to join."}
    first, second = _twice(client, f"/clusters/{cluster.id}/join", data)
    _same_place(first, second)
    assert _count(JoinRequest) == 1
