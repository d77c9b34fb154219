"""Sign-in throttling is counted in Redis when REDIS_URL is set, so every app server shares it."""

import json
import logging
import os
import subprocess
import sys
import uuid

import pytest

from network import create_app
from network.config import ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# One app server: its own process and its own app, posting wrong passwords from one address.
SERVER = """
import json, sys
from network import create_app
url, redis, address, attempts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                  "INSTANCE_PATH": sys.argv[5], "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_STORAGE_URI": redis, "LOGIN_LIMIT": "3 per minute",
                  "THROTTLE_KEY_PREFIX": sys.argv[6]})
client = app.test_client()
codes = [client.post("/login", data={"email": "nobody@example.org", "password": "wrong"},
                     environ_base={"REMOTE_ADDR": address}).status_code
         for _ in range(attempts)]
print(json.dumps(codes))
"""


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: not here
        return False


def _server(config, storage: str, address: str, attempts: int, tmp_path) -> list[int]:
    """Run one app server in its own process; the status codes its sign-in attempts got."""
    done = subprocess.run(  # noqa: S603 - our own script, run by this Python
        [sys.executable, "-c", SERVER, config["SQLALCHEMY_DATABASE_URI"], storage, address,
         str(attempts), str(tmp_path / uuid.uuid4().hex), config["THROTTLE_KEY_PREFIX"]],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL}")
def test_two_app_servers_share_one_limit_through_redis(config, database_url, tmp_path):
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    assert _server(config, REDIS_URL, address, 3, tmp_path) == [200, 200, 200]
    assert _server(config, REDIS_URL, address, 1, tmp_path) == [429]


def test_without_redis_the_database_shares_the_count(config, database_url, tmp_path):
    """Without Redis, sign-in failures are counted in the database, so a second process knows
    the first one's count too."""
    address = "10.0.0.9"
    assert _server(config, "memory://", address, 3, tmp_path) == [200, 200, 200]
    assert _server(config, "memory://", address, 1, tmp_path) == [429]


@pytest.mark.parametrize(("storage", "said"), [
    ("memory://", "sign-in attempts counted in the database"),
    ("redis://:secret@127.0.0.1:6379/15", "sign-in attempts counted in redis at redis://127.0.0.1"),
])
def test_startup_says_where_limits_are_counted(config, caplog, storage, said):
    caplog.set_level(logging.INFO)
    config["RATELIMIT_STORAGE_URI"] = storage
    create_app(config)
    lines = [r.getMessage() for r in caplog.records if "sign-in attempts counted" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith(said)
    assert "secret" not in lines[0]


def test_redis_url_selects_redis_storage(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    from network.config import from_environment

    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
    monkeypatch.delenv("REDIS_URL")
    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
