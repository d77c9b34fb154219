"""Messages that say what to do: an impossible date names its field, and a throttled
sign-in says how long to wait."""

import html
import re

from sqlalchemy import select

from models import SupportRequest
from network import create_app
from network.extensions import db
from network.services.throttle import wait_words
from tests.factories import PASSWORD
from tests.web.test_brokering import AGREEMENT, _as, _ask


def test_an_impossible_date_names_its_field(no_csrf, app, login, brokers):
    """31 February: the error summary and the field both say which date, and how to write
    one."""
    net = brokers
    head = _as(app, login, net.head)
    assert _ask(head, net).status_code == 302
    lle = _as(app, login, net.lle)
    asked = db.session.scalar(select(SupportRequest))
    response = lle.post(f"/support-requests/{asked.id}/propose", data={
        "supporting_school_id": str(net.right.id), "standards": ["CE2.A"],
        "activities": "Visits.", **AGREEMENT, "starts_on": ["31", "2", "2027"]})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    message = "Start date must be a real date, for example 27 3 2027"
    assert page.count(message) == 2  # in the error summary and by the boxes
    assert "Not a valid date value" not in page
    assert 'value="31"' in page  # what was typed comes back


def test_a_date_missing_a_part_says_so(no_csrf, app, login, brokers):
    net = brokers
    head = _as(app, login, net.head)
    assert _ask(head, net).status_code == 302
    lle = _as(app, login, net.lle)
    asked = db.session.scalar(select(SupportRequest))
    response = lle.post(f"/support-requests/{asked.id}/propose", data={
        "supporting_school_id": str(net.right.id), "standards": ["CE2.A"],
        "activities": "Visits.", **AGREEMENT, "ends_on": ["31", "", "2028"]})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "End date must include a day, month and year" in page


def test_wait_words_round_up():
    assert wait_words(1) == "1 second"
    assert wait_words(45) == "45 seconds"
    assert wait_words(60) == "1 minute"
    assert wait_words(61) == "2 minutes"
    assert wait_words(239) == "4 minutes"


def test_a_throttled_sign_in_says_how_long_to_wait(no_csrf, make_user):
    """After five failures even the right password is refused, with the wait in minutes
    that agrees with Retry-After."""
    no_csrf["LOGIN_LIMIT"] = "5 per hour"
    no_csrf.pop("SERVER_NAME", None)
    app = create_app(no_csrf)
    browser = app.test_client()
    user = make_user()
    for _ in range(5):
        assert browser.post("/login", data={"email": user.email,
                                            "password": "wrong"}).status_code == 200
    refused = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    wait = int(refused.headers["Retry-After"])
    minutes = re.search(r"Too many sign-in attempts: try again in (\d+) minutes? \(at "
                        r"\d\d:\d\d:\d\d UTC\)", page)
    assert minutes and int(minutes.group(1)) == -(-wait // 60)
