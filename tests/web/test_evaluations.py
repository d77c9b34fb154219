"""Termly self-evaluations: who may do what, bad input, conflicts, offers and needs."""

import re
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from models import RatingAction, SelfEvaluation
from network.access import can
from network.domain import terms
from network.extensions import db
from network.web.templating import standard_name
from tests.factories import ROLES, csrf_token

# role -> (may read the evaluation, may edit it, may finalise it), for the school's own
# evaluation; "coordinator" and "lle" work at the cluster's other school in two_clusters.
TRUTH = {
    "headteacher": (True, True, True),
    "senior_leader": (True, True, False),
    "leading_teacher": (True, False, False),
    "member": (True, False, False),
    "coordinator": (True, False, False),
    "lle": (False, False, False),
    "site_admin": (False, False, False),
    "la_adviser": (False, False, False),
    "trust_lead": (False, False, False),
    "governor": (False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_edit_and_finalise(two_clusters, role):
    """The school's leaders edit; its head finalises; its people and coordinators read."""
    person, evaluation = two_clusters.A.people[role], two_clusters.A.evaluation
    read, edit, finalise = TRUTH[role]
    assert can(person, "view", evaluation) is read
    assert can(person, "edit", evaluation) is edit
    assert can(person, "finalise", evaluation) is finalise
    for action in ("view", "edit", "finalise"):
        assert not can(person, action, two_clusters.B.evaluation)


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_see_the_cluster_overview(two_clusters, role):
    """The schools-by-standards picture is for the cluster's coordinators."""
    assert can(two_clusters.A.people[role], "overview", two_clusters.A.cluster) is \
        (role == "coordinator")
    assert not can(two_clusters.A.people[role], "overview", two_clusters.B.cluster)


def test_final_evaluations_are_read_only(two_clusters):
    """Once final, nobody edits a term, not even its headteacher."""
    evaluation = two_clusters.A.evaluation
    evaluation.status = "final"
    assert not can(two_clusters.A.people["headteacher"], "edit", evaluation)
    assert not can(two_clusters.A.people["headteacher"], "finalise", evaluation)


@pytest.fixture
def head(make_cluster, make_user):
    cluster = make_cluster()
    return make_user(cluster.schools[1], "headteacher")


def _element_post(client, evaluation_id, code="CE2", letters="ABCDEF", **overrides):
    path = f"/evaluations/{evaluation_id}/elements/{code}"
    evaluation = db.session.get(SelfEvaluation, evaluation_id)
    data = {"csrf_token": csrf_token(client, path), "version": str(evaluation.version)}
    for letter in letters:
        data[f"std_{letter}-rating"] = "2"
        data[f"std_{letter}-evidence"] = f"Evidence for {letter}"
        for n in range(3):
            data.update({f"std_{letter}-actions-{n}-what": "", f"std_{letter}-actions-{n}-who": "",
                         f"std_{letter}-actions-{n}-by_when": ["", "", ""]})
    data.update(overrides)
    return client.post(path, data=data)


def test_start_copies_the_last_term(client, login, head, make_evaluation):
    """A new term starts as a copy of the last: ratings and evidence carried over."""
    year, term = terms.recent_terms(2)[1]
    make_evaluation(head.school, ratings=3, status="final", year=year, term=term)
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    current = "-".join(map(str, terms.current_term()))
    response = client.post(path, data={"term": current, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    new = db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.status == "draft"))
    assert {r.rating for r in new.ratings.values()} == {3}


@pytest.mark.parametrize("term", ["2999-autumn", "2026-winter", "nonsense", ""])
def test_future_or_malformed_terms_are_refused(client, login, head, term):
    """Nobody evaluates a term that has not begun; malformed terms get a clear message."""
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    page = client.post(path, data={"term": term, "csrf_token": csrf_token(client, path)})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "There is a problem" in text
    assert any(m in text for m in ("has not started yet", "Choose", "autumn, spring or summer"))
    assert db.session.scalar(select(SelfEvaluation)) is None


def test_saving_an_element_records_ratings_evidence_and_actions(client, login, head,
                                                                 make_evaluation):
    """A leader rates an element; ratings, evidence and an action are stored."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    later = date.today() + timedelta(days=30)
    response = _element_post(client, evaluation.id, **{
        "std_A-rating": "4", "std_A-actions-0-what": "Termly pupil progress meetings",
        "std_A-actions-0-who": "Deputy head",
        "std_A-actions-0-by_when": [str(later.day), str(later.month), str(later.year)]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/elements/CE3")
    db.session.refresh(evaluation)
    rating = evaluation.ratings["CE2.A"]
    assert rating.rating == 4 and rating.evidence == "Evidence for A"
    assert [(a.what, a.who, a.by_when) for a in rating.actions] == [
        ("Termly pupil progress meetings", "Deputy head", later)]
    assert evaluation.version == 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("std_B-rating", "0", "Choose a rating from 1 to 4 for CE2.B"),
    ("std_B-rating", "5", "Choose a rating from 1 to 4 for CE2.B"),
    ("std_B-rating", "x", "Choose a rating from 1 to 4 for CE2.B"),
    ("std_B-rating", "", "Choose a rating from 1 to 4 for CE2.B"),
    ("std_B-evidence", "e" * 5001, "Evidence must be 5000 characters or fewer"),
    ("std_B-sef_ref", "s" * 61, "60 characters or fewer"),
    ("std_B-actions-0-what", "w" * 501, "500 characters or fewer"),
])
def test_bad_ratings_and_notes_are_refused_and_the_rest_is_kept(client, login, head,
                                                                 make_evaluation, field, value,
                                                                 message):
    """Each bad value gets its own message; everything else typed stays; nothing is saved."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    response = _element_post(client, evaluation.id, **{field: value,
                                                       "std_A-evidence": "Kept evidence"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page and message in page
    assert "Kept evidence" in page
    db.session.refresh(evaluation)
    assert evaluation.ratings["CE2.A"].rating is None and evaluation.version == 1


def test_a_missing_rating_field_is_refused(client, login, head, make_evaluation):
    """A post that leaves a standard out entirely is refused, not half-saved."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    response = _element_post(client, evaluation.id, letters="ABCDE")
    assert "Choose a rating from 1 to 4 for CE2.F" in response.get_data(as_text=True)


def test_actions_dated_in_the_past_are_refused(client, login, head, make_evaluation):
    """A new action must be due today or later."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    response = _element_post(client, evaluation.id, **{
        "std_C-actions-1-what": "Moderation", "std_C-actions-1-by_when": ["1", "1", "2020"]})
    assert "By when must be today or later" in response.get_data(as_text=True)


def test_unknown_core_elements_are_404(client, login, head, make_evaluation):
    """There is no CE9."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    assert client.get(f"/evaluations/{evaluation.id}/elements/CE9").status_code == 404


def test_a_stale_save_is_a_409_showing_both_versions(app, login, head, make_user,
                                                     make_evaluation):
    """Two leaders edit at once: the second save is refused with both versions, losing nothing."""
    evaluation = make_evaluation(head.school, ratings=None)
    senior = make_user(head.school, "senior_leader")
    first, second = app.test_client(), app.test_client()
    login(head, as_client=first)
    login(senior, as_client=second)
    stale = str(evaluation.version)
    assert _element_post(first, evaluation.id, **{"std_A-rating": "1"}).status_code == 302
    response = _element_post(second, evaluation.id, version=stale, **{
        "std_A-rating": "4", "std_A-evidence": "My own evidence"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this evaluation" in page
    assert "Rating 1" in page and "Rating 4" in page and "My own evidence" in page
    db.session.refresh(evaluation)
    assert evaluation.ratings["CE2.A"].rating == 1
    # Saving again from the conflict page (it carries the new version) keeps the second edit.
    new_version = str(evaluation.version)
    assert _element_post(second, evaluation.id, version=new_version,
                         **{"std_A-rating": "4"}).status_code == 302
    db.session.refresh(evaluation)
    assert evaluation.ratings["CE2.A"].rating == 4


def test_finalising_needs_every_standard_rated(client, login, head, make_evaluation):
    """A term with unrated standards cannot be finalised; the message says which."""
    evaluation = make_evaluation(head.school, ratings={"CE1.A": 2})
    login(head)
    path = f"/evaluations/{evaluation.id}/finalise"
    client.post(path, data={"version": evaluation.version,
                            "csrf_token": csrf_token(client, f"/evaluations/{evaluation.id}")})
    db.session.refresh(evaluation)
    assert evaluation.status == "draft"
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Rate every standard before finalising" in page and "CE1.B" in page


def _backed(evaluation, evidence=(), actions=()):
    """Give some standards evidence and others an action, as the toolkit asks for 1s and for
    3s and 4s."""
    for sid in evidence:
        evaluation.ratings[sid].evidence = f"Pupil interviews and data for {sid}."
    for sid in actions:
        evaluation.ratings[sid].actions = [RatingAction(what=f"Coaching for {sid}")]
    db.session.commit()


def test_finalised_terms_give_offers_and_needs(client, login, head, make_evaluation):
    """Standards rated 1 are offers and 3 or 4 are needs, from the latest final term; how a
    1 could be shared shows with the offer."""
    ratings = {"CE2.A": 1, "CE2.D": 1, "CE3.C": 4, "CE5.B": 3}
    evaluation = make_evaluation(head.school, ratings={**{k: 2 for k in _all()}, **ratings})
    _backed(evaluation, evidence=("CE2.A", "CE2.D"), actions=("CE3.C", "CE5.B"))
    evaluation.ratings["CE2.A"].share_how = "Come and see our tracking wall."
    db.session.commit()
    login(head)
    client.post(f"/evaluations/{evaluation.id}/finalise", data={
        "version": evaluation.version, "confirm": "yes",
        "csrf_token": csrf_token(client, f"/evaluations/{evaluation.id}")})
    db.session.refresh(evaluation)
    assert evaluation.status == "final"
    page = client.get(f"/schools/{head.school_id}").get_data(as_text=True)
    offers, needs = page.split("What the school can offer")[1].split("What the school needs")
    assert "CE2.A" in offers and "CE2.D" in offers and "CE3.C" not in offers
    assert "Come and see our tracking wall." in offers
    assert "CE3.C" in needs and "CE5.B" in needs and "CE2.A" not in needs
    assert _element_post(client, evaluation.id).status_code == 403  # read-only now


def test_finalising_refuses_unbacked_ratings_on_the_right_standard(client, login, head,
                                                                   make_evaluation):
    """A 1 without evidence and a 4 without an action stop the term being final: the error
    summary links each to its standard, whose element page shows the problem beside it."""
    evaluation = make_evaluation(head.school, ratings={**{k: 2 for k in _all()},
                                                       "CE2.B": 1, "CE3.C": 4, "CE5.B": 3})
    _backed(evaluation, actions=("CE5.B",))
    login(head)
    path = f"/evaluations/{evaluation.id}"
    response = client.post(f"{path}/finalise", data={
        "version": evaluation.version, "confirm": "yes", "csrf_token": csrf_token(client, path)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    db.session.refresh(evaluation)
    assert evaluation.status == "draft"
    links = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', page))
    evidence = f"{path}/elements/CE2?check=finalise#std_B-evidence"
    action = f"{path}/elements/CE3?check=finalise#std_C-actions"
    assert links[evidence].startswith(f"{standard_name('CE2.B')} is rated 1: give the evidence")
    assert links[action].startswith(f"{standard_name('CE3.C')} is rated 4: add at least one")
    assert not any("CE5.B" in text for text in links.values())  # it has its action

    element = client.get(evidence.split("#")[0]).get_data(as_text=True)
    beside = element.split('id="std_B-evidence-error"')[1].split("</p>")[0]
    assert f"{escape(standard_name('CE2.B'))} is rated 1: give the evidence" in beside
    assert element.count("is rated 1: give the evidence") == 2  # the summary and the field
    element = client.get(action.split("#")[0]).get_data(as_text=True)
    block = element.split('id="std_C-actions"')[1].split("Add an action")[0]
    assert f"{escape(standard_name('CE3.C'))} is rated 4: add at least one action" in block

    # Put right there, "Save and continue" leads back to the evaluation, to finalise.
    checked = f"{path}/elements/CE3?check=finalise"
    form = {"csrf_token": csrf_token(client, checked), "version": str(evaluation.version)}
    for letter in "ABCDE":
        form[f"std_{letter}-rating"] = "2"
    saved_page = client.post(checked, data={**form, "std_C-rating": "4",
                                            "std_C-actions-0-what": "Name a lead"})
    assert saved_page.headers["Location"].endswith(path)


def test_add_an_action_saves_what_was_typed_and_adds_one_empty_block(client, login, head,
                                                                      make_evaluation):
    """No empty action blocks by default; "Add an action" saves the page and comes back with
    one more; "Remove" takes that action away and keeps the rest."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    path = f"/evaluations/{evaluation.id}/elements/CE2"
    assert 'name="std_A-actions-0-what"' not in client.get(path).get_data(as_text=True)
    response = _element_post(client, evaluation.id, add="std_C",
                             **{"std_C-rating": "3", "std_C-evidence": "Typed before adding"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{path}?add=std_C#std_C-actions-0-what")
    db.session.refresh(evaluation)
    assert evaluation.ratings["CE2.C"].evidence == "Typed before adding"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="std_C-actions-0-what"' in page and 'name="std_C-actions-1-what"' not in page
    assert 'name="std_A-actions-0-what"' not in page

    later = date.today() + timedelta(days=40)
    when = [str(later.day), str(later.month), str(later.year)]
    response = _element_post(client, evaluation.id, add="std_C", **{
        "std_C-rating": "3", "std_C-actions-0-what": "Moderate writing",
        "std_C-actions-0-who": "English lead", "std_C-actions-0-by_when": when})
    assert response.headers["Location"].endswith("#std_C-actions-1-what")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<input type="hidden" name="std_C-actions-0-what" value="Moderate writing">' in page
    assert "Moderate writing, English lead, by" in page  # a saved action reads as one line
    response = _element_post(client, evaluation.id, change="std_C-0", **{
        "std_C-rating": "3", "std_C-actions-0-what": "Moderate writing",
        "std_C-actions-0-who": "English lead", "std_C-actions-0-by_when": when})
    assert response.headers["Location"].endswith(f"{path}?open=std_C-0#std_C-actions-0-what")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<input class="govuk-input[^"]*" id="std_C-actions-0-what" '
                     r'name="std_C-actions-0-what" type="text" value="Moderate writing"', page)
    response = _element_post(client, evaluation.id, remove="std_C-0", **{
        "std_C-rating": "3", "std_C-actions-0-what": "Moderate writing",
        "std_C-actions-1-what": "Pupil progress meetings", "std_C-actions-1-by_when": when,
        "std_C-evidence": "Changed while removing"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{path}#std_C-actions")
    db.session.refresh(evaluation)
    rating = evaluation.ratings["CE2.C"]
    assert [(a.what, a.by_when) for a in rating.actions] == [("Pupil progress meetings", later)]
    assert rating.evidence == "Changed while removing"


def test_add_an_action_on_a_form_with_errors_keeps_everything(client, login, head,
                                                              make_evaluation):
    """Adding an action saves even while a standard is not rated yet; if the page has a
    mistake, nothing is saved, but what was typed stays and the new action block is there."""
    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    response = _element_post(client, evaluation.id, add="std_D", **{
        "std_B-rating": "", "std_D-evidence": "Kept while adding"})
    assert response.status_code == 302  # CE2.B stays unrated, the rest is saved
    db.session.refresh(evaluation)
    assert evaluation.ratings["CE2.B"].rating is None
    assert evaluation.ratings["CE2.D"].evidence == "Kept while adding"

    response = _element_post(client, evaluation.id, add="std_D", **{
        "std_B-evidence": "e" * 5001, "std_D-evidence": "Kept again"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Evidence must be 5000 characters or fewer" in page
    assert "Kept again" in page and 'name="std_D-actions-0-what"' in page
    db.session.refresh(evaluation)
    assert evaluation.ratings["CE2.D"].evidence == "Kept while adding"
    assert "Choose a rating" in _element_post(client, evaluation.id, **{
        "std_B-rating": ""}).get_data(as_text=True)  # "Save and continue" still needs them


def test_element_pages_show_the_questions_and_the_evidence_prompt(client, login, head,
                                                                  make_evaluation):
    """Each core element's page carries its questions for discussion, and the evidence hint
    asks for what staff, pupils, parents and the community think."""
    from models.toolkit_data import QUESTIONS

    evaluation = make_evaluation(head.school, ratings=None)
    login(head)
    for code in ("CE1", "CE6"):
        page = client.get(f"/evaluations/{evaluation.id}/elements/{code}").get_data(
            as_text=True)
        assert f"Questions to discuss with your leaders for {code}" in page
        assert all(escape(q) in page for q in QUESTIONS[code])
        assert "what staff, pupils, parents and the community think" in page


def test_changes_since_last_term_are_listed(client, login, head, make_evaluation):
    """The evaluation says which standards moved, and which way."""
    year, term = terms.recent_terms(2)[1]
    make_evaluation(head.school, ratings=3, status="final", year=year, term=term)
    evaluation = make_evaluation(head.school, ratings={**{k: 3 for k in _all()}, "CE4.B": 1})
    login(head)
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "What changed since the previous term" in page and "CE4.B" in page
    assert "Stronger" in page


def test_heat_map_and_table_show_every_term(client, login, head, make_evaluation):
    """The heat map across terms has an accessible SVG and the same ratings as a table."""
    year, term = terms.recent_terms(2)[1]
    make_evaluation(head.school, ratings=4, status="final", year=year, term=term)
    make_evaluation(head.school, ratings=1)
    login(head)
    page = client.get(f"/schools/{head.school_id}/evaluations").get_data(as_text=True)
    assert 'role="img"' in page and "<title" in page
    assert "Show the ratings as a table" in page
    assert page.count(terms.label(year, term)) >= 2


def test_opting_in_offers_is_per_standard_and_refuses_unknown_standards(
        app, client, login, head, make_evaluation, make_user, make_cluster):
    """A school shares chosen strengths with the network; needs never leave the cluster."""
    from models import SchoolProfile

    make_evaluation(head.school, status="final",
                    ratings={**{k: 2 for k in _all()}, "CE2.A": 1, "CE6.B": 1, "CE1.A": 4})
    db.session.add(SchoolProfile(school_id=head.school_id, visibility="network"))
    db.session.commit()
    login(head)
    path = f"/schools/{head.school_id}/offers"
    bad = client.post(path, data={"standards": ["CE9.Z"], "csrf_token": csrf_token(client, path)})
    assert "CE9.Z is not a standard" in bad.get_data(as_text=True)
    client.post(path, data={"standards": ["CE2.A"], "csrf_token": csrf_token(client, path)})
    outsider = app.test_client()
    login(make_user(make_cluster(name="Far Away Partnership").schools[0]), as_client=outsider)
    page = outsider.get(f"/schools/{head.school_id}").get_data(as_text=True)
    assert "CE2.A" in page and "CE6.B" not in page
    assert "CE1.A" not in page and "What the school needs" not in page


def _all():
    from network.services.evaluations import all_standard_ids

    return all_standard_ids()
