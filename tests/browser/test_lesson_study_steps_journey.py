"""Writing a lesson study up in steps, walked in Chromium: a leading teacher starts it with
the team, coach and focus, names the case pupils, writes the first research lesson, leaves
and comes back to find everything as saved, adds a co-author; both then save the same
lesson, and the second sees both versions with their own words kept. Every page passes
axe-core at 1280 and 375 px, and no step page is wider than the screen."""

import re
from types import SimpleNamespace

from tests.browser.conftest import (
    assert_accessible,
    click_to_page,
    open_menu,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect

TITLE = "Bar models for comparing fractions"


def sign_in(page, email: str) -> None:
    visit(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")


def follow(page, link: str) -> None:
    click_to_page(page, page.get_by_role("main").get_by_role("link", name=link, exact=True))


def at_both_widths(page) -> None:
    """Axe finds nothing at 1280 and at 375 px, and nothing is wider than a phone."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"
        if width == 1280:
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height < 4000, f"{page.url} is {height} px tall"
    page.set_viewport_size({"width": 1280, "height": 900})


def status_of(page, task: str):
    """The status shown beside `task` on the task list."""
    row = page.locator(".govuk-task-list__item").filter(
        has=page.get_by_text(task, exact=True))
    return row.locator(".govuk-task-list__status")


def test_a_lesson_study_written_in_steps_survives_leaving_and_a_conflict(new_page, make_cluster,
                                                                        make_user):
    cluster = make_cluster(name="Fenwick Partnership", schools=2)
    home, other = cluster.schools
    author = make_user(home, "leading_teacher", name="Lena Leading")
    colleague = make_user(home, "leading_teacher", name="Colin Colleague")
    make_user(other, "leading_teacher", name="Cora Coach")
    make_user(other, "member", name="Parveen Partner")
    who = released(SimpleNamespace(author=author.email, colleague=colleague.email,
                                   other=other.name))

    page = new_page()
    sign_in(page, who.author)
    open_menu(page)
    click_to_page(page, page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Lesson studies", exact=True))
    follow(page, "Write up a lesson study")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team, coach and focus")
    at_both_widths(page)

    # Step 1: team, coach and focus (a required focus left out is refused, typing kept).
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Colin Colleague").check()
    page.locator("summary").filter(has_text=who.other).click()
    page.get_by_label("Parveen Partner").check()
    page.get_by_label("Leading teacher who coached the team (optional)").select_option(
        label=f"Cora Coach, {who.other}")
    page.get_by_label("Subject", exact=True).fill("Mathematics")
    page.get_by_label("Year group", exact=True).select_option("Year 5")
    page.get_by_label("Research question", exact=True).fill(
        "Do bar models help pupils compare fractions?")
    press(page, "Save and continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the research focus")
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Parveen Partner")).to_be_checked()
    at_both_widths(page)
    page.get_by_label("Research focus", exact=True).fill("Reasoning about fractions")
    press(page, "Save and continue")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "saved as a draft")
    tasks = re.sub(r"^https?://[^/]+", "", page.url)
    expect(status_of(page, "Team, coach and focus")).to_have_text("Completed")
    expect(status_of(page, "Research lesson 1")).to_have_text("Cannot start yet")
    at_both_widths(page)

    # Step 2: the case pupils.
    follow(page, "Case pupils")
    at_both_widths(page)
    for number, (label, group) in enumerate((("Pupil A", "working below expectations"),
                                             ("Pupil B", "working above expectations")), 1):
        pupil = page.get_by_role("group", name=f"Case pupil {number}")
        pupil.get_by_label("Pseudonym").fill(label)
        pupil.get_by_label("Who they stand for").fill(group)
        pupil.get_by_label("Where they started").fill(f"{label} guessed which was bigger")
    press(page, "Save and return to the task list")
    expect(status_of(page, "Case pupils")).to_have_text("Completed")

    # Research lesson 1: plan, who taught and observed, one stage, an interview.
    follow(page, "Research lesson 1")
    page.get_by_label("Learning objective", exact=True).fill("Compare two fractions")
    page.get_by_role("group", name="Who taught it").get_by_label("Lena Leading").check()
    observers = page.get_by_role("group", name="Who observed the case pupils")
    observers.get_by_label(f"Parveen Partner, {who.other}").check()
    observers.get_by_label(f"Cora Coach, {who.other} (coach)").check()
    stage = page.get_by_role("group", name="Stage 1")
    stage.get_by_label("What happens at this stage").fill("Drawing the bars")
    stage.get_by_label("Observed of Pupil A at stage 1").fill("Drew equal bars with a ruler")
    page.get_by_label("What Pupil A told you").fill("The bars show me which is bigger")
    at_both_widths(page)
    press(page, "Save and return to the task list")
    expect(status_of(page, "Research lesson 1")).to_have_text("In progress")
    expect(status_of(page, "Research lesson 2")).to_have_text("Not yet started")

    # Leave, and come back through the lesson study's page: everything is as saved.
    visit(page, "/lesson-studies")
    follow(page, TITLE)
    click_to_page(page, page.get_by_role("link", name="Edit", exact=True))
    assert page.url.endswith(tasks), page.url
    follow(page, "Research lesson 1")
    expect(page.get_by_label("Observed of Pupil A at stage 1")).to_have_value(
        "Drew equal bars with a ruler")
    expect(page.get_by_label("What Pupil A told you")).to_have_value(
        "The bars show me which is bigger")
    expect(page.get_by_role("group", name="Who taught it").get_by_label("Lena Leading")) \
        .to_be_checked()
    visit(page, tasks)

    # The colleague becomes a co-author in the sharing step.
    follow(page, "Sharing and publishing")
    at_both_widths(page)
    page.get_by_label("What we will share, and with whom").fill("A staff meeting")
    page.get_by_role("group", name="Co-authors (optional)").get_by_label(
        "Colin Colleague").check()
    press(page, "Save and return to the task list")

    # Both open research lesson 1; the author saves first, the colleague second.
    other_page = new_page()
    sign_in(other_page, who.colleague)
    visit(other_page, tasks.replace("/edit", "/lessons/1"))
    visit(page, tasks.replace("/edit", "/lessons/1"))
    page.get_by_label("Learning objective", exact=True).fill("Compare two unit fractions")
    press(page, "Save and return to the task list")
    other_page.get_by_label("What changes for the next research lesson").fill(
        "Give out rulers from the start")
    with other_page.expect_navigation():
        other_page.get_by_role("button", name="Save and return to the task list").click()
    expect(other_page.locator(".govuk-warning-text")).to_contain_text(
        "Someone else saved this lesson study")
    conflict = other_page.get_by_role("table", name="Their version and yours")
    expect(conflict).to_contain_text("Compare two unit fractions")
    expect(other_page.get_by_label("What changes for the next research lesson")) \
        .to_have_value("Give out rulers from the start")
    at_both_widths(other_page)
    press(other_page, "Save my version")
    expect(other_page.locator(".govuk-notification-banner--success")).to_contain_text("Saved")

    # The check page shows both saves, and what is still to write.
    visit(page, tasks)
    follow(page, "Check your answers")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Give out rulers from the start")
    expect(main).to_contain_text("Cora Coach")
    expect(main.get_by_role("link", name=re.compile(r"^Change"))).not_to_have_count(0)
    at_both_widths(page)
