"""Print views of a school's own work (a self-evaluation, its profile, a partnership's impact
review) and every term's self-evaluation as CSV: what governors get on paper, and who may
have it (another cluster's people always get 404)."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from models import (
    AuditEvent,
    GroupMembership,
    Partnership,
    RatingAction,
    SchoolBarrier,
    SchoolProfile,
)
from network.domain import terms
from network.extensions import db
from tests.factories import ROLES

# role -> may read the school's evaluations (its own people and the cluster's coordinators)
READS = {"headteacher": True, "senior_leader": True, "leading_teacher": True, "member": True,
         "coordinator": True, "lle": False, "site_admin": False, "la_adviser": False,
         "trust_lead": False, "governor": False}
FULL_PROFILE = {role: role in ("headteacher", "senior_leader", "leading_teacher", "member",
                               "coordinator", "lle", "site_admin") for role in ROLES}


def _page(client, url) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def two_terms(two_clusters, make_evaluation):
    """A's school: last term final (CE2.A rated 3, CE3.A 1), this term's draft (CE2.A 1,
    CE3.A 2) with evidence and an action on CE2.A."""
    world = two_clusters.A
    year, term = terms.recent_terms(2)[1]
    make_evaluation(world.school, ratings={"CE2.A": 3, "CE3.A": 1, "CE1.A": 2}, status="final",
                    year=year, term=term)
    now = world.evaluation
    now.ratings["CE2.A"].rating, now.ratings["CE3.A"].rating = 1, 3
    now.ratings["CE2.A"].evidence = "Every class now tracks progress the same way."
    now.ratings["CE2.A"].sef_ref = "SEF 2.1"
    now.ratings["CE2.A"].share_how = "Our tracking sheet and a visit to a pupil progress meeting."
    now.ratings["CE2.A"].actions = [RatingAction(position=0, what="Moderate writing termly",
                                                 who="Phase leader", by_when=date(2027, 3, 26))]
    db.session.commit()
    return two_clusters


def test_the_print_view_shows_every_standard_what_changed_and_the_heat_map(
        client, login, two_terms):
    """A head prints the term: every element and standard with rating, evidence and actions,
    the standards that moved since last term (which way), and the heat map across terms."""
    world = two_terms.A
    login(world.people["headteacher"])
    status, page = _page(client, f"/evaluations/{world.evaluation.id}/print")
    assert status == 200
    assert "What changed since the previous term" in page
    assert "CE2.A Tracking steers improvement" in page
    changed = page.split('id="changed"')[1].split('id="across-terms"')[0]
    assert "Stronger" in changed and "Weaker" in changed  # CE2.A 3 to 1, CE3.A 1 to 3
    assert "CE1.A" not in changed  # rated 2 in both terms
    for code in ("CE1", "CE2", "CE3", "CE4", "CE5", "CE6"):
        assert f'id="element-{code}"' in page
    assert "Every class now tracks progress the same way." in page
    assert "Moderate writing termly, Phase leader, by 26 March 2027" in page
    assert "SEF reference SEF 2.1" in page
    assert "How it could be shared: Our tracking sheet and a visit to a pupil progress" in page
    assert "<svg" in page and "in each term up to" in page
    assert "Print this self-evaluation" in page
    assert re.search(r"Printed from the Improvement Network on \d{1,2} [A-Z][a-z]+ \d{4}\.", page)
    assert f'href="/evaluations/{world.evaluation.id}"' in page  # back to the evaluation


def test_a_first_evaluation_says_there_is_nothing_to_compare(client, login, two_clusters):
    login(two_clusters.A.people["headteacher"])
    _, page = _page(client, f"/evaluations/{two_clusters.A.evaluation.id}/print")
    assert "first self-evaluation, so there is nothing to compare" in page


@pytest.mark.parametrize("role", ROLES)
def test_who_may_print_and_download_the_evaluations(client, login, two_clusters, role):
    """Those who may read the evaluation page may print it, and those who may read the
    school's list of terms may download them: the others are refused as those pages refuse
    them (in the cluster, the school's terms are 403); another cluster's are 404 to all."""
    a, b = two_clusters.A, two_clusters.B
    login(a.people[role])
    in_cluster = a.people[role].cluster_id == a.cluster.id
    assert client.get(f"/evaluations/{a.evaluation.id}/print").status_code == \
        client.get(f"/evaluations/{a.evaluation.id}").status_code == (200 if READS[role] else 404)
    assert client.get(f"/schools/{a.school.id}/evaluations.csv").status_code == \
        client.get(f"/schools/{a.school.id}/evaluations").status_code == \
        (200 if READS[role] else 403 if in_cluster else 404)
    assert client.get(f"/evaluations/{b.evaluation.id}/print").status_code == 404
    assert client.get(f"/schools/{b.school.id}/evaluations.csv").status_code == 404


def _csv(client, school_id) -> list[list[str]]:
    response = client.get(f"/schools/{school_id}/evaluations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_has_a_row_per_standard_for_every_term(client, login, two_terms):
    """Oldest term first, one row per standard: element, code and name, rating, evidence,
    actions as text and whether the term is final; the download is audited."""
    world = two_terms.A
    login(world.people["senior_leader"])
    rows = _csv(client, world.school.id)
    header, body = rows[0], rows[1:]
    assert header == ["Term", "Core element", "Standard", "Standard name", "Rating", "Evidence",
                      "How it could be shared", "SEF reference", "Actions", "Finalised"]
    standards = len(world.evaluation.ratings)
    assert len(body) == 2 * standards
    last_term, this_term = body[:standards], body[standards:]
    assert {r[0] for r in this_term} == {world.evaluation.label}
    assert {r[9] for r in last_term} == {"Yes"} and {r[9] for r in this_term} == {"No"}
    tracking = next(r for r in this_term if r[2] == "CE2.A")
    assert tracking[1].startswith("CE2 ") and tracking[3] == "Tracking steers improvement"
    assert tracking[4:9] == ["1", "Every class now tracks progress the same way.",
                             "Our tracking sheet and a visit to a pupil progress meeting.",
                             "SEF 2.1", "Moderate writing termly (Phase leader, by 2027-03-26)"]
    assert next(r for r in last_term if r[2] == "CE2.A")[4] == "3"
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "evaluations exported")) is not None


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, login, two_clusters):
    """Evidence typed as =, +, - or @ arrives as text, with a leading apostrophe."""
    world = two_clusters.A
    ratings = list(world.evaluation.ratings.values())
    for rating, text in zip(ratings, ("=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)"),
                            strict=False):
        rating.evidence = text
    db.session.commit()
    login(world.people["headteacher"])
    evidence = [r[5] for r in _csv(client, world.school.id)[1:] if r[5]]
    assert sorted(evidence) == sorted(["'=HYPERLINK(\"http://x\")", "'+1+2", "'-3", "'@SUM(A1)"])


def test_the_evaluation_page_links_to_print_and_csv(client, login, two_clusters):
    world = two_clusters.A
    login(world.people["member"])
    _, page = _page(client, f"/evaluations/{world.evaluation.id}")
    assert f'href="/evaluations/{world.evaluation.id}/print">Print this self-evaluation' in page
    assert f'href="/schools/{world.school.id}/evaluations.csv"' in page


@pytest.fixture
def profiled(two_clusters, make_evaluation):
    """A's school (and B's) with a profile shared with the network; A's with a group
    history, a barrier faced and one overcome, and a final evaluation with a strength and a
    need."""
    school = two_clusters.A.school
    for shared in (school, two_clusters.B.school):
        db.session.add(SchoolProfile(school_id=shared.id, visibility="network", version=1,
                                     open_to_partnering=True, capacity=2,
                                     barrier_notes="Staff turnover slowed the plan."))
    db.session.add_all([
        GroupMembership(school_id=school.id, group_id=2, started_on=date(2021, 9, 1),
                        ended_on=date(2024, 9, 1)),
        GroupMembership(school_id=school.id, group_id=5, started_on=date(2024, 9, 1)),
        SchoolBarrier(school_id=school.id, barrier_slug="low-maths", since=date(2022, 9, 1)),
        SchoolBarrier(school_id=school.id, barrier_slug="tracking-inconsistent",
                      since=date(2021, 9, 1), overcome_on=date(2024, 7, 1))])
    year, term = terms.recent_terms(2)[1]
    make_evaluation(school, ratings={"CE5.A": 1, "CE2.A": 4}, status="final", year=year,
                    term=term)
    db.session.commit()
    return two_clusters


def test_the_profile_prints_group_history_barriers_strengths_and_needs(
        client, login, profiled):
    world = profiled.A
    login(world.people["headteacher"])
    status, page = _page(client, f"/schools/{world.school.id}/profile/print")
    assert status == 200
    history = page.split('id="groups"')[1].split('id="barriers"')[0]
    assert history.count("<li>") == 2 and "to now" in history
    barriers = page.split('id="barriers"')[1].split('id="strengths"')[0]
    assert "Facing now" in barriers and "Overcome" in barriers and "1 July 2024" in barriers
    assert "Staff turnover slowed the plan." in barriers
    assert "CE5.A" in page.split('id="strengths"')[1].split('id="needs"')[0]
    assert "CE2.A" in page.split('id="needs"')[1]
    assert "Print this profile" in page


@pytest.mark.parametrize("role", ROLES)
def test_only_the_cluster_prints_a_profile(client, login, profiled, role):
    """The full profile prints for the school's cluster; a shared profile is still 404 in
    print to everyone else (they see only its shared part on screen)."""
    a, b = profiled.A, profiled.B
    login(a.people[role])
    assert client.get(f"/schools/{a.school.id}/profile/print").status_code == \
        (200 if FULL_PROFILE[role] else 404)
    assert client.get(f"/schools/{b.school.id}/profile/print").status_code == 404
    status, shown = _page(client, f"/schools/{b.school.id}")
    assert status == 200 and "Print profile" not in shown


def test_the_profile_page_links_to_its_print_view(client, login, two_clusters):
    world = two_clusters.A
    login(world.people["leading_teacher"])
    _, page = _page(client, f"/schools/{world.school.id}")
    assert f'href="/schools/{world.school.id}/profile/print">Print profile' in page


def test_the_impact_review_prints_ratings_outcomes_and_milestones(app, client, login,
                                                                 two_clusters):
    """The partnership's head sees focus standards before and after, pupils' outcomes and
    the milestones; a governor following it gets the same without the outcomes."""
    world = two_clusters.A
    url = f"/partnerships/{world.partnership.id}/impact-review/print"
    login(world.people["headteacher"])
    status, page = _page(client, url)
    assert status == 200
    assert "Focus standards before and after" in page and "CE2.A" in page
    assert world.measure.name in page
    assert "First visit" in page
    assert "Print the impact review" in page
    assert re.search(r"Printed from the Improvement Network on \d{1,2} [A-Z][a-z]+ \d{4}\.", page)
    governor = login(world.people["governor"], as_client=app.test_client())
    status, page = _page(governor, url)
    assert status == 200 and "First visit" in page
    assert world.measure.name not in page and "Outcomes for pupils" not in page


def test_a_closed_partnership_prints_the_review_it_closed_with(client, login, two_clusters):
    world = two_clusters.A
    partnership = db.session.get(Partnership, world.partnership.id)
    partnership.status = "closed"
    partnership.review = {"summary": "Tracking is now consistent in every class.",
                          "schools": {side: {"before": "Spring 2025/26", "after": None,
                                             "rows": [{"standard": "CE2.A", "before": 3,
                                                       "after": None, "change": None}],
                                             "awaits": None}
                                      for side in ("supported", "supporting")},
                          "reason": "", "agreed": {}}
    db.session.commit()
    login(world.people["senior_leader"])
    _, page = _page(client, f"/partnerships/{world.partnership.id}/impact-review/print")
    assert "Tracking is now consistent in every class." in page
    assert "Spring 2025/26" in page
    _, closed = _page(client, f"/partnerships/{world.partnership.id}")  # where it is found
    assert f'href="/partnerships/{world.partnership.id}/impact-review/print"' in closed


@pytest.mark.parametrize("role", ROLES)
def test_another_clusters_impact_review_is_not_found(client, login, two_clusters, role):
    login(two_clusters.A.people[role])
    url = f"/partnerships/{two_clusters.B.partnership.id}/impact-review/print"
    assert client.get(url).status_code == 404


def test_the_review_page_links_to_its_print_view(client, login, two_clusters):
    world = two_clusters.A
    login(world.people["headteacher"])
    _, page = _page(client, f"/partnerships/{world.partnership.id}/review")
    assert f'href="/partnerships/{world.partnership.id}/impact-review/print"' in page


def test_only_the_schools_own_people_see_its_exact_pupil_numbers_in_print(
        app, client, login, two_clusters):
    """Like the profile page: bands for the cluster, exact numbers for the school's people."""
    world = two_clusters.A
    world.school.register_entry.number_on_roll = 214
    db.session.commit()
    url = f"/schools/{world.school.id}/profile/print"
    login(world.people["member"])
    _, own = _page(client, url)
    assert "214 pupils on roll" in own and "Local authority" in own
    coordinator = login(world.people["coordinator"], as_client=app.test_client())
    _, other = _page(coordinator, url)
    assert "Size" in other and "214 pupils" not in other
