"""Published work on a school's barriers is kept per process: every committed change to a
record or to the barriers the school faces shows on the very next match page."""

from datetime import UTC, date, datetime

import pytest

from models import Record, RecordBarrier, SchoolBarrier
from network.extensions import db

HEADING = "Published work on your barriers"
TITLE = "Tracking every pupil, every half term"
BARRIER = "tracking-inconsistent"  # the barrier the planted seeker faces


@pytest.fixture
def planted(network):  # noqa: F811
    """The planted network of tests/test_matching.py."""
    return network


def _listed(browser, school) -> str:
    """The published-work list on the school's match page ("" when there is none)."""
    response = browser.get(f"/schools/{school.id}/partners")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page.split(HEADING, 1)[1].split("</ul>", 1)[0] if HEADING in page else ""


def _publish(planted, barrier: str = BARRIER) -> Record:
    """A live case study by the partner school in another cluster, tagged with `barrier`."""
    author_school = planted.right
    record = Record(kind="case_study", school_id=author_school.id,
                    cluster_id=author_school.cluster_id, author_id=planted.away_head.id,
                    title="Draft",
                    body={}, status="published", published_title=TITLE,
                    published_body={"context": "x"}, published_visibility="network",
                    published_context={}, published_at=datetime.now(UTC))
    record.barriers = [RecordBarrier(barrier_slug=barrier)]
    db.session.add(record)
    db.session.commit()
    return record


def test_new_and_withdrawn_work_shows_on_the_next_match_page(planted, login):
    browser = login(planted.head)
    assert TITLE not in _listed(browser, planted.seeker)  # the list is now kept
    record = _publish(planted)
    assert TITLE in _listed(browser, planted.seeker)
    record.withdrawn_at, record.status = datetime.now(UTC), "withdrawn"
    db.session.commit()
    assert TITLE not in _listed(browser, planted.seeker)


def test_an_overcome_barrier_drops_its_work_on_the_next_match_page(planted, login):
    browser = login(planted.head)
    _publish(planted)
    assert TITLE in _listed(browser, planted.seeker)
    db.session.scalar(db.select(SchoolBarrier).filter_by(
        school_id=planted.seeker.id, barrier_slug=BARRIER)).overcome_on = date.today()
    db.session.commit()
    assert TITLE not in _listed(browser, planted.seeker)
