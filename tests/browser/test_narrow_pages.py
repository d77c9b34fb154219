"""No page is wider than a phone (issue 19, part 6).

The demo network is seeded and every GET page of the app's url_map that each kind of person
can open (a headteacher who is the cluster's coordinator, a headteacher whose school is
supported, a leading teacher, a Local Leader of Education, a governor following a
partnership and a site admin) is opened in Chromium at 375 px. The test fails with the list of
pages whose document is wider than the screen (a table or a long word that pushes the page
sideways, so a reader has to scroll the whole page to read a line).

To stay quick, each person opens each route once (with the first of the demo's ids that it
may open), in one browser context per person, without screenshots.
"""

import re

from sqlalchemy import select

from models import OversightGrant, Partnership, School, User
from network.extensions import db
from network.services import pool
from tests.browser.conftest import (
    assert_accessible,
    fill_sign_in,
    playwright_or_skip,
    released,
    visit,
)
from tests.factories import PASSWORD
from tests.routes import DEMO_SKIP as SKIP
from tests.routes import demo_contexts as _contexts
from tests.routes import first as _first
from tests.routes import rules

expect = playwright_or_skip().expect
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "improve-together"


def _people() -> dict[str, User]:
    """One person of each kind from the same cluster of the demo."""
    supported = _first(Partnership, Partnership.status == "active")
    head = _first(User, User.school_id == supported.supported_school_id,
                  User.school_role == "headteacher")
    in_cluster = User.school_id.in_(select(School.id).where(
        School.cluster_id == head.school.cluster_id))
    grant = _first(OversightGrant, OversightGrant.role == "governor",
                   OversightGrant.user_id.is_not(None))
    return {
        "coordinator": _first(User, User.is_coordinator.is_(True), in_cluster),
        "headteacher": head,
        "leading teacher": _first(User, User.school_role == "leading_teacher", in_cluster),
        "LLE": _first(User, User.is_lle.is_(True), in_cluster),
        "governor": db.session.get(User, grant.user_id),
        "site admin": _first(User, User.is_site_admin.is_(True)),
    }


def _pages(app, client, contexts: list[dict]) -> list[str]:
    """For each GET route, the first URL (built from `contexts`) the signed-in `client` opens
    as an HTML page."""
    found = []
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        tried = set()
        for values in contexts:
            if not set(rule.arguments) <= set(values):
                continue
            url = rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]
            if url in tried:
                continue
            tried.add(url)
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                found.append(url)
                break
            if len(tried) >= 2:
                break
    return found


def test_no_page_is_wider_than_a_phone(app, runner, browser, live_server, login):
    """At 375 px every page each person can open fits the screen: nothing scrolls sideways
    but a table inside its own box."""
    pool._CACHE.clear()
    result = runner.invoke(args=["seed-demo", "--schools", "12", "--seed", "3"])
    assert result.exit_code == 0, result.output
    people = _people()
    assert all(people.values()), people
    contexts = _contexts(people["headteacher"])
    walk = {}
    for role, person in people.items():
        client = login(person, password=DEMO_PASSWORD, as_client=app.test_client())
        walk[role] = (person.email, _pages(app, client, contexts))
    db.session.commit()  # the live server reads and writes from here on

    too_wide, opened = [], 0
    for role, (email, urls) in walk.items():
        context = browser.new_context(base_url=live_server, viewport=PHONE)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
        assert "/login" not in page.url, f"{role} could not sign in"
        for url in urls:
            page.goto(url, wait_until="load")  # its stylesheet applied (a print view has no script)
            opened += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{role} {url}: {width} px")
        context.close()
    assert opened > 80, opened  # the walk really opened the demo's pages
    assert not too_wide, ("Wider than a 375 px screen (a wide table goes in a <div class="
                          '"app-table-scroll" tabindex="0" role="region" aria-label="...">):\n'
                          + "\n".join(too_wide))


# --- The coordinator's overview: the grid scrolls in its own box ------------------------------

HEADINGS = """box => [...box.querySelectorAll("thead th[scope=col]")].map(th => {
    const shown = box.getBoundingClientRect(), cell = th.getBoundingClientRect();
    return {left: cell.left - shown.left + box.scrollLeft,
            right: cell.right - shown.left + box.scrollLeft};
})"""


def _overview(page, make_cluster, make_user, make_evaluation) -> str:
    """A cluster of three schools with final ratings; its coordinator signed in on `page`."""
    cluster = make_cluster(name="Wide Grid Partnership", schools=3)
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    for n, school in enumerate(cluster.schools):
        make_evaluation(school, ratings=n + 1, status="final")
    path, email = released((f"/clusters/{cluster.id}/overview", coordinator.email))
    visit(page, "/login")
    fill_sign_in(page, email, PASSWORD)
    return path


def test_the_overview_grid_scrolls_in_its_own_box(page, make_cluster, make_user,
                                                   make_evaluation):
    """At 1280 px and 375 px the ratings table stays inside the main column, every standard's
    heading can be scrolled to inside the table's box (an abbreviation carrying the standard's
    name), and the school names stay in view while the ratings scroll."""
    path = _overview(page, make_cluster, make_user, make_evaluation)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        visit(page, path)
        page.get_by_text("Show the ratings as a table").click()
        table = page.get_by_role("table", name="Latest final ratings by school and standard")
        box = page.get_by_role("region", name="Latest final ratings by school and standard: "
                                               "table")
        expect(table).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        main = page.get_by_role("main").bounding_box()
        shown = box.bounding_box()
        assert main["x"] <= shown["x"] and shown["x"] + shown["width"] <= main["x"] + main[
            "width"] + 1, (size, shown, main)
        width = box.evaluate("box => box.scrollWidth")
        assert width > shown["width"]  # 32 standards: the grid scrolls, the page does not
        headings = box.evaluate(HEADINGS)
        assert len(headings) == 32
        assert all(h["left"] >= 0 and h["right"] <= width + 1 for h in headings), headings
        first = table.locator("thead th[scope=col]").first
        expect(first.locator("abbr")).to_have_attribute("title", re.compile(r"^CE1\.A \w"))
        school = table.locator("tbody th[scope=row]").first
        box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        last = table.locator("thead th[scope=col]").last.bounding_box()
        assert last["x"] + last["width"] <= shown["x"] + shown["width"] + 1  # reached
        held = school.bounding_box()
        assert abs(held["x"] - shown["x"]) <= 1, (held, shown)  # the school name stays put
        assert_accessible(page)
