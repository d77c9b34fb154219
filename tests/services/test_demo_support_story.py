"""The demo tells one consistent story of school-to-school support (issue 16, item 7): dates in
order, notes written before a partnership closed, focus standards the supported school rates
3 or 4 and the supporting school offers, activities and milestones that match the focus,
signed agreements whose dates hold the milestones, pupils' outcomes around the start, and
overseers who can read the active partnership and its termly report."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import OutcomeMeasure, OversightGrant, Partnership, User
from network.demo.support_story import work_for
from network.extensions import db
from network.services import agreements, pool
from network.services.evaluations import latest


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.fixture
def demo(app, runner):
    pool._CACHE.clear()
    result = runner.invoke(args=["seed-demo", "--schools", "24", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return list(db.session.scalars(select(Partnership).order_by(Partnership.id)))


def test_every_demo_partnership_reads_in_date_order(demo):
    now = datetime.now(UTC)
    assert {p.status for p in demo} == {"proposed", "active", "closed"}
    for p in demo:
        asked = _aware(p.request.created_at)
        assert asked <= _aware(p.created_at) <= now
        if p.status == "proposed":
            assert p.started_at is None and not p.milestones
            continue
        started = _aware(p.started_at)
        ended = _aware(p.closed_at) if p.closed_at else now
        assert _aware(p.created_at) < started < ended <= now
        for milestone in p.milestones:
            for note in milestone.notes:
                assert started <= _aware(note.created_at) <= ended, (p.status, note.body)
        for measure in db.session.scalars(select(OutcomeMeasure).where(
                OutcomeMeasure.partnership_id == p.id)):
            dates = sorted(v.measured_on for v in measure.values)
            assert dates[0] < started.date() <= dates[-1] <= ended.date()


def test_the_focus_is_what_one_needs_and_the_other_offers_and_the_work_matches_it(demo):
    for p in demo:
        before = latest(p.supported_school_id, final=True)
        ratings = {sid: r.rating for sid, r in before.ratings.items()}
        assert p.focus_standards and all(ratings[s] >= 3 for s in p.focus_standards)
        offers = pool.platform().candidate(p.supporting_school_id).offers
        assert set(p.focus_standards) <= offers or not offers & {
            s for s, r in ratings.items() if r >= 3}
        for work in work_for(p.focus_standards):
            assert work.activity in p.activities
        agreement = agreements.in_force(p) or agreements.awaiting(p)
        assert set(agreement.success_criteria) == set(p.focus_standards)
        if p.status != "proposed":
            assert agreement.signed
            assert all(agreement.starts_on <= m.due_on <= agreement.ends_on
                       for m in p.milestones)
            done = [m for m in p.milestones if m.status == "done"]
            assert done and all(n.evidence for m in done for n in m.notes)
            assert all(m.supported_status == m.supporting_status == m.status
                       for m in p.milestones)


def test_the_closed_partnership_shows_impact_after_both_final_evaluations(demo):
    closed = next(p for p in demo if p.status == "closed")
    rows = closed.review["schools"]["supported"]["rows"]
    assert rows and all(r["before"] and r["after"] for r in rows)
    assert set(closed.review["agreed"]) == {"supported", "supporting"}


def test_overseers_follow_the_active_partnership_and_read_its_report(demo, client, login):
    active = next(p for p in demo if p.status == "active")
    grants = list(db.session.scalars(select(OversightGrant).where(
        OversightGrant.partnership_id == active.id)))
    assert {g.role for g in grants} == {"governor", "la_adviser"}
    governor = db.session.get(User, next(g.user_id for g in grants if g.role == "governor"))
    assert governor.school_id is None
    login(governor, password="improve-together")
    assert client.get(f"/partnerships/{active.id}").status_code == 200
    report = client.get(f"/partnerships/{active.id}/report").get_data(as_text=True)
    assert active.supported.name in report
    measure = db.session.scalar(select(OutcomeMeasure).where(
        OutcomeMeasure.partnership_id == active.id))
    assert measure.name not in report  # outcomes stay with the two schools and the broker
