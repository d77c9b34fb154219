"""Published work on a school's barriers comes from a shelf each process keeps and brings up
to date record by record: its lists are exactly what counting tags in the database gives,
before and after records are published, withdrawn, retagged or taken back to their cluster."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, or_, select

from models import Record, RecordBarrier, SchoolBarrier
from network.access import can_read_live
from network.extensions import db
from network.services import published_work

BARRIERS = ["tracking-inconsistent", "low-maths", "attendance", "writing-weak"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def _counted_in_the_database(actor, school, limit=10) -> list[tuple[int, list[str]]]:
    """The reference: count each live record's tags among the barriers faced, in SQL (the
    school's own records among them: leaving them out would name their author)."""
    facing = set(db.session.scalars(select(SchoolBarrier.barrier_slug).where(
        SchoolBarrier.school_id == school.id, SchoolBarrier.overcome_on.is_(None))))
    best = db.session.execute(
        select(Record.id).join(RecordBarrier, Record.id == RecordBarrier.record_id)
        .where(RecordBarrier.barrier_slug.in_(facing),
               Record.published_visibility.is_not(None), Record.withdrawn_at.is_(None),
               or_(Record.published_visibility == "network",
                   Record.cluster_id == actor.cluster_id))
        .group_by(Record.id, Record.published_at)
        .order_by(func.count().desc(), Record.published_at.desc(), Record.id)
        .limit(limit)).scalars().all()
    out = []
    for record_id in best:
        record = db.session.get(Record, record_id)
        if can_read_live(actor, record):
            out.append((record_id, sorted({b.barrier_slug for b in record.barriers} & facing)))
    return out


def _listed(actor, school) -> list[tuple[int, list[str]]]:
    return [(w.record_id, w.barriers) for w in published_work.on_barriers(actor, school)]


def _state(rng: random.Random, record: Record) -> None:
    """Give a record a random published state and random tags."""
    record.published_visibility = rng.choice([None, "cluster", "network", "network"])
    record.published_title = record.title
    record.published_body = {"context": "x"} if record.published_visibility else None
    record.published_at = START + timedelta(days=rng.randint(0, 5))  # many ties on the day
    record.withdrawn_at = START if rng.random() < 0.15 else None
    record.barriers = [RecordBarrier(barrier_slug=s) for s in BARRIERS if rng.random() < 0.5]


@pytest.fixture
def world(planted):  # noqa: F811
    """Sixty records by the planted schools; the seeker faces three barriers."""
    rng = random.Random(11)
    db.session.add_all(SchoolBarrier(school_id=planted.seeker.id, barrier_slug=s,
                                     since=date(2022, 9, 1)) for s in BARRIERS[1:3])
    authors = {planted.seeker.id: planted.head, planted.right.id: planted.away_head}
    schools = [planted.seeker, planted.right, planted.elsewhere, planted.other_phase,
               planted.hidden, planted.same_head]
    records = []
    for n in range(60):
        school = rng.choice(schools)
        record = Record(kind=rng.choice(["case_study", "lesson_study"]), school_id=school.id,
                        cluster_id=school.cluster_id,
                        author_id=authors.get(school.id, planted.away_head).id,
                        title=f"Work {n}", body={}, status="published")
        _state(rng, record)
        records.append(record)
    db.session.add_all(records)
    db.session.commit()
    published_work._CACHE.clear()
    return rng, records


def test_the_shelf_lists_what_the_database_counts(planted, world, make_user):  # noqa: F811
    outsider = make_user(planted.hidden, "headteacher")
    for actor in (planted.head, planted.senior, outsider):
        listed = _listed(actor, planted.seeker)
        assert listed == _counted_in_the_database(actor, planted.seeker)
    assert len(_listed(planted.head, planted.seeker)) == 10


def test_the_school_s_own_work_is_listed_and_marked_only_for_its_people(planted, world,  # noqa: F811
                                                                        make_user):
    """Leaving a school's own records out would tell a broker which ones are the school's:
    the list is the same for them, and only the school's people see "Your school's"."""
    broker = make_user(planted.hidden, "headteacher", lle=True)
    for_head = published_work.on_barriers(planted.head, planted.seeker)
    for_broker = published_work.on_barriers(broker, planted.seeker)
    own = {w.record_id for w in for_head if w.school_id == planted.seeker.id}
    assert own, "the seeker's own records are among the best on its barriers"
    assert {w.record_id for w in for_head if w.yours(planted.head)} == own
    assert _listed(broker, planted.seeker) == _counted_in_the_database(broker, planted.seeker)
    assert not any(w.yours(broker) for w in for_broker if w.record_id in own)


def test_changes_are_shelved_record_by_record(planted, world, monkeypatch):  # noqa: F811
    rng, records = world
    assert _listed(planted.head, planted.seeker)
    shelf = published_work.shelf()
    real = published_work._read

    def only_changed(ids):
        assert ids is not None, "every live record was read again"
        return real(ids)

    monkeypatch.setattr(published_work, "_read", only_changed)
    for _ in range(6):
        for record in rng.sample(records, 8):
            _state(rng, record)
        db.session.commit()
        assert _listed(planted.head, planted.seeker) == _counted_in_the_database(
            planted.head, planted.seeker)
        assert published_work.shelf() is shelf
