"""The case-study editor: writing one in its seven sections, refusing bad input without losing
it, safe concurrent editing, who may edit, and rendering what people typed safely."""

import re

from markupsafe import escape
from sqlalchemy import func, select

from models import Record, RecordBarrier, RecordStandard
from network.extensions import db
from tests.factories import WORKED, csrf_token

NEW = "/case-studies/new"

# The worked example of DOMAIN.md, retold in our own words.


def _post(client, path, version=None, **overrides):
    data = {"csrf_token": csrf_token(client, path), **WORKED, **overrides}
    if version is not None:
        data["version"] = version
    return client.post(path, data={k: v for k, v in data.items() if v is not None})


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def _write(client, **overrides) -> Record:
    response = _post(client, NEW, **overrides)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    record_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return db.session.get(Record, record_id)


def test_a_headteacher_writes_a_case_study_and_sees_it(client, login, make_cluster, make_user):
    """The worked example goes in section by section and comes back out the same way."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    deputy = make_user(cluster.schools[1], "senior_leader", name="Dana Deputy")
    make_user(cluster.schools[0], "headteacher", name="Nora Neighbour")
    login(head)
    form = client.get(NEW).get_data(as_text=True)
    assert "Dana Deputy" in form and "Nora Neighbour" not in form  # co-authors: own school
    assert "exact number on roll" in form and "CE6.G" in form

    record = _write(client, coauthor_ids=[str(deputy.id)], attributed="y")
    assert (record.kind, record.status, record.author_id) == ("case_study", "draft", head.id)
    assert record.title == WORKED["title"]
    assert (record.audience, record.attributed) == ("network", True)
    assert [c.user_id for c in record.coauthors] == [deputy.id]
    body = record.body
    assert body["group_id"] == "1" and body["group_name"] == "Raise attainment"
    assert [a["standards"] for a in body["actions"]] == [
        ["CE1.A", "CE3.A"], ["CE6.E"], ["CE2.A", "CE2.D", "CE6.D"], ["CE4.A"]]
    assert len(body["actions"]) == 4  # the two empty slots are dropped
    assert body["impact"]["measures"][1] == {"measure": "Value added", "before": "98.6",
                                             "after": "101.1"}
    assert body["offer_standards"] == ["CE2.D", "CE4.D"]
    assert body["standards"] == ["CE1.A", "CE2.A", "CE2.D", "CE3.A", "CE4.A", "CE4.D",
                                 "CE6.D", "CE6.E"]
    tagged = set(db.session.scalars(select(RecordStandard.standard_id)
                                    .where(RecordStandard.record_id == record.id)))
    assert tagged == set(body["standards"])
    barriers = set(db.session.scalars(select(RecordBarrier.barrier_slug)
                                      .where(RecordBarrier.record_id == record.id)))
    assert barriers == set(WORKED["barriers"])

    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    for heading in ("Context", "Priority group at the start", "Barriers to improvement",
                    "What needed to change", "What was done", "Impact", "What we can offer"):
        assert f">{heading}</h2>" in page
    assert "Raise attainment" in page and "leading literacy teacher" in page
    assert ("Standards:</p><ul class=\"govuk-list govuk-body-s\"><li>CE2.A Tracking steers "
            "improvement</li><li>CE2.D Each child tracked to their year-end goal</li><li>"
            "CE6.D Progress meetings lead to action</li></ul>") in page
    listing = client.get("/case-studies").get_data(as_text=True)
    assert "Write a case study" in listing
    assert f'href="/records/{record.id}"' in listing and str(escape(record.title)) in listing


def test_the_measures_table_has_a_caption_and_header_cells(client, login, make_cluster,
                                                           make_user):
    """Impact measures are a GOV.UK table: caption, column headers and a header per row."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    record = _write(client)
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    table = page[page.index('<table class="govuk-table">'):]
    table = table[:table.index("</table>")]
    assert "Measured outcomes, before and after</caption>" in table
    assert table.count('<th scope="col"') == 3
    assert '<th scope="row" class="govuk-table__header">Value added</th>' in table
    assert ">98.6</td>" in table and ">101.1</td>" in table
    assert '<th scope="row" class="govuk-table__header">FSM gap (percentage points)</th>' \
        in table


def test_bad_input_is_refused_explained_and_kept(client, login, make_cluster, make_user):
    """Unknown standards or barriers, over-long text and no action are refused; nothing is
    saved and everything typed comes back with an error summary."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    cases = [
        ({"actions-0-standards": ["CE2.A", "CE9.Z"]}, "Choose standards from the list"),
        ({"offer_standards": ["<b>"]}, "Choose standards from the list"),
        ({"barriers": ["low-maths", "made-up"]}, "Choose barriers from the list"),
        ({"title": "T" * 201}, "The title must be 200 characters or fewer"),
        ({"context": "c" * 5001}, "The context must be 5000 characters or fewer"),
        ({"actions-1-text": "a" * 5001}, "An action must be 5000 characters or fewer"),
        ({"measures-0-before": "9" * 201}, "A before figure must be 200 characters or fewer"),
        ({"group_id": "9"}, "Choose a priority group from the list"),
        ({"audience": "everyone"}, "Choose where it should be published"),
        ({f"actions-{n}-{part}": None for n in range(4) for part in ("text", "standards")},
         "Describe at least one thing the school did"),
    ]
    for overrides, message in cases:
        response = _post(client, NEW, **overrides)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, message
        assert "There is a problem" in page and message in page, message
        assert "govuk-error-summary" in page
        # Everything typed is still there, in the right places.
        assert str(escape(WORKED["barrier_narrative"])) in page, message
        assert str(escape(WORKED["offer"])) in page, message
        assert 'value="Value added"' in page and 'value="101.1"' in page, message
        if "group_id" not in overrides:
            assert re.search(r'value="1"\s+checked', page), message
    assert db.session.scalar(select(func.count()).select_from(Record)) == 0


def test_bad_input_on_edit_keeps_the_typed_text(client, login, make_cluster, make_user):
    """A refused edit shows what was typed, not what was saved, and saves nothing."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    record = _write(client)
    path = f"/case-studies/{record.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert str(escape(WORKED["context"])) in form and 'value="101.1"' in form  # saved values
    assert re.search(r'id="actions-2-standards-CE2-D" name="actions-2-standards" '
                     r'type="checkbox" value="CE2.D" checked', form)
    version = _version(form)
    page = _post(client, path, version, context="Rewritten context",
                 **{"actions-0-standards": ["CE0.Q"]}).get_data(as_text=True)
    assert "Choose standards from the list for action 1" in page
    assert "Rewritten context" in page
    db.session.refresh(record)
    assert record.body["context"] == WORKED["context"]


def test_a_stale_edit_is_a_409_with_both_versions(app, login, make_cluster, make_user):
    """The second of two simultaneous edits sees both versions, loses nothing, and can then
    save over the first."""
    cluster = make_cluster()
    author = make_user(cluster.schools[1], "leading_teacher")
    coauthor = make_user(cluster.schools[1], "member")
    first, second = app.test_client(), app.test_client()
    login(author, as_client=first)
    login(coauthor, as_client=second)
    record = _write(first, coauthor_ids=[str(coauthor.id)])
    path = f"/case-studies/{record.id}/edit"
    stale = _version(second.get(path).get_data(as_text=True))
    assert _post(first, path, _version(first.get(path).get_data(as_text=True)),
                 title="The author's title", context="The author's context",
                 coauthor_ids=[str(coauthor.id)]).status_code == 302

    response = _post(second, path, stale, title="The co-author's title",
                     context="The co-author's context", coauthor_ids=[str(coauthor.id)])
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this case study" in page
    for text in ("The author's title", "The author's context", "The co-author's title",
                 "The co-author's context"):
        assert text in page or str(escape(text)) in page, text
    db.session.refresh(record)
    assert record.title == "The author's title"
    fresh = _version(page)
    assert fresh == str(record.version) and fresh != stale
    assert re.search(r'value="The co-author(&#39;|\')s title"', page)  # kept in the form

    again = _post(second, path, fresh, title="The co-author's title",
                  context="The co-author's context", coauthor_ids=[str(coauthor.id)])
    assert again.status_code == 302
    db.session.refresh(record)
    assert record.title == "The co-author's title"


def test_who_may_edit(app, login, make_cluster, make_user):
    """Another cluster's people get 404; a colleague who is neither author nor co-author 403."""
    home, away = make_cluster(name="Home Partnership"), make_cluster(name="Away Partnership")
    author = make_user(home.schools[1], "leading_teacher")
    colleague = make_user(home.schools[1], "senior_leader")
    stranger = make_user(away.schools[0], "headteacher")
    own, other, outside = app.test_client(), app.test_client(), app.test_client()
    login(author, as_client=own)
    login(colleague, as_client=other)
    login(stranger, as_client=outside)
    record = _write(own)
    path = f"/case-studies/{record.id}/edit"
    assert own.get(path).status_code == 200
    assert other.get(f"/records/{record.id}").status_code == 200  # a leader sees the draft
    assert other.get(path).status_code == 403
    assert _post(other, path, str(record.version), title="Hijacked").status_code == 403
    assert outside.get(path).status_code == 404
    assert outside.post(path, data={"title": "Hijacked"}).status_code in (400, 404)
    db.session.refresh(record)
    assert record.title == WORKED["title"]
    assert outside.get("/case-studies").get_data(as_text=True).count(WORKED["title"]) == 0


def test_script_is_neutralised_and_javascript_links_dropped(client, login, make_cluster,
                                                            make_user):
    """What people type is stored as typed but shown safely, in every section."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    hostile = ('<script>alert("x")</script> Read [our plan](javascript:alert(1)) or '
               '[the guidance](https://example.org/guide). <img src=x onerror=alert(2)>')
    record = _write(client, title='<script>alert("t")</script> Our story', context=hostile,
                    offer=hostile, **{"actions-0-text": hostile,
                                      "measures-0-measure": "<script>m()</script>"})
    assert record.body["context"] == hostile  # stored as typed
    for path in (f"/records/{record.id}", f"/records/{record.id}/print",
                 f"/case-studies/{record.id}/edit"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<script>m()" not in page, path
        assert 'href="javascript:' not in page and "onerror=alert" not in page.replace(
            "onerror=alert(2)&gt;", ""), path
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
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
    record = _write(own)
    record.published_title, record.published_body = record.title, record.body
    record.published_visibility, record.published_context = "cluster", {
        "phase": "Primary", "region": "North West", "size": "Large", "fsm": "Low",
        "sharing": 40, "widened": []}
    record.status = "published"
    from datetime import UTC, datetime
    record.published_at = datetime.now(UTC)
    db.session.commit()
    page = other.get(f"/records/{record.id}/published").get_data(as_text=True)
    assert "leading literacy teacher" in page and "Value added" in page
    assert cluster.schools[1].name not in page and author.name not in page
    listing = other.get("/case-studies").get_data(as_text=True)
    assert f'href="/records/{record.id}"' in listing and "Raise attainment" in listing
