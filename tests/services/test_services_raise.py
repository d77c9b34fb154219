"""Services raise, the web answers: refusals and notices work without a request, and the one
error handler answers them as pages and JSON."""

import pytest
from sqlalchemy import select

from models import AuditEvent, InboxMessage
from network import access
from network.extensions import db
from network.services import inbox
from network.services.errors import Forbidden, NotFound
from tests.factories import api_token


@pytest.fixture
def world(two_clusters):
    return two_clusters


def test_a_refusal_outside_a_request_raises_and_is_audited(app, world):
    """A CLI command or a job is refused as a page is, and the refusal is kept."""
    member, head = world.A.people["member"], world.A.people["headteacher"]
    with pytest.raises(Forbidden):
        access.require(member, "manage", head)
    with pytest.raises(NotFound):
        access.require(member, "view", world.B.record)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "access refused").order_by(AuditEvent.id)).all()
    assert [(e.target, e.remote_addr) for e in events] == [
        (f"user:{head.id}", "cli"), (f"record:{world.B.record.id}", "cli")]


def test_a_notice_names_its_page_and_the_inbox_links_to_it(app, world, login, client):
    """A notice written without a request stores the page; opening it shows the link."""
    head = world.A.people["headteacher"]
    inbox.notify(head, "Look at this", "A body", "records.show", record_id=world.A.record.id)
    db.session.commit()
    notice = db.session.scalars(select(InboxMessage).where(
        InboxMessage.subject == "Look at this")).one()
    assert (notice.endpoint, notice.args, notice.link) == (
        "records.show", {"record_id": world.A.record.id}, "")
    login(head)
    page = client.get(f"/inbox/{notice.id}").get_data(as_text=True)
    assert f'href="/records/{world.A.record.id}"' in page


def test_refusals_answer_as_before_in_pages_and_json(app, world, login, client):
    """404 and 403 pages as abort() drew them; the API's JSON body is unchanged."""

    member = world.A.people["member"]
    login(member)
    hidden = client.get(f"/records/{world.B.record.id}")
    assert hidden.status_code == 404 and "Page not found" in hidden.get_data(as_text=True)
    refused = client.get(f"/schools/{world.A.school.id}/profile")
    assert refused.status_code == 403 and "You cannot do that" in refused.get_data(as_text=True)
    token = api_token(member)
    answer = client.get(f"/api/v1/case-studies/{world.B.record.id}",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404 and answer.json == {"error": "Page not found"}
