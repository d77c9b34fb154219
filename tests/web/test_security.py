"""Security by default: headers, CSP nonces, CSRF, error pages, limits on requests."""

import re

import pytest

from tests.factories import csrf_token


def test_every_page_carries_security_headers_and_a_fresh_nonce(client):
    """The CSP allows only scripts bearing this response's nonce; framing is refused."""
    first, second = client.get("/login"), client.get("/login")
    policy = first.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in first.get_data(as_text=True)
    assert nonce not in second.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in first.headers


def test_hsts_is_sent_over_https(client):
    """Over HTTPS, browsers are told to keep using HTTPS."""
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_a_post_without_csrf_token_is_refused(client, make_user):
    """A form posted from elsewhere (no CSRF token) gets a 400 page and changes nothing."""
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "100000000000000000000", "x", "1.5", ""])
def test_nonsense_page_numbers_are_a_400(client, make_user, login, page):
    """Page numbers must be whole numbers in range: anything else is a clear 400."""
    login(make_user())
    response = client.get(f"/inbox?page={page}")
    assert response.status_code == 400
    assert "Page must be a whole number" in response.get_data(as_text=True)


def test_not_found_page_is_in_house_style(client):
    """A missing page is a friendly 404 with a way home."""
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in page and 'href="/"' in page


def test_oversized_requests_get_413(client):
    """A body larger than the limit is refused before any work is done."""
    response = client.post("/login", data={"email": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_unexpected_errors_show_no_stack_trace(config, make_user):
    """A crash becomes a polite 500; the traceback goes to the log only."""
    from network import create_app

    config["TESTING"] = False
    app = create_app(config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    boom.is_public = True
    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_method_not_allowed_is_styled(client):
    """A wrong method gets a page, not a bare error."""
    response = client.delete("/login")
    assert response.status_code == 405 and "not available" in response.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    """Load balancers learn whether this process can reach its database."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_signed_in_pages_are_not_cached(client, make_user, login):
    """Private pages are not kept in shared caches or the back-forward cache."""
    login(make_user())
    assert client.get("/inbox").headers["Cache-Control"] == "no-store"


def test_csrf_token_is_bound_to_the_session(app, make_user):
    """A token taken from one browser does not work in another."""
    thief, victim = app.test_client(), app.test_client()
    token = csrf_token(thief, "/login")
    victim.get("/login")
    response = victim.post("/login", data={"email": "a@example.org", "password": "x",
                                           "csrf_token": token})
    assert response.status_code == 400
