"""Asking for support with a school found as a match, and a request's state over its
partnership's life, as the head who asks and the broker who proposes see them."""

import html
import re

from sqlalchemy import func, select

from models import Partnership, SupportRequest
from network.extensions import db
from tests.web.test_brokering import AGREEMENT, _as, _ask


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _row(page: str, name: str) -> str:
    """The table row of /brokering that names the school."""
    return next(row for row in page.split("<tr") if name in row)


def _request() -> SupportRequest:
    db.session.expire_all()
    return db.session.scalar(select(SupportRequest))


def test_asking_from_a_match_names_the_school_and_the_broker_sees_it(no_csrf, app, login,
                                                                      brokers):
    net = brokers
    head = _as(app, login, net.head)
    partners = _page(head.get(f"/schools/{net.seeker.id}/partners"))
    assert f"Ask for support with {net.right.name}" in partners
    link = f"/schools/{net.seeker.id}/support?school={net.right.id}"
    assert f'href="{link}"' in partners

    ask = _page(head.get(link))
    assert f"Ask for support with {net.right.name}" in ask
    assert re.search(rf'name="hoped_school"[^>]*value="{net.right.id}"', ask)
    # The needs the school meets are ticked: the seeker's 4 and 3, both its strengths.
    assert 'value="CE2.A" checked' in ask and 'value="CE2.D" checked' in ask

    assert head.post(f"/schools/{net.seeker.id}/support", data={
        "broker": str(net.lle.id), "standards": ["CE2.A", "CE2.D"], "barriers": [],
        "hopes": "Their tracking.", "hoped_school": str(net.right.id)}).status_code == 302
    asked = _request()
    assert asked.hoped_school_id == net.right.id
    assert db.session.scalar(select(func.count(Partnership.id))) == 0  # the broker decides

    lle = _as(app, login, net.lle)
    page = _page(lle.get(f"/support-requests/{asked.id}"))
    assert f"The school hoped for: {net.right.name}. It is number 1 of the candidates" in page
    assert re.search(r'govuk-tag--blue">\s*Hoped for\s*</strong>', page)
    assert f"Hoped for: {net.right.name}" in _page(lle.get("/brokering"))
    # The head sees their own request say which school they hoped for.
    assert "The school hoped for" in _page(head.get(f"/support-requests/{asked.id}"))


def test_a_school_that_cannot_be_matched_is_not_named(no_csrf, app, login, brokers):
    """A cluster-only school of another cluster cannot be hoped for, even by a forged form."""
    net = brokers
    head = _as(app, login, net.head)
    ask = _page(head.get(f"/schools/{net.seeker.id}/support?school={net.hidden.id}"))
    assert net.hidden.name not in ask
    assert head.post(f"/schools/{net.seeker.id}/support", data={
        "broker": "coordinators", "standards": ["CE2.A"], "hopes": "Help.",
        "hoped_school": str(net.hidden.id)}).status_code == 302
    assert _request().hoped_school_id is None


def _propose(lle, asked, school) -> None:
    response = lle.post(f"/support-requests/{asked.id}/propose", data={
        "supporting_school_id": str(school.id), "standards": ["CE2.A", "CE2.D"],
        "barriers": ["tracking-inconsistent"], "activities": "Termly paired visits.",
        **AGREEMENT})
    assert response.status_code == 302, _page(response)[:300]


def test_a_request_shows_its_partnerships_real_state(no_csrf, app, login, brokers):
    """open -> proposed -> active -> closed; candidates are offered only while open."""
    net = brokers
    head, lle = _as(app, login, net.head), _as(app, login, net.lle)
    assert _ask(head, net).status_code == 302
    asked = _request()
    assert asked.state == "open"
    row = _row(_page(lle.get("/brokering")), net.seeker.name)
    assert "Open" in row and net.right.name in row

    _propose(lle, asked, net.right)
    assert _request().state == "proposed"
    row = _row(_page(lle.get("/brokering")), net.seeker.name)
    assert "Proposed" in row and net.right.name not in row and "Not needed now" in row
    page = _page(lle.get(f"/support-requests/{asked.id}"))
    assert "A proposal is waiting for the headteachers' decisions." in page
    assert f"/support-requests/{asked.id}/propose?school=" not in page

    partnership = db.session.scalar(select(Partnership))
    for person in (net.head, net.away_head):
        assert _as(app, login, person).post(f"/partnerships/{partnership.id}/decision",
                                            data={"decision": "accept"}).status_code == 302
    assert _request().state == "active"
    assert "Active" in _row(_page(lle.get("/brokering")), net.seeker.name)
    assert "Active" in _page(head.get(f"/schools/{net.seeker.id}/support"))

    db.session.get(Partnership, partnership.id).status = "closed"
    db.session.commit()
    assert _request().state == "closed"
    row = _row(_page(lle.get("/brokering")), net.seeker.name)
    assert "Closed" in row and "Proposed" not in row and net.right.name not in row


def test_a_declined_proposal_opens_the_request_to_candidates_again(no_csrf, app, login,
                                                                  brokers):
    net = brokers
    head, lle = _as(app, login, net.head), _as(app, login, net.lle)
    assert _ask(head, net).status_code == 302
    asked = _request()
    _propose(lle, asked, net.right)
    partnership = db.session.scalar(select(Partnership))
    assert _as(app, login, net.away_head).post(
        f"/partnerships/{partnership.id}/decision",
        data={"decision": "decline", "reason": "No capacity this term.",
              "confirm": "yes"}).status_code == 302
    assert _request().state == "declined"
    row = _row(_page(lle.get("/brokering")), net.seeker.name)
    assert "Declined" in row and "Not needed now" not in row
    page = _page(lle.get(f"/support-requests/{asked.id}"))
    assert f"/support-requests/{asked.id}/propose?school=" in page


def test_withdrawn_requests_say_so_and_offer_nobody(no_csrf, app, login, brokers):
    net = brokers
    head, lle = _as(app, login, net.head), _as(app, login, net.lle)
    assert _ask(head, net).status_code == 302
    asked = _request()
    assert head.post(f"/support-requests/{asked.id}/withdraw",
                     data={"confirm": "yes"}).status_code == 302
    assert _request().state == "withdrawn"
    row = _row(_page(lle.get("/brokering")), net.seeker.name)
    assert "Withdrawn" in row and net.right.name not in row
