"""The header, walked in Chromium: a signed-in headteacher searches from the header of any
page and lands on the search results; on a 375 px phone the menu is folded behind "Menu",
opens and closes from the keyboard, and no page is wider than the screen; at 1280 px the
menu is shown inline. Screenshots of the header at both widths, menu open and closed, are
saved in the test's tmp folder (and in $SCREENSHOTS when set).

Every page a person sees must pass axe-core (checked by visit and click_to_page).
"""

import os

from models import Partnership
from network.extensions import db
from tests.browser.conftest import (
    check_page,
    click_to_page,
    fill_sign_in,
    playwright_or_skip,
    released,
    tab_to,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect
SHOTS = os.environ.get("SCREENSHOTS")
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def _shoot(page, tmp_path, name: str) -> None:
    """Save the top of the page (the header) as `name`.png."""
    for folder in filter(None, (str(tmp_path), SHOTS)):
        page.screenshot(path=f"{folder}/header-{name}.png")


def _fits(page) -> None:
    """Nothing on the page is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_searching_from_the_header_and_the_phone_menu(page, two_clusters, tmp_path):
    world = two_clusters.A
    partnership = Partnership(broker_id=world.people["lle"].id, supported_school_id=world.school.id,
                              supporting_school_id=world.cluster.schools[0].id,
                              focus_standards=["CE2.A"], status="proposed")
    db.session.add(partnership)
    db.session.commit()
    partnership_url = f"/partnerships/{partnership.id}"
    email = world.people["headteacher"].email

    # Signed out: the menu is there, the header search box is not.
    page.set_viewport_size(DESKTOP)
    visit(page, "/login")
    expect(page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_role("search", name="Search the network")).to_have_count(0)
    fill_sign_in(page, email, PASSWORD)

    # At 1280 px the menu shows inline (no Menu button) and the current page is marked.
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("button", name="Menu")).to_be_hidden()
    expect(menu.get_by_role("link", name="Home", exact=True)).to_have_attribute(
        "aria-current", "page")
    expect(menu.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    _shoot(page, tmp_path, "1280")

    # The header search box, from three kinds of page, leads to /search with the query.
    for start, words in ((partnership_url, "tracking"), ("/", "moderation"),
                         (f"/clusters/{world.cluster.id}", "half-termly data")):
        visit(page, start)
        box = page.get_by_role("search", name="Search the network")
        box.get_by_label("Search the network").fill(words)
        click_to_page(page, box.get_by_role("button", name="Search the network"))
        assert "/search?q=" in page.url, (start, page.url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Search the network's work")
        expect(page.get_by_label("What held your school back, or what you want to learn")
               ).to_have_value(words)
    _shoot(page, tmp_path, "search-1280")

    # At 375 px the menu is folded behind "Menu"; Enter opens it, Space closes it.
    page.set_viewport_size(PHONE)
    for path in ("/", "/search?q=tracking", partnership_url):
        visit(page, path)
        _fits(page)
        if path.startswith("/search"):
            _shoot(page, tmp_path, "search-375")
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    inbox = menu.get_by_role("link", name="Inbox", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(inbox).to_be_hidden()
    _shoot(page, tmp_path, "375-closed")
    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(inbox).to_be_visible()
    expect(menu.get_by_role("link", name="Partnerships", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    _fits(page)
    check_page(page)  # axe, with the menu open
    _shoot(page, tmp_path, "375-open")
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(inbox).to_be_hidden()

    # Opened again, a link in the menu takes the reader there.
    toggle.press("Space")
    click_to_page(page, inbox)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inbox")


ROWS = """() => {
    const parts = [...document.querySelectorAll(
        "header .govuk-service-navigation__service-name, header form[role=search], "
        + "header .govuk-service-navigation__item")].map(e => e.getBoundingClientRect());
    parts.sort((a, b) => a.top - b.top);
    let rows = 0, bottom = -Infinity;
    for (const part of parts) {
        if (part.top >= bottom - 1) { rows += 1; }
        bottom = Math.max(bottom, part.bottom);
    }
    return rows;
}"""


def test_the_header_takes_two_rows_and_its_menu_works_from_the_keyboard(page, make_cluster,
                                                                       make_user):
    """At 1280 px the header of a person with the longest menu (a coordinator who is also an
    LLE and a site admin) is two rows: the service name with the search box, then the menu.
    At 375 px the menu folds behind "Menu", which Enter opens and Enter closes again."""
    school = make_cluster(name="Header Rows Partnership").schools[0]
    email = released(make_user(school, "headteacher", coordinator=True, lle=True,
                               site_admin=True).email)
    page.set_viewport_size(DESKTOP)
    visit(page, "/login")
    fill_sign_in(page, email, PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    for name in ("Brokering", "Admin", "Account"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(ROWS) == 2
    search = page.get_by_role("search", name="Search the network").bounding_box()
    name = page.locator("header .govuk-service-navigation__service-name").bounding_box()
    assert search["y"] < name["y"] + name["height"] and name["y"] < search["y"] + search[
        "height"]  # the search box sits on the service name's row
    _fits(page)

    page.set_viewport_size(PHONE)
    visit(page, "/")
    _fits(page)
    toggle = menu.get_by_role("button", name="Menu")
    admin = menu.get_by_role("link", name="Admin", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(admin).to_be_hidden()
    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(admin).to_be_visible()
    _fits(page)
    check_page(page)  # axe, with the menu open
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(admin).to_be_hidden()
