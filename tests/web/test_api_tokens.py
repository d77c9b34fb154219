"""Tokens a person controls (issue 15, item 2): named, scoped, expiring tokens created on the
API tokens page (shown once), listed and revoked there, by site admins and from the command
line; and every token and session of a person ends when their standing does."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import ApiToken, AuditEvent, UserSession
from network.extensions import db
from network.services import accounts, clusters, members, tokens
from network.services.errors import Invalid
from tests.factories import PASSWORD, csrf_token


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _me(client, secret: str) -> int:
    return client.get("/api/v1/me", headers=_bearer(secret)).status_code


def _create_on_page(client, name="Trust dashboard", days="90", scope="read"):
    return client.post("/account/tokens", data={
        "name": name, "days": days, "scope": scope,
        "csrf_token": csrf_token(client, "/account/tokens")})


@pytest.fixture
def world(two_clusters):
    return two_clusters


def test_the_page_creates_a_named_read_only_token_shown_once(world, client, login):
    person = world.A.people["member"]
    login(person)
    response = _create_on_page(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = re.search(r'id="secret" type="text" value="([^"]+)"', page).group(1)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == person.id))
    assert token.name == "Trust dashboard" and token.scope == "read"
    assert token.token_hash == accounts.hash_token(secret) and secret not in token.token_hash
    expires = tokens._aware(token.expires_at)
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Trust dashboard" in listing and secret not in listing  # shown once
    assert _me(client, secret) == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_a_token_lasts_a_year_at_most(world, client, login):
    person = world.A.people["member"]
    login(person)
    assert _create_on_page(client, days="366").status_code == 400
    with pytest.raises(Invalid):
        tokens.create(person, "Too long", 366)
    token, _ = tokens.create(person, "A year", 365)
    assert tokens._aware(token.expires_at) - datetime.now(UTC) > timedelta(days=364)


def test_expired_and_revoked_tokens_answer_401(world, client):
    person = world.A.people["member"]
    expired, old = tokens.create(person, "Old", 1)
    expired.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert _me(client, old) == 401
    token, secret = tokens.create(person, "Revoked")
    assert _me(client, secret) == 200
    tokens.revoke(person, token.id)
    assert _me(client, secret) == 401


def test_read_only_tokens_may_not_change_anything(world):
    """The API only reads today; the scope is kept, and a read-only token asking to change
    something is refused before any view runs."""
    person = world.A.people["member"]
    _, read = tokens.create(person, "Reader")
    _, write = tokens.create(person, "Writer", scope="write")
    assert tokens.authenticate(read, "GET")[0] == person
    assert tokens.authenticate(read, "POST") == (None, "scope")
    assert tokens.authenticate(write, "POST")[0] == person


def test_people_revoke_their_own_tokens_only(world, client, login, app):
    owner, other = world.A.people["member"], world.A.people["leading_teacher"]
    token, secret = tokens.create(owner, "Mine")
    login(other)
    refused = client.post("/account/tokens/revoke", data={
        "token_id": str(token.id), "csrf_token": csrf_token(client, "/account/tokens")})
    assert refused.status_code == 404
    assert _me(client, secret) == 200
    assert client.post("/account/tokens/revoke", data={"token_id": str(token.id)}) \
        .status_code == 400  # no CSRF token
    browser = login(owner, as_client=app.test_client())
    done = browser.post("/account/tokens/revoke", data={
        "token_id": str(token.id), "csrf_token": csrf_token(browser, "/account/tokens")})
    assert done.status_code == 302
    assert _me(client, secret) == 401


def test_site_admins_list_and_revoke_anyones_tokens(world, client, login, app):
    owner = world.B.people["headteacher"]
    token, secret = tokens.create(owner, "Their script")
    head = login(world.A.people["headteacher"], as_client=app.test_client())
    assert head.get("/admin/tokens").status_code == 404
    assert head.post("/admin/tokens/revoke", data={
        "token_id": str(token.id), "csrf_token": csrf_token(head, "/account/tokens")}
    ).status_code == 404
    login(world.A.people["site_admin"])
    page = client.get(f"/admin/tokens?email={owner.email}").get_data(as_text=True)
    assert "Their script" in page and owner.email in page
    response = client.post("/admin/tokens/revoke", data={
        "token_id": str(token.id), "csrf_token": csrf_token(client, "/admin/tokens")})
    assert response.status_code == 302
    assert _me(client, secret) == 401


def test_revoke_token_command(world, client, runner):
    person = world.A.people["member"]
    one, one_secret = tokens.create(person, "One")
    _, two_secret = tokens.create(person, "Two")
    _, three_secret = tokens.create(person, "Three")
    result = runner.invoke(args=["revoke-token", "--id", str(one.id)])
    assert result.exit_code == 0, result.output
    assert _me(client, one_secret) == 401 and _me(client, two_secret) == 200
    result = runner.invoke(args=["revoke-token", "--email", person.email.upper()])
    assert result.exit_code == 0 and "Revoked 2" in result.output
    assert _me(client, two_secret) == 401 and _me(client, three_secret) == 401
    assert runner.invoke(args=["revoke-token"]).exit_code != 0


def _sessions(person) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == person.id))


def _ended(person) -> bool:
    return bool(db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "access ended", AuditEvent.target == f"user:{person.id}")))


def test_a_password_change_ends_every_token_and_other_session(world, client, login, app):
    person = world.A.people["member"]
    _, secret = tokens.create(person, "Script")
    other_browser = login(person, as_client=app.test_client())
    login(person)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a much newer password",
        "confirm": "a much newer password",
        "csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 302
    assert _me(client, secret) == 401
    assert other_browser.get("/inbox").status_code == 302  # signed out
    assert client.get("/inbox").status_code == 200  # this browser signed in afresh
    assert _ended(person)


def test_a_password_reset_ends_every_token_and_session(world, client, login, app):
    person = world.A.people["member"]
    _, secret = tokens.create(person, "Script")
    login(person)
    token = accounts._reset_serializer().dumps({"u": person.id, "p": person.password_hash[-12:]})
    accounts.reset_password(token, "a brand new password")
    assert _me(client, secret) == 401
    assert _sessions(person) == 0
    assert client.get("/inbox").status_code == 302


@pytest.mark.parametrize("loss", ["removed", "coordinator", "lle", "site_admin"])
def test_losing_standing_ends_every_token_and_session(world, client, login, loss):
    a = world.A
    person = {"removed": a.people["leading_teacher"], "coordinator": a.people["senior_leader"],
              "lle": a.people["lle"], "site_admin": a.people["site_admin"]}[loss]
    if loss == "coordinator":
        person.is_coordinator = True
        db.session.commit()
    _, secret = tokens.create(person, "Script")
    login(person)
    assert _sessions(person) == 1 and _me(client, secret) == 200
    coordinator, admin = a.people["coordinator"], a.people["site_admin"]
    if loss == "removed":
        members.remove(coordinator, a.cluster.id, person.id)
    elif loss == "coordinator":
        members.change_role(coordinator, a.cluster.id, person.id, "senior_leader", False)
    elif loss == "lle":
        members.set_designations(admin, person.id, lle=False, site_admin=False)
    else:
        other_admin = members.set_designations(admin, a.people["member"].id, False, True)
        members.set_designations(other_admin, person.id, lle=False, site_admin=False)
    assert _me(client, secret) == 401
    assert _sessions(person) == 0
    assert client.get("/inbox").status_code == 302
    assert _ended(person)


def test_keeping_standing_keeps_tokens(world, client):
    """A role change that takes nothing away (and a new designation) leaves tokens alone."""
    a = world.A
    person = a.people["member"]
    _, secret = tokens.create(person, "Script")
    members.change_role(a.people["coordinator"], a.cluster.id, person.id, "leading_teacher",
                        True)
    members.set_designations(a.people["site_admin"], person.id, lle=True, site_admin=False)
    assert _me(client, secret) == 200


def test_join_approval_and_invitations_keep_working(world):
    """Sanity: the standing service is not called where nothing is lost."""
    a = world.A
    invitation, _ = clusters.create_invitation(a.people["coordinator"], a.cluster.id,
                                               a.school.id, "member")
    assert invitation.role == "member"
