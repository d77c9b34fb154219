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

HERE = Path(__file__).parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """Debian's Chromium, or whichever `chromium` is on the PATH."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


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
    yield f"http://127.0.0.1:{server.server_port}"
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
