"""Two-factor sign-in through the web: the second step (not signed in before it; wrong codes
refused on the form; throttled; lapsing; tied to the browser), set-up, the grace and what
follows it, turning off, and a site admin's reset."""

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from models import AuditEvent, User
from network.extensions import db
from network.services import two_factor
from tests.db_state import refusals
from tests.factories import PASSWORD, csrf_token


def _with_two_factor(user):
    secret = two_factor.new_secret()
    codes = two_factor.turn_on(user, secret, pyotp.TOTP(secret).now())
    return secret, codes


def _password(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def _code(client, code):
    return client.post("/login/code", data={"code": code,
                                            "csrf_token": csrf_token(client, "/login/code")})


def _signed_in(client) -> bool:
    return client.get("/account/two-factor").status_code == 200


def _next_code(secret):
    """A code of the next time step (the current one was used to turn it on)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_password_alone_does_not_sign_in_when_it_is_on(client, make_user):
    """The password leads to the code page; only the code signs in."""
    user = make_user()
    secret, _ = _with_two_factor(user)
    response = _password(client, user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert not _signed_in(client)
    page = client.get("/login/code")
    assert page.status_code == 200 and "Enter your security code" in page.get_data(as_text=True)
    response = _code(client, _next_code(secret))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _signed_in(client)


def test_without_two_factor_the_password_signs_in(client, make_user):
    """Someone without it (and everyone in their grace) signs in with the password alone."""
    user = make_user(site_admin=True)
    assert _password(client, user).headers["Location"] == "/"
    assert _signed_in(client)


def test_a_wrong_code_is_refused_on_the_form(client, make_user):
    """A wrong or replayed code: 400, the GOV.UK error summary, still not signed in."""
    user = make_user()
    secret, _ = _with_two_factor(user)
    _password(client, user)
    wrong = next(c for c in ("123456", "654321") if c not in {
        pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)})
    response = _code(client, wrong)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in body and "The code is not right" in body
    assert "<title>Error: " in body
    assert not _signed_in(client)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "sign-in failed")) == 1


def test_a_recovery_code_signs_in_once(client, app, make_user):
    """A recovery code finishes the sign-in, and does not work a second time."""
    user = make_user()
    _, codes = _with_two_factor(user)
    _password(client, user)
    assert _code(client, codes[0]).status_code == 302
    assert _signed_in(client)
    other = app.test_client()
    _password(other, user)
    assert _code(other, codes[0]).status_code == 400


@pytest.fixture
def strict(config):
    """Three tries a minute."""
    config["LOGIN_LIMIT"] = "3 per minute"
    return config


def test_the_code_step_is_throttled(strict, client, make_user):
    """Past the limit the answer is 429 with Retry-After, and even the right code waits."""
    user = make_user()
    secret, _ = _with_two_factor(user)
    _password(client, user)
    for _ in range(3):
        assert _code(client, "000000" if _next_code(secret) != "000000" else "111111"
                     ).status_code == 400
    response = _code(client, _next_code(secret))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_starting_over_cannot_outrun_the_days_limit(config, make_user, monkeypatch):
    """Someone with the password who signs in again and again, a minute apart, still gets
    only the day's number of code guesses."""
    from network import create_app
    from network.services import throttle

    config.update(LOGIN_LIMIT="3 per minute", TWO_FACTOR_DAILY_LIMIT="5 per day")
    browser = create_app(config).test_client()
    user = make_user()
    secret, _ = _with_two_factor(user)
    wrong = "000000" if _next_code(secret) != "000000" else "111111"
    clock = {"t": time.time()}
    monkeypatch.setattr(throttle.time, "time", lambda: clock["t"])
    answers = []
    for _ in range(3):  # three sign-ins, two minutes apart, two wrong codes each
        _password(browser, user)
        answers += [_code(browser, wrong).status_code for _ in range(2)]
        clock["t"] += 120
    assert answers == [400] * 5 + [429]  # the minute's limit never bit; the day's did
    response = _code(browser, _next_code(secret))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 3600
    assert not _signed_in(browser)


def test_the_code_step_lapses(client, make_user):
    """After five minutes the password must be given again."""
    user = make_user()
    secret, _ = _with_two_factor(user)
    _password(client, user)
    with client.session_transaction() as session:
        pending = dict(session["two_factor_pending"])
        session["two_factor_pending"] = {**pending, "t": pending["t"] - 301}
    response = client.get("/login/code")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/login/code", data={"code": _next_code(secret),
                                                 "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(client)


def test_the_code_step_belongs_to_the_browser(client, app, make_user):
    """Another browser cannot finish someone else's half-done sign-in."""
    user = make_user()
    secret, _ = _with_two_factor(user)
    _password(client, user)
    other = app.test_client()
    assert other.get("/login/code").status_code == 302
    assert not _signed_in(other)


def _past_grace(user):
    user.two_factor_required_since = datetime.now(UTC) - timedelta(days=15)
    db.session.commit()


def test_after_the_grace_set_up_comes_first(client, make_user, make_cluster):
    """A headteacher past the grace signs in with the password, then reaches only set-up and
    sign-out; after setting it up, everything."""
    head = make_user(make_cluster(schools=1).schools[0], "headteacher")
    _past_grace(head)
    assert _password(client, head).status_code == 302
    for path in ("/", "/search", "/account/tokens", "/account/two-factor"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/account/two-factor/set-up"), path
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    assert "<svg" in page and two_factor.grouped(secret) in page
    done = client.post("/account/two-factor/set-up", data={
        "code": pyotp.TOTP(secret).now(),
        "csrf_token": csrf_token(client, "/account/two-factor/set-up")})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "shown only once" in body
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", body)) == 10
    assert client.get("/").status_code == 200


def test_sign_out_is_still_open_after_the_grace(client, make_user):
    """Someone sent to set-up can still sign out."""
    admin = make_user(site_admin=True)
    _past_grace(admin)
    _password(client, admin)
    response = client.post("/logout", data={"csrf_token": csrf_token(
        client, "/account/two-factor/set-up")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_grace_is_shown_on_home_and_account(client, login, make_user, make_cluster):
    """During the grace, home and the account page say how many days are left, with a link."""
    head = make_user(make_cluster(schools=1).schools[0], "headteacher")
    login(head)
    for path in ("/", "/account/password", "/account/two-factor"):
        body = client.get(path).get_data(as_text=True)
        assert "Set up two-factor sign-in within 14 days" in body, path
        assert 'href="/account/two-factor/set-up"' in body, path


def test_members_see_no_grace(client, login, make_user, make_cluster):
    """For an optional role nothing is asked on home."""
    member = make_user(make_cluster(schools=1).schools[0], "member")
    login(member)
    assert "Set up two-factor sign-in within" not in client.get("/").get_data(as_text=True)


def test_a_wrong_set_up_code_is_refused(client, login, make_user):
    """Setting up with a wrong code says so on the field and leaves it off."""
    user = make_user()
    login(user)
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    wrong = next(c for c in ("123456", "654321") if c not in {
        pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)})
    response = client.post("/account/two-factor/set-up", data={
        "code": wrong, "csrf_token": csrf_token(client, "/account/two-factor/set-up")})
    assert response.status_code == 400 and "govuk-error-summary" in response.get_data(
        as_text=True)
    assert not two_factor.is_on(db.session.get(User, user.id))


def test_a_member_turns_it_off_with_the_password(client, login, make_user):
    """Turning off needs the password; then the password alone signs in again."""
    user = make_user()
    secret, _ = _with_two_factor(user)
    _password(client, user)
    _code(client, _next_code(secret))
    token = csrf_token(client, "/account/two-factor/turn-off")
    assert client.post("/account/two-factor/turn-off",
                       data={"password": "wrong", "csrf_token": token}).status_code == 400
    response = client.post("/account/two-factor/turn-off",
                           data={"password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert not two_factor.is_on(db.session.get(User, user.id))


def test_a_headteacher_cannot_turn_it_off(client, make_user, make_cluster):
    """A role that needs it is refused (403), and it stays on."""
    head = make_user(make_cluster(schools=1).schools[0], "headteacher")
    secret, _ = _with_two_factor(head)
    _password(client, head)
    _code(client, _next_code(secret))
    page = client.get("/account/two-factor/turn-off").get_data(as_text=True)
    assert "cannot be turned off" in page
    response = client.post("/account/two-factor/turn-off", data={
        "password": PASSWORD, "csrf_token": csrf_token(client, "/account/two-factor")})
    assert response.status_code == 403
    assert two_factor.is_on(db.session.get(User, head.id))


def test_new_recovery_codes_through_the_web(client, make_user):
    """New codes need the password and are shown once."""
    user = make_user()
    secret, old = _with_two_factor(user)
    _password(client, user)
    _code(client, _next_code(secret))
    response = client.post("/account/two-factor/recovery-codes", data={
        "password": PASSWORD,
        "csrf_token": csrf_token(client, "/account/two-factor/recovery-codes")})
    assert response.status_code == 200 and "Your old recovery codes no longer work" in \
        response.get_data(as_text=True)
    assert not two_factor.check_code(db.session.get(User, user.id), old[0])


def test_a_site_admin_resets_it(client, app, login, make_user):
    """The admin's reset turns it off and signs the person out; anyone else gets 404, audited."""
    person = make_user(lle=True)
    secret, _ = _with_two_factor(person)
    theirs = app.test_client()
    _password(theirs, person)
    _code(theirs, _next_code(secret))
    assert _signed_in(theirs)
    login(make_user(coordinator=True))
    before = refusals()
    token = csrf_token(client, "/account/two-factor")
    assert client.post(f"/admin/users/{person.id}/two-factor/reset",
                       data={"csrf_token": token}).status_code == 404
    assert refusals() == before + 1
    assert two_factor.is_on(db.session.get(User, person.id))
    admin_browser = app.test_client()
    login(make_user(site_admin=True), as_client=admin_browser)
    page = admin_browser.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Reset two-factor sign-in" in page
    response = admin_browser.post(f"/admin/users/{person.id}/two-factor/reset", data={
        "csrf_token": csrf_token(admin_browser, f"/admin/users/{person.id}")})
    assert response.status_code == 302
    assert not two_factor.is_on(db.session.get(User, person.id))
    assert not _signed_in(theirs)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "two-factor reset")) == 1
