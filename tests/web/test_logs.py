"""Structured logs: one JSON line per request with its id, and every other line tagged too."""

import json
import logging

import pytest

from network import create_app
from network.web import logs
from network.web.security import public
from tests.factories import api_token


def _lines(caplog, logger: str | None = None) -> list[dict]:
    """The captured records as the JSON lines the app writes."""
    formatter = logs.JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records
            if logger is None or r.name == logger]


@pytest.fixture
def noisy(app):
    """A page that logs a warning of its own while it is served."""

    @public
    def speak():
        logging.getLogger("network.example").warning("something to note")
        return "ok"

    app.add_url_rule("/__speak", "speak", speak)
    return app


def test_each_request_is_one_json_line_with_its_id_echoed(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/login")
    [line] = _lines(caplog, "network.request")
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/login", 200)
    assert line["level"] == "INFO" and line["time"].startswith("20")
    assert line["duration_ms"] >= 0 and line["remote_addr"] == "127.0.0.1"
    assert line["user_id"] is None


def test_a_signed_in_request_names_the_person(app, make_user, login, client, caplog):
    user = make_user()
    login(user)
    caplog.set_level(logging.INFO)
    caplog.clear()
    client.get("/")
    assert [line["user_id"] for line in _lines(caplog, "network.request")] == [user.id]


def test_an_api_request_names_the_token_holder(app, make_user, client, caplog):

    user = make_user()
    token = api_token(user)
    caplog.set_level(logging.INFO)
    caplog.clear()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code \
        == 200
    assert [line["user_id"] for line in _lines(caplog, "network.request")] == [user.id]


def test_a_safe_incoming_request_id_is_kept(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/login", headers={"X-Request-ID": "edge-7f3a-01"})
    assert response.headers["X-Request-ID"] == "edge-7f3a-01"
    assert _lines(caplog, "network.request")[0]["request_id"] == "edge-7f3a-01"


@pytest.mark.parametrize("unsafe", ["x" * 65, "id with spaces", "a\"};drop", "é-id", ""])
def test_an_unsafe_incoming_request_id_is_replaced(client, unsafe):
    answered = client.get("/login", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
    assert answered != unsafe
    assert logs.request_id_from(answered) == answered  # what we made up is itself safe


def test_two_requests_get_different_ids(client):
    assert client.get("/login").headers["X-Request-ID"] != \
        client.get("/login").headers["X-Request-ID"]


def test_other_lines_during_a_request_carry_its_id(noisy, client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/__speak")
    [said] = _lines(caplog, "network.example")
    assert said["message"] == "something to note" and said["level"] == "WARNING"
    assert said["request_id"] == response.headers["X-Request-ID"]


def test_lines_outside_a_request_have_no_request_id(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("network.example").info("from a command")
    [line] = _lines(caplog, "network.example")
    assert "request_id" not in line and line["message"] == "from a command"


def test_errors_keep_their_traceback_in_the_json_line(caplog):
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("network.example").exception("failed")
    [line] = _lines(caplog, "network.example")
    assert "ValueError: broken" in line["exception"]


def _our_handler():
    return next(h for h in logging.getLogger().handlers if getattr(h, "is_network_log", False))


def test_text_format_for_development(config):
    config["LOG_FORMAT"] = "text"
    create_app(config)
    formatter = _our_handler().formatter
    assert not isinstance(formatter, logs.JsonFormatter)
    record = logging.LogRecord("network.example", logging.INFO, "", 0, "hello", (), None)
    record.request_id = "abc-1"
    assert formatter.format(record).endswith("INFO network.example [abc-1] hello")


def test_json_is_the_default_and_one_handler_is_kept(config):
    create_app(config)
    create_app(config)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "is_network_log", False)]
    assert len(ours) == 1 and isinstance(ours[0].formatter, logs.JsonFormatter)
