"""Browser fixtures: the app on a live server, Chromium through Playwright, an axe check.

Every test in this folder is marked `browser`. Without Chromium they are skipped, except
under CI (CI=true), where a missing browser fails them: CI must prove the journeys.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from network.extensions import db
from network.web.errors import MESSAGES

HERE = Path(__file__).parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """Debian's Chromium, or whichever `chromium` is on the PATH."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def playwright_or_skip():
    """Playwright's sync API, or this module skipped when Playwright is not installed (under
    CI, CI=true, a missing Playwright fails the run instead: CI must prove the journeys)."""
    try:
        from playwright import sync_api
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("Playwright is not installed; CI must run the browser tests",
                        pytrace=False)
        pytest.skip("Playwright is not installed", allow_module_level=True)
    return sync_api


def pytest_collection_modifyitems(config, items):
    """Mark the tests in this folder (and only them) as browser tests."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def config(config):
    """A live server answers on 127.0.0.1:<port>, so it must not insist on SERVER_NAME.

    CSRF stays on: the browser fills in the real forms, tokens included.
    """
    config.pop("SERVER_NAME", None)
    return config


@pytest.fixture
def live_server(app):
    """The app served over HTTP from a background thread; yields its base URL."""
    db.session.commit()  # release anything the fixtures read, so the server can write
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base  # links in mail and invitations lead to this server
    yield base
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    executable = chromium_path()
    if executable is None:
        message = "Chromium is not installed (looked for /usr/bin/chromium and `chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run the browser tests", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(): a page in a fresh browser context (its own cookies), as another person."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a browser context of its own for this test."""
    return new_page()


def assert_accessible(page) -> None:
    """Run axe-core on the page as it stands; fail with axe's report on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count:
        report = results.generate_report()
        print(report)
        raise AssertionError(f"{results.violations_count} accessibility violation(s) on "
                             f"{page.url}:\n{report}")


# --- Shared helpers for journeys (what a person does, checked as they go) ---------------------

ERROR_HEADINGS = {title for title, _ in MESSAGES.values()}  # of the house error pages


def released(value):
    """`value`, after ending the test's own transaction (the live server writes meanwhile)."""
    db.session.commit()
    return value


def check_page(page, response=None) -> None:
    """The page loaded (no error page) and has no accessibility violations."""
    from playwright.sync_api import expect

    if response is not None:
        assert response.ok, f"{page.url} answered {response.status}"
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_count(1)
    assert heading.inner_text().strip() not in ERROR_HEADINGS, f"{page.url} shows an error"
    assert_accessible(page)


def check_error_page(page, response, status: int) -> None:
    """The page is the house error page for `status`, and it too is accessible."""
    from playwright.sync_api import expect

    assert response is not None and response.status == status, \
        f"{page.url} answered {response and response.status}, not {status}"
    expect(page.get_by_role("heading", level=1)).to_have_text(MESSAGES[status][0])
    assert_accessible(page)


def click_to_page(page, control) -> None:
    """Click `control`, wait for the page it leads to and check that page."""
    with page.expect_navigation():
        control.click()
    check_page(page)


def visit(page, path: str) -> None:
    """Open `path` and check the page."""
    check_page(page, page.goto(path))


def press(page, button: str) -> None:
    """Click the button called `button`, wait for the page that comes back and check it."""
    click_to_page(page, page.get_by_role("button", name=button, exact=True))


def fill_sign_in(page, email: str, password: str) -> None:
    """Fill in and send the sign-in form already on screen (keeping any ?next=)."""
    from playwright.sync_api import expect

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    press(page, "Sign in")
    # Signed in: Sign out is in the menu (folded behind "Menu" on a phone).
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_have_count(1)


def open_menu(page) -> None:
    """On a narrow screen, open the header menu folded behind its Menu button."""
    toggle = page.get_by_role("navigation", name="Menu").get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def tab_to(page, target, limit: int = 250) -> None:
    """Press Tab until `target` has the focus, as a keyboard user moves through a page."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if handle.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def key_to_page(page, key: str = "Enter") -> None:
    """Press `key` on the focused control, wait for the next page and check it."""
    with page.expect_navigation():
        page.keyboard.press(key)
    check_page(page)


def fill_date(page, legend: str, when) -> None:
    """Type `when` into the GOV.UK date input whose fieldset is called `legend`."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))
