"""The platform's candidates are kept per process and brought up to date school by school:
after any change, the copy a match page uses is exactly the copy a fresh read would give, and
a change elsewhere (a case study edited) costs no reading of the platform at all."""

from dataclasses import fields
from datetime import date

import pytest

from models import (
    Cluster,
    GroupMembership,
    OfferOptIn,
    Record,
    School,
    SchoolBarrier,
    SchoolProfile,
    User,
)
from network.extensions import db
from network.services import changes, pool
from tests.factories import planted_school, register_entries

BITSETS = ("offers", "overcome", "recorded", "left", "context", "heads")
FLAGS = ("available", "closed", "full", "roomy")


def _state(net: pool.Platform) -> dict:
    """Everything a match page reads from the copy, comparable with ==."""
    out = {f.name: getattr(net, f.name) for f in fields(net) if f.name not in ("mark", "pool")}
    out["members"] = {c: set(m) for c, m in net.members.items()}
    p = net.pool
    out["candidates"], out["position"] = list(p.candidates), dict(p.position)
    out.update({name: dict(getattr(p, name)) for name in BITSETS})
    out.update({name: getattr(p, name) for name in FLAGS})
    return out


@pytest.fixture
def kept(planted, monkeypatch):  # noqa: F811
    """Checks the kept copy against a fresh read; fails if the copy was read in full again."""
    pool._CACHE.clear()
    pool.platform()
    real = pool._build

    def no_full_read(_mark):
        raise AssertionError("the whole platform was read again")

    monkeypatch.setattr(pool, "_build", no_full_read)

    def check() -> pool.Platform:
        current = pool.platform()
        assert _state(current) == _state(real(changes.mark()))
        return current

    return check


def test_profile_barrier_group_and_offer_changes_are_applied_school_by_school(
        planted, kept, make_evaluation):  # noqa: F811
    profile = db.session.get(SchoolProfile, planted.right.id)
    profile.visibility, profile.capacity = "cluster", 0
    db.session.commit()
    net = kept()
    assert not net.shared >> net.pool.position[planted.right.id] & 1
    db.session.add(SchoolBarrier(school_id=planted.elsewhere.id, barrier_slug="low-maths",
                                 since=date(2021, 9, 1), overcome_on=date(2024, 7, 1)))
    db.session.add(SchoolBarrier(school_id=planted.seeker.id, barrier_slug="low-maths",
                                 since=date(2022, 9, 1)))
    db.session.commit()
    assert "low-maths" in kept().rarity
    membership = db.session.scalars(db.select(GroupMembership).where(
        GroupMembership.school_id == planted.seeker.id)).one()
    membership.ended_on = date(2025, 7, 1)
    db.session.add(GroupMembership(school_id=planted.seeker.id, group_id=2,
                                   started_on=date(2025, 7, 1)))
    db.session.commit()
    seeker = kept().candidate(planted.seeker.id)
    assert (seeker.group_id, seeker.left) == (2, frozenset({(1, date(2025, 7, 1))}))
    make_evaluation(planted.elsewhere, ratings={"CE3.A": 1}, status="final", year=2031,
                    term="autumn")
    db.session.add(OfferOptIn(school_id=planted.elsewhere.id, standard_id="CE3.A"))
    db.session.commit()
    net = kept()
    assert net.pool.candidates[net.pool.position[planted.elsewhere.id]].offers == {"CE3.A"}


def test_a_headteacher_renamed_to_a_head_elsewhere_becomes_one_person(planted, kept):  # noqa: F811
    away = db.session.get(User, planted.away_head.id)
    away.name = "PAT MORGAN"  # the same person as the seeker's head, by name
    db.session.commit()
    net = kept()
    assert net.candidate(planted.right.id).headteacher_ids == \
        net.candidate(planted.seeker.id).headteacher_ids
    db.session.get(User, planted.head.id).name = "Someone Else"
    db.session.commit()
    net = kept()  # the twin head and the renamed one are now the lowest ids for that name
    assert net.candidate(planted.right.id).headteacher_ids != \
        net.candidate(planted.seeker.id).headteacher_ids


def test_a_new_school_and_a_school_moving_cluster(planted, kept):  # noqa: F811
    entry = register_entries("Primary", 1)[0]
    newcomer = planted_school(db.session.get(Cluster, planted.seeker.cluster_id), entry)
    db.session.commit()
    net = kept()
    assert planted.seeker.cluster_id == net.cluster_of[newcomer.id]
    school = db.session.get(School, planted.elsewhere.id)
    school.cluster_id = planted.seeker.cluster_id
    db.session.commit()
    assert planted.elsewhere.id in kept().members[planted.seeker.cluster_id]


def test_edited_records_cost_no_reading_of_the_platform(planted, kept, monkeypatch):  # noqa: F811
    before = pool.platform()
    db.session.add(Record(kind="case_study", cluster_id=planted.seeker.cluster_id,
                          school_id=planted.seeker.id, author_id=planted.head.id,
                          title="Tracking progress", body={}))
    db.session.commit()
    monkeypatch.setattr(pool, "_Read", None)  # nothing may be read about any school
    assert pool.platform() is before and before.mark.current()


def test_a_change_it_cannot_apply_school_by_school_reads_it_all_again(planted):  # noqa: F811
    from network import indexing

    pool._CACHE.clear()
    before = pool.platform()
    db.session.get(SchoolProfile, planted.right.id).capacity = 3
    indexing.touch("vocabulary:barriers")  # not a school: no telling what it changed
    db.session.commit()
    after = pool.platform()
    assert after is not before and after.mark.current()
    assert after.pool.candidates[after.pool.position[planted.right.id]].spare_capacity == 3


def test_a_change_log_that_went_back_reads_it_all_again(planted):  # noqa: F811
    """A database restored from a backup (or emptied) holds fewer changes than the copy saw."""
    from models import SearchChange

    pool._CACHE.clear()
    before = pool.platform()
    db.session.get(SchoolProfile, planted.right.id).capacity = 3
    db.session.commit()
    db.session.execute(db.delete(SearchChange))
    db.session.commit()
    after = pool.platform()
    assert after is not before
    assert after.pool.candidates[after.pool.position[planted.right.id]].spare_capacity == 3


def _close(planted, supporting, change: int | None) -> None:
    """A partnership, closed with an impact review whose focus row changed by `change`."""
    from models import Partnership

    db.session.add(Partnership(
        broker_id=planted.head.id, supported_school_id=planted.seeker.id,
        supporting_school_id=supporting.id, status="closed", focus_standards=["CE2.A"],
        review={"summary": "Done", "schools": {"supported": {"rows": [
            {"standard": "CE2.A", "before": 4, "after": 2 if change else 4,
             "change": change}]}}}))
    db.session.commit()


def test_an_lle_headteacher_and_a_track_record_count_at_once(planted, kept):  # noqa: F811
    db.session.get(User, planted.away_head.id).is_lle = True  # no change-log row for this
    db.session.commit()
    assert kept().candidate(planted.right.id).lle
    _close(planted, planted.right, 2)
    _close(planted, planted.right, None)  # no ratings after: not an improvement
    _close(planted, planted.elsewhere, 0)
    net = kept()
    assert net.candidate(planted.right.id).improved == 1
    assert net.candidate(planted.elsewhere.id).improved == 0
    from network.services.matching import matches_for

    reasons = {m.school_id: m.reasons for m in matches_for(planted.head, planted.seeker.id)
               .matches}[planted.right.id]
    assert "Its headteacher is a Local Leader of Education" in reasons
    assert "Has supported 1 school that improved on its focus" in reasons
    db.session.get(User, planted.away_head.id).is_lle = False
    db.session.commit()
    assert not kept().candidate(planted.right.id).lle


def test_a_register_grade_and_a_recorded_barrier_are_read_school_by_school(
        planted, kept):  # noqa: F811
    from models import RegisterSchool

    entry = db.session.get(RegisterSchool, planted.right.urn)
    was = entry.ofsted_rating, entry.ofsted_inspection_date  # the register outlives a test
    try:
        entry.ofsted_rating, entry.ofsted_inspection_date = "Inadequate", date(2025, 5, 20)
        db.session.commit()
        right = kept().candidate(planted.right.id)
        assert (right.grade, right.inspected_on) == ("Inadequate", date(2025, 5, 20))
    finally:
        entry = db.session.get(RegisterSchool, planted.right.urn)
        entry.ofsted_rating, entry.ofsted_inspection_date = was
        db.session.commit()
    faced = db.session.scalars(db.select(SchoolBarrier).where(
        SchoolBarrier.school_id == planted.elsewhere.id)).first()
    assert faced is None
    db.session.add(SchoolBarrier(school_id=planted.elsewhere.id, barrier_slug="low-maths",
                                 since=date(2025, 1, 6), overcome_on=date(2025, 1, 6)))
    db.session.commit()
    elsewhere = kept().candidate(planted.elsewhere.id)
    assert elsewhere.overcome == {"low-maths"} and elsewhere.recorded == frozenset()
