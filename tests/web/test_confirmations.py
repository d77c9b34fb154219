"""Actions that cannot be undone ask first: posted without confirm=yes they answer with a
confirmation page (what will happen, what cannot be undone, "Yes, ..." and "No, go back") and
change nothing; posted again with confirm=yes they are done."""

import html

import pytest
from sqlalchemy import select

from models import AuditEvent, Partnership, SelfEvaluation, SupportRequest, User
from network.extensions import db
from tests.db_state import unchanged
from tests.web.test_brokering import _as, _page, _proposed

YES = {"confirm": "yes"}


@pytest.fixture
def world(no_csrf, two_clusters):
    return two_clusters


def _asks(response, yes: str) -> str:
    """The confirmation page: its question, the Yes button, the way back and the warning."""
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200, page[:300]
    assert "Are you sure you want to" in page and yes in page and "No, go back" in page
    assert "You cannot undo this" in page and 'name="confirm" value="yes"' in page
    return page


def _fresh(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


def test_finalising_asks_first_and_then_makes_the_term_final(world, client, login):
    evaluation = world.A.evaluation
    login(world.A.people["headteacher"])
    url = f"/evaluations/{evaluation.id}/finalise"
    version = {"version": str(evaluation.version)}
    with unchanged():
        page = _asks(client.post(url, data=version), f"Yes, finalise {evaluation.label}")
    assert f'name="version" value="{evaluation.version}"' in page  # carried to the Yes
    assert _fresh(SelfEvaluation, evaluation.id).status == "draft"
    assert client.post(url, data={**version, **YES}).status_code == 302
    assert _fresh(SelfEvaluation, evaluation.id).status == "final"


def test_finalising_an_unrated_term_says_why_before_asking(no_csrf, client, login,
                                                           make_cluster, make_user,
                                                           make_evaluation):
    head = make_user(make_cluster().schools[1], "headteacher")
    evaluation = make_evaluation(head.school, ratings={"CE1.A": 2})
    login(head)
    response = client.post(f"/evaluations/{evaluation.id}/finalise",
                           data={"version": str(evaluation.version)})
    assert response.status_code == 302  # back to the evaluation, not to a confirmation
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Rate every standard before finalising" in page


def test_a_senior_leader_cannot_finalise_even_with_confirmation(world, client, login):
    evaluation = world.A.evaluation
    login(world.A.people["senior_leader"])
    with unchanged():
        response = client.post(f"/evaluations/{evaluation.id}/finalise",
                               data={"version": str(evaluation.version), **YES})
    assert response.status_code == 403


def test_withdrawing_a_request_asks_first(world, client, login):
    asked = world.A.support
    url = f"/support-requests/{asked.id}/withdraw"
    login(world.A.people["member"])
    with unchanged():
        assert client.post(url).status_code in (403, 404)  # no confirmation page for them
    login(world.A.people["headteacher"])
    with unchanged():
        _asks(client.post(url), "Yes, withdraw the request")
    assert _fresh(SupportRequest, asked.id).status == "open"
    assert client.post(url, data=YES).status_code == 302
    assert _fresh(SupportRequest, asked.id).status == "withdrawn"


def test_removing_a_member_asks_first(world, client, login):
    person = world.A.people["member"]
    url = f"/clusters/{world.A.cluster.id}/members/{person.id}/remove"
    login(world.A.people["coordinator"])
    with unchanged():
        page = _asks(client.post(url), f"Yes, remove {person.name}")
    assert "keep their account" in page
    assert _fresh(User, person.id).school_id == world.A.school.id
    assert client.post(url, data=YES).status_code == 302
    assert _fresh(User, person.id).school_id is None


def test_closing_asks_first_and_says_what_the_review_lacks(world, login, app):
    partnership = world.A.partnership
    url = f"/partnerships/{partnership.id}"
    supported = _as(app, login, world.A.people["headteacher"])
    review = _page(supported.get(f"{url}/review"))
    started = f"{partnership.started_at.day} {partnership.started_at:%B %Y}"
    assert f"{partnership.supported.name} has no final self-evaluation since the partnership " \
           f"started on {started}: its impact shows once it finalises" in review
    assert "No final evaluation yet" in review and ">Not known<" not in review
    assert "The milestone \u201cFirst visit\u201d is not met" in review
    summary = {"summary": "Tracking is consistent."}
    with unchanged():
        page = _asks(supported.post(f"{url}/review", data=summary),
                     "Yes, agree to close the partnership")
    assert 'value="Tracking is consistent."' in page and "First visit" in page
    assert _fresh(Partnership, partnership.id).closing is None
    assert supported.post(f"{url}/review", data={**summary, **YES}).status_code == 302
    assert _fresh(Partnership, partnership.id).closing["summary"] == "Tracking is consistent."

    supporting = _as(app, login, world.A.people["coordinator"])  # head of the other school
    with unchanged():
        _asks(supporting.post(f"{url}/close"), "Yes, close the partnership")
    assert _fresh(Partnership, partnership.id).status == "active"
    assert supporting.post(f"{url}/close", data=YES).status_code == 302
    assert _fresh(Partnership, partnership.id).status == "closed"


def test_declining_asks_first_but_a_missing_reason_is_said_at_once(no_csrf, app, login,
                                                                     brokers):
    head, _, partnership = _proposed(app, login, brokers)
    url = f"/partnerships/{partnership.id}/decision"
    refused = head.post(url, data={"decision": "decline", "reason": ""})
    assert refused.status_code == 400 and "Say why your school declines" in _page(refused)
    decline = {"decision": "decline", "reason": "No capacity this term."}
    with unchanged():
        page = _asks(head.post(url, data=decline), "Yes, decline the partnership")
    assert 'value="No capacity this term."' in page and 'value="decline"' in page
    assert _fresh(Partnership, partnership.id).status == "proposed"
    assert head.post(url, data={**decline, **YES}).status_code == 302
    assert _fresh(Partnership, partnership.id).status == "declined"


def test_accepting_needs_no_confirmation(no_csrf, app, login, brokers):
    head, _, partnership = _proposed(app, login, brokers)
    assert head.post(f"/partnerships/{partnership.id}/decision",
                     data={"decision": "accept"}).status_code == 302
    assert _fresh(Partnership, partnership.id).supported_decision == "accepted"


@pytest.mark.parametrize("role", ["headteacher", "senior_leader"])
def test_leaders_delete_a_draft_after_confirming_and_it_is_audited(world, client, login, role):
    evaluation = world.A.evaluation
    url, label = f"/evaluations/{evaluation.id}/delete", evaluation.label
    login(world.A.people[role])
    assert "Delete this draft" in client.get(f"/evaluations/{evaluation.id}").get_data(
        as_text=True)
    with unchanged():
        _asks(client.post(url), f"Yes, delete the {label} draft")
    response = client.post(url, data=YES)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/schools/{world.A.school.id}/evaluations")
    assert db.session.scalar(select(SelfEvaluation).where(
        SelfEvaluation.school_id == world.A.school.id)) is None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "evaluation draft deleted", AuditEvent.detail == label)) is not None


@pytest.mark.parametrize("role", ["leading_teacher", "member", "coordinator", "lle"])
def test_others_cannot_delete_a_draft(world, client, login, role):
    evaluation = world.A.evaluation
    login(world.A.people[role])
    assert "Delete this draft" not in client.get(f"/evaluations/{evaluation.id}").get_data(
        as_text=True)
    with unchanged(ignore={"audit_events"}):
        assert client.post(f"/evaluations/{evaluation.id}/delete", data=YES).status_code \
            in (403, 404)
    assert _fresh(SelfEvaluation, evaluation.id) is not None


def test_a_final_evaluation_is_never_deleted(world, client, login):
    evaluation = world.A.evaluation
    evaluation.status = "final"
    db.session.commit()
    login(world.A.people["headteacher"])
    assert "Delete this draft" not in client.get(f"/evaluations/{evaluation.id}").get_data(
        as_text=True)
    with unchanged(ignore={"audit_events"}):
        assert client.post(f"/evaluations/{evaluation.id}/delete", data=YES).status_code == 403
    assert _fresh(SelfEvaluation, evaluation.id) is not None


def test_another_clusters_draft_is_not_found(world, client, login):
    login(world.A.people["headteacher"])
    with unchanged(ignore={"audit_events"}):
        assert client.post(f"/evaluations/{world.B.evaluation.id}/delete",
                           data=YES).status_code == 404
