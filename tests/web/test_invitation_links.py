"""Invitation links are emailed to the address given, can be copied, and can be shown again
until the invitation is used or withdrawn."""

import re

from sqlalchemy import select

from models import Invitation, OutboxMail
from network.extensions import db
from tests.factories import csrf_token

LINK = re.compile(r'id="invitation-link" type="text" readonly value="http://localhost([^"]+)"')


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def _invite(app, login, make_cluster, make_user, **extra):
    cluster = make_cluster()
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    client = app.test_client()
    login(coordinator, as_client=client)
    page = _post(client, f"/clusters/{cluster.id}/invitations",
                 school_id=str(cluster.schools[0].id), role="member", **extra)
    return cluster, client, page.get_data(as_text=True)


def test_an_invitation_is_emailed_to_the_address_given(app, login, make_cluster, make_user):
    cluster, client, page = _invite(app, login, make_cluster, make_user,
                                    email=" Sam.Lee@Example.org ", note="Sam")
    link = LINK.search(page).group(1)
    sent = db.session.scalar(select(OutboxMail))
    assert sent.recipient == "sam.lee@example.org"
    assert f"http://localhost{link}" in sent.body
    assert cluster.schools[0].name in sent.body
    assert "We emailed it to sam.lee@example.org" in page
    # A copy button, shown by a script the page's CSP allows (served from this site).
    assert 'data-app-copy="invitation-link"' in page
    assert '<script type="module" src="/static/js/copy-link.js">' in page
    assert "emailed to sam.lee@example.org" in client.get(
        f"/clusters/{cluster.id}/invitations").get_data(as_text=True)


def test_a_bad_email_address_is_refused_with_what_was_typed(app, login, make_cluster,
                                                            make_user):
    _, _, page = _invite(app, login, make_cluster, make_user, email="not an address",
                         note="Kept note")
    assert "Enter an email address in the correct format" in page
    assert 'value="Kept note"' in page
    assert db.session.scalar(select(Invitation)) is None
    assert db.session.scalar(select(OutboxMail)) is None


def test_without_an_email_nothing_is_sent(app, login, make_cluster, make_user):
    _, _, page = _invite(app, login, make_cluster, make_user)
    assert LINK.search(page)
    assert db.session.scalar(select(OutboxMail)) is None


def test_the_link_can_be_shown_again_until_it_is_used(app, login, make_cluster, make_user):
    cluster, client, page = _invite(app, login, make_cluster, make_user)
    first = LINK.search(page).group(1)
    invitation = db.session.scalar(select(Invitation))
    listing = client.get(f"/clusters/{cluster.id}/invitations").get_data(as_text=True)
    assert "Show the link" in listing and first not in listing
    again_url = f"/clusters/{cluster.id}/invitations/{invitation.id}/link"
    again = _post(client, again_url).get_data(as_text=True)
    assert LINK.search(again).group(1) == first  # the same link: the emailed one still works
    assert "no longer works" not in again

    newcomer, browser = make_user(), app.test_client()
    login(newcomer, as_client=browser)
    assert _post(browser, first).status_code == 302
    assert newcomer.school_id == cluster.schools[0].id

    used = _post(client, again_url)
    assert used.status_code == 302
    shown = client.get(used.headers["Location"]).get_data(as_text=True)
    assert "has been used, withdrawn or has expired" in shown and not LINK.search(shown)


def test_an_older_invitation_gets_a_new_link_and_the_old_one_stops(app, login, make_cluster,
                                                                   make_user):
    """Invitations made before links were derivable: showing one makes a new link."""
    cluster, client, page = _invite(app, login, make_cluster, make_user)
    first = LINK.search(page).group(1)
    invitation = db.session.scalar(select(Invitation))
    invitation.link_seed = ""
    db.session.commit()
    again = _post(client, f"/clusters/{cluster.id}/invitations/{invitation.id}/link")
    second = LINK.search(again.get_data(as_text=True)).group(1)
    assert second != first and "The link made before no longer works" in again.get_data(
        as_text=True)
    newcomer, browser = make_user(), app.test_client()
    login(newcomer, as_client=browser)
    assert browser.get(first).status_code == 404
    assert _post(browser, second).status_code == 302


def test_a_withdrawn_invitation_cannot_be_shown_again(app, login, make_cluster, make_user):
    cluster, client, _ = _invite(app, login, make_cluster, make_user)
    invitation = db.session.scalar(select(Invitation))
    base = f"/clusters/{cluster.id}/invitations/{invitation.id}"
    assert _post(client, f"{base}/revoke").status_code == 302
    listing = client.get(f"/clusters/{cluster.id}/invitations").get_data(as_text=True)
    assert "Show the link" not in listing
    before = db.session.scalar(select(Invitation.token_hash))
    assert _post(client, f"{base}/link").status_code == 302
    assert db.session.scalar(select(Invitation.token_hash)) == before


def test_a_member_cannot_show_a_link_again(app, login, make_cluster, make_user):
    cluster, _, _ = _invite(app, login, make_cluster, make_user)
    invitation = db.session.scalar(select(Invitation))
    member = app.test_client()
    login(make_user(cluster.schools[0], "member"), as_client=member)
    before = invitation.token_hash
    path = f"/clusters/{cluster.id}/invitations/{invitation.id}/link"
    assert _post(member, path).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(Invitation.token_hash)) == before
