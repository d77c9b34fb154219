"""A lesson study's journey through the anonymisation gate, walked in Chromium.

A leading teacher writes a lesson study up and submits it; the headteacher finds what the gate
flagged, cannot publish past it, marks each finding as not identifying with a reason and
publishes it to the whole network; a reader in another cluster reads it without learning who
wrote it, asks to talk to the authors and is declined, still without learning the school.

Every page a person sees (the refusal included) must pass axe-core. The test's own database
session commits as soon as it has read what it needs, so it never holds a lock the live server
needs nor keeps reading an old snapshot.
"""

import os
import re
from datetime import date, timedelta
from types import SimpleNamespace

from tests.browser.conftest import (
    click_to_page,
    open_menu,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect

TITLE = "Story maps and paragraph structure in Year 4"
SHOTS = os.environ.get("SCREENSHOTS")  # a folder to save the review page in, 375 and 1280 px
# Two passages the gate flags although neither identifies the school: a colleague shares her
# name with the author of the class text (a "known" name), and the postcode is the palace's.
AUTHOR_OF_THE_BOOK = "Julia Donaldson"
POSTCODE = "SW1A 1AA"
PUPILS = [("Pupil A", "working below age-related expectations"),
          ("Pupil B", "working at age-related expectations")]


# --- Helpers: what a person does -------------------------------------------------------------









def follow(page, link: str, exact: bool = True) -> None:
    """Follow the link called `link` (in the main content) and check the page it leads to."""
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


def sign_in(page, email: str) -> None:
    """Sign in through the /login form."""
    visit(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def group(page, name: str):
    """The fieldset whose legend is `name`."""
    return page.get_by_role("group", name=name, exact=True)


def assert_anonymous(page, secrets) -> None:
    """Nothing the page shows (header and footer included) names the school or its people."""
    shown = page.locator("body").inner_text()
    given_away = [secret for secret in secrets if secret.casefold() in shown.casefold()]
    assert not given_away, f"{page.url} gives away {given_away}"


# --- What the leading teacher writes ---------------------------------------------------------

def lesson_date(n: int) -> date:
    """Three research lessons, three weeks apart, the last a fortnight ago."""
    return date.today() - timedelta(days=14 + 21 * (3 - n))


def long_date(when: date) -> str:
    return f"{when.day} {when.strftime('%B')} {when.year}"


def predicted(n: int, pupil: str) -> str:
    return f"{pupil} orders the events on the map in lesson {n}"


def observed(n: int, pupil: str) -> str:
    return f"{pupil} retold the story from the map in lesson {n}"


OUTCOMES = (f"Both case pupils wrote a paragraph in order by the third lesson. They retold "
            f"The Gruffalo by {AUTHOR_OF_THE_BOOK}, then wrote letters to the King at "
            f"Buckingham Palace, {POSTCODE}, with a clear opening, middle and end.")


def write_up_the_lesson_study(page) -> None:
    """Write it up step by step from the task list: the team and focus (which makes the
    draft), two case pupils, three research lessons and the outcomes."""
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Subject", exact=True).fill("English (writing)")
    page.get_by_label("Year group", exact=True).select_option("Year 4")
    page.get_by_label("Research focus", exact=True).fill("Writing in paragraphs")
    page.get_by_label("Research question", exact=True).fill(
        "Does rehearsing a paragraph aloud from a story map help pupils to order their "
        "writing?")
    press(page, "Save and continue")
    follow(page, "Case pupils")
    for number, (pseudonym, stands_for) in enumerate(PUPILS, 1):
        pupil = group(page, f"Case pupil {number}")
        pupil.get_by_label("Pseudonym").fill(pseudonym)
        pupil.get_by_label("Who they stand for").fill(stands_for)
        pupil.get_by_label("Where they started").fill("Writes a sentence or two")
    press(page, "Save and return to the task list")
    for n in (1, 2, 3):
        follow(page, f"Research lesson {n}")
        when = lesson_date(n)
        day_month_year = group(page, "Date of the lesson")
        day_month_year.get_by_label("Day").fill(str(when.day))
        day_month_year.get_by_label("Month").fill(str(when.month))
        day_month_year.get_by_label("Year").fill(str(when.year))
        page.get_by_label("Learning objective", exact=True).fill(
            f"To order the events of a story in a paragraph (lesson {n})")
        stage = group(page, "Stage 1")
        stage.get_by_label("What happens at this stage").fill("Retelling from the story map")
        for pseudonym, _ in PUPILS:
            stage.get_by_label(f"Predicted for {pseudonym} at stage 1").fill(
                predicted(n, pseudonym))
            stage.get_by_label(f"Observed of {pseudonym} at stage 1").fill(
                observed(n, pseudonym))
        press(page, "Save and return to the task list")
    follow(page, "Outcomes and impact on groups")
    page.get_by_label("Outcomes", exact=True).fill(OUTCOMES)
    press(page, "Save and return to the task list")


# --- The journey ------------------------------------------------------------------------------

def test_a_lesson_study_passes_the_gate_and_its_school_stays_anonymous(new_page, make_cluster,
                                                                      make_user):
    """Written, submitted, refused by the gate, cleared finding by finding with reasons,
    refused the network while too few schools are alike, told how the school will be
    described once other clusters join, published to the network; a reader elsewhere sees the
    predicted-against-observed tables but no school and no author, asks to talk, is declined
    and still learns nothing."""
    home = make_cluster(name="Northgate Partnership", schools=1).schools[0]
    head = make_user(home, "headteacher", name="Harriet Quillfeather")
    teacher = make_user(home, "leading_teacher", name="Nadia Okonkwo-Reyes")
    make_user(home, "member", name=AUTHOR_OF_THE_BOOK)  # a colleague, not the author
    elsewhere = make_cluster(name="Southbank Partnership", schools=1).schools[0]
    reader = make_user(elsewhere, "member", name="Rowan Reader")
    world = released(SimpleNamespace(
        school=home.name, reader_school=elsewhere.name,
        head=SimpleNamespace(name=head.name, email=head.email),
        teacher=SimpleNamespace(name=teacher.name, email=teacher.email),
        reader=SimpleNamespace(name=reader.name, email=reader.email)))
    secrets = (world.school, world.head.name, world.teacher.name, "Quillfeather", "Okonkwo")

    # 1. The leading teacher writes the lesson study up and submits it.
    author = new_page()
    sign_in(author, world.teacher.email)
    menu(author, "Lesson studies")
    heading(author, "Lesson studies")
    follow(author, "Write up a lesson study")
    heading(author, "Team, coach and focus")
    write_up_the_lesson_study(author)
    tasks = re.sub(r"^https?://[^/]+", "", author.url)
    assert re.fullmatch(r"/lesson-studies/\d+/edit", tasks), author.url
    record_path = "/records/" + tasks.split("/")[2]
    visit(author, record_path)
    heading(author, TITLE)
    summary = author.locator(".govuk-summary-list").first
    expect(summary).to_contain_text("Draft")
    expect(summary).to_contain_text("2 passages could identify the school")
    visit(author, tasks)
    follow(author, "Check your answers")
    heading(author, "Check your answers before sending the lesson study to your headteacher")
    press(author, "Send to the headteacher")
    success(author, "Sent to your headteacher for review.")
    expect(author.locator(".govuk-summary-list").first).to_contain_text("Submitted")
    expect(author.get_by_role("button", name="Submit to the headteacher")).to_have_count(0)

    # 2. The headteacher finds the request in the inbox and opens the review.
    reviewer = new_page()
    sign_in(reviewer, world.head.email)
    menu(reviewer, "Inbox")
    follow(reviewer, f"Please review the lesson study “{TITLE}”", exact=False)
    heading(reviewer, f"Please review the lesson study “{TITLE}”")
    expect(reviewer.get_by_role("link", name="Review the record:", exact=False)).to_have_attribute(
        "href", f"{record_path}/review")
    menu(reviewer, "Lesson studies")
    own = reviewer.get_by_role("table", name=re.compile("Your school's lesson studies"))
    expect(own.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Submitted")
    follow(reviewer, TITLE)
    follow(reviewer, "Review and publish")
    heading(reviewer, TITLE)
    expect(reviewer.get_by_text("Review before publishing")).to_be_visible()
    findings = reviewer.locator(".govuk-summary-card__title")
    expect(findings).to_have_count(2)
    expect(findings).to_contain_text([f"“{AUTHOR_OF_THE_BOOK}”", f"“{POSTCODE}”"])
    expect(reviewer.locator(".govuk-warning-text").first).to_contain_text(
        "2 passages could identify the school")

    # Publishing past the gate is refused, and nothing is resolved by trying.
    reviewer.get_by_label("The whole network, anonymised").check()
    press(reviewer, "Publish")
    expect(reviewer.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(reviewer.locator(".govuk-error-summary")).to_contain_text(
        "2 passages could still identify the school")
    expect(reviewer.locator(".govuk-summary-card__title")).to_have_count(2)

    # Each finding is marked as not identifying, with a reason.
    reasons = {AUTHOR_OF_THE_BOOK: "She wrote the class novel; she is not our colleague.",
               POSTCODE: "It is the postcode of Buckingham Palace, where the letters went."}
    for left, (text, reason) in enumerate(reasons.items()):
        card = reviewer.locator(".govuk-summary-card").filter(has_text=f"“{text}”")
        card.get_by_label(f"Why “{text}” does not identify the school").fill(reason)
        # The button's name ends with the passage ("Mark as not identifying: SW1A 1AA").
        mark = card.get_by_role("button", name=re.compile(rf"^Mark as not identifying\W+"
                                                          rf"{re.escape(text)}$"))
        click_to_page(reviewer, mark)
        success(reviewer, f"“{text}” marked as not identifying.")
        expect(reviewer.locator(".govuk-summary-card__title")).to_have_count(1 - left)
    expect(reviewer.get_by_text("Nothing found that identifies the school.")).to_be_visible()

    # Two schools on the platform cannot hide each other: the network is refused, plainly.
    expect(reviewer.locator("#crowd-too-small")).to_contain_text(
        "Too few schools on the platform are like yours")
    reviewer.get_by_label("The whole network, anonymised").check()
    press(reviewer, "Publish")
    expect(reviewer.locator(".govuk-error-summary")).to_contain_text(
        "Publish it to your cluster, or publish it with your school's name")

    # Other clusters join; the review now says how the school will be described, and why.
    released([make_cluster(name=f"Crowd Partnership {n}", schools=6) for n in (1, 2, 3)])
    visit(reviewer, f"{record_path}/review")
    expect(reviewer.get_by_role("heading", name="How your school will be described")) \
        .to_be_visible()
    expect(reviewer.locator("#crowd-size")).to_contain_text(
        re.compile(r"\d+ schools on the platform, outside any one cluster, fit this description"))
    expect(reviewer.get_by_role("main")).to_contain_text(
        "Fewer than 10 schools on the platform share your school's exact description")
    if SHOTS:
        for width in (375, 1280):
            reviewer.set_viewport_size({"width": width, "height": 900})
            reviewer.screenshot(path=f"{SHOTS}/review-{width}.png", full_page=True)

    reviewer.get_by_label("The whole network, anonymised").check()
    press(reviewer, "Publish")
    success(reviewer, "Published.")
    heading(reviewer, TITLE)
    expect(reviewer.get_by_text("Lesson study, anonymised")).to_be_visible()
    published_path = f"{record_path}/published"
    assert reviewer.url.endswith(published_path), reviewer.url

    # 3. A reader in another cluster finds it, reads it and asks to talk to the authors.
    reader_page = new_page()
    sign_in(reader_page, world.reader.email)
    menu(reader_page, "Lesson studies")
    published_list = reader_page.get_by_role("main").get_by_role("listitem").filter(
        has_text=TITLE)
    expect(published_list).to_contain_text("to the whole network")
    follow(reader_page, TITLE)
    assert reader_page.url.endswith(published_path), reader_page.url
    heading(reader_page, TITLE)
    expect(reader_page.get_by_text("Lesson study, anonymised")).to_be_visible()
    for n in (1, 2, 3):
        expect(reader_page.get_by_role("heading", name=f"Research lesson {n}, "
                                       f"{long_date(lesson_date(n))}")).to_be_visible()
        table = reader_page.get_by_role("table", name=f"Research lesson {n}: what the team "
                                        "predicted for each case pupil, against what it "
                                        "observed")
        expect(table.get_by_role("columnheader")).to_have_text(
            ["Pupil A", "Pupil B", "Stage", re.compile(r"^Predicted\s+for Pupil A$"),
             re.compile(r"^Observed\s+of Pupil A$"), re.compile(r"^Predicted\s+for Pupil B$"),
             re.compile(r"^Observed\s+of Pupil B$")])
        row = table.get_by_role("row").filter(has=reader_page.get_by_role(
            "rowheader", name="Retelling from the story map"))
        cells = [predicted(n, "Pupil A"), observed(n, "Pupil A"),
                 predicted(n, "Pupil B"), observed(n, "Pupil B")]
        expect(row.get_by_role("cell")).to_have_text(cells)
    expect(reader_page.get_by_text("Team of 1 from the school")).to_be_visible()
    expect(reader_page.get_by_text("Writes a sentence or two").first).to_be_visible()
    assert_anonymous(reader_page, secrets)

    follow(reader_page, "Ask to talk to the authors")
    heading(reader_page, f"Ask to talk to the authors of “{TITLE}”")
    assert_anonymous(reader_page, secrets)
    reader_page.get_by_label("What would you like to talk about?").fill(
        "We are trying story maps in Year 3. Could we visit a research lesson?")
    press(reader_page, "Send request")
    success(reader_page, "Your request has been sent. You will hear in your inbox.")
    heading(reader_page, TITLE)

    # 4. The headteacher sees who asked, and declines.
    menu(reviewer, "Inbox")
    follow(reviewer, f"A school would like to talk about “{TITLE}”", exact=False)
    expect(reviewer.get_by_role("main")).to_contain_text("Could we visit a research lesson?")
    follow(reviewer, "Open the request to talk:", exact=False)
    heading(reviewer, f"About “{TITLE}”")
    request = reviewer.locator(".govuk-summary-list")
    expect(request).to_contain_text(f"{world.reader.name}, {world.reader_school}")
    expect(request).to_contain_text("Could we visit a research lesson?")
    expect(request).to_contain_text("Pending")
    reviewer.get_by_label("Decline: your school stays anonymous").check()
    press(reviewer, "Send answer")
    success(reviewer, "Your answer has been sent.")
    heading(reviewer, "Inbox")

    # 5. The reader is told, and still cannot tell which school it was.
    menu(reader_page, "Inbox")
    notice = f"The authors of “{TITLE}” cannot talk just now"
    expect(reader_page.get_by_role("main").get_by_role("link", name=notice)).to_be_visible()
    assert_anonymous(reader_page, secrets)
    follow(reader_page, notice, exact=False)  # the link also says "New"
    heading(reader_page, notice)
    expect(reader_page.get_by_role("main")).to_contain_text(
        "They have declined your request. Their school stays anonymous.")
    assert_anonymous(reader_page, secrets)
