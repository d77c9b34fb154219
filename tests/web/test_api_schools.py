"""The schools API: a profile as the caller may see it, and the latest self-evaluation."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import (
    GroupMembership,
    OfferOptIn,
    Rating,
    RatingAction,
    SchoolBarrier,
    SchoolProfile,
    SelfEvaluation,
)
from network.domain import terms
from network.extensions import db
from network.services.evaluations import all_standard_ids
from tests.factories import api_token

PUBLIC_KEYS = {"name", "local_authority", "phase", "priority_group", "offers"}
FINAL = {"CE2.A": 1, "CE2.B": 1, "CE3.A": 4, "CE5.C": 3}
DRAFT = {"CE2.A": 1, "CE3.A": 3, "CE5.C": 2}


def _give_records(school, visibility="cluster"):
    """A profile, two group spells, two barriers, last term final, this term a draft and
    one of the two offers shared."""
    today = date.today()
    (year, term), (last_year, last_term) = terms.recent_terms(2)
    final = SelfEvaluation(school_id=school.id, year=last_year, term=last_term, status="final")
    draft = db.session.scalar(select(SelfEvaluation).where(  # two_clusters may have made it
        SelfEvaluation.school_id == school.id, SelfEvaluation.year == year,
        SelfEvaluation.term == term)) or SelfEvaluation(school_id=school.id, year=year,
                                                        term=term, status="draft")
    for evaluation, chosen in ((final, FINAL), (draft, DRAFT)):
        for sid in all_standard_ids():
            rating = evaluation.ratings.get(sid) or Rating(standard_id=sid)
            rating.rating, rating.evidence = chosen.get(sid, 2), f"Evidence for {sid}"
            rating.sef_ref = "SEF 1.1"
            evaluation.ratings[sid] = rating
    draft.ratings["CE3.A"].actions = [RatingAction(
        position=0, what="Add termly milestones", who="Deputy headteacher",
        by_when=today + timedelta(days=60))]
    db.session.add_all([
        SchoolProfile(school_id=school.id, visibility=visibility, open_to_partnering=True,
                      capacity=2, barrier_notes="Maths results lag behind."),
        GroupMembership(school_id=school.id, group_id=1, started_on=date(2020, 9, 1),
                        ended_on=date(2022, 9, 1)),
        GroupMembership(school_id=school.id, group_id=2, started_on=date(2022, 9, 1)),
        SchoolBarrier(school_id=school.id, barrier_slug="low-maths", since=date(2021, 9, 1)),
        SchoolBarrier(school_id=school.id, barrier_slug="behaviour", since=date(2020, 9, 1),
                      overcome_on=date(2023, 1, 1)),
        final, draft,
        OfferOptIn(school_id=school.id, standard_id="CE2.A"),
    ])
    db.session.commit()


def _get(client, person, path):
    token = api_token(person)
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def world(two_clusters):
    """Cluster A's school (where A's head, leaders and member work) with full records."""
    _give_records(two_clusters.A.school)
    return two_clusters


def test_a_member_of_the_school_sees_the_full_profile_with_exact_figures(client, world):
    """Everything, including needs, barriers, history and the school's exact figures."""
    school = world.A.school
    answer = _get(client, world.A.people["member"], f"/api/v1/schools/{school.urn}")
    assert answer.status_code == 200
    body = answer.json
    assert body["urn"] == school.urn and body["name"] == school.name
    assert body["priority_group"] == {"slug": "build-on-improvement",
                                      "name": "Build on improvement"}
    assert [g["slug"] for g in body["group_history"]] == ["build-on-improvement",
                                                          "raise-attainment"]
    assert body["group_history"][1]["ended_on"] == "2022-09-01"
    assert [b["slug"] for b in body["barriers"]["facing"]] == ["low-maths"]
    assert [b["slug"] for b in body["barriers"]["overcome"]] == ["behaviour"]
    assert body["barriers"]["overcome"][0]["overcome_on"] == "2023-01-01"
    assert body["offers"] == ["CE2.A", "CE2.B"] and body["offers_shared"] == ["CE2.A"]
    assert body["needs"] == ["CE3.A", "CE5.C"]
    assert body["open_to_partnering"] is True and body["capacity"] == 2
    assert body["visibility"] == "cluster"
    assert set(body["context"]) == {"phase", "size", "fsm", "region"}
    entry = school.register_entry
    assert body["figures"]["number_on_roll"] == entry.number_on_roll


def test_others_in_the_cluster_see_the_full_profile_but_only_bands(client, world):
    """The coordinator (another school) sees needs and bands, never the exact figures."""
    answer = _get(client, world.A.people["coordinator"], f"/api/v1/schools/{world.A.school.urn}")
    assert answer.status_code == 200
    assert answer.json["needs"] == ["CE3.A", "CE5.C"]
    assert "context" in answer.json and "figures" not in answer.json


@pytest.mark.parametrize("role", ["member", "headteacher", "coordinator", "lle", "site_admin"])
def test_another_cluster_cannot_find_a_cluster_only_profile(client, world, role):
    """A profile the school keeps to its cluster is 'not found' from cluster B."""
    answer = _get(client, world.B.people[role], f"/api/v1/schools/{world.A.school.urn}")
    assert answer.status_code == 404 and answer.json == {"error": "Page not found"}


def test_another_cluster_sees_only_the_public_part_of_a_network_profile(client, world):
    """Name, authority, phase, group and shared offers: no needs, barriers, figures or URN."""
    school = world.A.school
    db.session.get(SchoolProfile, school.id).visibility = "network"
    db.session.commit()
    answer = _get(client, world.B.people["member"], f"/api/v1/schools/{school.urn}")
    assert answer.status_code == 200
    body = answer.json
    assert set(body) == PUBLIC_KEYS
    assert body["name"] == school.name
    assert body["local_authority"] == school.register_entry.la_name
    assert body["priority_group"]["slug"] == "build-on-improvement"
    assert body["offers"] == ["CE2.A"]  # CE2.B is rated 1 but not shared
    text = answer.get_data(as_text=True)
    for secret in ("CE3.A", "low-maths", "behaviour", "Maths results lag", world.A.cluster.name):
        assert secret not in text
    outsider = _get(client, world.A.outsider, f"/api/v1/schools/{school.urn}")
    assert outsider.status_code == 200 and set(outsider.json) == PUBLIC_KEYS


def test_a_school_without_records_still_has_a_profile_in_its_cluster(client, world):
    """A school that has filled in nothing answers with an empty profile, not an error."""
    other = world.A.cluster.schools[0]
    answer = _get(client, world.A.people["member"], f"/api/v1/schools/{other.urn}")
    assert answer.status_code == 200
    assert answer.json["priority_group"] is None and answer.json["needs"] == []
    assert "figures" not in answer.json
    assert _get(client, world.B.people["member"],
                f"/api/v1/schools/{other.urn}").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/schools/{urn}",
                                  "/api/v1/schools/{urn}/self-evaluations/latest"])
def test_unknown_schools_are_not_found_and_tokens_are_required(client, world, path):
    """An unknown URN is a JSON 404; no token is a JSON 401."""
    member = world.A.people["member"]
    missing = _get(client, member, path.format(urn="999999"))
    assert missing.status_code == 404 and "error" in missing.json
    anonymous = client.get(path.format(urn=world.A.school.urn))
    assert anonymous.status_code == 401 and "error" in anonymous.json
    bad = client.get(path.format(urn=world.A.school.urn),
                     headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


@pytest.mark.parametrize(("side", "role", "allowed"), [
    ("A", "headteacher", True), ("A", "senior_leader", True), ("A", "leading_teacher", True),
    ("A", "member", True), ("A", "coordinator", True),
    ("A", "lle", False), ("A", "site_admin", False),  # same cluster, another school
    *(("B", role, False) for role in ("headteacher", "senior_leader", "leading_teacher",
                                       "member", "coordinator", "lle", "site_admin")),
])
def test_latest_evaluation_is_for_the_school_and_its_coordinators(client, world, side, role,
                                                                 allowed):
    """The school's own people and its cluster's coordinators read it; others get 404."""
    answer = _get(client, getattr(world, side).people[role],
                  f"/api/v1/schools/{world.A.school.urn}/self-evaluations/latest")
    assert answer.status_code == (200 if allowed else 404)
    if not allowed:
        assert answer.json == {"error": "Page not found"}


def test_latest_evaluation_carries_ratings_evidence_and_actions(client, world):
    """This term's draft, every standard with its rating, evidence, SEF reference and actions."""
    school = world.A.school
    answer = _get(client, world.A.people["member"],
                  f"/api/v1/schools/{school.urn}/self-evaluations/latest").json
    year, term = terms.current_term()
    assert answer["school_urn"] == school.urn
    assert (answer["year"], answer["term"], answer["status"]) == (year, term, "draft")
    assert sorted(answer["ratings"]) == sorted(all_standard_ids())
    need = answer["ratings"]["CE3.A"]
    assert need["rating"] == 3 and need["evidence"] == "Evidence for CE3.A"
    assert need["sef_ref"] == "SEF 1.1"
    assert need["actions"] == [{"what": "Add termly milestones", "who": "Deputy headteacher",
                                "by_when": (date.today() + timedelta(days=60)).isoformat()}]
    assert answer["ratings"]["CE2.A"] == {"rating": 1, "evidence": "Evidence for CE2.A",
                                          "sef_ref": "SEF 1.1", "actions": []}


def test_latest_evaluation_is_not_found_when_there_is_none(client, two_clusters):
    """A school that has never evaluated answers 404, even to its own head (who coordinates)."""
    school = two_clusters.A.cluster.schools[0]
    assert two_clusters.A.people["coordinator"].school_id == school.id
    answer = _get(client, two_clusters.A.people["coordinator"],
                  f"/api/v1/schools/{school.urn}/self-evaluations/latest")
    assert answer.status_code == 404 and "error" in answer.json
