"""A planted network in which the right partner is known (tests.factories.plant_need_first):
need comes first, context only orders schools that help equally, schools graded below good
are left out with the reason unless a broker includes one, and a secondary is never offered
to a primary unless the head asks for any phase."""

import pytest

from network.services import pool
from network.services.matching import matches_for, ranked
from tests.factories import plant_need_first


@pytest.fixture
def world(app, make_user, make_evaluation):
    pool._CACHE.clear()
    return plant_need_first(make_user, make_evaluation)


def _ids(found) -> list[int]:
    return [m.school_id for m in found.matches]


def test_the_only_local_good_same_phase_school_offering_both_4s_ranks_first(world):
    found = matches_for(world.head, world.seeker.id)
    assert _ids(found) == [world.right.id, world.far.id, world.one_four.id,
                           world.context_only.id]
    la = world.seeker.register_entry.la_name
    assert found.matches[0].reasons[0] == (
        "Strong in CE2.A Tracking steers improvement and CE2.B Expectations and gaps by group, "
        "where you rate 4 and 4")
    assert f"In the same local authority ({la})" in found.matches[0].reasons
    grade = world.right.register_entry.ofsted_rating
    assert any(r.startswith(f"Graded {grade} at its last inspection (")
               for r in found.matches[0].reasons)


def test_every_signal_does_not_lift_a_school_meeting_less_need(world):
    found = matches_for(world.head, world.seeker.id)
    one_four = {m.school_id: m.reasons for m in found.matches}[world.one_four.id]
    assert one_four[0] == "Strong in CE2.A Tracking steers improvement, where you rate 4"
    assert one_four[1].startswith("Overcame low attainment in mathematics (recorded as faced "
                                  "from September 2021 to July 2023)")
    assert one_four[2] == (f"Moved from Maximise progress to Good to great in "
                           f"{world.left_on:%B %Y}")
    assert "Its headteacher is a Local Leader of Education" in one_four
    assert "Has supported 1 school that improved on its focus" in one_four
    context_only = {m.school_id: m.reasons for m in found.matches}[world.context_only.id]
    assert not any(r.startswith("Strong in") for r in context_only)


def test_a_school_graded_below_good_is_left_out_with_its_reason(world, client, login):
    found = matches_for(world.head, world.seeker.id)
    entry = world.below.register_entry
    reason = (f"graded {entry.ofsted_rating} at its last inspection "
              f"({entry.ofsted_inspection_date:%B %Y}): schools below good are not proposed "
              "to support others unless a broker includes one with a reason")
    assert world.below.id not in _ids(found)
    assert (world.below.id, world.below.name, reason) in found.excluded
    assert found.includable == {world.below.id}
    login(world.head)
    body = client.get(f"/schools/{world.seeker.id}/partners").get_data(as_text=True)
    assert f"{world.below.name}: {reason}" in body


def test_a_broker_includes_a_school_below_good_with_a_reason(world):
    found = ranked(world.seeker, 10, {}, include={world.below.id: "a new head who turned "
                                                  "reading round elsewhere"})
    reasons = {m.school_id: m.reasons for m in found.matches}[world.below.id]
    assert reasons[0].startswith("Included by the broker although graded ")
    assert reasons[0].endswith(": a new head who turned reading round elsewhere")
    assert world.below.id not in found.includable
    assert _ids(found).index(world.below.id) < _ids(found).index(world.one_four.id)


def test_a_secondary_is_offered_to_a_primary_only_for_any_phase(world, client, login):
    assert world.secondary.id not in _ids(matches_for(world.head, world.seeker.id))
    anywhere = matches_for(world.head, world.seeker.id, filters={"phase": "any"})
    assert world.secondary.id in _ids(anywhere)
    login(world.head)
    page = client.get(f"/schools/{world.seeker.id}/partners").get_data(as_text=True)
    assert world.secondary.name not in page
    assert '<option value="any">Any phase</option>' in page
    # Listed once, with the button that asks for support with it.
    anywhere_page = client.get(f"/schools/{world.seeker.id}/partners?phase=any").get_data(
        as_text=True)
    assert anywhere_page.count(world.secondary.name) == 2
    assert f"Ask for support with {world.secondary.name}" in anywhere_page


def test_a_secondary_seeker_is_offered_secondaries(world):
    found = matches_for(world.head_2, world.seeker_2.id)
    assert _ids(found) == [world.secondary.id]
    anywhere = matches_for(world.head_2, world.seeker_2.id, filters={"phase": "any"})
    assert set(_ids(anywhere)) == {world.secondary.id, world.right.id}
