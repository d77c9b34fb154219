"""The case-study pages around the steps (tests/web/test_case_study_steps.py has the steps
themselves): starting one, co-authors from the school, the tags kept in step with the body,
showing what people typed safely, and the published copy."""

import re
from datetime import UTC, datetime

from markupsafe import escape
from sqlalchemy import func, select

from models import Record, RecordBarrier, RecordStandard
from network.extensions import db
from tests.factories import WORKED, post_step, write_case_study

NEW = "/case-studies/new"


def test_a_headteacher_starts_a_case_study_and_sees_it(client, login, make_cluster,
                                                       make_user):
    """The first step starts the draft; co-authors are offered from the school only; the
    tags follow the body; the sections show on the record's page."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    deputy = make_user(cluster.schools[1], "senior_leader", name="Dana Deputy")
    make_user(cluster.schools[0], "headteacher", name="Nora Neighbour")
    login(head)
    form = client.get(NEW).get_data(as_text=True)
    assert "exact number on roll" in form and "Title and context" in form
    record_id = write_case_study(client, publication={
        "audience": "network", "attributed": "y", "coauthor_ids": [str(deputy.id)]})
    publication = client.get(f"/case-studies/{record_id}/steps/publication")
    page = publication.get_data(as_text=True)
    assert "Dana Deputy" in page and "Nora Neighbour" not in page
    record = db.session.get(Record, record_id)
    assert (record.kind, record.status, record.author_id) == ("case_study", "draft", head.id)
    assert (record.title, record.audience, record.attributed) == (WORKED["title"], "network",
                                                                 True)
    assert [c.user_id for c in record.coauthors] == [deputy.id]
    tagged = set(db.session.scalars(select(RecordStandard.standard_id)
                                    .where(RecordStandard.record_id == record.id)))
    assert tagged == set(record.body["standards"]) and "CE4.D" in tagged
    barriers = set(db.session.scalars(select(RecordBarrier.barrier_slug)
                                      .where(RecordBarrier.record_id == record.id)))
    assert barriers == set(WORKED["barriers"])

    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    for heading in ("Context", "Priority group", "Timeline", "Barriers to improvement",
                    "What needed to change", "What was done", "Support the school received",
                    "Impact", "Next steps and risks", "What we can offer"):
        assert f">{heading}</h2>" in page, heading
    assert "Raise attainment" in page and "leading literacy teacher" in page
    assert ("Standards:</p><ul class=\"govuk-list govuk-body-s\"><li>CE2.A Tracking steers "
            "improvement</li><li>CE2.D Each child tracked to their year-end goal</li>"
            "</ul>") in page
    listing = client.get("/case-studies").get_data(as_text=True)
    assert "Write a case study" in listing
    assert f'href="/records/{record.id}"' in listing and str(escape(record.title)) in listing


def test_a_refused_first_step_saves_nothing_and_keeps_what_was_typed(client, login,
                                                                     make_cluster, make_user):
    """No title, or an over-long context, is refused with an error summary; no draft is
    started and what was typed comes back."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    for data, message in [({"title": "", "context": WORKED["context"]}, "Enter a title"),
                          ({"title": WORKED["title"], "context": "c" * 5001},
                           "The context must be 5000 characters or fewer")]:
        answer = post_step(client, NEW, data)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "There is a problem" in page and message in page
        kept = data["title"] or WORKED["context"]
        assert str(escape(kept)) in page
    assert db.session.scalar(select(func.count()).select_from(Record)) == 0


def test_the_measures_table_has_a_caption_and_header_cells(client, login, make_cluster,
                                                           make_user):
    """Impact measures are a GOV.UK table: caption, column headers and a header per row."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    record_id = write_case_study(client)
    page = client.get(f"/records/{record_id}").get_data(as_text=True)
    table = page[page.index('<table class="govuk-table">'):]
    table = table[:table.index("</table>")]
    assert "Measured outcomes, before and after</caption>" in table
    assert table.count('<th scope="col"') == 3
    assert '<th scope="row" class="govuk-table__header">Value added</th>' in table
    assert ">98.6</td>" in table and ">101.1</td>" in table


def test_script_is_neutralised_and_javascript_links_dropped(client, login, make_cluster,
                                                            make_user):
    """What people type is stored as typed but shown safely, in every section and step."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    hostile = ('<script>alert("x")</script> Read [our plan](javascript:alert(1)) or '
               '[the guidance](https://example.org/guide). <img src=x onerror=alert(2)>')
    record_id = write_case_study(client, next_steps={"risks": hostile, "offer": hostile},
                                 impact={"measures-0-measure": "<script>m()</script>"},
                                 groups={"timeline-0-what": hostile})
    record = db.session.get(Record, record_id)
    assert record.body["risks"] == hostile  # stored as typed
    for path in (f"/records/{record_id}", f"/records/{record_id}/print",
                 f"/case-studies/{record_id}/check", f"/case-studies/{record_id}/steps/groups",
                 f"/case-studies/{record_id}/steps/next-steps"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<script>m()" not in page, path
        assert 'href="javascript:' not in page and "onerror=alert" not in page.replace(
            "onerror=alert(2)&gt;", ""), path
    page = client.get(f"/records/{record_id}").get_data(as_text=True)
    assert "javascript:" not in page
    assert 'href="https://example.org/guide"' in page
    assert "&lt;script&gt;m()&lt;/script&gt;" in page  # a measure is plain text, escaped


def test_published_copy_renders_without_naming_the_school(app, login, make_cluster, make_user):
    """The body template shows the published copy to readers elsewhere in the cluster."""
    cluster = make_cluster()
    author = make_user(cluster.schools[1], "headteacher")
    reader = make_user(cluster.schools[0], "member")
    own, other = app.test_client(), app.test_client()
    login(author, as_client=own)
    login(reader, as_client=other)
    record = db.session.get(Record, write_case_study(own))
    record.published_title, record.published_body = record.title, record.body
    record.published_visibility, record.published_context = "cluster", {
        "phase": "Primary", "region": "North West", "size": "Large", "fsm": "Low",
        "sharing": 40, "widened": []}
    record.status, record.published_at = "published", datetime.now(UTC)
    db.session.commit()
    page = other.get(f"/records/{record.id}/published").get_data(as_text=True)
    assert "leading literacy teacher" in page and "Value added" in page
    assert "High pupil mobility will test our capacity." in page
    assert re.search(r"At the end</dt>\s*<dd[^>]*>Good to great", page)
    assert cluster.schools[1].name not in page and author.name not in page
    listing = other.get("/case-studies").get_data(as_text=True)
    assert f'href="/records/{record.id}"' in listing and "Raise attainment" in listing
