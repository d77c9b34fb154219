"""The toolkit's rules at the service: a 1 rests on evidence and a 3 or 4 leads to an action
before a term is final; how a 1 could be shared is kept and carried to the next term."""

import pytest

from models import RatingAction
from network.domain import terms
from network.extensions import db
from network.services import evaluations
from network.services.errors import Invalid
from network.services.evaluations import NotReady, all_standard_ids


@pytest.fixture
def head(make_cluster, make_user):
    return make_user(make_cluster().schools[0], "headteacher")


def _term(make_evaluation, head, ratings, **kwargs):
    return make_evaluation(head.school, {sid: 2 for sid in all_standard_ids()} | ratings,
                           **kwargs)


def test_a_1_without_evidence_and_a_3_or_4_without_an_action_are_refused(head,
                                                                         make_evaluation):
    """Each problem is named on its own standard, in toolkit order; blank evidence and an
    action with nothing to do count as none; nothing is finalised."""
    evaluation = _term(make_evaluation, head, {"CE1.B": 1, "CE2.A": 3, "CE4.C": 4, "CE6.G": 1})
    evaluation.ratings["CE1.B"].evidence = "   "
    evaluation.ratings["CE4.C"].actions = [RatingAction(what="  ")]
    db.session.commit()
    with pytest.raises(NotReady) as refused:
        evaluations.finalise(head, evaluation.id, evaluation.version)
    problems = refused.value.problems
    assert list(problems) == ["CE1.B", "CE2.A", "CE4.C", "CE6.G"]
    assert [field for field, _ in problems.values()] == ["evidence", "actions", "actions",
                                                          "evidence"]
    assert "is rated 3: add at least one action" in problems["CE2.A"][1]
    assert "is rated 1: give the evidence" in problems["CE6.G"][1]
    assert str(refused.value).startswith("4 standards need more")
    db.session.refresh(evaluation)
    assert evaluation.status == "draft"


def test_backed_ratings_finalise_and_give_the_same_offers_and_needs(head, make_evaluation):
    """With evidence on the 1 and an action on the 4 the term is final; offers and needs are
    read from the ratings alone, as before."""
    evaluation = _term(make_evaluation, head, {"CE3.B": 1, "CE5.A": 4})
    evaluation.ratings["CE3.B"].evidence = "Parents' survey and termly data agree."
    evaluation.ratings["CE5.A"].actions = [RatingAction(what="Plan units of work together")]
    db.session.commit()
    evaluations.finalise(head, evaluation.id, evaluation.version)
    offers, needs, final = evaluations.offers_and_needs(head.school_id)
    assert (offers, needs, final.id) == (["CE3.B"], ["CE5.A"], evaluation.id)


def test_unrated_standards_are_reported_before_the_rules(head, make_evaluation):
    """While a standard is not rated, the refusal says so (not yet the finer rules)."""
    evaluation = make_evaluation(head.school, {"CE1.A": 1})
    with pytest.raises(Invalid) as refused:
        evaluations.check_finalisable(head, evaluation.id, evaluation.version)
    assert not isinstance(refused.value, NotReady)
    assert "Rate every standard before finalising" in str(refused.value)


def test_how_a_1_could_be_shared_is_saved_and_carried_to_the_next_term(head, make_evaluation):
    """save_element keeps the sentence (trimmed); the next term starts with it."""
    year, term = terms.recent_terms(2)[1]
    evaluation = _term(make_evaluation, head, {}, year=year, term=term)
    ids = [s.id for s in evaluations.element("CE2").standards]
    entries = {sid: {"rating": 2, "evidence": "", "sef_ref": "", "actions": []} for sid in ids}
    entries["CE2.A"] = {"rating": 1, "evidence": "Tracking wall", "sef_ref": "",
                        "share_how": "  Visit our tracking wall.  ", "actions": []}
    evaluations.save_element(head, evaluation.id, "CE2", evaluation.version, entries)
    assert evaluation.ratings["CE2.A"].share_how == "Visit our tracking wall."
    evaluation.status = "final"
    db.session.commit()
    current = evaluations.start(head, head.school_id, *terms.current_term())
    assert current.ratings["CE2.A"].share_how == "Visit our tracking wall."
    assert evaluations.snapshot(current, ["CE2.A"])["CE2.A"]["share_how"] == \
        "Visit our tracking wall."


def test_a_rating_may_stay_unrated_while_actions_are_worked_on(head, make_evaluation):
    """Saving with a standard not rated (as "Add an action" does) keeps it not rated."""
    evaluation = make_evaluation(head.school, ratings=None)
    ids = [s.id for s in evaluations.element("CE3").standards]
    entries = {sid: {"rating": None, "evidence": "", "sef_ref": "", "actions": []}
               for sid in ids}
    entries["CE3.D"] = {"rating": 4, "evidence": "", "sef_ref": "",
                        "actions": [{"what": "Name a lead for each action", "who": "",
                                     "by_when": None}]}
    evaluations.save_element(head, evaluation.id, "CE3", evaluation.version, entries)
    assert evaluation.ratings["CE3.A"].rating is None
    assert [a.what for a in evaluation.ratings["CE3.D"].actions] == ["Name a lead for each "
                                                                      "action"]
