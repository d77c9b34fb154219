"""Finding partner schools, walked in Chromium while the rest of the network keeps changing:
the headteacher sees ranked partners of its phase with reasons, work published elsewhere on
the barriers the school faces appears on the next visit, a partner that fills up drops out,
"Any phase" widens the list and the filters narrow it. Every page must pass axe-core."""

from datetime import UTC, datetime

from models import Record, RecordBarrier, SchoolProfile
from network.extensions import db
from tests.browser.conftest import fill_sign_in, playwright_or_skip, press, released, visit
from tests.factories import PASSWORD

STRONG_AD = ("Strong in CE2.A Tracking steers improvement and CE2.D Each child tracked "
             "to their year-end goal")  # CE2.A and CE2.D, named

expect = playwright_or_skip().expect

TITLE = "Tracking every pupil, every half term"


def _publish_elsewhere(school_id: int, cluster_id: int, author_id: int) -> None:
    """A case study from the partner school in another cluster, on the seeker's barrier."""
    record = Record(kind="case_study", school_id=school_id, cluster_id=cluster_id,
                    author_id=author_id, title="Draft", body={}, status="published",
                    published_title=TITLE,
                    published_body={"context": "Pupils' progress was tracked termly."},
                    published_visibility="network", published_context={},
                    published_at=datetime.now(UTC))
    record.barriers = [RecordBarrier(barrier_slug="tracking-inconsistent")]
    db.session.add(record)
    db.session.commit()


def _capacity(school_id: int, places: int) -> None:
    """Someone at the partner school changes how many partnerships it has room for."""
    db.session.get(SchoolProfile, school_id).capacity = places
    db.session.commit()


def _named(page, name: str):
    return page.get_by_role("listitem").filter(has_text=name)


def test_a_head_finds_partners_while_the_network_changes(network, page):  # noqa: F811
    # Plain values only: the test's session must not hold a read while the server writes.
    right, right_name = network.right.id, network.right.name
    right_cluster, author = network.right.cluster_id, network.away_head.id
    other_phase, email = network.other_phase.name, network.head.email
    path = released(f"/schools/{network.seeker.id}/partners")
    visit(page, "/login")
    fill_sign_in(page, email, PASSWORD)
    visit(page, path)
    expect(_named(page, right_name).first).to_contain_text(STRONG_AD)
    expect(page.get_by_role("heading", name="Published work on your barriers")).to_have_count(0)

    _publish_elsewhere(right, right_cluster, author)  # someone else, elsewhere, meanwhile
    visit(page, path)
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_text("On: Pupil progress not tracked")).to_be_visible()

    expect(_named(page, other_phase)).to_have_count(0)  # a secondary: not by default
    _capacity(right, 0)  # the partner fills up
    visit(page, path)
    expect(_named(page, right_name)).to_have_count(0)
    page.get_by_label("Phase").select_option("Any phase")
    press(page, "Apply filters")
    expect(_named(page, other_phase).first).to_contain_text(STRONG_AD)

    _capacity(right, 2)
    visit(page, path)
    page.get_by_label("Phase").select_option("Secondary")
    press(page, "Apply filters")
    expect(_named(page, right_name)).to_have_count(0)
    expect(_named(page, other_phase).first).to_contain_text(STRONG_AD)
