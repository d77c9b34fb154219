"""Help pages: open to visitors, and linked from the pages whose work they explain."""

import html

import pytest
from sqlalchemy import select

from models import SupportRequest
from network.extensions import db
from network.services import records
from tests.factories import case_body, data

GUIDES = {"/help/self-evaluation": "Your first self-evaluation",
          "/help/lesson-study": "Writing up a lesson study",
          "/help/anonymisation": "How records are kept anonymous",
          "/help/brokering": "Brokering support and support agreements"}


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("path", "heading"), GUIDES.items())
def test_each_guide_is_open_to_visitors(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in _page(response)


def test_the_index_and_the_landing_page_lead_to_the_guides_and_the_toolkit(client):
    index = _page(client.get("/help"))
    assert all(f'href="{path}"' in index for path in GUIDES)
    landing = _page(client.get("/"))
    assert 'href="/toolkit"' in landing and 'href="/help"' in landing
    assert 'href="/toolkit"' in _page(client.get("/about"))


def test_the_anonymisation_guide_explains_the_motivated_intruder(client):
    page = _page(client.get("/help/anonymisation"))
    assert "motivated intruder" in page and "at least ten schools" in page


def test_pages_link_the_guide_for_their_work(no_csrf, app, login, brokers):
    net = brokers
    head = app.test_client()
    login(net.head, as_client=head)
    evaluations = _page(head.get(f"/schools/{net.seeker.id}/evaluations"))
    assert 'href="/help/self-evaluation"' in evaluations
    assert 'href="/help/lesson-study"' in _page(head.get("/lesson-studies/new"))
    assert 'href="/help/brokering"' in _page(head.get(f"/schools/{net.seeker.id}/support"))
    assert head.post(f"/schools/{net.seeker.id}/support", data={
        "broker": str(net.lle.id), "standards": ["CE2.A"], "hopes": "Help."}
    ).status_code == 302
    lle = app.test_client()
    login(net.lle, as_client=lle)
    asked = db.session.scalar(select(SupportRequest))
    assert 'href="/help/brokering"' in _page(lle.get(f"/support-requests/{asked.id}/propose"))


def test_the_review_page_links_the_anonymisation_guide(app, login, records_world):
    world = records_world
    record = records.create(world.author, "case_study",
                            data("Tracking that works", case_body(), coauthor_ids=[]))
    records.submit(world.author, record.id)
    head = app.test_client()
    login(world.head, as_client=head)
    page = _page(head.get(f"/records/{record.id}/review"))
    assert 'href="/help/anonymisation"' in page


def test_the_profile_form_describes_each_priority_group(no_csrf, app, login, brokers):
    from network.services import profiles

    head = app.test_client()
    login(brokers.head, as_client=head)
    page = _page(head.get(f"/schools/{brokers.seeker.id}/profile"))
    for group in profiles.groups():
        assert group.description in page
