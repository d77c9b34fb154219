"""The sign-in throttle counts each attempt before its password is checked, atomically, so
parallel guesses cannot outrun it (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from network import create_app
from network.services import accounts
from tests.factories import PASSWORD

LIMIT = 5
ADDRESS_LIMIT = 12  # a school's staff share one address


@pytest.fixture
def config(no_csrf):
    """CSRF off (this is about the throttle), and the production limit's shape."""
    no_csrf["LOGIN_LIMIT"] = f"{LIMIT} per minute"
    no_csrf["LOGIN_ADDRESS_LIMIT"] = f"{ADDRESS_LIMIT} per minute"
    no_csrf.pop("SERVER_NAME", None)
    return no_csrf


@pytest.fixture
def checks(monkeypatch):
    """Counts every password check the app makes."""
    made = []
    lock = threading.Lock()
    real = accounts.check_password_hash

    def counted(stored, password):
        with lock:
            made.append(password)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counted)
    return made


@pytest.fixture
def live(app):
    """The app served by a threaded server on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _sign_in(base: str, email: str, password: str) -> tuple[int, dict, str]:
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(base + "/login", data=data, method="POST")  # noqa: S310 - http to our own test server
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_fifty_parallel_guesses_evaluate_at_most_the_limit(live, make_user, checks):
    """50 wrong passwords at once: at most LIMIT are checked, the rest 429, none 5xx; and the
    right password after them is refused too."""
    email = make_user().email
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda n: _sign_in(live, email, f"wrong guess {n}"),
                                range(50)))
    codes = [code for code, _, _ in answers]
    assert all(code < 500 for code in codes), codes
    assert set(codes) <= {200, 429}, codes
    assert len(checks) <= LIMIT, len(checks)
    assert codes.count(200) == len(checks)
    code, headers, page = _sign_in(live, email, PASSWORD)
    assert code == 429 and int(headers["Retry-After"]) > 0
    assert "Too many attempts" in page and "try again" in page and "UTC" in page


def test_a_successful_sign_in_does_not_count(config, make_user, login):
    """Signing in more often than the limit is fine: only failures count."""
    app = create_app(config)
    user = make_user()
    browser = app.test_client()
    for _ in range(LIMIT + 2):
        assert browser.post("/login", data={"email": user.email,
                                            "password": PASSWORD}).status_code == 302


def test_one_address_guessing_many_emails_is_limited(config, make_user):
    """The address counts across emails, the email across addresses."""
    app = create_app(config)
    browser = app.test_client()
    codes = [browser.post("/login", data={"email": f"n{n}@example.org", "password": "wrong"},
                          environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code
             for n in range(ADDRESS_LIMIT + 1)]
    assert codes == [200] * ADDRESS_LIMIT + [429]  # more than one person's worth: a school
    user = make_user()
    codes = [browser.post("/login", data={"email": user.email, "password": "wrong"},
                          environ_base={"REMOTE_ADDR": f"10.9.9.{n}"}).status_code
             for n in range(LIMIT + 1)]
    assert codes == [200] * LIMIT + [429]


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis():
    try:
        import redis

        store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        store.ping()
        return store
    except Exception:  # noqa: BLE001 - any failure means: not here
        return None


@pytest.mark.skipif(_redis() is None, reason=f"Redis is not reachable at {REDIS_URL}")
def test_fifty_parallel_guesses_counted_in_redis(config, make_user, checks):
    """The same with REDIS_URL set: the count lives in Redis, incremented atomically."""
    store = _redis()
    for key in store.scan_iter(config["THROTTLE_KEY_PREFIX"] + "*"):  # this run's only
        store.delete(key)
    config["RATELIMIT_STORAGE_URI"] = REDIS_URL
    app = create_app(config)
    email = make_user().email
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            codes = [code for code, _, _ in pool.map(
                lambda n: _sign_in(base, email, f"wrong guess {n}"), range(50))]
    finally:
        server.shutdown()
    assert set(codes) <= {200, 429} and len(checks) <= LIMIT, (codes, len(checks))
