"""Brokering's journey (issues 6 and 16), walked in Chromium: a headteacher asks the cluster's
coordinators for support (seeing the nearest Local Leaders of Education with their schools), a
coordinator deploys an LLE's school with a support agreement, both headteachers sign it by
accepting (one by keyboard), both schools report a milestone done with evidence, and the impact
review closes the partnership once both headteachers agree, then starts a draft case study.

Every page a person sees (the form sent back with its errors included) must pass axe-core.
The world is the planted network of tests/test_matching.py with the LLE of
tests/test_brokering.py; the test's own database session commits as soon as it has read or
written what it needs, so it never holds a lock the live server needs.
"""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from models import Partnership, SelfEvaluation
from network.domain import terms
from network.extensions import db
from tests.browser.conftest import (
    click_to_page,
    fill_date,
    fill_sign_in,
    key_to_page,
    open_menu,
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
MEASURE = "Pupils reaching the expected standard in reading"
PROPOSED = "a partnership is proposed: please read the support agreement and accept or decline"
CRITERION = "every class tracks progress the same way"
EVIDENCE = "Twelve books moderated together; the judgements agree."


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
    open_menu(page)
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

def fill_agreement(page) -> None:
    """The coordinator drafts the support agreement on the proposal form."""
    page.get_by_label("People from the supported school").fill(
        "Pat Morgan, headteacher\nAsh Khan, maths lead")
    page.get_by_label("People from the supporting school").fill("Lena Local, deputy headteacher")
    page.get_by_label("Days a term the supporting school commits").fill("4")
    page.get_by_label("Cost in pounds").fill("1200")
    page.get_by_role("group", name="Who funds it").get_by_label("The local authority").check()
    for legend, (day, month, year) in (("Start date", ("1", "9", "2026")),
                                       ("End date", ("31", "8", "2028"))):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_label("Success criteria for each focus standard").fill(
        f"CE2.A: {CRITERION}\nCE2.D: moderated books agree across both schools")
    page.get_by_label("When the support ends").fill(
        "Both focus standards rated 2 or better in a final self-evaluation.")


def report_done(page, path: str, note: str) -> None:
    """A school's leader reports the milestone done for their school, with the evidence."""
    visit(page, path)
    # "Next for you" leads to the milestone's form, opening it where it sits on the page.
    page.get_by_role("list", name="Next for you").get_by_role(
        "link", name=f"Report your school's progress on “{MILESTONE}”", exact=False).click()
    group = page.get_by_role("group", name=f"Your school's status on {MILESTONE}")
    group.get_by_label("Done", exact=True).check()
    form = page.locator("form").filter(has=group)
    form.get_by_label("Note from your school").fill(note)
    form.get_by_label("Evidence (needed for done)").fill(EVIDENCE)
    click_to_page(page, form.get_by_role("button", name="Record progress", exact=True))
    success(page, "Progress recorded.")


def test_an_lles_school_is_deployed_with_an_agreement_both_heads_sign_and_close(
        new_page, brokers, make_evaluation, make_user):  # noqa: F811
    """From "Ask for support" to a draft case study: the head sees the nearest LLE with their
    school and asks the coordinators, keeping the ticked needs when sent back for a missing
    answer; the coordinator proposes the LLE's school with a support agreement; the
    partnership turns active only when both heads (one by keyboard) accept, which signs it;
    a milestone is met only once both schools report it done with evidence; the impact
    review closes it only once both heads agree."""
    net = brokers
    lena = make_user(net.right, "senior_leader", lle=True, name="Lena Local")
    coordinator = make_user(net.closed, "headteacher", coordinator=True, name="Cam Coord")
    world = released(SimpleNamespace(
        seeker=net.seeker.name, right=net.right.name, head=net.head.email,
        away_head=net.away_head.email, coordinator=coordinator.email, lena=lena.name))

    # 1. The seeker's headteacher sees the LLEs with their schools and asks the coordinators.
    head = new_page()
    sign_in(head, world.head)
    follow(head, f"{world.seeker}: where it stands, what it offers and needs")
    follow(head, "Ask for support")
    heading(head, "Ask for support")
    expect(head.locator(".govuk-radios__item").filter(has_text=world.lena)).to_contain_text(
        world.right)
    head.get_by_label("Our cluster's coordinators").check()
    standards = head.locator("details").filter(has_text="Choose standards")
    expect(standards.locator("summary")).to_contain_text("Choose standards (2 chosen)")
    expect(head.get_by_role("group", name="Barriers you face").get_by_label(BARRIER)
           ).to_be_checked()
    press(head, "Ask for support")
    summary = head.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say what you hope a partnership will do")
    expect(head.get_by_label("Our cluster's coordinators")).to_be_checked()
    for sid in ("CE2.A", "CE2.D"):
        expect(head.get_by_label(re.compile(rf"^{re.escape(sid)} "))).to_be_checked()
    head.get_by_label("What you hope a partnership will do").fill(HOPES)
    press(head, "Ask for support")
    success(head, "Your request has been sent.")

    # 2. The coordinator deploys the LLE's school, drafting the support agreement.
    coord = new_page()
    sign_in(coord, world.coordinator)
    menu(coord, "Brokering")
    follow(coord, world.seeker)
    first = coord.locator("ol.govuk-list--number > li").first
    expect(first.get_by_role("heading", level=3)).to_contain_text(world.right)
    follow(coord, f"Propose {world.right}", exact=False)
    heading(coord, "Propose a partnership")
    coord.get_by_label("Proposed activities").fill(ACTIVITIES)
    fill_agreement(coord)
    coord.get_by_label("Cost in pounds").fill("")
    press(coord, "Propose the partnership")  # sent back: the cost is missing
    expect(coord.locator(".govuk-error-summary")).to_contain_text(
        "Give the cost in pounds as a whole number")
    expect(coord.get_by_label("When the support ends")).to_have_value(
        "Both focus standards rated 2 or better in a final self-evaluation.")
    coord.get_by_label("Cost in pounds").fill("1200")
    press(coord, "Propose the partnership")
    success(coord, "The proposal has been sent to both headteachers.")
    heading(coord, f"{world.right} supporting {world.seeker}")
    partnership_path = re.sub(r"^https?://[^/]+", "", coord.url)
    assert re.fullmatch(r"/partnerships/\d+", partnership_path), coord.url
    expect(summary_row(coord, "Status")).to_have_text("Proposed")

    # 3. Both headteachers read the agreement and accept, which signs it.
    menu(head, "Inbox")
    follow(head, PROPOSED, exact=False)  # the link also says "New"
    follow(head, "Open the partnership:", exact=False)
    heading(head, f"{world.right} supporting {world.seeker}")
    expect(head.get_by_role("main")).to_contain_text(CRITERION)
    expect(head.get_by_role("main")).to_contain_text(
        "accepting the partnership signs it for your school")
    accept(head)
    expect(summary_row(head, "Status")).to_have_text("Proposed")
    expect(summary_row(head, world.seeker)).to_have_text("Accepted")

    away = new_page()
    sign_in(away, world.away_head)
    menu(away, "Partnerships")
    follow(away, f"{world.seeker} with {world.right}")
    key_accept(away)
    expect(summary_row(away, "Status")).to_have_text("Active")
    expect(away.get_by_role("heading", name="Support agreement in force (version 1)")
           ).to_be_visible()

    # 4. The coordinator sets a milestone; it is met only when both schools report it done.
    this_term = terms.current_term()
    visit(coord, partnership_path)
    coord.get_by_label("Milestone", exact=True).fill(MILESTONE)
    coord.get_by_label("Due", exact=True).select_option(
        label=f"End of {terms.label(*this_term)}")
    coord.get_by_label("How you will know it is met").fill("Judgements agree in both schools")
    press(coord, "Add milestone")
    success(coord, "Milestone added.")
    card = coord.locator(".govuk-summary-card").filter(has_text=MILESTONE)
    expect(card).to_contain_text(long_date(terms.term_end(*this_term)))

    report_done(away, partnership_path, NOTE)
    card = away.locator(".govuk-summary-card").filter(has_text=MILESTONE)
    expect(card).to_contain_text("Not yet: met when both schools say it is done")
    report_done(head, partnership_path, "Our half of the books moderated.")
    card = head.locator(".govuk-summary-card").filter(has_text=MILESTONE)
    expect(card).to_contain_text("Yes: both schools say it is done")
    expect(card).to_contain_text(f"Evidence: {EVIDENCE}")

    # 5. The seeker's head records what the partnership is for: pupils' outcomes, measured
    # before the start and since.
    started = db.session.get(Partnership, int(partnership_path.rsplit("/", 1)[1]))
    started.started_at = datetime.now(UTC) - timedelta(days=60)  # two months on: the
    for before in db.session.scalars(select(SelfEvaluation).where(  # evaluations came first
            SelfEvaluation.status == "final")):
        before.finalised_at = started.started_at - timedelta(days=1)
    db.session.commit()
    visit(head, partnership_path)
    follow(head, "Record outcome measures and their values")
    head.get_by_label("What is measured").fill(MEASURE)
    head.get_by_label("Unit").select_option("percent")
    press(head, "Add the measure")
    heading(head, MEASURE)
    for when, value in ((date.today() - timedelta(days=120), "52"), (date.today(), "61")):
        fill_date(head, "Date measured", when)
        head.get_by_label("Value").fill(value)
        press(head, "Record the value")
        success(head, "The value is recorded")

    # 6. A final self-evaluation since the start; the seeker's head starts closing, the
    # partner's head agrees and it closes.
    after = make_evaluation(net.seeker, ratings={"CE2.A": 2, "CE2.D": 2}, status="final",
                            year=2030, term="autumn")
    after.finalised_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()

    visit(head, partnership_path)
    follow(head, "Review the impact and start closing the partnership")
    heading(head, "Impact review")
    ours = head.get_by_role("table", name=re.compile(rf"^{re.escape(world.seeker)} \(supported\)"))
    ce2a = ours.get_by_role("row").filter(has=head.get_by_role("rowheader", name="CE2.A"))
    expect(ce2a.get_by_role("cell")).to_have_text(["4", "2", "Better by 2"])
    outcomes = head.get_by_role("table", name=re.compile("^Pupils' outcomes"))
    expect(outcomes).to_contain_text("+9 percentage points")
    head.get_by_label("What changed, in your words").fill(SUMMARY)
    press(head, "Agree to close the partnership with this review")
    heading(head, "Are you sure you want to close the partnership?")
    press(head, "Yes, agree to close the partnership")
    success(head, "You have agreed to close the partnership.")
    expect(summary_row(head, "Status")).to_have_text("Active")
    expect(head.get_by_role("main")).to_contain_text(f"{world.right}'s headteacher: awaited")

    visit(away, partnership_path)
    press(away, "Agree to close the partnership")
    heading(away, "Are you sure you want to close the partnership?")
    press(away, "Yes, close the partnership")
    success(away, "The partnership is closed with its impact review.")
    expect(summary_row(away, "Status")).to_have_text("Closed")
    expect(away.get_by_role("main")).to_contain_text(SUMMARY)

    # 7. The termly report, for governors and the local authority, prints.
    visit(head, partnership_path)
    follow(head, "Read this term's one-page report")
    expect(head.get_by_role("main")).to_contain_text(f"Evidence: {EVIDENCE}")
    expect(head.get_by_role("button", name="Print this report")).to_be_visible()
    head.emulate_media(media="print")
    expect(head.get_by_role("button", name="Print this report")).to_be_hidden()
    assert head.pdf(format="A4").startswith(b"%PDF")
    head.emulate_media(media="screen")

    visit(head, partnership_path)
    expect(head.get_by_role("main").get_by_text("Better by 2")).to_be_visible()
    press(head, "Start a draft case study from this partnership")
    success(head, "A draft case study has been started from the partnership.")
    heading(head, "Write your case study")  # its task list, steps already filled in
    follow(head, "Title and context")
    expect(head.get_by_label("Title", exact=True)).to_have_value(re.compile(
        r"^Working with an? (\w+ )?partner school on tracking steers improvement and each "
        r"child tracked to their year-end goal$"))
