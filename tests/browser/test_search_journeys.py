"""Searching the network's work, walked in Chromium: a headteacher in another cluster finds a
case study, narrows the results with two facets, reads it (anonymised, with "More like this"),
saves the search, is told in the inbox when new matching work is published, and mistypes a
search and is told what to fix.

The records are written and published through the services (fast, not through the UI), as
tests/test_search.py does; every page the reader sees must pass axe-core. The test's own
database session commits as soon as it has read or written what it needs, so it never holds
a lock the live server needs nor keeps reading an old snapshot.
"""

import re
from types import SimpleNamespace

from flask import current_app
from werkzeug.datastructures import MultiDict

from network.services import records
from network.services import search as search_service
from tests.browser.conftest import (
    check_page,
    fill_sign_in,
    open_menu,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD, case_body, data

expect = playwright_or_skip().expect

TRACKING = "Tracking pupil progress every half-term"
WRITING = "Writing in every subject"
ATTENDANCE = "Getting families back into school"
CLUSTER_ONLY = "Tracking progress in our own cluster"
NEW_TRACKING = "Tracking reading progress across the school"
SAVED_NAME = "Tracking case studies"
TRACKING_BARRIER = "Pupil progress not tracked, or tracked differently in each class"


# --- Helpers: what a person does -------------------------------------------------------------

def click_to_page(page, control) -> None:
    """Click `control`, wait for the page it leads to and check that page."""
    with page.expect_navigation():
        control.click()
    check_page(page)


def menu(page, item: str) -> None:
    """Choose `item` from the header menu."""
    open_menu(page)
    nav = page.get_by_role("navigation", name="Menu")
    click_to_page(page, nav.get_by_role("link", name=item, exact=True))


def follow(page, link: str, exact: bool = True) -> None:
    """Follow the link called `link` in the main content and check the page it leads to."""
    click_to_page(page, page.get_by_role("main").get_by_role("link", name=link, exact=exact))


def group(page, name: str):
    """The fieldset whose legend is `name`."""
    return page.get_by_role("group", name=name, exact=True)


def search_box(page):
    return page.get_by_label("What held your school back, or what you want to learn")


def results_heading(page):
    """The "N results for “...”" heading above the list of results."""
    return page.get_by_role("heading", level=2, name=re.compile(r"^\d+ results? for "))


def result(page, title: str):
    """The item in the results list whose heading is `title`."""
    return page.get_by_role("main").get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=title, exact=True))


def assert_absent(page, texts) -> None:
    """Nothing the page shows (header and footer included) contains any of `texts`."""
    shown = page.locator("body").inner_text().casefold()
    given_away = [text for text in texts if text.casefold() in shown]
    assert not given_away, f"{page.url} shows {given_away}"


# --- The world: written and published through the services -----------------------------------

def publish(people, title: str, audience: str = "network", **body):
    """A case study written by A's leading teacher and published by A's head.

    The services build inbox links with url_for; the live server's app has no SERVER_NAME,
    so they run in a request context (which reuses the test's app context and session).
    """
    with current_app.test_request_context():
        record = records.create(people.author, "case_study",
                                data(title, case_body(**body), audience=audience))
        records.submit(people.author, record.id)
        return records.publish(people.head, record.id, record.version, audience)


def topic(barrier: str, standard: str, narrative: str, change: str, action: str,
          offer: str) -> dict:
    """Body sections for a case study about something other than pupil tracking."""
    return {"barriers": [barrier], "standards": [standard], "offer_standards": [standard],
            "barrier_narrative": narrative, "what_needed_to_change": change,
            "actions": [{"text": action, "standards": [standard]}], "offer": offer,
            "impact": {"measures": [{"measure": "Pupils at the expected standard",
                                     "before": "about half", "after": "about two thirds"}],
                       "narrative": "The change has lasted a full year."}}


WRITING_BODY = topic("writing-weak", "CE5.A", "Pupils wrote too little outside English.",
                     "Extended writing in science, history and geography each week.",
                     "A weekly extended piece of writing in every foundation subject.",
                     "Our writing frames for science and history.")
ATTENDANCE_BODY = topic("attendance", "CE6.A", "The same families missed school each term.",
                        "Families who felt welcome in school every morning.",
                        "A breakfast club and a phone call on the first morning missed.",
                        "Our first-day calling script and breakfast club rota.")


def the_world(make_cluster, make_user) -> SimpleNamespace:
    """Cluster A: a head and a leading teacher who writes; cluster B: a headteacher reader.
    Three network case studies from A on different topics, and one for A's cluster only."""
    home = make_cluster(name="Search Alpha Partnership", schools=1).schools[0]
    elsewhere = make_cluster(name="Search Beta Partnership", schools=1).schools[0]
    people = SimpleNamespace(
        head=make_user(home, "headteacher", name="Harriet Quillfeather"),
        author=make_user(home, "leading_teacher", name="Nadia Okonkwo-Reyes"),
        reader=make_user(elsewhere, "headteacher", name="Rowan Reader"))
    tracking = publish(people, TRACKING)  # tracking-inconsistent, CE2.A
    publish(people, WRITING, **WRITING_BODY)
    publish(people, ATTENDANCE, **ATTENDANCE_BODY)
    publish(people, CLUSTER_ONLY, audience="cluster",
            what_needed_to_change="Tracking that every school in our cluster shares.")
    # The cluster-only study is found at home, so its absence for the reader means something.
    at_home = search_service.run(people.head, search_service.parse(MultiDict({"q": "tracking"})))
    assert {TRACKING, CLUSTER_ONLY} <= {hit.title for hit in at_home.hits}
    return released(SimpleNamespace(
        people=people, tracking_id=tracking.id, reader_email=people.reader.email,
        secrets=(home.name, people.head.name, people.author.name, "Quillfeather", "Okonkwo")))


# --- The journey ------------------------------------------------------------------------------

def test_a_reader_searches_narrows_saves_and_is_told_of_new_work(page, make_cluster, make_user,
                                                                 crowd):
    """Found, narrowed by type and barrier, read anonymised with related work; the search is
    saved and new matching work reaches the inbox; an unclosed quotation mark is searched as plain
    words, keeping what was typed. Cluster-only work never appears."""
    world = the_world(make_cluster, make_user)
    tracking_path = f"/records/{world.tracking_id}/published"

    # 2. The reader signs in, opens Search from the header and searches for "tracking".
    visit(page, "/login")
    fill_sign_in(page, world.reader_email, PASSWORD)
    menu(page, "Search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the network's work")
    search_box(page).fill("tracking")
    press(page, "Search")
    expect(results_heading(page)).to_have_text("1 result for “tracking”")
    found = result(page, TRACKING)
    expect(found).to_have_count(1)
    # The snippet highlights the match (stemmed: "tracked" matches "tracking").
    expect(found.locator("mark").first).to_have_text(re.compile(r"^track", re.IGNORECASE))
    expect(result(page, CLUSTER_ONLY)).to_have_count(0)
    assert_absent(page, [CLUSTER_ONLY, WRITING, ATTENDANCE])

    # Two facets narrow it: the type and the barrier, each with its count.
    group(page, "Type").get_by_label(re.compile(r"^Case studies \(1\)$")).check()
    group(page, "Barrier").get_by_label(
        re.compile(rf"^{re.escape(TRACKING_BARRIER)} \(1\)$")).check()
    press(page, "Search")
    expect(search_box(page)).to_have_value("tracking")
    expect(group(page, "Type").get_by_label(re.compile(r"^Case studies \(1\)$"))).to_be_checked()
    expect(group(page, "Barrier").get_by_label(
        re.compile(rf"^{re.escape(TRACKING_BARRIER)} \(1\)$"))).to_be_checked()
    expect(results_heading(page)).to_have_text("1 result for “tracking”")
    expect(result(page, TRACKING)).to_have_count(1)
    assert_absent(page, [CLUSTER_ONLY])
    results_url = page.url
    assert "kind=case_study" in results_url and "barrier=tracking-inconsistent" in results_url

    # The result opens the anonymised published copy, with related work from the network.
    follow(page, TRACKING)
    assert page.url.endswith(tracking_path), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(TRACKING)
    expect(page.get_by_text("Case study, anonymised")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="More like this")).to_be_visible()
    related = page.get_by_role("main").get_by_role("list").filter(
        has=page.get_by_role("link", name=re.compile(f"^({WRITING}|{ATTENDANCE})$")))
    expect(related).not_to_have_count(0)
    assert_absent(page, [CLUSTER_ONLY, *world.secrets])

    # 3. Back on the results, the reader saves the search.
    with page.expect_navigation():
        page.go_back()
    check_page(page)
    assert page.url == results_url, page.url
    page.get_by_label("Save this search as").fill(SAVED_NAME)
    press(page, "Save this search")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Search saved. New matching work will appear in your inbox.")
    expect(search_box(page)).to_have_value("tracking")
    expect(page.get_by_role("heading", level=2, name="Your saved searches")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=SAVED_NAME, exact=True)
           ).to_be_visible()

    # 4. A's head publishes new tracking work to the network; the publish view alerts.
    new = publish(world.people, NEW_TRACKING,
                  what_needed_to_change="Reading tracked the same way in every class.")
    told = search_service.alert_new_publication(records.get(world.people.head, new.id))
    new_path = released(f"/records/{new.id}/published")
    assert told == 1

    menu(page, "Inbox")
    notice = f"New work matches your search “{SAVED_NAME}”"
    follow(page, notice, exact=False)  # the link also says "New"
    expect(page.get_by_role("heading", level=1)).to_have_text(notice)
    expect(page.get_by_role("main")).to_contain_text(f"“{NEW_TRACKING}” was just published.")
    go = page.get_by_role("main").get_by_role("link", name="Read the record:", exact=False)
    expect(go).to_have_attribute("href", new_path)
    follow(page, "Read the record:", exact=False)
    assert page.url.endswith(new_path), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TRACKING)
    expect(page.get_by_text("Case study, anonymised")).to_be_visible()
    assert_absent(page, [CLUSTER_ONLY, *world.secrets])

    # 5. Typing is forgiven: an unclosed quotation mark is searched as plain words.
    menu(page, "Search")
    search_box(page).fill('"tracking')
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Search", exact=True).click()
    response = navigation.value
    assert response is not None and response.status == 200, response and response.status
    check_page(page)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(search_box(page)).to_have_value('"tracking')
    expect(result(page, TRACKING)).to_have_count(1)
    assert_absent(page, [CLUSTER_ONLY])



def test_filters_sit_beside_the_results_and_fold_below_them_on_a_phone(page, make_cluster,
                                                                        make_user, crowd):
    """At 1280 px the filters are beside the results; at 375 px they are folded below them
    behind "Filter results", which opens them. A filter in use is a tag above the results that
    removes just that filter; Clear filters removes them all and keeps the words."""
    world = the_world(make_cluster, make_user)
    visit(page, "/login")
    fill_sign_in(page, world.reader_email, PASSWORD)
    chosen = "/search?q=tracking&kind=case_study&barrier=tracking-inconsistent"

    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, chosen)
    expect(page).to_have_title("1 result for “tracking” – Search – Improvement Network")
    results = results_heading(page).bounding_box()
    filters = group(page, "Type")
    expect(filters).to_be_visible()
    beside = filters.bounding_box()
    assert beside["x"] > results["x"] + results["width"], (beside, results)
    assert beside["y"] < results["y"] + 300  # level with the results, not below them

    page.set_viewport_size({"width": 375, "height": 800})
    visit(page, chosen)
    expect(filters).to_be_hidden()
    fold = page.get_by_text("Filter results (2 in use)")
    expect(fold).to_be_visible()
    assert fold.bounding_box()["y"] > results_heading(page).bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    fold.click()
    expect(filters).to_be_visible()
    check_page(page)  # axe, with the filters open

    tag = page.get_by_role("link", name="Remove filter Type: Case studies")
    expect(tag).to_be_visible()
    click_to_page(page, tag)
    assert "kind=" not in page.url and "barrier=tracking-inconsistent" in page.url, page.url
    expect(page.get_by_role("link", name=re.compile("^Remove filter"))).to_have_count(1)
    click_to_page(page, page.get_by_role("link", name="Clear filters", exact=True))
    assert page.url.endswith("/search?q=tracking"), page.url
    expect(page.get_by_role("link", name=re.compile("^Remove filter"))).to_have_count(0)
    expect(results_heading(page)).to_have_text("1 result for “tracking”")
