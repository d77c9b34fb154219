"""The tantivy engine: a Rust search library, for networks with tens of thousands of records."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

from search import (
    FACETS,
    FEW_RESULTS,
    SNIPPET_FIELDS,
    Document,
    Hit,
    IndexBusy,
    Query,
    Results,
)
from search import snippets as snip
from search.base import WRITE_TIMEOUT, BaseEngine, counted
from search.plan import plan
from search.query import STOP_WORDS, empty_facets, page_bounds, sorted_counts
from search.spelling import suggest
from search.tantivy_support import (
    STEM,
    any_field,
    facet_aggregation,
    labelled,
    ranked_query,
    schema,
    text_query,
    to_document,
    visible,
)

WRITER_HEAP = 50_000_000
BUILD_HEAP = 400_000_000
SHARED = "network"  # the label every signed-in person's searches carry
KEPT_SEARCHES = 2000  # shared parts kept per process before they are all dropped


@dataclass
class _Part:
    """One part of a search: how many documents match, the top documents with their sort
    keys, the facet counts, and the hits read so far (a kept part reads each hit once)."""

    count: int
    found: list[tuple[float, tantivy.DocAddress]]
    facets: dict[str, dict[str, int]]
    query: tantivy.Query
    read: dict[int, Hit] = field(default_factory=dict)


class TantivyEngine(BaseEngine):
    """Search with tantivy; searchers are cheap snapshots, reloaded after every commit."""

    name = "tantivy"

    def _create(self, directory: Path) -> None:
        tantivy.Index(schema(), path=str(directory), reuse=False)

    def _open(self, directory: Path) -> None:
        self._schema = schema()
        self._meta = directory / "meta.json"  # rewritten by every commit
        self._kept: dict[tuple, _Part] = {}
        self._ix = tantivy.Index(self._schema, path=str(directory), reuse=True)

    def _close_handles(self) -> None:
        self._ix = None

    def _searcher(self) -> tantivy.Searcher:
        self._ix.reload()  # ~50 us; sees commits made by other processes at once
        return self._ix.searcher()

    def _search(self, q: Query) -> Results:
        s = self._schema
        searcher = self._searcher()
        found = None
        if q.match == "most" and q.text.strip():
            found = plan(q.text, known=lambda w: searcher.doc_freq("spell", w) > 0)
            base = ranked_query(s, found) if found is not None else None
        else:
            base = text_query(s, q.text)
        if base is None:  # only punctuation or stop words
            return Results(0, [], empty_facets(), None)
        marked = found.words() if found is not None else q.text
        offset, end = page_bounds(q)
        every = found.every() if found is not None else None
        parts = self._parts(searcher, q, ranked_query(s, every), end, "every") if every else []
        if not sum(part.count for part in parts):  # keywords held together nowhere: most
            parts = self._parts(searcher, q, base, end, "most")
        count = sum(part.count for part in parts)
        ranked = sorted(((key, n, i) for n, part in enumerate(parts)
                         for i, (key, _) in enumerate(part.found)),
                        key=lambda kni: kni[0], reverse=True)[offset:end]
        for n, part in enumerate(parts):  # only the hits that make the page are read
            unread = [i for _, m, i in ranked if m == n and i not in part.read]
            wanted = snip.terms(marked, STOP_WORDS) if q.snippets else None
            hits = self._hits(searcher, [part.found[i] for i in unread], wanted)
            part.read.update(zip(unread, hits, strict=True))
        facets = empty_facets()
        for part in parts:
            for facet, counts in part.facets.items():
                for value, n in counts.items():
                    facets[facet][value] = facets[facet].get(value, 0) + n
        facets = {f: sorted_counts(counts) for f, counts in facets.items()}
        suggestion = None
        if count < FEW_RESULTS and q.text.strip():
            suggestion = self._suggest(searcher, q.text, q.labels, count > 0)
        return Results(count, [parts[n].read[i] for _, n, i in ranked], facets, suggestion)

    def _parts(self, searcher, q: Query, base, end: int, variant: str) -> list[_Part]:
        """The person's own part of a search (their cluster's and drafts) and the shared one."""
        private = [label for label in q.labels if label != SHARED]
        mine = self._part(searcher, q, base, private, end, exclude=SHARED) if private else None
        parts = [mine] if mine else []
        if SHARED in q.labels:
            parts.append(self._shared_part(searcher, q, base, end, variant))
        return parts

    def _part(self, searcher, q: Query, base, labels: list[str], end: int,
              exclude: str | None = None) -> _Part:
        """The top `end` documents, the count and the facet counts among documents carrying
        one of `labels` (and not the label `exclude`, which another part counts)."""
        full = visible(self._schema, base, labels, q.filters(), exclude)
        options = {"order_by_field": "published"} if q.sort == "date" else {}
        found = searcher.search(full, limit=end, count=True, **options)
        facets = empty_facets()
        if q.facets and found.count:
            aggs = searcher.aggregate(full, facet_aggregation())
            facets = {f: {b["key"]: b["doc_count"] for b in aggs[f]["buckets"]} for f in FACETS}
        return _Part(found.count, [(key if isinstance(key, int | float) else 0, at)
                                   for key, at in found.hits], facets, full)

    def _shared_part(self, searcher, q: Query, base, end: int, variant: str) -> _Part:
        """The part of a search every signed-in person shares (documents labelled SHARED),
        kept per index commit: the same words and filters from anyone cost one search."""
        try:
            meta = os.stat(self._meta)
        except OSError:
            return self._part(searcher, q, base, [SHARED], end)
        key = (meta.st_ino, meta.st_mtime_ns, meta.st_size, q.text, tuple(
            (name, tuple(values)) for name, values in sorted(q.filters().items())),
            q.sort, end, q.facets, q.snippets, q.match, variant)
        part = self._kept.get(key)
        if part is None:
            part = self._part(searcher, q, base, [SHARED], end)
            if len(self._kept) >= KEPT_SEARCHES:
                self._kept.clear()
            self._kept[key] = part
        return part

    def _hits(self, searcher, found, wanted: set[str] | None) -> list[Hit]:
        """Hits for the found addresses; snippets (for the query's stems `wanted`) unless None."""
        hits = []
        for key, address in found:
            doc = searcher.doc(address)
            snippet = "" if wanted is None else snip.build(
                [(f, doc.get_first(f) or "") for f in SNIPPET_FIELDS], wanted,
                kind=doc.get_first("kind"))
            # tantivy scores in 32-bit floats: next to a tier (search/plan.py) the last bits
            # depend on where a document sits in its segment, so they are not shown.
            score = round(float(key), 2) if isinstance(key, float) else 0.0
            hits.append(Hit(doc.get_first("id"), doc.get_first("kind"),
                            doc.get_first("record_id"), doc.get_first("title") or "",
                            snippet, score))
        return hits

    def _suggest(self, searcher, text: str, labels: list[str], some: bool) -> str | None:
        s = self._schema

        def exists(q) -> bool:
            return searcher.search(visible(s, q, labels), limit=1, count=True).count > 0

        def known(word: str) -> bool:
            stems = STEM.analyze(word)
            return bool(stems) and exists(any_field(s, stems[:1]))

        def vocabulary(prefix: str):
            return searcher.terms_with_prefix("spell", prefix)

        def in_spell(word: str) -> bool:
            return exists(tantivy.Query.term_query(s, "spell", word))

        return suggest(text, known, vocabulary, in_spell, some)

    def _more_like_this(self, doc_id: str, labels: list[str], limit: int) -> list[Hit]:
        s = self._schema
        searcher = self._searcher()
        by_id = tantivy.Query.term_query(s, "id", doc_id)
        source = searcher.search(visible(s, by_id, labels), limit=1).hits
        if not source:  # missing, or not visible: its words must not leak through similar hits
            return []
        like = tantivy.Query.more_like_this_query(
            source[0][1], min_doc_frequency=1, min_term_frequency=1, max_query_terms=25,
            stop_words=sorted(STOP_WORDS))
        q = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, like),
            (tantivy.Occur.Must, labelled(s, labels)),
            (tantivy.Occur.MustNot, by_id),
        ])
        return self._hits(searcher, searcher.search(q, limit=limit).hits, set())

    def _plain_search(self, text: str, limit: int = 10) -> list[str]:
        """Top ids for `text` with NO label filter: for benchmarks only, never for users."""
        with self._lock:
            q = text_query(self._schema, text)
            searcher = self._searcher()
            hits = searcher.search(q, limit=limit).hits if q is not None else []
            return [searcher.doc(address).get_first("id") for _, address in hits]

    def _writer(self, heap: int = WRITER_HEAP, threads: int = 1):
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            try:
                return self._ix.writer(heap_size=heap, num_threads=threads)
            except ValueError as exc:
                if "Lock" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusy("another process is writing to the search index") from exc
                time.sleep(0.05)

    def _commit(self, writer) -> None:
        writer.commit()
        writer.wait_merging_threads()
        self._ix.reload()

    def _upsert(self, docs: dict[str, Document], remove: set[str]) -> None:
        writer = self._writer()
        try:
            for doc_id in {*docs, *remove}:
                writer.delete_documents_by_term("id", doc_id)
            for doc in docs.values():
                writer.add_document(to_document(doc))
        except BaseException:
            writer.rollback()
            raise
        self._commit(writer)

    def _ids(self) -> set[str]:
        terms = self._searcher().terms_with_prefix(
            "id", "", filter_query=tantivy.Query.all_query())
        return {term for term, n in terms if n}

    def _count(self) -> int:
        return self._searcher().num_docs

    def _build(self, directory: Path, docs: Iterator[Document],
               progress: Callable[[int], None] | None) -> None:
        ix = tantivy.Index(schema(), path=str(directory), reuse=False)
        # One indexing thread: the build waits on reading the database, not on tantivy, and
        # one thread writes a few large segments (every search pays per segment).
        writer = ix.writer(heap_size=BUILD_HEAP, num_threads=1)
        try:
            for doc in counted(docs, progress):
                writer.add_document(to_document(doc))
        except BaseException:
            writer.rollback()
            raise
        writer.commit()
        writer.wait_merging_threads()
