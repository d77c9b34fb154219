"""Accounts: signing up, in and out, passwords, resets and throttling."""

import re

from flask import url_for
from sqlalchemy import func, select

from models import AuditEvent, OutboxMail, User, UserSession
from network.extensions import db
from tests.factories import PASSWORD, confirm_sign_up, csrf_token


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def test_sign_up_creates_an_account_with_a_hashed_password(client):
    """A new person creates an account, confirms their email from the link mailed to them,
    and is signed in."""
    response = _post(client, "/signup", name="Ada Head", email="Ada@Example.org",
                     password="a long password", confirm="a long password")
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert confirm_sign_up(client, "ada@example.org").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    assert user is not None and "a long password" not in user.password_hash
    assert user.password_hash.startswith("pbkdf2:sha256")
    assert "Welcome, Ada Head" in client.get("/").get_data(as_text=True)


def test_production_hashes_passwords_slowly(app):
    """Outside tests the password hash is scrypt, a deliberately slow hash."""
    from network import create_app

    assert create_app({"INSTANCE_PATH": app.instance_path, "PUBLIC_URL": "https://x.example"}
                      ).config["PASSWORD_HASH_METHOD"] == "scrypt"


def test_a_registered_email_is_told_by_mail_not_on_the_page(client, make_user):
    """Signing up with an email that has an account answers as for a new one (the page does
    not say who is registered); the owner is mailed that they already have an account."""
    make_user(email="taken@example.org")
    response = _post(client, "/signup", name="Second Person", email="TAKEN@example.org",
                     password="a long password", confirm="a long password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check your email" in page and "An account with this email address" not in page
    db.session.commit()
    subjects = db.session.scalars(select(OutboxMail.subject).where(
        OutboxMail.recipient == "taken@example.org")).all()
    assert subjects == ["You already have an Improvement Network account"]
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "taken@example.org")) == 1


def test_over_long_and_mismatched_fields_are_explained(client):
    """Each bad field gets its own message in the error summary."""
    response = _post(client, "/signup", name="x" * 121, email="not-an-email",
                     password="short", confirm="different")
    page = response.get_data(as_text=True)
    for message in ("120 characters or fewer", "correct format", "between 10 and 200",
                    "do not match"):
        assert message in page
    assert db.session.scalar(select(User).where(User.name == "x" * 121)) is None


def test_sign_in_renews_the_session_and_sign_out_ends_it_on_the_server(client, make_user, login):
    """A stolen cookie from before sign-in or after sign-out is worthless."""
    user = make_user()
    client.get("/login")
    before = client.get_cookie("session").value
    login(user)
    after = client.get_cookie("session").value
    assert before != after
    assert client.get("/inbox").status_code == 200
    _post(client, "/logout")
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)) is None
    client.set_cookie("session", after)  # replay the signed-in cookie
    assert client.get("/inbox").status_code == 302


def test_wrong_password_gets_a_generic_message(client, make_user):
    """A failed sign-in does not say whether the email exists."""
    user = make_user()
    wrong = _post(client, "/login", email=user.email, password="wrong password")
    unknown = _post(client, "/login", email="nobody@example.org", password="wrong password")
    for response in (wrong, unknown):
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign-in failed"))


def test_repeated_failures_are_throttled(config, make_user):
    """After five failures in a minute, sign-in answers 429 with a generic page."""
    from network import create_app

    config["LOGIN_LIMIT"] = "5 per minute"
    app = create_app(config)
    client = app.test_client()
    user = make_user()
    codes = [_post(client, "/login", email=user.email, password="wrong").status_code
             for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert "Too many attempts" in _post(client, "/login", email=user.email,
                                        password=PASSWORD).get_data(as_text=True)


def test_changing_password_signs_out_other_browsers(app, make_user, login):
    """After a password change, only the browser that changed it stays signed in."""
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(user, as_client=laptop)
    login(user, as_client=phone)
    response = _post(laptop, "/account/password", current_password=PASSWORD,
                     password="a brand new password", confirm="a brand new password")
    assert response.status_code == 302
    assert laptop.get("/inbox").status_code == 200
    assert phone.get("/inbox").status_code == 302


def test_wrong_current_password_is_refused(client, make_user, login):
    """A password is changed only by someone who knows the current one."""
    login(make_user())
    response = _post(client, "/account/password", current_password="not it at all",
                     password="a brand new password", confirm="a brand new password")
    assert "current password is not correct" in response.get_data(as_text=True)


def test_password_reset_by_emailed_link_works_once(client, make_user, login):
    """A reset link from the outbox sets a new password and cannot be used again."""
    user = make_user()
    _post(client, "/password/reset", email=user.email)
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == user.email))
    link = re.search(r"http://localhost(/password/reset/\S+)", mail.body).group(1)
    response = _post(client, link, password="my new password!", confirm="my new password!")
    assert response.status_code == 302
    login(user, password="my new password!")
    assert client.get(link).status_code == 400


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client):
    """Nobody can learn which emails have accounts from the reset page."""
    response = _post(client, "/password/reset", email="ghost@example.org")
    assert "If ghost@example.org has an account" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMail)) is None


def test_expired_reset_link_is_refused(config, client, make_user):
    """A reset link stops working after its time."""
    from network import create_app

    config["PASSWORD_RESET_MAX_AGE"] = -1
    app = create_app(config)
    user = make_user()
    with app.test_request_context():
        from network.services import accounts

        accounts.send_password_reset(user.email, lambda token: url_for(
            "auth.reset_password", token=token, _external=True))
    db.session.commit()  # end the test's own read, begun before the other app's commit
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == user.email))
    link = re.search(r"http://localhost(/password/reset/\S+)", mail.body).group(1)
    assert app.test_client().get(link).status_code == 400


def test_disabled_account_loses_its_open_session(client, make_user, login):
    """Switching an account off ends sessions that were already open."""
    user = make_user()
    login(user)
    user.is_active = False
    db.session.commit()
    assert client.get("/inbox").status_code == 302


def test_next_parameter_cannot_send_people_off_site(client, make_user):
    """After sign-in, a `next` pointing elsewhere is ignored."""
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post("/login?next=//evil.example/", data={
        "email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
