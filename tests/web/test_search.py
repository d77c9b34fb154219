"""Search in the app: exactly what each person may open, kept in step with the database."""

import html
import os
import re
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import InboxMessage, Record
from network import indexing
from network.access import can
from network.extensions import db
from network.services import records
from network.services import search as search_service
from tests.factories import api_token, case_body, csrf_token, data


@pytest.fixture(params=["whoosh", "tantivy"], autouse=True)
def engine_name(request, config):
    """Every test here runs on both engines the project ships."""
    config["SEARCH_ENGINE"] = request.param
    return request.param


@pytest.fixture
def people(make_cluster, make_user, crowd):
    """Two clusters: an author and head in A, a reader in B."""
    a, b = make_cluster(name="Search A Partnership"), make_cluster(name="Search B Partnership")
    return {"head": make_user(a.schools[0], "headteacher", name="Hattie Head"),
            "author": make_user(a.schools[0], "leading_teacher", name="Aled Author"),
            "neighbour": make_user(a.schools[1], "member", name="Nia Neighbour"),
            "reader": make_user(b.schools[0], "member", name="Rhys Reader")}


def _publish(people, title, audience="network", **body):
    record = records.create(people["author"], "case_study",
                            data(title, case_body(**body), audience=audience))
    records.submit(people["author"], record.id)
    return records.publish(people["head"], record.id, record.version, audience)


def _titles(user, text, **filters):
    query = search_service.parse(_args(q=text, **filters))
    return {hit.title for hit in search_service.run(user, query).hits}


def _args(**values):
    from werkzeug.datastructures import MultiDict

    return MultiDict([(k, v) for k, items in values.items()
                      for v in (items if isinstance(items, list) else [items])])


def test_published_work_is_found_by_those_who_may_read_it(app, people):
    """Network work is found everywhere; cluster work only at home; drafts only by writers."""
    _publish(people, "Tracking pupil progress every half-term")
    _publish(people, "Moderating writing together", audience="cluster",
             what_needed_to_change="Shared moderation of writing.")
    records.create(people["author"], "case_study", data("Draft on tracking", case_body()))
    assert _titles(people["reader"], "tracking") == {"Tracking pupil progress every half-term"}
    assert "Moderating writing together" in _titles(people["neighbour"], "moderation")
    assert "Moderating writing together" not in _titles(people["reader"], "moderation")
    assert "Draft on tracking" in _titles(people["author"], "tracking")
    assert "Draft on tracking" not in _titles(people["neighbour"], "tracking")


def test_withdrawing_and_revising_follow_into_the_index(app, people):
    """A withdrawn record disappears from search; a revision does not change the live copy."""
    record = _publish(people, "Tracking pupil progress every half-term")
    records.update(people["author"], record.id, record.version,
                   data("Secret new title", case_body()))
    assert _titles(people["reader"], "tracking") == {"Tracking pupil progress every half-term"}
    records.withdraw(people["head"], record.id)
    assert _titles(people["reader"], "tracking") == set()


@pytest.mark.parametrize("text", ['cluster:1', "labels:cluster-1", "*", '"cluster-1"'])
def test_typed_field_syntax_cannot_widen_access(app, people, text):
    """Whatever someone types, another cluster's private work stays out of their results."""
    _publish(people, "Cluster-only moderation story", audience="cluster")
    assert "Cluster-only moderation story" not in _titles(people["reader"], text)


@pytest.mark.parametrize(("query", "message"), [
    ({"q": "x" * 5000}, "500"),
    ({"q": "a", "page": "0"}, "Page"), ({"q": "a", "page": "-1"}, "Page"),
    ({"q": "a", "page": str(10**20)}, "Page"), ({"q": "a", "kind": "memo"}, "kind"),
    ({"q": "a", "barrier": "made-up"}, "barrier"), ({"q": "a", "sort": "random"}, "Sort"),
])
def test_malformed_api_searches_are_a_400(app, client, people, query, message):
    """Bad queries get a JSON 400 that says what to fix, never a 500."""

    token = api_token(people["reader"])
    response = client.get("/api/v1/search", query_string=query,
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and message.lower() in response.json["error"].lower()


def test_api_returns_results_and_facets(app, client, people):
    """The API answers with total, results and facet counts."""

    _publish(people, "Tracking pupil progress every half-term")
    token = api_token(people["reader"])
    answer = client.get("/api/v1/search?q=tracking",
                        headers={"Authorization": f"Bearer {token}"}).json
    assert answer["total"] == 1 and answer["results"][0]["kind"] == "case_study"
    assert answer["facets"]["kind"]["case_study"] == 1 and "<mark>" in answer["results"][0][
        "snippet"]


def test_search_page_narrows_with_facets_and_keeps_a_saved_search(app, client, login, people):
    """The page lists results with facets; a saved search brings new matches to the inbox."""
    _publish(people, "Tracking pupil progress every half-term")
    login(people["reader"])
    page = client.get("/search?q=tracking&kind=case_study").get_data(as_text=True)
    assert "Tracking pupil progress every half-term" in page and "1 result" in page
    assert client.get("/search?q=%22oops").status_code == 200  # an open quote: words
    client.post("/search/saved", data={"q": "writing", "name": "Writing",
                                       "csrf_token": csrf_token(client, "/search?q=tracking")})
    _publish(people, "Writing across the curriculum", barrier_narrative="Writing was weak.")
    search_service.alert_new_publication(db.session.scalar(
        select(Record).where(Record.title == "Writing across the curriculum")))
    notices = db.session.scalars(select(InboxMessage.subject).where(
        InboxMessage.user_id == people["reader"].id)).all()
    assert any("Writing" in subject for subject in notices)


def test_more_like_this_respects_access(app, people):
    """Related work is suggested only from what the reader may open."""
    first = _publish(people, "Tracking pupil progress every half-term")
    _publish(people, "Tracking progress in mathematics")
    _publish(people, "Tracking progress privately", audience="cluster")
    titles = {h.title for h in search_service.more_like_this(people["reader"], first)}
    assert "Tracking progress privately" not in titles
    assert titles <= {"Tracking progress in mathematics"}


def test_a_crash_between_commit_and_index_write_is_repaired(app, people, runner, config):
    """A worker killed right after committing leaves the index behind; check-index --repair
    (or any later catch-up) restores agreement."""
    env = {**os.environ, "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
           "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"], "SECRET_KEY": "x"}
    script = textwrap.dedent(f"""
        import os, signal
        from network import create_app
        from network.extensions import db
        from models import Record
        app = create_app({{"INSTANCE_PATH": {str(app.instance_path)!r},
                          "PUBLIC_URL": "http://localhost"}})
        with app.app_context():
            record = Record(kind="case_study", school_id={people["author"].school_id},
                            cluster_id={people["author"].cluster_id},
                            author_id={people["author"].id}, title="Killed before indexing",
                            body={{}}, status="published", published_title="Killed before indexing",
                            published_body={{"context": "tracking"}},
                            published_visibility="network", published_context={{}})
            db.session.add(record)
            db.session.commit()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], env=env, check=False)  # noqa: S603
    assert done.returncode == -signal.SIGKILL
    db.session.commit()  # end this test's read snapshot to see the other process's commit
    record = db.session.scalar(select(Record).where(Record.title == "Killed before indexing"))
    assert f"case_study:{record.id}" not in indexing.engine().ids()
    result = runner.invoke(args=["check-index", "--repair"])
    assert result.exit_code == 0, result.output
    assert not any(indexing.differences())
    assert f"case_study:{record.id}" in indexing.engine().ids()


def test_reindex_rebuilds_everything(app, people, runner):
    """`flask reindex` rebuilds from the database and the index agrees with it."""
    _publish(people, "Tracking pupil progress every half-term")
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert not any(indexing.differences())


WORDS = st.sampled_from(["tracking", "writing", "moderation", "attendance"])


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=st.lists(st.tuples(st.sampled_from(["author", "neighbour"]),
                               st.sampled_from(["draft", "cluster", "network", "withdrawn"]),
                               WORDS), min_size=1, max_size=6),
       word=WORDS, who=st.sampled_from(["head", "author", "neighbour", "reader"]))
def test_every_hit_is_openable_and_nothing_openable_is_missing(app, people, plan, word, who):
    """Over random records, visibilities and people: search shows exactly what they may open.
    (Records from earlier examples stay: the property must hold over all of them too.)"""
    made = []
    for writer, state, topic in plan:
        body = case_body(what_needed_to_change=f"Our {topic} needed to change.")
        record = records.create(people[writer], "case_study", data(f"{topic} story", body))
        if state != "draft":
            records.submit(people[writer], record.id)
            head = people["head"] if writer == "author" else None
            if head is None:  # the neighbour's school has no head in this world: stays submitted
                made.append((record.id, topic))
                continue
            records.publish(head, record.id, record.version, "network" if state == "network"
                            else "cluster")
            if state == "withdrawn":
                records.withdraw(head, record.id)
        made.append((record.id, topic))
    user = people[who]
    query = search_service.parse(_args(q=word))
    query.per_page = 50
    hits = search_service.run(user, query).hits
    for hit in hits:
        record = db.session.get(Record, hit.record_id)
        assert can(user, "see_draft" if hit.id.endswith(":draft") else "view", record)
    found = {h.record_id for h in hits}
    for record_id, topic in made:
        record = db.session.get(Record, record_id)
        if topic == word and (can(user, "see_draft", record) or
                              (record.is_live and can(user, "view", record))):
            assert record_id in found, (who, record.status, record.published_visibility)


def test_an_empty_search_lists_the_newest_work_the_person_may_read(app, client, login, people):
    """No words: the newest readable work, never another cluster's cluster-only work."""
    older = _publish(people, "Older network story on tracking")
    older.published_at -= timedelta(days=2)  # publications a moment apart may share a second
    db.session.commit()
    _publish(people, "Cluster-only moderation story", audience="cluster")
    _publish(people, "Newer network story on writing")
    login(people["reader"])
    page = client.get("/search").get_data(as_text=True)
    assert "Newest work you can read" in page
    assert "Cluster-only moderation story" not in page
    assert page.index("Newer network story") < page.index("Older network story")
    filtered = client.get("/search?q=&kind=case_study").get_data(as_text=True)
    assert "Newer network story" in filtered and "Cluster-only moderation" not in filtered
    assert "Cluster-only moderation story" in _titles(people["neighbour"], "")


@pytest.mark.parametrize("text", ['"unclosed', "(((", "foo)", "AND", '"tracking'])
def test_syntax_left_open_is_searched_as_words(app, client, login, people, text):
    """Unbalanced quotes and brackets, or an operator alone, give results or an empty page."""
    _publish(people, "Tracking pupil progress every half-term")
    login(people["reader"])
    response = client.get("/search", query_string={"q": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" not in page
    assert ("Tracking pupil progress" in page) == (text == '"tracking')


def test_snippets_read_as_text_with_the_match_marked(app, client, login, people):
    """A snippet on the page has no markdown markers, no repeats, and escapes what was typed."""
    _publish(people, "Tracking pupil progress every half-term",
             barrier_narrative="- *Oral rehearsal* <b>was</b> rare\n- **Writing** was weak",
             what_needed_to_change="- *Oral rehearsal* <b>was</b> rare")
    login(people["reader"])
    page = client.get("/search?q=rehearsal").get_data(as_text=True)
    assert "<mark>rehearsal</mark>" in page and "&lt;b&gt;was&lt;/b&gt;" in page
    snippet = page[page.index("<mark>rehearsal</mark>") - 200:page.index("</mark>") + 200]
    assert "*" not in snippet and "- " not in snippet
    assert page.count("<mark>rehearsal</mark> &lt;b&gt;") == 1


def test_did_you_mean_is_offered_with_few_results(app, client, login, people):
    """One hit for a misspelling that a commoner word resembles: the page offers that word."""
    for n in range(3):
        _publish(people, f"Moderation story {n}", barrier_narrative="Moderation was rare.")
    _publish(people, "A note", barrier_narrative="One moderaton meeting.")
    login(people["reader"])
    page = client.get("/search?q=moderaton").get_data(as_text=True)
    assert "1 result" in page and "Did you mean" in page and ">moderation</a>" in page


def test_an_empty_search_lists_work_not_schools_unless_asked(app, people):
    """The newest-work list holds case and lesson studies; schools only when the type is ticked."""
    _publish(people, "Tracking pupil progress every half-term")
    query = search_service.parse(_args(q=""))
    kinds = {hit.kind for hit in search_service.run(people["reader"], query).hits}
    assert kinds == {"case_study"}
    asked = search_service.parse(_args(q="", kind="school"))
    assert query.sort == asked.sort == "date" and asked.kind == ["school"]


def test_a_search_with_no_results_shows_no_empty_filters(app, client, login, people):
    """Filters with nothing to offer are left out rather than shown as bare headings."""
    _publish(people, "Tracking pupil progress every half-term")
    login(people["reader"])
    page = client.get("/search?q=zzzqqq").get_data(as_text=True)
    assert "0 results" in page and "Priority group</legend>" not in page
    assert "Priority group</legend>" in client.get("/search?q=tracking").get_data(as_text=True)


def _query(href: str) -> dict:
    """The arguments of a link as sent in the page (its &amp; read back as &)."""
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(unescape(href)).query)


def test_the_title_carries_the_count_and_the_words(app, client, login, people):
    """A browser tab or a screen reader's page list says what was found before the page is read."""
    _publish(people, "Tracking pupil progress every half-term")
    login(people["reader"])
    title = re.compile(r"<title>(.*?)</title>", re.S)
    page = client.get("/search?q=tracking").get_data(as_text=True)
    assert title.search(page).group(1).strip() == (
        "1 result for “tracking” – Search – Improvement Network")
    page = client.get("/search?q=zzzqqq").get_data(as_text=True)
    assert title.search(page).group(1).strip().startswith("0 results for “zzzqqq” – Search")
    page = client.get("/search").get_data(as_text=True)
    assert title.search(page).group(1).strip() == "Search – Improvement Network"


def test_filters_in_use_are_tags_that_each_remove_one(app, client, login, people):
    """Each filter in use is a link that takes away that filter alone (keeping the words, the
    order and the other filters, and going back to the first page); Clear filters keeps only
    the words and the order; with no filter in use neither is shown."""
    _publish(people, "Tracking pupil progress every half-term")
    login(people["reader"])
    page = client.get("/search", query_string={
        "q": "tracking", "kind": "case_study", "barrier": "tracking-inconsistent",
        "sort": "date", "page": "1"}).get_data(as_text=True)
    tags = re.findall(r'<a class="app-filter-tag" href="([^"]+)"><span class="govuk-visually-'
                      r'hidden">Remove filter ([^<]+)</span>([^<]+)</a>', page)
    assert [(hidden, shown) for _, hidden, shown in tags] == [
        ("Type: ", "Case studies"),
        ("Barrier: ", "Pupil progress not tracked, or tracked differently in each class")]
    assert _query(tags[0][0]) == {"q": ["tracking"], "barrier": ["tracking-inconsistent"],
                                  "sort": ["date"]}
    assert _query(tags[1][0]) == {"q": ["tracking"], "kind": ["case_study"], "sort": ["date"]}
    clear = re.search(r'<a class="govuk-link" href="([^"]+)">Clear filters</a>', page)
    assert _query(clear.group(1)) == {"q": ["tracking"], "sort": ["date"]}
    fewer = client.get(tags[0][0].replace("&amp;", "&")).get_data(as_text=True)
    assert fewer.count('class="app-filter-tag"') == 1 and "1 result for" in fewer
    plain = client.get("/search?q=tracking").get_data(as_text=True)
    assert "app-filter-tag" not in plain and "Clear filters" not in plain


def test_results_come_before_the_filters(app, client, login, people):
    """The results are read first; the filters follow in a panel that folds on a phone."""
    _publish(people, "Tracking pupil progress every half-term")
    login(people["reader"])
    page = client.get("/search?q=tracking").get_data(as_text=True)
    assert page.index("1 result for") < page.index("Filter results") < page.index(
        "Type</legend>")
    assert re.search(r'<details class="govuk-details app-filters" id="filters" open>', page)


QUESTIONS = {  # what a head types: the record that answers it
    "how did a school in special measures use pupil progress meetings":
        "Out of special measures in two years",
    "what can we do about half-termly data in the standards team":
        "Out of special measures in two years",
    "teaching assistants": "Training teaching assistants to teach phonics"}


def test_the_questions_heads_type_are_answered_on_the_page_and_through_the_api(
        app, client, login, people):
    """The questions issue 19 found answered by nothing come back with the record that
    answers them, first, on the search page and through the API alike."""
    _publish(people, "Out of special measures in two years",
             barrier_narrative="The school was in special measures and progress stalled.",
             what_needed_to_change="Pupil progress meetings every term led to specific "
                                   "actions; the standards team looked at half-term data.")
    _publish(people, "Assemblies that pupils lead", barrier_narrative="Pupils were quiet.")
    _publish(people, "Training teaching assistants to teach phonics",
             what_needed_to_change="Teaching assistants led catch-up phonics groups.")
    token = api_token(people["reader"])
    login(people["reader"])
    for question, answering in QUESTIONS.items():
        page = html.unescape(client.get("/search", query_string={"q": question})
                             .get_data(as_text=True))
        assert "There is a problem" not in page and " 0 results" not in page, question
        answer = client.get("/api/v1/search", query_string={"q": question},
                            headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json["total"] >= 1, question
        assert answer.json["results"][0]["title"] == answering, question
        assert page.index(answering) < page.index("Filter results"), question
