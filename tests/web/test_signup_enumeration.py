"""Sign-up and sign-in say nothing about which emails have accounts."""

import re

from sqlalchemy import select

from models import OutboxMail, User
from network.extensions import db
from network.services import accounts
from tests.factories import PASSWORD, csrf_token


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


NEW_PASSWORD = "a long password"


def _sign_up(client, email, password=NEW_PASSWORD):
    return _post(client, "/signup", name="Ada Head", email=email, password=password,
                 confirm=password)


def _mail_to(email: str) -> OutboxMail:
    return db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)
                              .order_by(OutboxMail.id.desc())).first()


def _answer(response, email: str) -> str:
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    page = re.sub(r'value="[^"]*"', 'value=""', page)  # CSRF tokens and nonces differ
    return re.sub(r'nonce(?:="|-)[^"\']+', "nonce", page)


def test_new_and_existing_emails_get_the_same_answer(app, make_user):
    """Sign-up answers a new email and a registered one alike; the mail says which."""
    existing = make_user(email="taken@example.org")
    new_answer = _sign_up(app.test_client(), "fresh@example.org")
    old_answer = _sign_up(app.test_client(), "taken@example.org")
    assert new_answer.status_code == old_answer.status_code == 200
    assert _answer(new_answer, "fresh@example.org") == _answer(old_answer, "taken@example.org")
    assert "already exists" not in old_answer.get_data(as_text=True)
    assert "already have an Improvement Network account" in _mail_to(existing.email).subject
    assert "/password/reset" in _mail_to(existing.email).body
    assert "/signup/confirm/" in _mail_to("fresh@example.org").body
    db.session.refresh(existing)
    assert existing.name != "Ada Head"  # nothing about the existing account changed


def test_the_account_works_only_after_the_emailed_link(client):
    """Until its link is followed an account cannot sign in; the link signs in, once."""
    _sign_up(client, "new.person@example.org")
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.email_verified_at is None
    refused = _post(client, "/login", email="new.person@example.org",
                    password="a long password")
    assert refused.status_code == 200 and "Confirm your email address" in \
        refused.get_data(as_text=True)
    link = re.search(r"http://localhost(/signup/confirm/\S+)",
                     _mail_to("new.person@example.org").body).group(1)
    assert client.get(link).status_code == 200  # opening the link (a mail scanner) uses nothing
    response = _post(client, link)
    assert response.status_code == 302
    assert "Welcome, Ada Head" in client.get("/").get_data(as_text=True)
    assert client.get(link).status_code == 400


def test_signing_up_again_before_confirming_replaces_the_password(client):
    """Only the mailbox's owner can finish an account: a later sign-up's password counts and
    the earlier link stops working."""
    _sign_up(client, "twice@example.org", password="first password")
    first = re.search(r"http://localhost(/signup/confirm/\S+)",
                      _mail_to("twice@example.org").body).group(1)
    _sign_up(client, "twice@example.org", password="second password")
    assert client.get(first).status_code == 400
    assert len(db.session.scalars(select(User).where(User.email == "twice@example.org"))
               .all()) == 1


def test_a_password_reset_confirms_the_email(client):
    """A reset link proves the mailbox as well as a confirmation link does."""
    _sign_up(client, "resets@example.org")
    _post(client, "/password/reset", email="resets@example.org")
    link = re.search(r"http://localhost(/password/reset/\S+)",
                     _mail_to("resets@example.org").body).group(1)
    _post(client, link, password="my new password!", confirm="my new password!")
    assert _post(client, "/login", email="resets@example.org",
                 password="my new password!").status_code == 302


def test_people_made_by_fixtures_and_commands_can_sign_in(make_user, login, runner):
    """Accounts made other than by the sign-up form are confirmed as they are made."""
    login(make_user())
    result = runner.invoke(args=["create-user", "--email", "cli@example.org", "--name", "C Li",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cli@example.org"))
    assert user.email_verified_at is not None


def test_unknown_email_is_checked_against_a_hash_of_the_same_cost(config, make_user,
                                                                 monkeypatch):
    """A wrong email costs a password check of the same algorithm and cost as a real one."""
    from network import create_app

    config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:2000"
    create_app(config)
    seen = []
    real_check = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda stored, password: seen.append(stored) or real_check(stored,
                                                                                   password))
    with create_app(config).test_request_context():
        user = make_user()
        assert accounts.authenticate(user.email, "wrong password") is None
        assert accounts.authenticate("nobody@example.org", "wrong password") is None
    real, stand_in = seen
    assert stand_in.split("$")[0] == real.split("$")[0] == "pbkdf2:sha256:2000"
