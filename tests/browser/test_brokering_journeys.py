"""Brokering's journey (issue 6), walked in Chromium: a headteacher asks for support, a Local
Leader of Education proposes the partner school matching found, both headteachers accept, a
milestone is set and its progress recorded, and the impact review closes the partnership and
starts a draft case study.

Every page a person sees (the form sent back with its errors included) must pass axe-core.
The world is the planted network of tests/test_matching.py with the LLE of
tests/test_brokering.py; the test's own database session commits as soon as it has read or
written what it needs, so it never holds a lock the live server needs.
"""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from network.domain import terms
from network.extensions import db
from tests.browser.conftest import (
    click_to_page,
    fill_sign_in,
    key_to_page,
    playwright_or_skip,
    press,
    released,
    tab_to,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect

BARRIER = "Pupil progress not tracked, or tracked differently in each class"
HOPES = "Consistent tracking of pupil progress in every class."
ACTIVITIES = "Termly paired visits and joint moderation of books."
MILESTONE = "Moderate two books together"
NOTE = "Books moderated in both schools."
SUMMARY = "Tracking is consistent in every class now."
PROPOSED = "A partnership is proposed: please accept or decline"


def long_date(when: date) -> str:
    """A date as the pages show it: 19 December 2026."""
    return f"{when.day} {when.strftime('%B')} {when.year}"


# --- Helpers: what a person does -------------------------------------------------------------

def sign_in(page, email: str) -> None:
    """Sign in through the /login form."""
    visit(page, "/login")
    fill_sign_in(page, email, PASSWORD)


def follow(page, link: str, exact: bool = True) -> None:
    """Follow the link called `link` in the main content and check the page it leads to."""
    click_to_page(page, page.get_by_role("main").get_by_role("link", name=link, exact=exact))


def menu(page, item: str) -> None:
    """Choose `item` from the header menu."""
    nav = page.get_by_role("navigation", name="Menu")
    click_to_page(page, nav.get_by_role("link", name=item, exact=True))


def heading(page, text: str) -> None:
    """The page's one main heading says `text`."""
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def success(page, text: str) -> None:
    """The green notification banner says `text`."""
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def summary_row(page, key: str):
    """The value of the first summary-list row whose key is `key`."""
    name = re.compile(rf"^\s*{re.escape(key)}\s*$")  # the macro puts the key on its own line
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=name))
    return row.first.locator(".govuk-summary-list__value")


def accept(page) -> None:
    """Accept the partnership for the headteacher's school, with the mouse."""
    page.get_by_label("Accept the partnership").check()
    press(page, "Send decision")
    success(page, "Your decision has been sent.")


def key_accept(page) -> None:
    """Accept the partnership with nothing but keys: Tab to the radio, Space, Tab on to the
    button, Enter."""
    tab_to(page, page.get_by_label("Accept the partnership"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Accept the partnership")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send decision", exact=True))
    key_to_page(page, "Enter")
    success(page, "Your decision has been sent.")


# --- The journey ------------------------------------------------------------------------------

def test_support_is_asked_brokered_agreed_tracked_and_reviewed_into_a_case_study(
        new_page, brokers, make_evaluation):  # noqa: F811
    """From "Ask for support" to a draft case study, as the three people do it: the request
    keeps its ticked needs when sent back for a missing answer; the LLE sees the needs and
    the right partner first with its reasons, and proposes it; the partnership turns active
    only when both heads (one by keyboard) accept; a milestone and its progress note show on
    the partnership; the review shows the better ratings, closes it and starts a case study
    titled after the focus standards."""
    net = brokers
    world = released(SimpleNamespace(
        seeker=net.seeker.name, right=net.right.name,
        other_phase=net.other_phase.name, same_head=net.same_head.name,
        head=net.head.email, away_head=net.away_head.email, lle=net.lle.email,
        lle_name=net.lle.name))

    # 1. The seeker's headteacher asks the LLE for support.
    head = new_page()
    sign_in(head, world.head)
    follow(head, f"{world.seeker}: where it stands, what it offers and needs")
    heading(head, world.seeker)
    follow(head, "Ask for support")
    heading(head, "Ask for support")
    head.get_by_label(f"{world.lle_name}, Local Leader of Education").check()
    standards = head.locator("details").filter(has_text="Choose standards")
    expect(standards.locator("summary")).to_contain_text("Choose standards (2 chosen)")
    expect(standards).to_have_attribute("open", "")
    for sid in ("CE2.A", "CE2.D"):
        expect(standards.get_by_label(re.compile(rf"^{re.escape(sid)} "))).to_be_checked()
    expect(standards.locator("input:checked")).to_have_count(2)
    # The barrier the school records as facing is ticked too.
    expect(head.get_by_role("group", name="Barriers you face").get_by_label(BARRIER)
           ).to_be_checked()

    # Sent without saying what they hope for: the error is summarised, the choices kept.
    press(head, "Ask for support")
    summary = head.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Say what you hope a partnership will do")
    expect(head.get_by_label(f"{world.lle_name}, Local Leader of Education")).to_be_checked()
    for sid in ("CE2.A", "CE2.D"):
        expect(head.get_by_label(re.compile(rf"^{re.escape(sid)} "))).to_be_checked()
    expect(head.get_by_role("group", name="Barriers you face").get_by_label(BARRIER)
           ).to_be_checked()
    head.get_by_label("What you hope a partnership will do").fill(HOPES)
    press(head, "Ask for support")
    success(head, "Your request has been sent.")
    heading(head, world.seeker)
    expect(summary_row(head, "Standards")).to_have_text("CE2.A, CE2.D")
    expect(summary_row(head, "Barriers")).to_have_text(BARRIER)
    expect(summary_row(head, "What they hope for")).to_have_text(HOPES)

    # 2. The LLE finds the request, reads the needs and candidates, and proposes the first.
    lle = new_page()
    sign_in(lle, world.lle)
    menu(lle, "Brokering")
    heading(lle, "Brokering")
    follow(lle, world.seeker)
    expect(lle.get_by_role("main").get_by_role("listitem").filter(
        has_text=re.compile(r"^CE2\.A rated 4$"))).to_have_count(1)
    expect(lle.get_by_role("main").get_by_role("listitem").filter(
        has_text=re.compile(r"^CE2\.D rated 3$"))).to_have_count(1)
    candidates = lle.locator("ol.govuk-list--number > li")
    first = candidates.first
    expect(first.get_by_role("heading", level=3)).to_contain_text(world.right)
    expect(first).to_contain_text("Strong in CE2.A and CE2.D, where you rate 4 and 3")
    expect(first).to_contain_text(f"Has overcome: {BARRIER}")
    expect(candidates.filter(has_text=world.other_phase)).to_have_count(1)
    expect(lle.get_by_role("main")).to_contain_text(
        f"{world.same_head}: conflict of interest: same headteacher")
    follow(lle, f"Propose {world.right}", exact=False)
    heading(lle, "Propose a partnership")
    expect(lle.get_by_role("group", name="Supporting school").get_by_label(
        world.right, exact=True)).to_be_checked()
    for sid in ("CE2.A", "CE2.D"):
        expect(lle.get_by_label(re.compile(rf"^{re.escape(sid)} "))).to_be_checked()
    lle.get_by_label("Proposed activities").fill(ACTIVITIES)
    press(lle, "Propose the partnership")
    success(lle, "The proposal has been sent to both headteachers.")
    heading(lle, f"{world.right} supporting {world.seeker}")
    partnership_path = re.sub(r"^https?://[^/]+", "", lle.url)
    assert re.fullmatch(r"/partnerships/\d+", partnership_path), lle.url
    expect(summary_row(lle, "Status")).to_have_text("Proposed")
    expect(summary_row(lle, "Activities")).to_contain_text(ACTIVITIES)

    # 3. Both headteachers accept: the seeker's from the inbox notice, the partner's by keys.
    menu(head, "Inbox")
    follow(head, PROPOSED, exact=False)  # the link also says "New"
    follow(head, "Go to it")
    heading(head, f"{world.right} supporting {world.seeker}")
    accept(head)
    expect(summary_row(head, "Status")).to_have_text("Proposed")
    expect(summary_row(head, world.seeker)).to_have_text("Accepted")
    expect(summary_row(head, world.right)).to_have_text("Waiting for the headteacher's decision")

    away = new_page()
    sign_in(away, world.away_head)
    menu(away, "Partnerships")
    follow(away, f"{world.seeker} with {world.right}")
    key_accept(away)
    expect(summary_row(away, "Status")).to_have_text("Active")
    expect(away.locator(".govuk-caption-l")).to_have_text("Partnership, active")
    expect(away.get_by_role("button", name="Send decision")).to_have_count(0)

    # 4. The LLE sets a milestone for this term; the partner school records its progress.
    this_term = terms.current_term()
    visit(lle, partnership_path)
    lle.get_by_label("Milestone", exact=True).fill(MILESTONE)
    lle.get_by_label("Due", exact=True).select_option(label=f"End of {terms.label(*this_term)}")
    press(lle, "Add milestone")
    success(lle, "Milestone added.")
    card = lle.locator(".govuk-summary-card").filter(has_text=MILESTONE)
    expect(card).to_contain_text(f"Due {long_date(terms.term_end(*this_term))}. "
                                 "Status: Planned")

    visit(away, partnership_path)
    card = away.locator(".govuk-summary-card").filter(has_text=MILESTONE)
    card.get_by_text(f"Record progress on {MILESTONE}").click()
    card.get_by_role("group", name="Status").get_by_label("Done", exact=True).check()
    card.get_by_label("Note from your school").fill(NOTE)
    click_to_page(away, card.get_by_role("button", name="Record progress", exact=True))
    success(away, "Progress recorded.")
    card = away.locator(".govuk-summary-card").filter(has_text=MILESTONE)
    expect(card).to_contain_text("Status: Done")
    expect(card.get_by_role("listitem")).to_contain_text(f"{world.right}, ")
    expect(card.get_by_role("listitem")).to_contain_text(f"(done): {NOTE}")

    # 5. A final self-evaluation since the start; the seeker's head reviews and closes.
    after = make_evaluation(net.seeker, ratings={"CE2.A": 2, "CE2.D": 2}, status="final",
                            year=2030, term="autumn")
    after.finalised_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()

    visit(head, partnership_path)
    expect(head.locator(".govuk-summary-card").filter(has_text=MILESTONE)).to_contain_text(NOTE)
    follow(head, "Review the impact and close the partnership")
    heading(head, "Impact review")
    ours = head.get_by_role("table", name=re.compile(rf"^{re.escape(world.seeker)} \(supported\)"))
    ce2a = ours.get_by_role("row").filter(has=head.get_by_role("rowheader", name="CE2.A"))
    expect(ce2a.get_by_role("cell")).to_have_text(["4", "2", "Better by 2"])
    ce2d = ours.get_by_role("row").filter(has=head.get_by_role("rowheader", name="CE2.D"))
    expect(ce2d.get_by_role("cell")).to_have_text(["3", "2", "Better by 1"])
    head.get_by_label("What changed, in your words").fill(SUMMARY)
    press(head, "Close the partnership with this review")
    success(head, "The partnership is closed with its impact review.")
    expect(summary_row(head, "Status")).to_have_text("Closed")
    expect(head.get_by_role("heading", level=2, name="Impact review")).to_be_visible()
    expect(head.get_by_role("main")).to_contain_text(SUMMARY)
    expect(head.get_by_role("main").get_by_text("Better by 2")).to_be_visible()
    expect(head.get_by_role("link", name="Review the impact and close the partnership")
           ).to_have_count(0)

    press(head, "Start a draft case study from this partnership")
    success(head, "A draft case study has been started from the partnership.")
    heading(head, "Change the case study")
    expect(head.get_by_label("Title", exact=True)).to_have_value(
        "Working with a partner school on CE2.A, CE2.D")
