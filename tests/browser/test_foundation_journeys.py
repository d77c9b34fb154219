"""The foundation's journeys, walked in Chromium as people walk them.

Every page a journey shows (validation errors included) must pass axe-core.
The test's own database session commits as soon as it has read what it needs, so it never
holds a lock the live server needs nor keeps reading an old snapshot.
"""

import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from models import OutboxMail, RegisterSchool
from network.extensions import db
from network.services import register
from tests.browser.conftest import (
    assert_accessible,
    check_page,
    click_to_page,
    key_to_page,
    open_menu,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import CLUSTER_ROLES, PASSWORD

expect = playwright_or_skip().expect

# --- Helpers: what a person does -------------------------------------------------------------



def unclaimed_school(free_urns) -> SimpleNamespace:
    """An open register school no cluster has claimed whose full name finds it (and only it)."""
    for urn in free_urns:
        entry = db.session.get(RegisterSchool, urn)
        matches = register.find_schools(entry.name)
        if len(matches) < 20 and [e.name for e, _ in matches].count(entry.name) == 1:
            return released(SimpleNamespace(urn=entry.urn, name=entry.name))
    raise AssertionError("no unclaimed school with a distinctive name in the register")


def coordinated_cluster(make_cluster, make_user, name="Riverside Partnership") -> SimpleNamespace:
    """A one-school cluster whose headteacher coordinates it."""
    cluster = make_cluster(name=name, schools=1)
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True,
                            name="Cora Ordinator", email="cora@example.org")
    return released(SimpleNamespace(name=cluster.name, email=coordinator.email))








def follow(page, link: str, exact: bool = True) -> None:
    """Follow the link called `link` and check the page it leads to."""
    click_to_page(page, page.get_by_role("link", name=link, exact=exact).first)




def menu(page, item: str) -> None:
    """Choose `item` from the header menu."""
    open_menu(page)
    nav = page.get_by_role("navigation", name="Menu")
    click_to_page(page, nav.get_by_role("link", name=item, exact=True))


def success(page, text: str) -> None:
    """The green notification banner says `text`."""
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def sign_up(page, name: str, email: str) -> None:
    """Create an account through /signup (which signs the person in)."""
    visit(page, "/signup")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    press(page, "Create account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    confirm_email(page, email)


def confirm_email(page, email: str, keyboard: bool = False) -> None:
    """Open the confirmation link mailed to `email` and confirm, as the person does."""
    db.session.commit()
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)
                              .order_by(OutboxMail.id.desc())).first()
    visit(page, re.search(r"https?://[^/\s]+(/signup/confirm/\S+)", mail.body).group(1))
    if keyboard:
        tab_to(page, page.get_by_role("button", name="Confirm email address"))
        key_to_page(page, "Enter")
    else:
        press(page, "Confirm email address")
    success(page, "Your account has been created.")


def sign_in(page, email: str) -> None:
    """Sign in through the /login form."""
    visit(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def find_school(page, school) -> None:
    """Search the register for `school` by name and choose it."""
    page.get_by_label("School name or URN").fill(school.name)
    press(page, "Search the register")
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=school.urn, exact=True))
    click_to_page(page, row.get_by_role("button", name="Use this school"))
    expect(page.get_by_label("Your school's URN")).to_have_value(school.urn)
    expect(page.locator(".govuk-inset-text")).to_contain_text(school.name)


# --- Keyboard: nothing but keys ---------------------------------------------------------------

def tab_to(page, target, limit: int = 80) -> None:
    """Press Tab until `target` has the focus (as a keyboard user moves through a page)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def type_into(page, label: str, text: str) -> None:
    """Tab to the field labelled `label` and type `text` into it."""
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)




def choose_with_arrows(page, label: str, option: str) -> None:
    """Tab to the select labelled `label` and arrow down to `option`."""
    select = page.get_by_label(label, exact=True)
    tab_to(page, select)
    for _ in range(20):
        if select.evaluate("s => s.selectedOptions[0].text") == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} is not in {label!r}")


# --- 1. Registering a cluster by keyboard -----------------------------------------------------

def test_register_a_cluster_with_the_keyboard_alone(page, free_urns):
    """A headteacher who uses no mouse signs up, registers a cluster and claims their school;
    a mistyped URN is explained in the error summary and nothing typed is lost."""
    school = unclaimed_school(free_urns)

    visit(page, "/signup")
    type_into(page, "Full name", "Kay Board")
    type_into(page, "Email address", "kay@example.org")
    type_into(page, "Password", PASSWORD)
    type_into(page, "Confirm password", PASSWORD)
    key_to_page(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    confirm_email(page, "kay@example.org", keyboard=True)

    tab_to(page, page.get_by_role("button", name="Register a cluster"))
    key_to_page(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a cluster")
    type_into(page, "Cluster name", "Keyboard Cluster")
    type_into(page, "What the cluster is for", "Schools that never touch a mouse.")
    choose_with_arrows(page, "Region", "North West")
    type_into(page, "Your school's URN", "12345")
    key_to_page(page, "Enter")  # Enter in a field submits the form's main action

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_contain_text(["Enter a URN of exactly 6 digits"])
    expect(page.get_by_label("Cluster name")).to_have_value("Keyboard Cluster")
    expect(page.get_by_label("Region")).to_have_value("North West")

    type_into(page, "School name or URN", school.name)
    tab_to(page, page.get_by_role("button", name="Search the register"))
    key_to_page(page, "Enter")
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=school.urn, exact=True))
    tab_to(page, row.get_by_role("button", name="Use this school"))
    key_to_page(page, "Space")
    expect(page.get_by_label("Your school's URN")).to_have_value(school.urn)
    expect(page.get_by_label("Cluster name")).to_have_value("Keyboard Cluster")

    tab_to(page, page.get_by_role("button", name="Register cluster"))
    key_to_page(page, "Enter")
    success(page, "Keyboard Cluster is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard Cluster")
    expect(page.get_by_role("table")).to_contain_text(school.name)


# --- 2. Inviting a second school --------------------------------------------------------------

def test_coordinator_invites_a_new_school(page, new_page, make_cluster, make_user, free_urns):
    """A coordinator makes an invitation link; the invited headteacher signs up, opens it and
    brings their school in; the coordinator sees the school and a notice in the inbox."""
    cluster = coordinated_cluster(make_cluster, make_user)
    school = unclaimed_school(free_urns)

    sign_in(page, cluster.email)
    menu(page, "Cluster")
    follow(page, "Invite schools and people")
    page.get_by_label("Who is it for?").select_option(label="A new school joining the cluster")
    press(page, "Create invitation link")
    expect(page.locator(".govuk-panel")).to_contain_text("Invitation link created")
    link = page.locator("input#invitation-link").input_value()
    assert urlsplit(link).path.startswith("/invitations/")

    invitee = new_page()
    sign_up(invitee, "Ivy Nvited", "ivy@example.org")
    visit(invitee, link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(f"Join {cluster.name}")
    find_school(invitee, school)
    press(invitee, "Join the cluster")
    success(invitee, f"Welcome to {cluster.name}.")
    expect(invitee.get_by_role("link", name=school.name)).to_be_visible()

    menu(page, "Cluster")
    expect(page.get_by_role("table")).to_contain_text(school.name)
    menu(page, "Inbox")
    follow(page, f"Ivy Nvited joined {school.name}", exact=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ivy Nvited joined {school.name}")


# --- 3. A join request ------------------------------------------------------------------------

def test_school_asks_to_join_and_is_approved(page, new_page, make_cluster, make_user,
                                             free_urns):
    """A headteacher asks for their school to join a cluster; the coordinator approves it under
    Join requests; the requester reads the outcome in their inbox and is in the cluster."""
    cluster = coordinated_cluster(make_cluster, make_user)
    school = unclaimed_school(free_urns)

    requester = new_page()
    sign_up(requester, "Jo Iner", "jo@example.org")
    follow(requester, "ask to join a cluster")
    follow(requester, cluster.name)
    expect(requester.get_by_role("heading", level=1)).to_have_text(f"Ask to join {cluster.name}")
    requester.get_by_label("Your school's URN").fill(school.urn)
    requester.get_by_label("Message to the coordinator (optional)").fill("We are next door.")
    press(requester, "Send request")
    success(requester, "Your request has been sent.")
    expect(requester.get_by_role("listitem").filter(has_text=school.name)).to_contain_text(
        "Pending")

    sign_in(page, cluster.email)
    menu(page, "Cluster")
    expect(page.locator(".govuk-inset-text")).to_contain_text("1 school is asking to join.")
    follow(page, "Join requests")
    follow(page, school.name)
    expect(page.get_by_text("We are next door.")).to_be_visible()
    page.get_by_label("Approve: the school joins the cluster").check()
    press(page, "Save decision")
    success(page, f"The request from {school.name} was approved.")

    menu(requester, "Inbox")
    expect(requester.get_by_role("main")).to_contain_text(
        f"Your request to join {cluster.name} was approved")
    menu(requester, "Home")
    expect(requester.get_by_role("link", name=school.name)).to_be_visible()
    expect(requester.get_by_role("link", name=cluster.name)).to_be_visible()


# --- 4. Every page, for every role ------------------------------------------------------------

# Menu pages whose own links are toured too, and where on the page those links are.
TOURED_LINKS = {"Cluster": "main", "Inbox": "main",
                "Admin": "nav[aria-label='Site administration']"}


def link_paths(page, scope: str) -> list[str]:
    """The paths of this site's pages that the links inside `scope` lead to."""
    hrefs = page.locator(scope).locator("a[href]").evaluate_all(
        "links => links.map(a => a.href)")
    here = urlsplit(page.url).netloc
    return [urlsplit(href).path for href in hrefs if urlsplit(href).netloc == here]


def tour(page) -> set[str]:
    """From home, open every header-menu page and every page the cluster page, the inbox and
    the admin pages link to, checking each; returns the paths seen."""
    seen = {urlsplit(page.url).path}
    items = page.get_by_role("navigation", name="Menu").get_by_role("link")
    for text, path in zip(items.all_inner_texts(), link_paths(page, "header nav"), strict=True):
        if path not in seen:
            seen.add(path)
            visit(page, path)
        for linked in link_paths(page, TOURED_LINKS.get(text.strip(), "#nothing")):
            if linked not in seen:
                seen.add(linked)
                visit(page, linked)
    return seen


@pytest.mark.parametrize("role", CLUSTER_ROLES)
def test_every_page_a_role_reaches_loads_and_is_accessible(page, two_clusters, role):
    """Whatever their role, a person can open every page their menu and cluster page offer,
    and each one works with assistive technology; coordinators' tools show only to them."""
    world = two_clusters.A
    email = released(world.people[role].email)
    cluster = released(f"/clusters/{world.cluster.id}")

    sign_in(page, email)
    seen = tour(page)

    assert {"/", "/inbox", "/account/password", cluster, f"{cluster}/members"} <= seen
    assert len([path for path in seen if path.startswith("/schools/")]) == 2
    assert (f"{cluster}/invitations" in seen) == (role in ("coordinator", "headteacher"))
    assert (f"{cluster}/join-requests" in seen) == (role == "coordinator")
    assert ({"/admin/users", "/admin/outbox", "/admin/audit"} <= seen) == (role == "site_admin")
    if role == "member":
        assert any(path.startswith("/inbox/") for path in seen), "the member's notice"
    if role == "coordinator":
        visit(page, f"{cluster}/members")
        follow(page, "Change A Member's role")
        expect(page.get_by_role("heading", level=1)).to_have_text("Change A Member's role")
    if role == "site_admin":
        visit(page, "/admin/users")
        page.get_by_label("Name or email").fill("A Member")
        press(page, "Search")
        follow(page, "A Member")
        expect(page.get_by_role("heading", level=1)).to_have_text("Designations for A Member")


def test_pages_for_visitors_are_accessible(page, live_server):
    """Someone who has not signed in can read every public page, and the sign-in and sign-up
    forms explain mistakes accessibly."""
    for path in ("/", "/about", "/password/reset"):
        visit(page, path)

    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)

    visit(page, "/login")
    press(page, "Sign in")
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")

    visit(page, "/signup")
    page.get_by_label("Full name").fill("Miss Match")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill("something else entirely")
    press(page, "Create account")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter an email address in the correct format")
    expect(summary).to_contain_text("The passwords do not match")
    expect(page.get_by_label("Full name")).to_have_value("Miss Match")


# --- 5. Signing out ---------------------------------------------------------------------------

def test_sign_out_ends_the_session(page, make_user):
    """After Sign out the person is on the sign-in page; neither the Back button nor the
    inbox's address shows their inbox again: both ask them to sign in."""
    email = released(make_user(name="Olive Out", email="olive@example.org").email)
    sign_in(page, email)
    menu(page, "Inbox")

    press(page, "Sign out")
    expect(page).to_have_url(re.compile(r"/login$"))
    success(page, "You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.go_back()  # the inbox, as the browser remembers it
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)inbox$"))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    visit(page, "/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)inbox$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
