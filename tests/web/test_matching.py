"""Partner matching: pure scoring, the planted network, access to the page and the API."""

from datetime import date

from network.domain.matching import (
    CLOSED,
    NO_CAPACITY,
    SAME_HEAD,
    Candidate,
    Seeker,
    rank_naive,
)
from network.domain.matching_fast import Pool, rank
from tests.factories import api_token

STRONG_AD = ("Strong in CE2.A Tracking steers improvement and CE2.D Each child tracked "
             "to their year-end goal")  # CE2.A and CE2.D, named

# --- Pure scoring (more in tests/unit/test_matching_ranking.py) -----------------------------

TODAY = date(2026, 12, 7)
SEEKER = Seeker(school_id=1, name="Seeker", needs={"CE2.A": 4, "CE2.D": 3, "CE3.C": 3},
                barriers=frozenset({"tracking-inconsistent", "low-maths"}), group_id=1,
                group_name="Raise attainment", phase="Primary", size_band="Small",
                fsm_band="High", region="North West", headteacher_ids=frozenset({100}))


def _candidate(school_id, **given):
    values = dict(name=f"School {school_id}", phase="Primary", size_band="Small",
                  fsm_band="High", region="North West", offers=frozenset({"CE2.A", "CE2.D"}),
                  overcome=frozenset({"tracking-inconsistent"}),
                  left=frozenset({(1, date(2024, 7, 1))}), group_id=5,
                  group_name="Good to great", spare_capacity=2, grade="Good",
                  headteacher_ids=frozenset({school_id + 1000}))
    values.update(given)
    return Candidate(school_id=school_id, **values)


def test_the_right_partner_ranks_first_with_checkable_reasons():
    right = _candidate(2, name="Right")
    elsewhere = _candidate(3, offers=frozenset({"CE1.A", "CE5.B"}), overcome=frozenset())
    other_phase = _candidate(4, phase="Secondary")
    matches, excluded = rank(SEEKER, [other_phase, elsewhere, right], {}, {}, 10,
                             {"tracking-inconsistent": "Pupil progress not tracked"},
                             today=TODAY)
    assert [m.school_id for m in matches] == [2, 3]
    assert matches[0].reasons[:3] == [
        "Strong in CE2.A and CE2.D, where you rate 4 and 3",
        "Says it has overcome pupil progress not tracked",
        "Moved from Raise attainment to Good to great in July 2024"]
    assert "In the same region (North West)" in matches[0].reasons
    assert "Similar size for its phase and intake (pupils eligible for free school meals)" \
        in matches[0].reasons
    assert excluded == []
    matches, _ = rank(SEEKER, [other_phase, elsewhere, right], today=TODAY, any_phase=True)
    assert [m.school_id for m in matches] == [2, 4, 3]


def test_exclusions_carry_their_reasons_and_the_school_itself_is_silent():
    me = _candidate(1)
    same_head = _candidate(5, headteacher_ids=frozenset({100}))
    closed = _candidate(6, open_to_partnering=False)
    full = _candidate(7, spare_capacity=0)
    declined = _candidate(8)
    irrelevant_closed = _candidate(9, open_to_partnering=False, offers=frozenset(),
                                   overcome=frozenset(), left=frozenset())
    matches, excluded = rank(SEEKER, [me, same_head, closed, full, declined, irrelevant_closed],
                             {}, {8: "declined pairing"}, today=TODAY)
    assert matches == []
    assert excluded == [(5, "School 5", SAME_HEAD), (8, "School 8", "declined pairing"),
                        (6, "School 6", CLOSED), (7, "School 7", NO_CAPACITY)]


def test_rarer_barriers_weigh_more():
    common = _candidate(2, offers=frozenset(), left=frozenset(),
                        overcome=frozenset({"tracking-inconsistent"}))
    rare = _candidate(3, offers=frozenset(), left=frozenset(),
                      overcome=frozenset({"low-maths"}))
    matches, _ = rank(SEEKER, [common, rare], {"low-maths": 1.0, "tracking-inconsistent": 0.0},
                      today=TODAY)
    assert [m.school_id for m in matches] == [3, 2]
    assert matches[0].score > matches[1].score


def test_limit_and_a_reused_pool():
    pool = Pool(_candidate(i) for i in range(2, 40))
    matches, _ = rank(SEEKER, pool, limit=5, today=TODAY)
    assert [m.school_id for m in matches] == [2, 3, 4, 5, 6]  # ties: lower id first


def test_fast_ranking_agrees_with_the_naive_loop():
    import random

    rng = random.Random(7)
    standards = [f"CE{e}.{x}" for e in range(1, 7) for x in "ABCDE"]
    barriers = [f"b{n}" for n in range(25)]

    def some(items, p):
        return frozenset(i for i in items if rng.random() < p)

    pool = [Candidate(n, f"S{n}", rng.choice(["Primary", "Secondary", "All-through"]),
                      rng.choice("abc"), rng.choice("xyz"), rng.choice("NSEW"),
                      rng.randint(1, 6), some(standards, 0.15), some(barriers, 0.1),
                      frozenset((g, date(rng.randint(2019, 2026), rng.randint(1, 12), 1))
                                for g in some(range(1, 7), 0.2)),
                      rng.random() < 0.8, rng.randint(0, 3),
                      frozenset({rng.randint(1, 400)}),
                      grade=rng.choice(["Good", "Outstanding", "Inadequate", None]),
                      la_name=rng.choice(["Leeds", "Camden"]), lle=rng.random() < 0.2)
            for n in range(1500)]
    rarity = {b: rng.random() for b in barriers}
    for _ in range(30):
        me = rng.choice(pool)
        seeker = Seeker(me.school_id, needs={s: rng.choice((3, 4)) for s in some(standards, .2)},
                        barriers=some(barriers, 0.2), group_id=rng.randint(1, 6),
                        phase=me.phase, size_band=me.size_band, fsm_band=me.fsm_band,
                        region=me.region, headteacher_ids=me.headteacher_ids,
                        la_name=me.la_name)
        exclude = {rng.choice(pool).school_id: "already partnered"}
        assert rank(seeker, pool, rarity, exclude, today=TODAY) == \
            rank_naive(seeker, pool, rarity, exclude, today=TODAY)


# --- The planted network (tests.factories.plant_network) --------------------------------------


def test_planted_network_right_partner_first(network):
    from network.services.matching import matches_for

    found = matches_for(network.head, network.seeker.id)
    ids = [m.school_id for m in found.matches]
    assert ids[0] == network.right.id
    assert found.matches[0].reasons[0] == STRONG_AD + ", where you rate 4 and 3"
    assert found.matches[0].reasons[1].startswith("Overcame pupil progress not tracked")
    assert found.matches[0].reasons[1].endswith("(recorded as faced from September 2021 to "
                                                "July 2023)")
    assert "Moved from Raise attainment to Good to great in September 2023" in \
        found.matches[0].reasons
    assert network.other_phase.id not in ids  # a secondary, for a primary
    assert ids.index(network.elsewhere.id) > ids.index(network.right.id)
    anywhere = matches_for(network.head, network.seeker.id, filters={"phase": "any"})
    assert network.other_phase.id in [m.school_id for m in anywhere.matches]
    assert network.same_head.id not in ids and network.closed.id not in ids
    assert network.hidden.id not in ids
    reasons = {sid: reason for sid, _, reason in found.excluded}
    assert reasons == {network.same_head.id: SAME_HEAD, network.closed.id: CLOSED}


def test_partner_page_for_leaders(network, client, login):
    login(network.head)
    page = client.get(f"/schools/{network.seeker.id}/partners")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert network.right.name in body and network.other_phase.name not in body
    assert "Score" not in body
    assert STRONG_AD + ", where you rate 4 and 3" in body
    anywhere = client.get(f"/schools/{network.seeker.id}/partners?phase=any")
    text = anywhere.get_data(as_text=True)
    assert text.index(network.right.name) < text.index(network.other_phase.name)
    assert '<option value="any" selected>Any phase</option>' in text
    assert f'href="/schools/{network.right.id}"' in body
    assert network.hidden.name not in body
    assert f"{network.same_head.name}: {SAME_HEAD}" in body
    secondary = client.get(f"/schools/{network.seeker.id}/partners?phase=Secondary")
    text = secondary.get_data(as_text=True)
    assert network.other_phase.name in text and network.right.name not in text
    focused = client.get(f"/schools/{network.seeker.id}/partners?standard=CE1.A")
    assert network.elsewhere.name in focused.get_data(as_text=True)
    assert network.right.name not in focused.get_data(as_text=True)
    profile = client.get(f"/schools/{network.seeker.id}").get_data(as_text=True)
    assert "Find partner schools" in profile


def test_partner_page_access(network, client, login, app):
    url = f"/schools/{network.seeker.id}/partners"
    login(network.senior)
    assert client.get(url).status_code == 200
    member = app.test_client()
    login(network.member, as_client=member)
    assert member.get(url).status_code == 403
    assert "Find partner schools" not in member.get(
        f"/schools/{network.seeker.id}").get_data(as_text=True)
    outsider = app.test_client()
    login(network.away_head, as_client=outsider)
    assert outsider.get(url).status_code == 404


def test_no_final_evaluation_asks_for_one(app, client, login, make_cluster, make_user):
    cluster = make_cluster(schools=1)
    head = make_user(cluster.schools[0], "headteacher")
    login(head)
    body = client.get(f"/schools/{cluster.schools[0].id}/partners").get_data(as_text=True)
    assert "Finalise a self-evaluation first" in body


def _api(client, person, urn, query=""):
    token = api_token(person)
    return client.get(f"/api/v1/schools/{urn}/matches{query}",
                      headers={"Authorization": f"Bearer {token}"})


def test_api_matches(network, client):
    answer = _api(client, network.head, network.seeker.urn, "?limit=2")
    assert answer.status_code == 200
    matches = answer.json["matches"]
    assert len(matches) == 2
    assert matches[0]["urn"] == network.right.urn and matches[0]["name"] == network.right.name
    assert matches[0]["reasons"][0] == STRONG_AD + ", where you rate 4 and 3"
    assert isinstance(matches[0]["score"], int)
    assert network.hidden.urn not in answer.get_data(as_text=True)
    assert _api(client, network.senior, network.seeker.urn).status_code == 200


def test_api_matches_refusals(network, client):
    urn = network.seeker.urn
    assert _api(client, network.member, urn).status_code == 404
    assert _api(client, network.away_head, urn).status_code == 404
    assert _api(client, network.head, "999999").status_code == 404
    for bad in ("0", "51", "ten", "-1"):
        answer = _api(client, network.head, urn, f"?limit={bad}")
        assert answer.status_code == 400 and "error" in answer.json
