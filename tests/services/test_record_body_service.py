"""The records service saves only bodies in their schema (models/record_bodies.py): a wrong type
or an unknown key is refused with the field named, nothing is written, and what is stored is
the body's full shape."""

import copy

import pytest
from sqlalchemy import func, select

from models import Record, RecordVersion
from network.extensions import db
from network.services import records
from network.services.errors import Invalid
from tests.factories import CASE_BODY, LESSON_BODY


def _data(body, title="Progress meetings that work") -> dict:
    return {"title": title, "body": body, "barriers": [], "standards": [], "coauthor_ids": [],
            "audience": "cluster", "attributed": False}


@pytest.fixture
def author(make_cluster, make_user):
    return make_user(make_cluster(schools=1).schools[0], "leading_teacher")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("kind", "change", "field"), [
    ("case_study", {"impact": {"measures": [], "narrative": 3}}, "body.impact.narrative"),
    ("case_study", {"school_name": "St Anywhere"}, "body.school_name"),
    ("lesson_study", {"team": {"member_ids": ["12"], "partners": ""}}, "body.team.member_ids.1"),
    ("lesson_study", {"lessons": [{"date": "yesterday"}]}, "body.lessons.1.date"),
])
def test_create_refuses_a_malformed_body_and_writes_nothing(author, kind, change, field):
    good = CASE_BODY if kind == "case_study" else LESSON_BODY
    before = _count(Record), _count(RecordVersion)
    with pytest.raises(Invalid) as refused:
        records.create(author, kind, _data({**copy.deepcopy(good), **change}))
    assert refused.value.field == field
    assert field.removeprefix("body.") in str(refused.value)
    db.session.rollback()
    assert (_count(Record), _count(RecordVersion)) == before


def test_create_refuses_a_body_that_is_not_a_dict_and_an_unknown_kind(author):
    with pytest.raises(Invalid) as refused:
        records.create(author, "case_study", _data("Our story"))
    assert refused.value.field == "body"
    with pytest.raises(Invalid) as refused:
        records.create(author, "evaluation", _data({}))
    assert refused.value.field == "kind"


def test_update_refuses_a_malformed_body_and_keeps_the_saved_one(author):
    record = records.create(author, "case_study", _data(copy.deepcopy(CASE_BODY)))
    version = record.version
    broken = {**copy.deepcopy(CASE_BODY), "actions": [{"text": "Coaching", "standards": "CE1"}]}
    with pytest.raises(Invalid) as refused:
        records.update(author, record.id, version, _data(broken, "A new title"))
    assert refused.value.field == "body.actions.1.standards"
    db.session.rollback()
    db.session.expire_all()
    saved = db.session.get(Record, record.id)
    assert saved.version == version and saved.title == "Progress meetings that work"
    assert saved.body == CASE_BODY
    assert _count(RecordVersion) == 1


def test_a_body_missing_keys_is_stored_in_its_full_shape(author):
    record = records.create(author, "lesson_study", _data({"subject": "Science"}))
    db.session.expire_all()
    stored = db.session.get(Record, record.id).body
    assert stored["subject"] == "Science" and stored["pupils"] == []
    assert stored["team"] == {"member_ids": [], "partner_ids": [], "partners": ""}
    assert set(stored) == set(LESSON_BODY)
