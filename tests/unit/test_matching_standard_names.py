"""Partner reasons name the standards a candidate is strong in (issue 17, item 2), and the
fast ranking still gives exactly the naive loop's answer when it is given the names."""

import random

from models.toolkit_data import CORE_ELEMENTS
from network.domain.matching import Candidate, Seeker, explain, rank_naive
from network.domain.matching_fast import Pool, rank
from network.domain.matching_reasons import standard_words, strength_lines
from tests.unit.test_matching_ranking import (
    BARRIERS,
    STANDARDS,
    TODAY,
    random_candidate,
    random_seeker,
)

TITLES = {f"{code}.{letter}": title for code, _, _, items in CORE_ELEMENTS
          for letter, title, _ in items}


def test_the_reason_names_each_standard_met_beside_its_code():
    seeker = Seeker(1, needs={"CE2.A": 4, "CE2.D": 3, "CE5.B": 3})
    strong = Candidate(2, "Strong", offers=frozenset({"CE2.A", "CE2.D"}))
    _, relevant, reasons = explain(seeker, strong, {}, today=TODAY, standard_titles=TITLES)
    assert relevant
    assert reasons[0] == ("Strong in CE2.A Tracking steers improvement and CE2.D Each child "
                          "tracked to their year-end goal, where you rate 4 and 3")
    _, _, bare = explain(seeker, strong, {}, today=TODAY)
    assert bare[0] == "Strong in CE2.A and CE2.D, where you rate 4 and 3"  # no names given
    assert standard_words("CE9.Z", TITLES) == "CE9.Z"


def test_fast_ranking_agrees_with_the_naive_loop_when_standards_are_named():
    rng = random.Random(17)
    candidates = [random_candidate(rng, n) for n in range(1, 400)]
    pool = Pool(candidates)
    rarity = {b: rng.random() for b in BARRIERS}
    titles = {s: TITLES.get(s, f"Standard {s}") for s in STANDARDS}
    named = 0
    for _ in range(15):
        seeker = random_seeker(rng, rng.choice(candidates))
        fast = rank(seeker, pool, rarity, {}, 10, {}, today=TODAY, standard_titles=titles)
        assert fast == rank_naive(seeker, candidates, rarity, {}, 10, {}, today=TODAY,
                                  standard_titles=titles)
        named += sum(r.startswith("Strong in CE") and titles[r.split()[2]] in r
                     for m in fast[0] for r in m.reasons)
    assert named > 0


def test_a_long_strength_reason_is_listed_one_standard_a_line():
    seeker = Seeker(1, needs={"CE2.A": 3, "CE2.C": 4, "CE2.D": 3})
    c = Candidate(2, "Strong", offers=frozenset(seeker.needs))
    _, _, reasons = explain(seeker, c, {}, today=TODAY, standard_titles=TITLES)
    assert strength_lines(reasons[0]) == ("Strong in standards you rate 3 or 4:", [
        "CE2.C Every adult spots pupils who stall (you rate 4)",
        "CE2.A Tracking steers improvement (you rate 3)",
        "CE2.D Each child tracked to their year-end goal (you rate 3)"])
    two = Seeker(1, needs={"CE2.A": 3, "CE2.D": 4})
    _, _, short = explain(two, c, {}, today=TODAY, standard_titles=TITLES)
    assert strength_lines(short[0]) is None  # two read well in one sentence
    assert strength_lines("Its headteacher is a Local Leader of Education") is None
