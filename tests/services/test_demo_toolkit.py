"""seed-demo gives every school a profile, a priority group, barriers and three terms of
self-evaluation that fit the group; the same seed gives the same records."""

import json
from datetime import date
from statistics import mean

from sqlalchemy import select

from models import OfferOptIn, RegisterSchool, School, SchoolProfile
from network.domain import terms
from network.extensions import db
from network.services.evaluations import all_standard_ids, finalise_problems, history, latest
from network.services.profiles import barriers_of, current_group, group_history
from tests.conftest import empty_tables
from tests.factories import without_ids

SEED = 14  # a seed whose twelve schools include groups 1, 5 and 6


def _seed(runner, schools=12, seed=SEED) -> dict:
    result = runner.invoke(args=["seed-demo", "--schools", str(schools), "--seed", str(seed),
                                 "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _schools(summary: dict) -> list[tuple[dict, School]]:
    found = []
    for cluster in summary["clusters"]:
        for entry in cluster["schools"]:
            found.append((entry, db.session.scalar(select(School).where(
                School.urn == entry["urn"]))))
    return found


def _fingerprint(summary: dict) -> dict:
    """Everything the hook chose, school by school."""
    prints = {}
    for entry, school in _schools(summary):
        profile = db.session.get(SchoolProfile, school.id)
        prints[entry["urn"]] = {
            "profile": (profile.visibility, profile.open_to_partnering, profile.capacity,
                        profile.barrier_notes),
            "groups": [(m.group_id, m.started_on, m.ended_on) for m in group_history(school.id)],
            "barriers": [(b.barrier_slug, b.since, b.overcome_on) for b in barriers_of(school.id)],
            "evaluations": [(e.year, e.term, e.status, {
                sid: (r.rating, r.evidence, r.sef_ref,
                      [(a.what, a.who, a.by_when) for a in r.actions])
                for sid, r in e.ratings.items()}) for e in history(school.id)],
            "offers": sorted(db.session.scalars(select(OfferOptIn.standard_id).where(
                OfferOptIn.school_id == school.id))),
        }
    return prints


def test_every_demo_school_has_a_profile_group_barriers_and_three_terms(runner):
    """Profile, current group, 2-5 barriers, two final terms and this term's draft, all rated,
    every 1 with evidence and every 3 or 4 with an action (so the draft can be finalised)."""
    summary = _seed(runner)
    standard_ids = all_standard_ids()
    assert len(standard_ids) == 32
    expected_terms = list(reversed(terms.recent_terms(3)))
    today = date.today()
    schools = _schools(summary)
    assert len(schools) >= 10
    shared = []  # how each 1 could be shared: said for about half of them
    for entry, school in schools:
        profile = db.session.get(SchoolProfile, school.id)
        assert profile is not None and profile.visibility in ("cluster", "network")
        assert 0 <= profile.capacity <= 3 and profile.barrier_notes
        group = current_group(school.id)
        assert group is not None and entry["priority_group"] == group.group.slug
        spells = group_history(school.id)
        assert spells[0].id == group.id and all(s.ended_on for s in spells[1:])
        assert all(s.ended_on <= group.started_on <= today for s in spells[1:])
        barriers = barriers_of(school.id)
        assert 2 <= len(barriers) <= 5
        for barrier in barriers:
            assert barrier.since <= today
            assert barrier.overcome_on is None or barrier.since < barrier.overcome_on <= today
        evaluations = history(school.id)
        assert [(e.year, e.term) for e in evaluations] == expected_terms
        assert [e.status for e in evaluations] == ["final", "final", "draft"]
        assert latest(school.id).status == "draft"
        for evaluation in evaluations:
            assert sorted(evaluation.ratings) == sorted(standard_ids)
            assert all(r.rating in (1, 2, 3, 4) for r in evaluation.ratings.values())
        for evaluation in evaluations:  # each could be finalised as the toolkit asks
            assert finalise_problems(evaluation) == {}, (school.urn, evaluation.label)
        shared += [r.share_how for e in evaluations for r in e.ratings.values()
                   if r.rating == 1]
        draft = evaluations[-1]
        acted = [r for r in draft.ratings.values() if r.actions]
        assert all(r.rating >= 3 for r in acted)
        assert bool(acted) == any(r.rating >= 3 for r in draft.ratings.values())
        assert all(a.what and a.who and a.by_when > today for r in acted for a in r.actions)
    assert 0.3 < sum(map(bool, shared)) / len(shared) < 0.7


def test_offers_are_opted_in_from_the_latest_final_term(runner):
    """Opt-ins name only standards rated 1 in the latest final term, and most of them."""
    summary = _seed(runner)
    rated_one = opted = 0
    for _, school in _schools(summary):
        final = latest(school.id, final=True)
        ones = {sid for sid, r in final.ratings.items() if r.rating == 1}
        chosen = set(db.session.scalars(select(OfferOptIn.standard_id).where(
            OfferOptIn.school_id == school.id)))
        assert chosen <= ones
        rated_one += len(ones)
        opted += len(chosen)
    assert rated_one and opted / rated_one > 0.6


def test_ratings_fit_the_priority_group_and_improve(runner):
    """Group 1 schools rate themselves worse than group 5 and 6 schools; drafts improve."""
    summary = _seed(runner)
    by_group: dict[int, list[float]] = {}
    first_terms, drafts = [], []
    for _, school in _schools(summary):
        evaluations = history(school.id)
        averages = [mean(r.rating for r in e.ratings.values()) for e in evaluations]
        by_group.setdefault(current_group(school.id).group_id, []).append(averages[-1])
        first_terms.append(averages[0])
        drafts.append(averages[-1])
    strong = by_group.get(5, []) + by_group.get(6, [])
    assert by_group.get(1) and strong, f"seed {SEED} no longer gives groups 1 and 5/6"
    assert min(by_group[1]) > max(strong)
    assert mean(by_group[1]) >= 3 and mean(strong) < 2.5
    assert mean(drafts) < mean(first_terms)


PLAUSIBLE = {"Inadequate": {1}, "Requires Improvement": {1, 2}, "Good": {3, 4, 5},
             "Outstanding": {5, 6}, None: {3, 4}}


def test_group_follows_the_ofsted_rating(runner):
    """Each school's group is a plausible one for its Ofsted rating."""
    summary = _seed(runner, schools=40, seed=3)
    seen = set()
    for _, school in _schools(summary):
        rating = db.session.get(RegisterSchool, school.urn).ofsted_rating
        assert current_group(school.id).group_id in PLAUSIBLE[rating], (school.urn, rating)
        seen.add(rating)
    assert {"Good", "Outstanding"} <= seen


def test_same_seed_gives_the_same_records(runner):
    """Rebuilding with the same seed gives the same JSON and the same toolkit records."""
    summary = _seed(runner)
    assert all("priority_group" in s for c in summary["clusters"] for s in c["schools"])
    before = _fingerprint(summary)
    db.session.commit()
    empty_tables()
    again = _seed(runner)
    assert without_ids(again) == without_ids(summary)
    assert _fingerprint(again) == before
