"""The crowd rule (network/services/crowd.py) and what the headteacher is shown before
publishing: every school is described by one public rule, each description hides its schools
among at least 10 outside any one cluster, and the review page says how the context will read,
why it was widened and when it cannot go to the network at all."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from network.services import contexts, records
from network.services.crowd import MIN_SHARING, Crowds, Member, fits_group, place
from tests.factories import build_world, case_body, csrf_token, data

PRIMARY_NW = ("Primary", "North West", "Medium (250 to 499)", "High (35% or more)")


def _members(spec: list[tuple[int, tuple]], start: int = 1) -> list[Member]:
    """Schools from (cluster, bands) pairs, numbered from `start`."""
    return [Member(n, cluster, bands, None) for n, (cluster, bands) in enumerate(spec, start)]


def test_exact_bands_are_kept_when_enough_schools_outside_any_cluster_share_them():
    population = _members([(c, PRIMARY_NW) for c in (1, 2, 3, 4) for _ in range(4)])
    placed = place(population)
    assert set(placed) == {m.school_id for m in population}
    first = placed[1]
    assert (first.phase, first.region, first.size, first.fsm) == PRIMARY_NW
    assert first.widened == () and first.sharing == 12  # 16 schools less one cluster's 4


def test_one_big_cluster_does_not_make_a_crowd():
    """Ten alike schools in one cluster and two elsewhere hide nobody: a reader in that
    cluster knows its schools, so only two are left to confuse."""
    population = _members([(1, PRIMARY_NW)] * 10 + [(2, PRIMARY_NW)] * 2)
    assert place(population) == {}


def test_widening_goes_region_then_meals_then_size_then_phase():
    other_region = (PRIMARY_NW[0], "London", *PRIMARY_NW[2:])
    other_meals = ("Primary", "London", PRIMARY_NW[2], "Low (under 10%)")
    other_size = ("Primary", "London", "Small (100 to 249)", "Low (under 10%)")
    secondary = ("Secondary", "London", "Small (100 to 249)", "Low (under 10%)")
    cases = [([other_region], ("region",)), ([other_meals], ("region", "fsm")),
             ([other_size], ("region", "fsm", "size")),
             ([secondary], ("region", "fsm", "size", "phase"))]
    for others, widened in cases:
        spec = [(c, PRIMARY_NW) for c in range(1, 7)]           # six alike, one per cluster
        spec += [(c, bands) for c in range(7, 13) for bands in others]
        placed = place(_members(spec))
        assert placed[1].widened == widened, (others, placed[1])
        assert placed[1].sharing >= MIN_SHARING


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["Primary", "Secondary"]),
                          st.sampled_from(["London", "North West", "South West"]),
                          st.sampled_from(["Small", "Large"]), st.sampled_from(["Low", "High"])),
                min_size=0, max_size=120))
def test_every_description_hides_each_of_its_schools_among_ten(rows):
    """Whatever the platform, the schools given one description (the crowd a reader who knows
    the rule would count) number at least 10 outside whichever cluster holds most of them; and
    a school's description never says more than its own bands."""
    population = _members([(row[0], tuple(row[1:])) for row in rows])
    placed = place(population)
    by_description: dict[tuple, list[Member]] = {}
    for member in population:
        found = placed.get(member.school_id)
        if found is None:
            continue
        key = (found.phase, found.region, found.size, found.fsm)
        by_description.setdefault(key, []).append(member)
        for shown, own in zip(key, member.bands, strict=True):
            assert shown in (own, "Any", "England")
    for group in by_description.values():
        biggest = max(sum(1 for m in group if m.cluster_id == c)
                      for c in {m.cluster_id for m in group})
        assert len(group) - biggest >= MIN_SHARING


def test_a_network_profile_without_the_group_leaves_the_crowd():
    shown = Member(1, 1, PRIMARY_NW, frozenset({2}))
    hidden = Member(2, 1, PRIMARY_NW, None)
    assert not fits_group(shown, 3) and fits_group(shown, 2) and fits_group(hidden, 3)
    assert fits_group(shown, None)


def test_placement_is_the_same_for_every_order_of_schools():
    spec = [(random.Random(n).randint(1, 5), PRIMARY_NW if n % 3 else
             ("Primary", "London", "Small (100 to 249)", "Low (under 10%)")) for n in range(60)]
    members = _members(spec)
    shuffled = members[:]
    random.Random(4).shuffle(shuffled)
    assert place(members) == place(shuffled)


# --- What the headteacher sees ---------------------------------------------------------------

def _review(app, login, world, record):
    browser = login(world.head, as_client=app.test_client())
    return browser, browser.get(f"/records/{record.id}/review").get_data(as_text=True)


def test_the_review_page_shows_the_context_as_it_will_read_and_the_crowd(app, login, make_user,
                                                                          crowd):
    world = build_world(make_user)
    record = records.create(world.author, "case_study", data("Tracking", case_body()))
    records.submit(world.author, record.id)
    preview = contexts.preview_of(record)
    assert preview is not None and preview["sharing"] >= MIN_SHARING
    _, page = _review(app, login, world, record)
    assert "How your school will be described" in page
    assert f"<strong>{preview['sharing']} schools</strong> on the platform" in page
    if "region" in preview["widened"]:
        assert "the region is shown as England" in page
    published = records.publish(world.head, record.id, record.version, "network")
    stored = published.published_context
    assert {k: stored[k] for k in ("phase", "region", "size", "fsm")} == \
        {k: preview[k] for k in ("phase", "region", "size", "fsm")}
    reader = login(world.reader, as_client=app.test_client())
    page = reader.get(f"/records/{record.id}/published").get_data(as_text=True)
    assert "At least 10 schools on the platform, outside any one cluster" in page
    assert world.entry.la_name not in page


def test_too_small_a_crowd_is_refused_in_plain_words_and_the_cluster_stays_open(app, login,
                                                                                 make_user):
    world = build_world(make_user)  # two clusters of two: nobody can hide
    record = records.create(world.author, "case_study", data("Tracking", case_body()))
    records.submit(world.author, record.id)
    browser, page = _review(app, login, world, record)
    assert "Too few schools on the platform are like yours" in page
    answer = browser.post(f"/records/{record.id}/publish", data={
        "csrf_token": csrf_token(browser, f"/records/{record.id}/review"),
        "version": record.version, "audience": "network"})
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "govuk-error-summary" in text and "Publish it to your" in text
    assert records.publish(world.head, record.id, record.version, "cluster").is_live


def test_an_author_whose_profile_lacks_the_group_takes_the_description_of_its_bands():
    """A reader rules such an author out by its group history anyway; it is described as the
    first description of its own bands that hides enough schools of that group."""
    others = [Member(n, n, PRIMARY_NW, None) for n in range(2, 14)]   # 12 clusters, alike
    author = Member(1, 1, PRIMARY_NW, frozenset({1}))
    crowds = Crowds([author, *others])
    found = crowds.placement(1, 3)
    assert found is not None and found.widened == () and found.sharing >= MIN_SHARING
    assert crowds.placement(1, 1) == crowds.placement(2, 1)
