"""Evaluations follow the calendar: starting one means this term's unless the leader asks for
an earlier term; a term never gets a second evaluation; the banner says what was copied."""

import html
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from models import TERMS, SelfEvaluation
from network.domain import terms
from network.extensions import db
from network.services import closing, evaluations

pytestmark = pytest.mark.usefixtures("no_csrf")


@pytest.fixture
def head(make_cluster, make_user):
    return make_user(make_cluster().schools[1], "headteacher")


def _value(year, term) -> str:
    return f"{year}-{term}"


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _count(school_id) -> int:
    return db.session.scalar(select(func.count(SelfEvaluation.id)).where(
        SelfEvaluation.school_id == school_id))


def test_starting_means_this_term_and_a_first_evaluation_says_so(client, login, head):
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    current = terms.current_term()
    page = _page(client.get(path))
    assert f"Start the {terms.label(*current)} evaluation" in page
    assert f'name="term" value="{_value(*current)}"' in page and "<select" not in page
    assert "Record an evaluation for an earlier term" in page
    response = client.post(path, data={"term": _value(*current)})
    assert response.status_code == 302
    started = _page(client.get(response.headers["Location"]))
    assert "Your school's first self-evaluation: every standard starts not rated." in started
    assert "started from your last evaluation" not in started.lower()
    made = db.session.scalar(select(SelfEvaluation))
    assert (made.year, made.term) == current


def test_earlier_terms_are_offered_only_when_asked_and_never_twice(client, login, head,
                                                                    make_evaluation):
    recent = terms.recent_terms(6)
    make_evaluation(head.school, ratings=2, status="final", year=recent[1][0],
                    term=recent[1][1])
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    assert f'value="{_value(*recent[2])}"' not in _page(client.get(path))
    earlier = _page(client.get(f"{path}?earlier=yes"))
    assert "<select" in earlier
    for term in recent[2:]:
        assert f'value="{_value(*term)}"' in earlier
    for term in recent[:2]:  # the current term, and the one that already has an evaluation
        assert f'<option value="{_value(*term)}"' not in earlier
    response = client.post(path, data={"term": _value(*recent[2]), "earlier": "yes"})
    assert response.status_code == 302
    assert _count(head.school_id) == 2


def test_a_term_with_an_evaluation_is_not_started_again(client, login, head, make_evaluation):
    make_evaluation(head.school, ratings=2)
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    current = terms.current_term()
    page = _page(client.get(path))
    assert f"{terms.label(*current)} already has an evaluation" in page
    assert "Start the" not in page
    refused = _page(client.post(path, data={"term": _value(*current)}))
    assert "already has an evaluation" in refused and "There is a problem" in refused
    assert _count(head.school_id) == 1


def test_the_banner_names_the_evaluation_copied(client, login, head, make_evaluation):
    year, term = terms.recent_terms(2)[1]
    make_evaluation(head.school, ratings=3, status="final", year=year, term=term)
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    response = client.post(path, data={"term": _value(*terms.current_term())})
    page = _page(client.get(response.headers["Location"]))
    assert f"Started from your {terms.label(year, term)} evaluation: ratings and evidence " \
           "copied; change what has changed." in page


def test_nothing_to_copy_is_not_called_a_copy(client, login, head, make_evaluation):
    year, term = terms.recent_terms(2)[1]
    make_evaluation(head.school, ratings=None, year=year, term=term)
    login(head)
    path = f"/schools/{head.school_id}/evaluations"
    response = client.post(path, data={"term": _value(*terms.current_term())})
    page = _page(client.get(response.headers["Location"]))
    assert "every standard not rated: no evaluation before it had ratings" in page
    assert "Started from your" not in page and "first self-evaluation" not in page


def test_offered_terms_follow_the_calendar(app):
    today = date(2027, 1, 10)  # Spring 2026/27
    assert evaluations.offered_terms([], False, today) == [(2026, "spring")]
    assert evaluations.offered_terms([(2026, "spring")], False, today) == []
    earlier = evaluations.offered_terms([(2026, "autumn")], True, today)
    assert (2026, "autumn") not in earlier and (2026, "spring") not in earlier
    assert earlier[0] == (2025, "summer") and len(earlier) == 4


def test_the_impact_awaits_the_term_after_the_start(app):
    n = terms.order(*terms.current_term()) + 1
    assert closing._awaited(datetime.now(UTC)) == terms.label(n // 3, TERMS[n % 3])
    long_ago = datetime(2020, 9, 21, tzinfo=UTC)  # then the current term is the one awaited
    assert closing._awaited(long_ago) == terms.label(*terms.current_term())
