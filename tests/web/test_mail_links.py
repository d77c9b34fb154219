"""Links in mail come from PUBLIC_URL, never from the request's Host; mail bodies are never
logged; outside development the app needs PUBLIC_URL and answers only its host."""

import logging
import re

import pytest
from sqlalchemy import select

from models import OutboxMail
from network import create_app
from network.extensions import db

PUBLIC = "https://network.example.org"


@pytest.fixture
def config(config):
    """As in production: no SERVER_NAME, links from PUBLIC_URL."""
    config.pop("SERVER_NAME", None)
    config["PUBLIC_URL"] = PUBLIC
    return config


def _post(client, path, host, **data):
    page = client.get(path, headers={"Host": host}).get_data(as_text=True)
    data["csrf_token"] = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                                   page).group(1)
    return client.post(path, data=data, headers={"Host": host})


def _mail_to(email: str) -> OutboxMail:
    return db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)
                              .order_by(OutboxMail.id.desc())).first()


def test_reset_link_ignores_the_host_header_and_the_body_is_not_logged(client, make_user,
                                                                      caplog):
    """A reset asked for with Host: attacker.example mails a link to PUBLIC_URL; the log
    names recipient, subject and message id, never the link."""
    caplog.set_level(logging.INFO)
    user = make_user()
    _post(client, "/password/reset", "attacker.example", email=user.email)
    body = _mail_to(user.email).body
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(PUBLIC + "/password/reset/") for link in links)
    token = links[0].rsplit("/", 1)[1]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in logged and "attacker.example/password" not in logged
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("mail to="))
    assert user.email in line and "Reset your" in line and "id=<" in line


def test_sign_up_links_come_from_public_url(client, make_user):
    """The confirmation mail and the "you already have an account" mail link to PUBLIC_URL."""
    existing = make_user()
    for email in ("fresh@example.org", existing.email):
        _post(client, "/signup", "attacker.example", name="Someone", email=email,
              password="a long password", confirm="a long password")
        links = re.findall(r"https?://\S+", _mail_to(email).body)
        assert links and all(link.startswith(PUBLIC + "/") for link in links), links


def test_production_refuses_to_start_without_public_url(config, monkeypatch):
    """Outside development and tests the app will not start without PUBLIC_URL, and says why."""
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("NETWORK_ENV", raising=False)
    config["TESTING"] = False
    config.pop("PUBLIC_URL")
    with pytest.raises(RuntimeError, match="PUBLIC_URL is not set"):
        create_app(config)
    config["PUBLIC_URL"] = "not an address"
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be"):
        create_app(config)


def test_production_answers_only_its_public_host(config, monkeypatch, database_url):
    """With PUBLIC_URL set outside development, any other Host gets 400."""
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("NETWORK_ENV", raising=False)
    config["TESTING"] = False
    app = create_app(config)
    assert app.config["TRUSTED_HOSTS"] == ["network.example.org"]
    browser = app.test_client()
    assert browser.get("/login", headers={"Host": "attacker.example"}).status_code == 400
    assert browser.get("/login", headers={"Host": "network.example.org"}).status_code == 200


def test_trusted_hosts_from_the_environment(monkeypatch, tmp_path):
    """TRUSTED_HOSTS lists the host names answered, comma-separated."""
    from network.config import from_environment

    monkeypatch.setenv("TRUSTED_HOSTS", "network.example.org, www.network.example.org")
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    settings = from_environment(tmp_path)
    assert settings["TRUSTED_HOSTS"] == ["network.example.org", "www.network.example.org"]
    assert settings["PUBLIC_URL"] == PUBLIC
