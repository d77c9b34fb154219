"""Migration 0017 moves each old lesson study's interviews and post-lesson discussion onto its
last research lesson, in every copy (working, published, every version), losing nothing.

Run on SQLite by default and on PostgreSQL with TEST_DATABASE_URL."""

import copy
import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

from models import Record, RecordVersion
from models.record_bodies import LessonStudyBody
from network.extensions import db
from tests.factories import case_body, fresh, lesson_body, write

_PATH = Path(__file__).parents[2] / "migrations" / "versions" / "0017_lesson_cycles.py"
_SPEC = importlib.util.spec_from_file_location("lesson_cycles", _PATH)
migration = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(migration)

INTERVIEWS = ["It made sense with the bars.", "I checked with a second drawing."]
DISCUSSION = {"progress": ["Compares two fractions.", "Explains why."],
              "changes": "Start with the rulers out."}


def old_body(lessons: int = 2) -> dict:
    """A lesson study saved before 0017: interviews and discussion once for the cycle."""
    body = lesson_body()
    body.pop("coach")
    body["team"].pop("partner_ids")
    for pupil in body["pupils"]:
        pupil.pop("baseline"), pupil.pop("impact")
    first = body["lessons"][0]
    for key in ("interviews", "discussion", "taught_by", "observed_by"):
        first.pop(key)
    body["lessons"] = [dict(copy.deepcopy(first), objective=f"Lesson {n + 1}")
                       for n in range(lessons)]
    body["interviews"], body["discussion"] = list(INTERVIEWS), copy.deepcopy(DISCUSSION)
    return body


def _run(step) -> None:
    db.session.commit()  # the session's reads end before the migration writes
    with db.engine.begin() as connection, \
            Operations.context(MigrationContext.configure(connection)):
        step()
    db.session.expire_all()


def _store(record: Record, body: dict, published: dict | None) -> None:
    record.body, record.published_body = copy.deepcopy(body), copy.deepcopy(published)
    for version in db.session.scalars(select(RecordVersion).where(
            RecordVersion.record_id == record.id)):
        version.body = copy.deepcopy(body)
    db.session.commit()


def _version_bodies(record: Record) -> list[dict]:
    found = list(db.session.scalars(select(RecordVersion.body).where(
        RecordVersion.record_id == record.id)))
    assert found
    return found


def test_interviews_and_discussion_move_onto_the_last_lesson(records_world):
    """Working copy, published copy and every version: the last research lesson gets the
    cycle's interviews and discussion, everything else stays as it was; case studies are
    left alone; and the way back restores the old bodies exactly."""
    world = records_world
    record = write(world, "Bar models", lesson_body(), kind="lesson_study")
    case = write(world, "Progress meetings", case_body())
    case_before = copy.deepcopy(fresh(case).body)
    old = old_body(lessons=2)
    _store(fresh(record), old, old)

    _run(migration.upgrade)

    record = fresh(record)
    for body in (record.body, record.published_body, *_version_bodies(record)):
        assert "interviews" not in body and "discussion" not in body
        first, last = body["lessons"]
        assert last["interviews"] == INTERVIEWS and last["discussion"] == DISCUSSION
        assert "interviews" not in first and first["objective"] == "Lesson 1"
        rest = {k: v for k, v in body.items() if k != "lessons"}
        assert rest == {k: v for k, v in old.items()
                        if k not in ("lessons", "interviews", "discussion")}
        read = LessonStudyBody.from_json(body)  # the new shape takes it as it is
        assert read.lessons[1].discussion.changes == DISCUSSION["changes"]
    assert fresh(case).body == case_before

    _run(migration.upgrade)  # a second run changes nothing
    assert fresh(record).body["lessons"][1]["interviews"] == INTERVIEWS

    _run(migration.downgrade)
    record = fresh(record)
    assert record.body == old and record.published_body == old
    assert all(body == old for body in _version_bodies(record))


def test_a_lesson_study_without_lessons_gets_one_for_its_notes(records_world):
    """Notes from a cycle whose lessons were never written are kept on a first lesson."""
    record = write(records_world, "Bar models", lesson_body(), kind="lesson_study")
    old = old_body(lessons=0)
    _store(fresh(record), old, None)

    _run(migration.upgrade)

    body = fresh(record).body
    assert body["lessons"] == [{"interviews": INTERVIEWS, "discussion": DISCUSSION}]
    assert fresh(record).published_body is None

    _run(migration.downgrade)
    assert fresh(record).body == old


def test_empty_cycle_notes_add_no_lesson():
    """A body whose cycle notes are blank just loses the blank keys."""
    body = {"lessons": [], "interviews": ["", ""], "discussion": {"progress": [], "changes": ""}}
    assert migration.cycle_body(body) == {"lessons": []}
    assert migration.cycle_body(None) is None
