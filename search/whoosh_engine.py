"""The Whoosh engine: pure Python, no extra dependency; fine for a few thousand records."""

from __future__ import annotations

import itertools
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import whoosh.codec.base
from whoosh import query, sorting
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import TermNotFound

from search import (
    FACETS,
    FEW_RESULTS,
    SNIPPET_FIELDS,
    TEXT_FIELDS,
    Document,
    Hit,
    IndexBusy,
    Query,
    Results,
)
from search import snippets as snip
from search.base import WRITE_TIMEOUT, BaseEngine, counted
from search.plan import plan
from search.query import STOP_WORDS, empty_facets, page_bounds, sorted_counts, utc
from search.spelling import spell_words, suggest

# Whoosh names new segments with the `random` module: a process that seeds it (a test
# framework, a simulation) would get the same name twice and corrupt a commit. Names come
# from the operating system's randomness instead.
whoosh.codec.base.random_name = lambda size=28: secrets.token_hex(size)[:size]

from search.whoosh_ranked import Ranked, matched, ranked, top  # noqa: E402
from search.whoosh_support import (  # noqa: E402
    Bits,
    SegmentCache,
    parser,
    schema,
)

MAX_SEGMENTS = 8  # single-record commits skip merging until this many segments pile up
MULTIPROCESS_FROM = 5000  # rebuilds of at least this many documents use several processes
UNDATED = datetime(1900, 1, 1)
# Merging the two segments of a parallel rebuild into one took as long again as the
# build (20k records: +94 s CPU on 145 s) and made queries no faster, so it is off.
OPTIMIZE_AFTER_REBUILD = False


def preview_fields(stored) -> list[tuple[str, str]]:
    """The stored (field, text) pairs snippets are cut from (one unnamed text in old indexes)."""
    if isinstance(stored, str):
        return [("body_text", stored)]
    return [(name, text) for name, text in stored or ()]


def to_fields(doc: Document) -> dict:
    """The Whoosh field values for a document."""
    # Indexed as plain text: Whoosh's tokenizer would keep markdown's `*` on a word
    # ("*oral") and that word would never match.
    out = {name: snip.plain(getattr(doc, name)) for name in TEXT_FIELDS}
    out.update(id=doc.id, kind=doc.kind, record_id=doc.record_id,
               preview=[(f, getattr(doc, f)) for f in SNIPPET_FIELDS if getattr(doc, f)],
               labels=",".join(v.replace(",", " ") for v in doc.labels),
               spell=spell_words(doc.title, doc.preview_text()))
    for facet in FACETS:
        if facet != "kind":
            out[facet] = ",".join(v.replace(",", " ") for v in doc.facet_values(facet))
    # Whoosh sorts a missing date first when newest-first; an ancient date sorts it last.
    out["published"] = utc(doc.published) if doc.published else UNDATED
    return out


class WhooshEngine(BaseEngine):
    """Search with Whoosh; one searcher per engine, refreshed after changes."""

    name = "whoosh"

    def _create(self, directory: Path) -> None:
        FileStorage(str(directory), supports_mmap=False).create_index(schema()).close()

    def _open(self, directory: Path) -> None:
        self._ix = FileStorage(str(directory), supports_mmap=False).open_index()
        self._parser = parser(self._ix.schema)
        self._cache = SegmentCache()
        self._searcher = self._ix.searcher()
        self._leaves = self._cache.attach(self._searcher)

    def _close_handles(self) -> None:
        self._searcher.close()
        self._ix.close()

    def _refresh(self):
        """The engine's searcher, reopened if the index changed since it was opened."""
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it reuses segment readers
        # with stale deletions and brings merged-away segments back (duplicates).
        if not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = self._ix.searcher()
            self._leaves = self._cache.attach(self._searcher)
        return self._searcher

    def _allowed(self, labels: list[str], filters: dict) -> list[tuple[object, int, str, int]]:
        """(subsearcher, offset, key, bitmap of visible live documents) per segment."""
        out = []
        for sub, offset, key in self._leaves:
            reader = sub.reader()
            seg = self._cache.labels(key, reader, labels) & self._cache.live(key, reader)
            if seg and filters:
                values = self._cache.facets(key, reader)
                for facet, wanted in filters.items():
                    seg &= _union(values[facet].get(v, 0) for v in wanted)
            out.append((sub, offset, key, seg))
        return out

    def _search(self, q: Query) -> Results:
        searcher = self._refresh()
        plan_q = loose = None
        if q.match == "most" and q.text.strip():
            reader = searcher.reader()
            found = plan(q.text, known=lambda w: reader.doc_frequency("spell", w) > 0)
            plan_q = ranked(found)
            if plan_q is None:  # only punctuation or stop words
                return Results(0, [], empty_facets(), None)
            text_q = None
            every = found.every()
            loose, plan_q = plan_q, ranked(every) if every else plan_q
        else:
            text_q = self._parser.parse(q.text) if q.text.strip() else query.Every()
            if text_q is query.NullQuery:  # only punctuation or stop words
                return Results(0, [], empty_facets(), None)
        allowed = self._allowed(q.labels, q.filters())
        matched = [(sub, offset, key, self._matched(sub, key, text_q, plan_q) & seg if seg
                    else 0) for sub, offset, key, seg in allowed]
        total = sum(bits.bit_count() for *_, bits in matched)
        if not total and plan_q is not None and plan_q is not loose:  # keywords: most words
            plan_q = loose
            matched = [(sub, offset, key, self._matched(sub, key, None, plan_q) & seg if seg
                        else 0) for sub, offset, key, seg in allowed]
            total = sum(bits.bit_count() for *_, bits in matched)
        offset, limit = page_bounds(q)
        hits = []
        if offset < total:
            wanted = None
            if q.snippets:
                wanted = snip.terms(plan_q.marked if plan_q else q.text, STOP_WORDS)
            if plan_q is not None:
                found = top(searcher, matched, self._bitmap, plan_q, offset, limit,
                            newest_first=q.sort == "date")
                hits = [self._hit(h, wanted, score) for h, score in found]
            else:
                # The labels and filters reach Whoosh as `filter=`, a set of document numbers.
                only = Bits(_join(matched), searcher.doc_count_all())
                options = {"sortedby": sorting.FieldFacet("published", reverse=True)} \
                    if q.sort == "date" else {}
                results = searcher.search(text_q, limit=limit, filter=only, **options)
                hits = [self._hit(h, wanted, float(h.score or 0.0))
                        for h in results[offset:limit]]
        facets = self._facets(matched) if q.facets and total else empty_facets()
        suggestion = None
        if total < FEW_RESULTS and q.text.strip():
            suggestion = self._suggest(searcher, q.text, Bits(_join(allowed),
                                                              searcher.doc_count_all()), total > 0)
        return Results(total, hits, facets, suggestion)

    def _bitmap(self, sub, key: str):
        """A function giving a query's documents in one segment, from cached bitmaps."""
        return lambda q: self._cache.matches(q, sub, key)

    def _matched(self, sub, key: str, text_q, plan_q: Ranked | None) -> int:
        """The segment's documents matching the typed query (all words) or the plan."""
        if plan_q is None:
            return self._cache.matches(text_q, sub, key)
        return matched(self._bitmap(sub, key), (1 << sub.reader().doc_count_all()) - 1, plan_q)

    def _hit(self, h, wanted: set[str] | None, score: float) -> Hit:
        fields = h.fields()
        snippet = ""
        if wanted is not None:
            snippet = snip.build(preview_fields(fields.get("preview")), wanted,
                                 kind=fields["kind"])
        return Hit(fields["id"], fields["kind"], fields["record_id"], fields["title"],
                   snippet, score)

    def _facets(self, matched) -> dict[str, dict[str, int]]:
        counts = {facet: Counter() for facet in FACETS}
        for sub, _, key, bits in matched:
            if not bits:
                continue
            for facet, values in self._cache.facets(key, sub.reader()).items():
                counter = counts[facet]
                for value, value_bits in values.items():
                    n = (bits & value_bits).bit_count()
                    if n:
                        counter[value] += n
        return {facet: sorted_counts(c) for facet, c in counts.items()}

    def _suggest(self, searcher, text: str, allowed: Bits, some: bool) -> str | None:
        reader = searcher.reader()

        def visible(field: str, word: str) -> bool:
            try:
                return any(d in allowed for d in reader.postings(field, word).all_ids())
            except TermNotFound:
                return False

        def known(word: str) -> bool:
            stems = [t.text for t in self._ix.schema["title"].analyzer(word)]
            return bool(stems) and any(visible(f, stems[0]) for f in TEXT_FIELDS)

        def vocabulary(prefix: str):
            words = (w.decode("utf-8") for w in reader.expand_prefix("spell", prefix))
            return ((w, reader.doc_frequency("spell", w)) for w in words)

        return suggest(text, known, vocabulary, lambda w: visible("spell", w), some)

    def _more_like_this(self, doc_id: str, labels: list[str], limit: int) -> list[Hit]:
        searcher = self._refresh()
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return []
        allowed = Bits(_join(self._allowed(labels, {})), searcher.doc_count_all())
        if docnum not in allowed:  # the source must be visible, or its words would leak
            return []
        preview = "\n".join(t for _, t in preview_fields(
            searcher.stored_fields(docnum).get("preview")))
        results = searcher.more_like(docnum, "body_text", text=preview, top=limit,
                                     numterms=12, filter=allowed)
        return [Hit(h["id"], h["kind"], h["record_id"], h["title"],
                    snip.build(preview_fields(h.get("preview")), set()),
                    float(h.score or 0.0)) for h in results]

    def _plain_search(self, text: str, limit: int = 10) -> list[str]:
        """Top ids for `text` with NO label filter: for benchmarks only, never for users."""
        with self._lock:
            results = self._refresh().search(self._parser.parse(text), limit=limit)
            return [hit["id"] for hit in results]

    def _writer(self, **kwargs):
        try:
            return self._ix.writer(timeout=WRITE_TIMEOUT, **kwargs)
        except LockError as exc:
            raise IndexBusy("another process is writing to the search index") from exc

    def _commit(self, writer, many: bool) -> None:
        # Merging on every small commit costs ~170 ms at p95; let segments pile up a little.
        merge = many or len(self._searcher.leaf_searchers()) >= MAX_SEGMENTS
        writer.commit(merge=merge)
        self._refresh()

    def _upsert(self, docs: dict[str, Document], remove: set[str]) -> None:
        writer = self._writer()
        gone = {*docs, *remove}
        try:
            searcher = writer.searcher()
            for doc_id in gone:
                writer.delete_by_term("id", doc_id, searcher=searcher)
            for doc in docs.values():
                writer.add_document(**to_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        self._commit(writer, many=len(gone) >= 100)

    def _ids(self) -> set[str]:
        reader = self._refresh().reader()
        if reader.doc_count_all() == 0:
            return set()  # an empty index has no column to read
        column = reader.column_reader("id")
        return {column[d] for d in reader.all_doc_ids()}

    def _count(self) -> int:
        return self._refresh().doc_count()

    def _build(self, directory: Path, docs: Iterator[Document],
               progress: Callable[[int], None] | None) -> None:
        ix = FileStorage(str(directory), supports_mmap=False).create_index(schema())
        head = list(itertools.islice(docs, MULTIPROCESS_FROM))
        procs = min(2, os.cpu_count() or 1) if len(head) == MULTIPROCESS_FROM else 1
        options = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = ix.writer(limitmb=256, **options)
        try:
            for doc in counted(itertools.chain(head, docs), progress):
                writer.add_document(**to_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if OPTIMIZE_AFTER_REBUILD:
            ix.optimize()
        ix.close()


def _join(per_segment) -> int:
    """One index-wide bitmap from (subsearcher, offset, key, bitmap) per segment."""
    out = 0
    for _, offset, _, bits in per_segment:
        out |= bits << offset
    return out


def _union(bitmaps) -> int:
    out = 0
    for b in bitmaps:
        out |= b
    return out
