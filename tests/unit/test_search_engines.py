"""The search package: the same behaviour from both engines (Whoosh and tantivy)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from search import FACETS, Document, Query, QueryError, open_engine

VISIBLE = ["network", "cluster-1"]
SECRET = "case_study:999"
GROUPS = ["raise-attainment", "maximise-progress", "good-to-great"]
PHASES = ["primary", "secondary"]
REGIONS = ["london", "north-east", "south-west"]
BARRIERS = ["tracking", "writing", "attendance", "behaviour"]
ELEMENTS = ["CE1", "CE2", "CE3"]
KINDS = ["case_study", "lesson_study", "school"]


def make_doc(n: int, **fields) -> Document:
    kind = fields.pop("kind", KINDS[n % 3])
    values = dict(
        id=f"{kind}:{n}", kind=kind, title=f"Moderation work number {n}",
        barriers_text="Teachers disagreed about standards.",
        actions_text="Leaders ran moderation meetings with a partner school every term.",
        impact_text="Assessment became accurate.", context_text="A primary school.",
        body_text="The team kept notes of every meeting and shared them.",
        labels=["network"] if n % 2 else ["cluster-1"], group=GROUPS[n % 3],
        barriers=BARRIERS[: 1 + n % 4], elements=[ELEMENTS[n % 3]], phase=PHASES[n % 2],
        region=REGIONS[n % 3], published=datetime(2024, 1, 1) + timedelta(days=n), record_id=n,
    )
    values.update(fields)
    return Document(**values)


def corpus() -> list[Document]:
    docs = [make_doc(n) for n in range(1, 26)]
    docs.append(make_doc(
        999, kind="case_study", labels=["cluster-2"],
        title="Secret zebrafish labels cluster-2 network moderation",
        body_text="labels:cluster-2 cluster:2 cluster 2 network * kind school id moderation",
    ))
    return docs


@pytest.fixture(params=["whoosh", "tantivy"])
def engine(request, tmp_path):
    eng = open_engine(request.param, tmp_path / "index")
    yield eng
    eng.close()


@pytest.fixture
def filled(engine):
    engine.upsert(corpus())
    return engine


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


def test_stemmed_words_match(engine):
    engine.upsert([make_doc(1, body_text="Pupil progress was tracked weekly.", labels=["network"])])
    assert ids(engine.search(Query("tracking", labels=["network"]))) == ["lesson_study:1"]
    assert ids(engine.search(Query("TRACKS", labels=["network"]))) == ["lesson_study:1"]


def test_title_outranks_body(engine):
    engine.upsert([
        make_doc(1, title="Notes", body_text="We tried phonics once.", labels=["network"]),
        make_doc(3, title="Phonics in reception", labels=["network"]),
    ])
    results = engine.search(Query("phonics", labels=["network"]))
    assert ids(results) == ["case_study:3", "lesson_study:1"]


@pytest.mark.parametrize("text", [
    "zebrafish", "labels:cluster-2", "cluster:2", "*", '"cluster-2"', "labels:network", "",
    "cluster-2", "labels:*", "kind:case_study", "zebrafish OR labels:network", "(zebrafish)",
    "zebrafish*", "+zebrafish", "*:*", "secret zebrafish moderation", "id:case_study:999",
])
def test_labels_filter_whatever_the_text(filled, text):
    for sort in ("relevance", "date"):
        results = filled.search(Query(text, labels=VISIBLE, sort=sort, per_page=50))
        assert SECRET not in ids(results)
        assert results.total <= 25
        assert sum(results.facets["kind"].values()) == results.total
    assert SECRET in ids(filled.search(Query("zebrafish", labels=["cluster-2"])))


def test_no_labels_sees_nothing(filled):
    results = filled.search(Query("", labels=[]))
    assert (results.total, results.hits) == (0, [])
    assert filled.more_like_this("case_study:3", []) == []


def test_facets_count_every_match_not_just_the_page(filled):
    visible = [d for d in corpus() if set(d.labels) & set(VISIBLE)]
    results = filled.search(Query("moderation", labels=VISIBLE, per_page=10))
    assert results.total == len(visible) == 25 and len(results.hits) == 10
    for facet in FACETS:
        expected = Counter(v for d in visible for v in d.facet_values(facet))
        assert results.facets[facet] == dict(expected), facet
        assert list(results.facets[facet].values()) == sorted(expected.values(), reverse=True)


def test_totals_are_exact_when_engines_could_skip_low_scores(engine):
    # Enough postings for Whoosh's block-skipping optimisations, which drop
    # low-scoring matches from the count: a third of the matches here.
    engine.upsert([Document(id=f"school:{i}", kind="school",
                            title=("moderation " * (1 + i % 7)).strip(), labels=["network"],
                            body_text="notes" if i % 3 else "moderation meetings", record_id=i)
                   for i in range(1500)])
    results = engine.search(Query("moderation", labels=["network"]))
    assert results.total == 1500 and results.facets["kind"] == {"school": 1500}
    assert engine.search(Query("moderation meetings", labels=["network"])).total == 500


@pytest.mark.parametrize(("facet", "value"), [
    ("kind", "school"), ("group", "good-to-great"), ("barrier", "attendance"),
    ("element", "CE2"), ("phase", "secondary"), ("region", "london"),
    ("barrier", ["writing", "behaviour"]), ("region", ["london", "north-east"]),
])
def test_filters(filled, facet, value):
    wanted = {value} if isinstance(value, str) else set(value)
    expected = {d.id for d in corpus()
                if set(d.labels) & set(VISIBLE) and set(d.facet_values(facet)) & wanted}
    results = filled.search(Query("moderation", labels=VISIBLE, per_page=50, **{facet: value}))
    assert set(ids(results)) == expected and results.total == len(expected)
    assert sum(results.facets["kind"].values()) == results.total


def test_filters_combine(filled):
    results = filled.search(Query("", labels=VISIBLE, kind="school", phase="primary", per_page=50))
    expected = {d.id for d in corpus() if d.kind == "school" and d.phase == "primary"
                and set(d.labels) & set(VISIBLE)}
    assert set(ids(results)) == expected


def test_sort_by_date_newest_first_undated_last(engine):
    docs = [make_doc(n, labels=["network"]) for n in (1, 2, 3)]
    docs[1].published = None
    docs[0].published = datetime(2025, 5, 1, 12, tzinfo=UTC)
    engine.upsert(docs)
    results = engine.search(Query("moderation", labels=["network"], sort="date"))
    assert ids(results) == ["lesson_study:1", "case_study:3", "school:2"]


def test_newest_first_scores_nothing_so_no_timestamp_leaks(engine):
    """Sorted by date, a hit's score is 0 on both engines: the engines' sort keys (a
    publication instant to the microsecond) never reach a reader, with or without words."""
    docs = [make_doc(n, labels=["network"]) for n in (1, 2, 3)]
    docs[0].published = datetime(2025, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    engine.upsert(docs)
    for text in ("moderation", ""):
        results = engine.search(Query(text, labels=["network"], sort="date"))
        assert results.hits and {h.score for h in results.hits} == {0.0}


def test_pagination(filled):
    seen = []
    for page in (1, 2, 3):
        results = filled.search(Query("moderation", labels=VISIBLE, page=page, per_page=10))
        assert results.total == 25
        seen += ids(results)
    assert len(seen) == len(set(seen)) == 25
    beyond = filled.search(Query("moderation", labels=VISIBLE, page=4, per_page=10))
    assert beyond.hits == [] and beyond.total == 25
    assert len(filled.search(Query("moderation", labels=VISIBLE, per_page=50)).hits) == 25


@pytest.mark.parametrize("query", [
    Query("word " * 1000, labels=VISIBLE),
    Query("x", labels=VISIBLE, page=0), Query("x", labels=VISIBLE, page=-1),
    Query("x", labels=VISIBLE, page=10**20), Query("x", labels=VISIBLE, page=1001),
    Query("x", labels=VISIBLE, per_page=51), Query("x", labels=VISIBLE, per_page=0),
    Query("x", labels=VISIBLE, sort="title"), Query("x", labels="network"),
])
def test_malformed_queries_raise(engine, query):
    with pytest.raises(QueryError):
        engine.search(query)


@pytest.mark.parametrize("text", ['"unbalanced', 'a "b" "c', "(moderation", "moderation)",
                                  "[a (b] c)", "(((", "foo)", "AND", '"moderation'])
def test_unbalanced_syntax_is_searched_as_words(filled, text):
    results = filled.search(Query(text, labels=VISIBLE))
    assert results.total == len(results.hits) or results.total > 10
    if "moderation" in text:
        assert results.total == 25  # the word is searched, whatever is left open around it


def test_an_unclosed_quote_keeps_the_phrases_before_it(engine):
    engine.upsert([make_doc(1, labels=["network"], body_text="pupil progress meetings"),
                   make_doc(2, labels=["network"], body_text="progress of each pupil")])
    got = engine.search(Query('"pupil progress" "meetings', labels=["network"]))
    assert ids(got) == ["lesson_study:1"]


def test_balanced_syntax_is_plain_text(filled):
    assert filled.search(Query('"moderation meetings" (partner) [school]', labels=VISIBLE)).total
    assert filled.search(Query('"(moderation"', labels=VISIBLE)).total == 25


def test_snippets_are_marked_and_escaped(engine):
    engine.upsert([make_doc(1, title="<script>alert(1)</script> Tracking", labels=["network"],
                            body_text="We <script>alert(1)</script> tracked pupils & parents.")])
    hit = engine.search(Query("tracking", labels=["network"])).hits[0]
    assert "<mark>tracked</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "&amp; parents" in hit.snippet
    assert hit.title == "<script>alert(1)</script> Tracking"  # plain text: the template escapes


def test_snippets_are_plain_text_without_repeats(engine):
    markdown = ("## Writing across the school\n\n- paragraphs\n- *oral rehearsal* before "
                "**writing**\n1. Pupils rehearsed sentences aloud with a partner.\n"
                "| Year | Focus |\n|---|---|\n| 4 | rehearsal |\n")
    engine.upsert([make_doc(1, labels=["network"], actions_text=markdown,
                            body_text=markdown, impact_text="")])
    snippet = engine.search(Query("rehearsal", labels=["network"])).hits[0].snippet
    assert snippet.startswith("In what was done: ")
    assert "<mark>rehearsal</mark>" in snippet and "<mark>rehearsed</mark>" in snippet
    for marker in ("*", "#", "|", "- ", "1. ", "_"):
        assert marker not in snippet
    assert snippet.count("rehearsal</mark> before") == 1


def test_phrases(engine):
    engine.upsert([make_doc(1, labels=["network"], body_text="pupil progress meetings"),
                   make_doc(2, labels=["network"], body_text="progress of each pupil")])
    assert ids(engine.search(Query('"pupil progress"', labels=["network"]))) == ["lesson_study:1"]
    assert len(engine.search(Query("pupil progress", labels=["network"])).hits) == 2


def test_did_you_mean(filled):
    results = filled.search(Query("moderaton meetings", labels=VISIBLE))
    assert results.total == 0 and results.suggestion == "moderation meetings"
    assert filled.search(Query("moderation", labels=VISIBLE)).suggestion is None


def test_did_you_mean_with_few_results(filled):
    filled.upsert([make_doc(50, labels=["network"], title="Notes",
                            body_text="One moderaton meeting was noted.")])
    results = filled.search(Query("moderaton", labels=VISIBLE))
    assert results.total == 1 and results.suggestion == "moderation"


def test_did_you_mean_never_reveals_hidden_words(filled):
    assert filled.search(Query("zebrafsh", labels=VISIBLE)).suggestion is None
    assert filled.search(Query("zebrafsh", labels=["cluster-2"])).suggestion == "zebrafish"


def test_upsert_replaces_and_delete_removes(filled):
    assert filled.count() == 26 and filled.ids() == {d.id for d in corpus()}
    filled.upsert([make_doc(1, title="Oracy across the curriculum")])
    assert filled.count() == 26
    assert ids(filled.search(Query("oracy", labels=VISIBLE))) == ["lesson_study:1"]
    assert "lesson_study:1" not in ids(filled.search(Query("work number 1", labels=VISIBLE)))
    filled.delete(["lesson_study:1", "school:2", "no-such:1"])
    assert filled.count() == 24 and filled.ids() == {d.id for d in corpus()} - {
        "lesson_study:1", "school:2"}
    assert filled.search(Query("oracy", labels=VISIBLE)).total == 0
    assert filled.search(Query("", labels=VISIBLE)).total == 23


def test_rebuild_swaps_atomically(filled, tmp_path):
    root = tmp_path / "index"
    before = {p.name for p in root.iterdir()}
    other = open_engine(type(filled).name, root)  # e.g. another web worker
    during = []

    def progress(n):
        during.append((n, filled.search(Query("", labels=VISIBLE)).total))

    filled.rebuild([make_doc(n, labels=["network"]) for n in (1, 2, 3)], progress=progress)
    assert during == [(3, 25)]  # searches during the rebuild still see the old index
    assert filled.ids() == {"lesson_study:1", "school:2", "case_study:3"}
    assert other.search(Query("", labels=VISIBLE)).total == 3
    assert other.count() == 3
    after = {p.name for p in root.iterdir()}
    assert not (before - {"CURRENT"}) & after  # the old generation is gone
    assert len(after) == 2 and (root / "CURRENT").read_text().strip() in after
    other.close()


def test_more_like_this(engine):
    engine.upsert([
        make_doc(1, labels=["network"], title="Phonics catch-up groups",
                 body_text="phonics sounds blending reading groups daily phonics"),
        make_doc(2, labels=["network"], title="Daily phonics sessions",
                 body_text="phonics blending sounds in reading groups"),
        make_doc(3, labels=["cluster-2"], title="Phonics blending",
                 body_text="phonics blending sounds reading groups daily"),
        make_doc(4, labels=["network"], title="Governors' visits",
                 body_text="governors visited lessons and met the finance committee"),
    ])
    similar = engine.more_like_this("lesson_study:1", ["network"])
    assert [h.id for h in similar][:1] == ["school:2"]
    assert similar[0].snippet.startswith("Teachers disagreed") and similar[0].title
    assert "case_study:3" not in {h.id for h in similar} and "lesson_study:1" not in {
        h.id for h in similar}
    assert engine.more_like_this("case_study:3", ["network"]) == []  # the source is not visible
    assert engine.more_like_this("nope:1", ["network"]) == []


def test_unknown_engine(tmp_path):
    with pytest.raises(ValueError, match="unknown search engine"):
        open_engine("lucene", tmp_path)


def test_whoosh_parser_knows_only_words_and_phrases():
    from whoosh import qparser

    from search.whoosh_support import parser, schema

    kinds = {type(p) for p in parser(schema()).plugins}
    assert kinds == {qparser.WhitespacePlugin, qparser.PhrasePlugin, qparser.MultifieldPlugin}


def test_the_same_search_from_two_clusters_shows_each_only_its_own_private_work(filled):
    # tantivy keeps the part of a search every signed-in person shares ("network" documents)
    # between searches; each cluster's own documents must still be its own, in either order.
    mine, theirs = ["network", "cluster-1"], ["network", "cluster-2"]
    for _ in range(2):
        first = filled.search(Query("moderation", labels=mine, per_page=50))
        second = filled.search(Query("moderation", labels=theirs, per_page=50))
        assert SECRET not in ids(first) and SECRET in ids(second)
        shared = [d for d in corpus() if "network" in d.labels]
        assert second.total == len(shared) + 1
        assert first.total == 25 and sum(first.facets["kind"].values()) == 25
        assert not {i for i in ids(second) if i != SECRET} - {d.id for d in shared}


def test_a_repeated_search_sees_changes_written_by_another_engine_in_between(filled, engine,
                                                                             tmp_path):
    query = Query("moderation", labels=["network"], per_page=50)
    before = filled.search(query).total
    other = open_engine(engine.name, tmp_path / "index")  # as another process would
    try:
        other.upsert([make_doc(101, labels=["network"])])
        assert filled.search(query).total == before + 1
        assert "school:101" in ids(filled.search(query))
        other.delete(["school:101"])
        assert filled.search(query).total == before
    finally:
        other.close()
