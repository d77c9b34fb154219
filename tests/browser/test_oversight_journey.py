"""Outcomes and oversight (issue 16), walked in Chromium: on an active partnership the
supported school's headteacher records an outcome measure with two dated values, gives a
governor read-only access, and the governor signs in, reads the partnership and opens the
termly report, which leaves the outcome measures out.

Every page a person sees must pass axe-core (checked by visit, press and click_to_page).
"""

import re
from datetime import UTC, date, datetime, timedelta

from network.extensions import db
from tests.browser.conftest import (
    click_to_page,
    fill_date,
    fill_sign_in,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect

MEASURE = "Disadvantaged pupils' attendance"


def _follow(page, name: str) -> None:
    click_to_page(page, page.get_by_role("main").get_by_role("link", name=name, exact=True))


def test_a_head_records_outcomes_and_a_governor_follows_the_partnership(
        page, new_page, two_clusters, make_user):
    world = two_clusters.A
    partnership = world.partnership
    partnership.started_at = datetime.now(UTC) - timedelta(days=60)
    governor = make_user(None, name="Gwen Governor", email="gwen@example.org")
    head_email, pid = world.people["headteacher"].email, partnership.id
    released(governor.id)

    visit(page, "/login")
    fill_sign_in(page, head_email, PASSWORD)
    visit(page, f"/partnerships/{pid}")
    _follow(page, "Record outcome measures and their values")
    page.get_by_label("What is measured").fill(MEASURE)
    page.get_by_label("Unit").select_option("percent")
    press(page, "Add the measure")
    expect(page.get_by_role("heading", level=1)).to_have_text(MEASURE)
    for days_ago, value in ((90, "88"), (10, "93.5")):
        fill_date(page, "Date measured", date.today() - timedelta(days=days_ago))
        page.get_by_label("Value").fill(value)
        press(page, "Record the value")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The value is recorded")
    table = page.get_by_role("table")
    expect(table).to_contain_text("88%")
    expect(table).to_contain_text("93.5%")
    visit(page, f"/partnerships/{pid}")
    outcomes = page.get_by_role("table", name="Pupils' outcomes before the partnership "
                                              "started and since")
    expect(outcomes).to_contain_text("+5.5 percentage points")

    _follow(page, "Give a local authority adviser, trust lead or governor read-only access")
    page.get_by_label("Their email address").fill("gwen@example.org")
    page.get_by_label("Governor", exact=True).check()
    press(page, "Give read-only access")
    expect(page.get_by_role("table")).to_contain_text("Gwen Governor")

    reader = new_page()
    visit(reader, "/login")
    fill_sign_in(reader, "gwen@example.org", PASSWORD)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Welcome, Gwen Governor")
    nav = reader.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Cluster")).to_have_count(0)
    title = f"{world.cluster.schools[0].name} supporting {world.school.name}"
    _follow(reader, title)
    expect(reader.get_by_role("main")).to_contain_text("Paired visits.")
    expect(reader.get_by_role("main")).not_to_contain_text(MEASURE)
    expect(reader.get_by_role("main").locator("form")).to_have_count(0)
    _follow(reader, "Read this term's one-page report")
    expect(reader.get_by_role("button", name="Print this report")).to_be_visible()
    expect(reader.get_by_role("main")).to_contain_text("First visit")
    expect(reader.get_by_role("main")).not_to_contain_text(MEASURE)
    reader.emulate_media(media="print")
    expect(reader.get_by_role("button", name="Print this report")).to_be_hidden()
    pdf = reader.pdf(format="A4", print_background=False)
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    assert len(pages) == 1, f"the report prints on {len(pages)} A4 pages, not one"
    db.session.commit()
