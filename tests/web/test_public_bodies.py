"""Site admins extend the list of national bodies the anonymisation check leaves alone."""

from html import unescape

import pytest
from sqlalchemy import select

from models import AuditEvent, PublicBodyEntry
from network.domain.anonymity import scan
from network.extensions import db
from network.services import public_bodies
from tests.factories import csrf_token

PAGE = "/admin/public-bodies"
TEXT = "The toolkit at www.example-research.org.uk/maths helped; ring 0161 496 0999."


def _post(browser, **data):
    return browser.post(PAGE, data={**data, "csrf_token": csrf_token(browser, PAGE)})


def test_a_site_admin_adds_a_domain_and_the_check_then_allows_it(app, client, login,
                                                                  make_user):
    admin = make_user(site_admin=True)
    login(admin)
    assert [f.kind for f in scan(TEXT, allowed=public_bodies.current())] == [
        "web_address", "phone"]

    response = _post(client, kind="domain", value="https://www.Example-Research.org.uk/about",
                     note="A national maths research charity")
    assert response.status_code == 302
    response = _post(client, kind="phone", value="0161 496 0999", note="Its helpline")
    assert response.status_code == 302

    allowed = public_bodies.current()
    assert "example-research.org.uk" in allowed.domains
    assert scan(TEXT, allowed=allowed) == []
    assert scan("Mail them at hello@example-research.org.uk.", allowed=allowed) == []
    assert scan("Oakfield's own site is oakfield.sch.uk.", allowed=allowed)
    page = unescape(client.get(PAGE).get_data(as_text=True))
    assert "example-research.org.uk" in page and "A national maths research charity" in page
    actions = db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.action == "public body added")).all()
    assert sorted(actions) == ["domain example-research.org.uk", "phone 01614960999"]


@pytest.mark.parametrize("role", ["member", "coordinator", "lle"])
def test_everyone_else_is_told_the_page_does_not_exist(app, client, login, make_user, role):
    person = make_user(coordinator=role == "coordinator", lle=role == "lle")
    login(person)
    assert client.get(PAGE).status_code == 404
    assert _post(client, kind="domain", value="example-research.org.uk").status_code == 404
    assert db.session.scalars(select(PublicBodyEntry)).all() == []


@pytest.mark.parametrize("kind, value, message", [
    ("domain", "oakfield.leeds.sch.uk", "belong to schools"),
    ("domain", "https://www.stmarys.sch.uk/contact", "belong to schools"),
    ("domain", "not a domain", "own domain"),
    ("domain", "org.uk", "own domain"),
    ("phone", "call us", "UK phone number"),
    ("postcode", "SW1P", "full UK postcode"),
    ("", "gov.uk", "Choose whether"),
    ("domain", "", "Enter the domain"),
    ("domain", "gov.uk", "already on the list"),
    ("postcode", "sw1p 3bt", "already on the list"),
])
def test_bad_input_comes_back_with_what_was_typed(app, client, login, make_user, kind, value,
                                                  message):
    login(make_user(site_admin=True))
    response = _post(client, kind=kind, value=value, note="Typed note")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page
    assert f'value="{value}"' in page and 'value="Typed note"' in page
    assert db.session.scalars(select(PublicBodyEntry)).all() == []


def test_a_school_domain_is_refused_by_the_service_too(app, make_user):
    admin = make_user(site_admin=True)
    with pytest.raises(public_bodies.PublicBodyError, match=r"\.sch\.uk"):
        public_bodies.add(admin, "domain", "www.oakfield.sch.uk")
    entry = public_bodies.add(admin, "postcode", "ls1 4ab", "A regional office")
    assert entry.value == "LS1 4AB"
    assert public_bodies.current().allows_postcode("LS14AB")
