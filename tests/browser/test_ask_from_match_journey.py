"""Asking for support with a matched school, walked in Chromium on a desktop and a phone:
the head asks from the match, the broker sees the school hoped for among the candidates; a
coordinator copies an invitation link; the help pages read well. Every page passes axe-core."""

import os

from tests.browser.conftest import (
    click_to_page,
    fill_sign_in,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect
SHOTS = os.environ.get("SCREENSHOTS_DIR")  # set to keep a screenshot of each page


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_size['width']}.png",
                        full_page=True)


def _fits(page) -> None:
    """Nothing on the page is wider than the screen (a phone scrolls only down)."""
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth
                     && !e.parentElement.closest('.app-table-scroll'))
        .map(e => e.tagName + '.' + e.className + '#' + e.id)""")
    assert not wide, wide
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_head_asks_for_support_with_a_matched_school(brokers, new_page):
    net = brokers
    seeker, right = net.seeker.id, net.right.name
    head_email, lle_email = net.head.email, net.lle.email
    released(None)
    for width in (1280, 375):
        head = new_page()
        head.set_viewport_size({"width": width, "height": 900})
        visit(head, "/login")
        fill_sign_in(head, head_email, PASSWORD)
        visit(head, f"/schools/{seeker}/partners")
        _shot(head, "partners")
        click_to_page(head, head.get_by_role("link", name=f"Ask for support with {right}"))
        expect(head.get_by_role("heading", level=1)).to_have_text(
            f"Ask for support with {right}")
        _shot(head, "ask")
        _fits(head)
        if width == 1280:
            head.get_by_label("Lee Broker, Local Leader of Education").check()
            head.get_by_label("What you hope a partnership will do").fill("Shared tracking.")
            press(head, "Ask for support")
            expect(head.get_by_text("The school hoped for")).to_be_visible()
    lle = new_page()
    lle.set_viewport_size({"width": 375, "height": 900})
    visit(lle, "/login")
    fill_sign_in(lle, lle_email, PASSWORD)
    visit(lle, "/brokering")
    _shot(lle, "brokering")
    _fits(lle)
    click_to_page(lle, lle.get_by_role("link", name=net.seeker.name))
    expect(lle.get_by_text(f"The school hoped for: {right}.")).to_be_visible()
    expect(lle.get_by_text("where you rate")).to_have_count(0)
    _shot(lle, "request")
    _fits(lle)


def test_help_pages_and_the_invitation_copy_button(app, make_cluster, make_user, new_page):
    cluster = make_cluster()
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    email, cluster_id, school = coordinator.email, cluster.id, str(cluster.schools[0].id)
    released(None)
    for width in (1280, 375):
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        for path in ("/", "/help", "/help/self-evaluation", "/help/lesson-study",
                     "/help/anonymisation", "/help/brokering"):
            visit(page, path)
            _shot(page, path.strip("/").replace("/", "-") or "landing")
            _fits(page)
        visit(page, "/login")
        fill_sign_in(page, email, PASSWORD)
        visit(page, f"/clusters/{cluster_id}/invitations")
        page.get_by_label("Who is it for?").select_option(school)
        page.get_by_label("Their role").select_option("member")
        page.get_by_label("Their email address (optional)").fill(f"new{width}@example.org")
        press(page, "Create invitation link")
        expect(page.get_by_text(f"We emailed it to new{width}@example.org")).to_be_visible()
        copy = page.get_by_role("button", name="Copy the link")
        expect(copy).to_be_visible()
        copy.click()
        expect(page.get_by_role("status")).to_have_text("Link copied.")
        _shot(page, "invitations")
        _fits(page)
