"""Partner ranking puts need first: properties of network.domain.matching on random pools,
and the bit-sliced fast path giving exactly the naive loop's answer."""

import random
from datetime import date

import pytest

from network.domain import matching
from network.domain.matching import (
    NO_CAPACITY,
    TIERS,
    WEIGHTS,
    Candidate,
    Seeker,
    rank_naive,
    size_band,
)
from network.domain.matching_fast import Pool, rank

TODAY = date(2026, 12, 7)
STANDARDS = [f"CE{e}.{x}" for e in range(1, 7) for x in "ABCDE"]
BARRIERS = [f"b{n}" for n in range(25)]
PHASES = ["Primary"] * 5 + ["Secondary", "All-through", "Special", "Middle deemed primary"]
LAS = ["Camden", "Leeds", "Knowsley", "Bristol, City of", None]
POSTCODES = ["NW1 1AA", "NW3 2QT", "LS6 1AB", "L36 5YR", "BS1 4DJ", None]
GRADES = ["Outstanding", "Good", "Good", "Requires Improvement", "Inadequate", None]
RELIGIONS = ["Church of England", "Roman Catholic", "None", None]


def _months_ago(n: int) -> date:
    y, m = divmod(TODAY.year * 12 + TODAY.month - 1 - n, 12)
    return date(y, m + 1, 1)


def random_candidate(rng: random.Random, n: int) -> Candidate:
    def some(items, p):
        return frozenset(i for i in items if rng.random() < p)

    overcome = some(BARRIERS, 0.1)
    recorded = frozenset((slug, date(2021, 9, 1), date(2023, 5, 1)) for slug in overcome
                         if rng.random() < 0.5)
    left = frozenset((rng.randint(1, 6), _months_ago(rng.randint(-3, 80)))
                     for _ in range(rng.randint(0, 2)))
    return Candidate(
        n, f"S{n}", rng.choice(PHASES), rng.choice(["Small", "Medium", "Large"]),
        rng.choice("xyz"), rng.choice(["London", "North West", "South West"]),
        rng.randint(1, 6), some(STANDARDS, 0.15), overcome, left, rng.random() < 0.8,
        rng.randint(0, 3), frozenset({rng.randint(1, 400)}), group_name="G",
        la_name=rng.choice(LAS), postcode=rng.choice(POSTCODES),
        religion=rng.choice(RELIGIONS), grade=rng.choice(GRADES),
        inspected_on=date(2023, 5, 1), recorded=recorded, lle=rng.random() < 0.1,
        improved=rng.choice([0, 0, 0, 1, 2, 3]))


def random_seeker(rng: random.Random, me: Candidate) -> Seeker:
    return Seeker(me.school_id, needs={s: rng.choice((3, 4)) for s in STANDARDS
                                       if rng.random() < 0.2},
                  barriers=frozenset(b for b in BARRIERS if rng.random() < 0.2),
                  group_id=rng.randint(1, 6), group_name="Mine", phase=me.phase,
                  size_band=me.size_band, fsm_band=me.fsm_band, region=me.region,
                  headteacher_ids=me.headteacher_ids, la_name=me.la_name,
                  postcode=me.postcode, religion=me.religion)


def test_fast_ranking_agrees_with_the_naive_loop_on_random_pools():
    rng = random.Random(11)
    candidates = [random_candidate(rng, n) for n in range(1, 1200)]
    pool = Pool(candidates)
    rarity = {b: rng.random() for b in BARRIERS}
    seen: set[str] = set()
    for round_ in range(40):
        me = rng.choice(candidates)
        seeker = random_seeker(rng, me)
        exclude = {rng.choice(candidates).school_id: "already partnered"}
        include = {c.school_id: "the broker knows them" for c in rng.sample(candidates, 30)}
        options = dict(include=include if round_ % 2 else None, any_phase=round_ % 3 == 0,
                       today=TODAY)
        fast = rank(seeker, pool, rarity, exclude, 10, {}, **options)
        seen.update(fast[0] and {"matches"} or set())
        seen.update(why.split(":")[0] for _, _, why in fast[1])
        assert fast == rank_naive(seeker, candidates, rarity, exclude, 10, {}, **options)
    assert {"matches", "already partnered", NO_CAPACITY, "graded Inadequate at its last "
            "inspection (May 2023)"} <= seen


# --- Need first --------------------------------------------------------------------------

SEEKER = Seeker(1, "Seeker", needs={"CE2.A": 4, "CE2.D": 4, "CE3.C": 3},
                barriers=frozenset({"low-morale"}), group_id=3, group_name="Maximise progress",
                phase="Primary", size_band="Small", fsm_band="High", region="London",
                la_name="Camden", postcode="NW1 1AA", religion="Church of England")


def school(school_id: int, **given) -> Candidate:
    values = dict(name=f"School {school_id}", phase="Primary", spare_capacity=1,
                  grade="Good", inspected_on=date(2024, 3, 1),
                  headteacher_ids=frozenset({school_id + 1000}))
    values.update(given)
    return Candidate(school_id=school_id, **values)


def everything_but_need(school_id: int) -> Candidate:
    """Every barrier, move and signal the seeker could want, and no standard it needs."""
    return school(school_id, overcome=frozenset({"low-morale"}),
                  recorded=frozenset({("low-morale", date(2022, 1, 1), date(2024, 1, 1))}),
                  left=frozenset({(3, date(2024, 7, 1))}), group_id=6, la_name="Camden",
                  postcode="NW1 9ZZ", region="London", size_band="Small", fsm_band="High",
                  religion="Church of England", grade="Outstanding", lle=True, improved=5,
                  spare_capacity=3)


def test_need_outranks_barriers_moves_and_every_signal_together():
    weak_need = school(3, offers=frozenset({"CE3.C"}), grade=None)
    matches, _ = rank(SEEKER, [everything_but_need(2), weak_need], today=TODAY)
    assert [m.school_id for m in matches] == [3, 2]


def test_context_alone_never_makes_a_match():
    only_context = school(2, la_name="Camden", postcode="NW1 2BB", region="London",
                          size_band="Small", fsm_band="High", religion="Church of England",
                          grade="Outstanding", lle=True, improved=2, spare_capacity=3)
    assert rank(SEEKER, [only_context], today=TODAY) == ([], [])


def test_a_4_outweighs_a_3_and_two_4s_outweigh_one():
    three = school(2, offers=frozenset({"CE3.C"}))
    four = school(3, offers=frozenset({"CE2.A"}))
    both_fours = school(4, offers=frozenset({"CE2.A", "CE2.D"}))
    matches, _ = rank(SEEKER, [three, four, both_fours], today=TODAY)
    assert [m.school_id for m in matches] == [4, 3, 2]
    assert matches[0].score // TIERS["need"] == 2 * WEIGHTS["need_4"]


def test_barriers_outrank_a_move_and_signals_and_a_recorded_history_outranks_a_claim():
    said = school(2, overcome=frozenset({"low-morale"}))
    recorded = school(3, overcome=frozenset({"low-morale"}),
                      recorded=frozenset({("low-morale", date(2023, 3, 1), date(2025, 5, 1))}))
    moved = school(4, left=frozenset({(3, date(2024, 7, 1))}), group_id=5,
                   group_name="Good to great", la_name="Camden",
                   lle=True, grade="Outstanding", spare_capacity=3)
    matches, _ = rank(SEEKER, [said, recorded, moved], {}, {}, 10,
                      {"low-morale": "Low staff morale"}, today=TODAY)
    assert [m.school_id for m in matches] == [3, 2, 4]
    assert matches[0].reasons[0] == ("Overcame low staff morale (recorded as faced from "
                                     "March 2023 to May 2025)")
    assert matches[1].reasons[0] == "Says it has overcome low staff morale"
    assert matches[2].reasons[0] == "Moved from Maximise progress to Good to great in July 2024"


@pytest.mark.parametrize("left, now, counts", [
    ((3, date(2024, 7, 1)), 5, True),    # to a stronger group, two years ago
    ((3, date(2024, 7, 1)), 6, True),
    ((3, date(2024, 7, 1)), 1, False),   # fell below the floor: no move
    ((3, date(2024, 7, 1)), 4, False),   # sideways: as strong as before
    ((3, date(2021, 11, 1)), 5, False),  # more than five years ago
    ((3, date(2021, 12, 1)), 5, True),   # five years ago to the month
    ((2, date(2024, 7, 1)), 5, False),   # left another group, not the seeker's
])
def test_a_move_counts_only_towards_a_stronger_group_within_five_years(left, now, counts):
    c = school(2, left=frozenset({left}), group_id=now, group_name="Good to great")
    matches, _ = rank(SEEKER, [c], today=TODAY)
    assert bool(matches) is counts
    if counts:
        assert (f"Moved from Maximise progress to Good to great in {left[1]:%B %Y}"
                in matches[0].reasons)
    assert rank_naive(SEEKER, [c], today=TODAY) == (matches, [])


def test_the_window_follows_today():
    c = school(2, left=frozenset({(3, date(2024, 7, 1))}), group_id=6)
    assert rank(SEEKER, [c], today=date(2029, 7, 20))[0]
    assert not rank(SEEKER, [c], today=date(2029, 8, 1))[0]


# --- Phase ---------------------------------------------------------------------------------

def test_phase_is_a_filter_unless_any_phase_is_asked_for():
    offer = frozenset({"CE2.A"})
    primary, secondary = school(2, offers=offer), school(3, offers=offer, phase="Secondary")
    through = school(4, offers=offer, phase="All-through")
    middle = school(5, offers=offer, phase="Middle deemed primary")
    matches, _ = rank(SEEKER, [primary, secondary, through, middle], today=TODAY)
    assert [m.school_id for m in matches] == [2, 4, 5]
    matches, _ = rank(SEEKER, [primary, secondary, through, middle], today=TODAY,
                      any_phase=True)
    assert [m.school_id for m in matches] == [2, 3, 4, 5]
    assert "A Secondary school; yours is Primary" in matches[1].reasons
    secondary_seeker = Seeker(9, needs={"CE2.A": 4}, phase="Secondary")
    assert [m.school_id for m in rank(secondary_seeker, [primary, secondary, through],
                                      today=TODAY)[0]] == [3, 4]


def test_size_bands_are_relative_to_phase():
    assert size_band("Primary", 450) == "Large"
    assert size_band("Secondary", 450) == "Small"
    assert size_band("All-through", 1000) == "Medium"
    assert size_band("Middle deemed secondary", 1300) == "Large"
    assert size_band("Primary", None) == "Not known"


# --- Signals and below good ------------------------------------------------------------------

def test_every_signal_is_in_the_reasons_in_plain_words():
    c = everything_but_need(2)
    c = Candidate(**{**c.__dict__, "offers": frozenset({"CE3.C"}), "group_name": "Lead"})
    [match], _ = rank(SEEKER, [c], {}, {}, 10, {"low-morale": "Low staff morale"},
                      today=TODAY)
    assert match.reasons == [
        "Strong in CE3.C, where you rate 3",
        "Overcame low staff morale (recorded as faced from January 2022 to January 2024)",
        "Moved from Maximise progress to Lead in July 2024",
        "Graded Outstanding at its last inspection (March 2024)",
        "Its headteacher is a Local Leader of Education",
        "Has supported 5 schools that improved on their focus",
        "In the same local authority (Camden)",
        "Similar size for its phase and intake (pupils eligible for free school meals)",
        "Same religious character (Church of England)",
        "Open to partnering: room for 3 partnerships this year"]
    context = match.score % TIERS["move"]
    assert context == (WEIGHTS["outstanding"] + WEIGHTS["lle_headteacher"]
                       + WEIGHTS["track_record_most"] + WEIGHTS["same_la"]
                       + WEIGHTS["similar_size"] + WEIGHTS["similar_intake"]
                       + WEIGHTS["same_religious_character"] + WEIGHTS["room_for_two"])


def test_only_the_nearest_locality_counts():
    need = frozenset({"CE2.A"})
    la = school(2, offers=need, la_name="Camden", postcode="NW1 1BB", region="London")
    area = school(3, offers=need, la_name="Barnet", postcode="NW9 1BB", region="London")
    region = school(4, offers=need, la_name="Barnet", postcode="EN5 1BB", region="London")
    far = school(5, offers=need, la_name="Leeds", postcode="LS6 1AB", region="Yorkshire")
    matches, _ = rank(SEEKER, [far, region, area, la], today=TODAY)
    assert [m.school_id for m in matches] == [2, 3, 4, 5]
    assert [m.score % TIERS["move"] for m in matches] == [
        WEIGHTS["same_la"] + WEIGHTS["good"], WEIGHTS["same_postcode_area"] + WEIGHTS["good"],
        WEIGHTS["same_region"] + WEIGHTS["good"], WEIGHTS["good"]]
    assert "In the same postcode area (NW)" in matches[1].reasons


def test_religious_character_counts_only_when_both_have_one():
    none_seeker = Seeker(1, needs={"CE2.A": 4}, phase="Primary", religion="None")
    c = school(2, offers=frozenset({"CE2.A"}), religion="None")
    [match], _ = rank(none_seeker, [c], today=TODAY)
    assert not any("religious" in r for r in match.reasons)


def test_a_school_graded_below_good_is_left_out_unless_included_with_a_reason():
    c = school(2, offers=frozenset({"CE2.A"}), grade="Inadequate",
               inspected_on=date(2023, 5, 1))
    full = school(3, offers=frozenset({"CE2.A"}), grade="Requires Improvement",
                  spare_capacity=0)
    matches, excluded = rank(SEEKER, [c, full], today=TODAY)
    assert matches == []
    assert excluded == [
        (3, "School 3", NO_CAPACITY),
        (2, "School 2", "graded Inadequate at its last inspection (May 2023): schools below "
                        "good are not proposed to support others unless a broker includes "
                        "one with a reason")]
    matches, excluded = rank(SEEKER, [c, full], today=TODAY,
                             include={2: "its new head turned maths round at her last school"})
    assert [m.school_id for m in matches] == [2]
    assert matches[0].reasons[0] == (
        "Included by the broker although graded Inadequate at its last inspection (May 2023)"
        ": its new head turned maths round at her last school")
    assert excluded == [(3, "School 3", NO_CAPACITY)]


def test_the_tiers_are_stacked_without_overlap():
    assert matching.CONTEXT_MOST.bit_length() <= TIERS["move"].bit_length() - 1
    assert WEIGHTS["move"] * TIERS["move"] < TIERS["barrier"]
    assert matching.BARRIER_MOST * TIERS["barrier"] < TIERS["need"]


def test_the_readme_states_the_weights_and_tiers_the_code_uses():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text[text.index("### How partners are ranked"):]
    rows = {line.split("|")[1].strip(): line.split("|")[3].strip()
            for line in section.splitlines()[:60] if line.startswith("| ")}
    assert {tier: int(rows[name].replace(",", "")) for tier, name in (
        ("need", "Need"), ("barrier", "Barriers"), ("move", "Move to a stronger group"),
        ("context", "Context and signals"))} == TIERS
    assert f"one of your 4s: {WEIGHTS['need_4']}; one of your 3s: {WEIGHTS['need_3']}" in section
    assert (f"recorded as faced then overcome: {WEIGHTS['barrier_recorded']}; said overcome: "
            f"{WEIGHTS['barrier_said']}; rarer: +{WEIGHTS['barrier_rarity']}") in section
    assert f"local authority {WEIGHTS['same_la']} / postcode area " \
           f"{WEIGHTS['same_postcode_area']} / region {WEIGHTS['same_region']}" in section
    assert f"LLE headteacher {WEIGHTS['lle_headteacher']}" in section
