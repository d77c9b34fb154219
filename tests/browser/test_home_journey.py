"""Home as a to-do list, walked in Chromium: a headteacher with a proposal to decide sees it on
home, named, and follows it to the partnership page where the decision is made; home for a
headteacher, a coordinator, an LLE and a site admin is saved as a 1280 px screenshot (in the
test's tmp folder, and in $SCREENSHOTS when set) for a reviewer to look at.

Every page a person sees must pass axe-core (checked by visit and click_to_page).
"""

import os

from models import Partnership
from network.extensions import db
from network.services import inbox
from tests.browser.conftest import (
    click_to_page,
    fill_sign_in,
    playwright_or_skip,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect
SHOTS = os.environ.get("SCREENSHOTS")


def _sign_in(page, email: str) -> None:
    visit(page, "/login")
    fill_sign_in(page, email, PASSWORD)


def _shoot(page, tmp_path, name: str) -> None:
    """Save home at 1280 px wide, whole page (and at 375 px too in $SCREENSHOTS)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    for folder in filter(None, (str(tmp_path), SHOTS)):
        page.screenshot(path=f"{folder}/home-{name}-1280.png", full_page=True)
    if SHOTS:
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=f"{SHOTS}/home-{name}-375.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_a_head_follows_a_proposal_from_home_to_the_decision(new_page, two_clusters,
                                                            make_user, tmp_path):
    world = two_clusters.A
    supported, supporting = world.school, world.cluster.schools[0]
    proposal = Partnership(broker_id=world.people["lle"].id, supported_school_id=supported.id,
                           supporting_school_id=supporting.id, focus_standards=["CE2.A"],
                           status="proposed")
    db.session.add(proposal)
    admin = make_user(None, site_admin=True, name="Sita Admin")
    db.session.flush()
    notice = f"{supported.name} and {supporting.name}: a partnership is proposed"
    inbox.notify(world.people["headteacher"], notice, "Accepting signs the agreement.",
                 "brokering.partnership", partnership_id=proposal.id)
    db.session.commit()
    pid, pair = proposal.id, f"{supporting.name} supporting {supported.name}"
    emails = {role: world.people[role].email for role in ("headteacher", "coordinator", "lle")}
    emails["site-admin"] = released(admin.email)

    head = new_page()
    _sign_in(head, emails["headteacher"])
    expect(head.get_by_role("heading", level=1)).to_have_text(
        f"Welcome, {world.people['headteacher'].name}")
    todo = head.get_by_role("list", name="What is waiting for you")
    line = f"Decide on the partnership proposed by A Lle: {pair}"
    expect(todo.get_by_role("link", name=line)).to_be_visible()
    _shoot(head, tmp_path, "headteacher")
    click_to_page(head, todo.get_by_role("link", name=line))
    assert head.url.endswith(f"/partnerships/{pid}#section-decision"), head.url
    expect(head.get_by_role("heading", level=1)).to_have_text(pair)
    expect(head.get_by_role("button", name="Send decision")).to_be_visible()

    # The inbox names the schools, and the notice links to the partnership by its subject.
    click_to_page(head, head.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Inbox", exact=True))
    click_to_page(head, head.get_by_role("main").get_by_role("link", name=notice))
    if SHOTS:
        head.screenshot(path=f"{SHOTS}/notice-1280.png", full_page=True)
    click_to_page(head, head.get_by_role("main").get_by_role(
        "link", name=f"Open the partnership: {notice}", exact=True))
    assert head.url.endswith(f"/partnerships/{pid}"), head.url

    for role in ("coordinator", "lle", "site-admin"):
        other = new_page()
        _sign_in(other, emails[role])
        _shoot(other, tmp_path, role)
        if role == "site-admin":
            expect(other.get_by_role("main")).to_contain_text("What may need you")
            expect(other.get_by_role("main")).not_to_contain_text("not part of a cluster")
            click_to_page(other, other.get_by_role("main").get_by_role("link", name="Audit log"))
            expect(other.get_by_role("table")).to_contain_text(
                f"{world.people['headteacher'].name} (user ")
            if SHOTS:
                other.screenshot(path=f"{SHOTS}/audit-1280.png", full_page=True)
                other.set_viewport_size({"width": 375, "height": 800})
                other.screenshot(path=f"{SHOTS}/audit-375.png", full_page=True)
    assert len(list(tmp_path.glob("home-*-1280.png"))) == 4
