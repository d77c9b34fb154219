"""A case study written in steps, walked in Chromium: a leading teacher starts it, adds a
timeline one step at a time, pairs barriers with what solved them, adds actions one at a time
(and removes one), leaves and comes back to find everything kept, checks the answers and
sends it to the headteacher. Every page passes axe-core at 1280 and 375 px."""

from tests.browser.conftest import click_to_page, playwright_or_skip, press, released, visit
from tests.factories import PASSWORD

expect = playwright_or_skip().expect

TITLE = "From patchy tracking to progress meetings every term"


def sign_in(page, email: str) -> None:
    """Sign in through the /login form."""
    visit(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")


def open_step(page, name: str) -> None:
    """Open a step from the task list."""
    click_to_page(page, page.get_by_role("link", name=name, exact=True))


def status_of(page, name: str):
    """The status shown beside a step on the task list."""
    return page.locator(".govuk-task-list__item", has_text=name).locator(
        ".govuk-task-list__status")


def add_timeline_step(page, number: int, year: str, month: str, what: str) -> None:
    press(page, "Add another step" if number > 1 else "Add a step")
    page.get_by_label(f"Year (step {number})").fill(year)
    page.get_by_label(f"Month, if known (step {number})").select_option(label=month)
    page.get_by_label(f"What happened (step {number})").fill(what)


def add_action(page, text: str, first: bool) -> None:
    press(page, "Add an action" if first else "Add another action")
    page.get_by_label("What the school did").fill(text)
    press(page, "Save the action")


def test_a_case_study_written_in_steps_is_checked_and_sent(new_page, make_cluster, make_user):
    home = make_cluster(name="Northgate Partnership", schools=1).schools[0]
    make_user(home, "headteacher", name="Harriet Quillfeather")
    teacher = released(make_user(home, "leading_teacher", name="Nadia Okonkwo-Reyes"))
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, teacher.email)

    visit(page, "/case-studies")
    click_to_page(page, page.get_by_role("link", name="Write a case study"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("The school's context").fill("A one-form-entry primary school in a "
                                                   "market town.")
    press(page, "Save and start the case study")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write your case study")
    expect(status_of(page, "Title and context")).to_have_text("Completed")
    expect(status_of(page, "Support received")).to_contain_text("Not yet started")
    steps_url = page.url

    open_step(page, "Timeline and priority groups")
    add_timeline_step(page, 1, "2020", "September", "Every class began one tracking format.")
    add_timeline_step(page, 2, "2022", "July", "Progress in mathematics rose in every year.")
    page.get_by_role("group", name="Which priority group was the school in when the work "
                                   "began?").get_by_label("Maximise progress").check()
    page.get_by_role("group", name="Which priority group is the school in now, or when the "
                                   "work ended?").get_by_label("Build on improvement").check()
    press(page, "Save and continue")
    expect(status_of(page, "Timeline and priority groups")).to_have_text("Completed")

    open_step(page, "Barriers and what solved them")
    for title, solution in [
            ("Pupil progress not tracked, or tracked differently in each class",
             "One format for every class, checked each half-term."),
            ("Monitoring does not lead to action",
             "Each progress meeting ends with named actions and dates.")]:
        page.get_by_label(title, exact=True).check()
        page.get_by_label(f"What solved it: {title}").fill(solution)
    press(page, "Save and continue")
    expect(status_of(page, "Barriers and what solved them")).to_have_text("Completed")

    open_step(page, "What needed to change and what was done")
    page.get_by_label("What needed to change").fill("One picture of progress that every "
                                                    "teacher trusted.")
    add_action(page, "Agreed one tracking format for every class.", first=True)
    add_action(page, "A duplicate action typed by mistake.", first=False)
    add_action(page, "Progress meetings every term with three questions.", first=False)
    expect(page.get_by_text("Action 3", exact=True)).to_be_visible()
    press(page, "Remove action 2")
    expect(page.get_by_text("A duplicate action typed by mistake.")).to_have_count(0)
    expect(page.get_by_text("Action 3", exact=True)).to_have_count(0)

    # Leave, come back: everything saved is there.
    visit(page, "/case-studies")
    visit(page, steps_url)
    expect(status_of(page, "What needed to change and what was done")).to_have_text(
        "Completed")
    open_step(page, "Timeline and priority groups")
    expect(page.get_by_label("What happened (step 2)")).to_have_value(
        "Progress in mathematics rose in every year.")
    click_to_page(page, page.get_by_role("link", name="Back to the steps without saving"))

    click_to_page(page, page.get_by_role("link", name="Check your answers"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("September 2020")
    expect(main).to_contain_text("Each progress meeting ends with named actions and dates.")
    expect(main).to_contain_text("Progress meetings every term with three questions.")
    expect(main.get_by_role("link", name="Change")).to_have_count(8)

    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in (steps_url, steps_url + "/support", steps_url + "/actions"):
            visit(page, path)
        visit(page, steps_url.replace("/steps", "/check"))

    press(page, "Send to the headteacher")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Sent to your headteacher")
