"""A broker may propose a supporting school graded below good at its last inspection only by
saying why: the reason is required, both heads read it on the partnership page, and the audit
log keeps it (tests.factories.plant_need_first: `below` offers both of the seeker's 4s)."""

import pytest
from sqlalchemy import select

from models import AuditEvent, Partnership, SupportRequest
from network.extensions import db
from network.services import pool
from tests.factories import plant_need_first

AGREEMENT = {
    "supported_people": "Pat Morgan, headteacher", "supporting_people": "Jo Reed, deputy head",
    "days_per_term": "3", "cost_pounds": "900", "funded_by": "local_authority",
    "starts_on": ["1", "1", "2027"], "ends_on": ["31", "7", "2028"],
    "success_criteria": "CE2.A: every class tracks progress the same way\n"
                        "CE2.B: gaps for disadvantaged pupils close each term",
    "exit_criteria": "Both standards rated 2 or better in a final self-evaluation."}
REASON = "Its new headteacher turned tracking round in her last school."


@pytest.fixture
def world(app, make_user, make_evaluation):
    pool._CACHE.clear()
    net = plant_need_first(make_user, make_evaluation)
    net.coordinator = make_user(net.right, "senior_leader", coordinator=True)
    net.asked = SupportRequest(school_id=net.seeker.id, cluster_id=net.seeker.cluster_id,
                               requester_id=net.head.id, standards=["CE2.A", "CE2.B"],
                               barriers=[], hopes="Consistent tracking.")
    db.session.add(net.asked)
    db.session.commit()
    return net


def _propose(client, world, **extra):
    return client.post(f"/support-requests/{world.asked.id}/propose", data={
        "supporting_school_id": str(world.below.id), "standards": ["CE2.A", "CE2.B"],
        "activities": "Paired tracking meetings.", **AGREEMENT, **extra})


def _proposed(world):
    return db.session.scalar(select(Partnership).where(
        Partnership.supported_school_id == world.seeker.id))


def test_the_broker_sees_the_school_below_good_as_a_choice_needing_a_reason(
        no_csrf, world, client, login):
    login(world.coordinator)
    page = client.get(f"/support-requests/{world.asked.id}/propose").get_data(as_text=True)
    grade = world.below.register_entry.ofsted_rating
    assert f"{world.below.name} (graded {grade} at its last inspection" in page
    assert "Why you include a school graded below good" in page


def test_without_a_reason_it_is_refused_and_nothing_is_proposed(no_csrf, world, client, login):
    login(world.coordinator)
    response = _propose(client, world)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "say why you include it as the supporting school" in page
    assert "Paired tracking meetings." in page  # what was typed comes back
    assert _proposed(world) is None


def test_with_a_reason_it_is_proposed_shown_to_the_heads_and_audited(no_csrf, world, client,
                                                                      login):
    login(world.coordinator)
    assert _propose(client, world, inclusion_reason=REASON).status_code == 302
    proposed = _proposed(world)
    assert proposed.supporting_school_id == world.below.id
    assert proposed.inclusion_reason == REASON
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "school below good included"))
    assert audit is not None and REASON in audit.detail
    login(world.head)
    page = client.get(f"/partnerships/{proposed.id}").get_data(as_text=True)
    assert f"included it because: {REASON}" in page.replace("&#39;", "'")
