"""Whoosh pieces the engine is built from: schema, a locked-down query parser, and bitmaps.

Totals, facet counts and label filters use per-segment bitmaps (Python ints,
one bit per document) built from a term's postings once and cached until the
segment goes away. A query's matches are then a few big-integer ANDs and ORs,
each facet count is one `&` and `bit_count()` per value, and Whoosh itself only
has to score its way to the top N (with its block-skipping optimisations on),
instead of scoring every match or walking them again per facet (`groupedby`).
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh import fields, qparser, query
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.idsets import DocIdSet
from whoosh.reading import TermNotFound

from search import FACETS, TEXT_FIELDS

ANALYZER = StemmingAnalyzer()
KEYWORD_FIELDS = (*FACETS, "labels")


def schema() -> fields.Schema:
    """The Whoosh schema: stemmed text, comma-separated keyword facets, a sortable date."""
    spec: dict[str, fields.FieldType] = {
        "id": fields.ID(stored=True, unique=True, sortable=True),
        "kind": fields.ID(stored=True),
        "record_id": fields.STORED(),
        "preview": fields.STORED(),
        "published": fields.DATETIME(sortable=True),
        "spell": fields.KEYWORD(scorable=True),
    }
    for name in KEYWORD_FIELDS:
        if name != "kind":
            spec[name] = fields.KEYWORD(commas=True, scorable=True)
    for name in TEXT_FIELDS:
        spec[name] = fields.TEXT(analyzer=ANALYZER, stored=(name == "title"), phrase=True)
    return fields.Schema(**spec)


# Everything but words and "phrases" is removed; anything else a user types is plain text.
_BANNED_PLUGINS = (
    qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RegexPlugin, qparser.RangePlugin,
    qparser.PlusMinusPlugin, qparser.BoostPlugin, qparser.EveryPlugin, qparser.OperatorsPlugin,
    qparser.GroupPlugin, qparser.SingleQuotePlugin, qparser.FuzzyTermPlugin,
    qparser.PrefixPlugin, qparser.GtLtPlugin,
)
_ALLOWED_PLUGINS = (qparser.WhitespacePlugin, qparser.PhrasePlugin, qparser.MultifieldPlugin)


def parser(schema_: fields.Schema) -> qparser.QueryParser:
    """A parser over the text fields with their weights, that knows only words and phrases."""
    p = qparser.MultifieldParser(list(TEXT_FIELDS), schema_, fieldboosts=dict(TEXT_FIELDS),
                                 group=qparser.AndGroup)
    for plugin in _BANNED_PLUGINS:
        p.remove_plugin_class(plugin)
    unexpected = [pl for pl in p.plugins if not isinstance(pl, _ALLOWED_PLUGINS)]
    if unexpected:  # a new Whoosh release added a default plugin: refuse rather than widen syntax
        raise RuntimeError(f"unexpected Whoosh query plugins: {unexpected}")
    return p


def term_bits(reader, field: str, value: str) -> int:
    """A bitmap of the segment's documents holding `value` in `field` (deleted ones too)."""
    buf = bytearray((reader.doc_count_all() >> 3) + 1)
    try:
        matcher = reader.postings(field, value)
    except TermNotFound:  # the value is not in this segment
        return 0
    for doc in _posting_ids(matcher):
        buf[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(buf, "little")


def _posting_ids(matcher):
    # Whoosh's generic all_ids() steps through postings one call at a time; the
    # W3 codec's leaf matcher holds each block's ids in an array, read whole here.
    # Deletions are ignored: callers mask with SegmentCache.live().
    leaf = getattr(matcher, "child", matcher)
    if not all(hasattr(leaf, a) for a in ("_read_ids", "_ids", "_i", "_next_block")):
        yield from matcher.all_ids()
        return
    while leaf.is_active():
        if leaf._ids is None:
            leaf._read_ids()
        yield from leaf._ids[leaf._i:]
        leaf._next_block()


class SegmentCache:
    """What is worth keeping per segment: term and facet bitmaps, live documents, field lengths.

    A segment never changes except for deletions, so its bitmaps stay valid
    until it is merged away; `live()` masks out documents deleted since.
    """

    def __init__(self, max_bytes: int = 64 << 20):
        self._terms: OrderedDict[tuple[str, str, str], int] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._facets: dict[str, dict[str, dict[str, int]]] = {}
        self._live: dict[str, tuple[int, int]] = {}
        self._lengths: dict[str, dict[str, object]] = {}

    def attach(self, searcher) -> list[tuple[object, int, str]]:
        """(subsearcher, offset, segment key) per segment; keeps field lengths in memory.

        BM25 reads each matching document's field length; with memory-mapping
        off every read is a seek and a read, ~25% of query time. The length
        columns are one byte per document and field, so they are loaded once.
        """
        leaves = []
        for sub, offset in searcher.leaf_searchers():
            segment = getattr(sub.reader(), "segment", lambda: None)()
            if segment is not None:  # None for an empty index
                key = segment.segment_id()
                leaves.append((sub, offset, key))
                self._load_lengths(key, sub.reader())
        self._keep_only({key for _, _, key in leaves})
        return leaves

    def _load_lengths(self, key: str, reader) -> None:
        perdoc = getattr(reader, "_perdoc", None)
        slots = getattr(perdoc, "_readers", None)
        if not isinstance(slots, dict):  # another codec: leave Whoosh to read from disk
            return
        cached = self._lengths.setdefault(key, {})
        for field in TEXT_FIELDS:
            name = f"_{field}_len"
            if name not in cached and perdoc.has_column(name):
                cached[name] = perdoc.column_reader(name, LENGTHS_COLUMN).load()
            if name in cached:
                slots[name] = cached[name]

    def term(self, key: str, reader, field: str, text: str) -> int:
        """The segment's documents holding a term (deleted ones too); least recently used go."""
        k = (key, field, text)
        bits = self._terms.get(k)
        if bits is not None:
            self._terms.move_to_end(k)
            return bits
        bits = term_bits(reader, field, text)
        self._terms[k] = bits
        self._bytes += (bits.bit_length() + 7) // 8
        while self._bytes > self._max_bytes and len(self._terms) > 1:
            _, old = self._terms.popitem(last=False)
            self._bytes -= (old.bit_length() + 7) // 8
        return bits

    def live(self, key: str, reader) -> int:
        """The segment's documents that are not deleted."""
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        cached = self._live.get(key)
        if cached is None or cached[0] != len(deleted):
            buf = bytearray(b"\xff" * ((reader.doc_count_all() >> 3) + 1))
            for doc in deleted:
                buf[doc >> 3] &= ~(1 << (doc & 7)) & 0xFF
            bits = int.from_bytes(buf, "little") & ((1 << reader.doc_count_all()) - 1)
            cached = self._live[key] = (len(deleted), bits)
        return cached[1]

    def labels(self, key: str, reader, labels: list[str]) -> int:
        """The segment's documents carrying any of `labels`."""
        bits = 0
        for label in labels:
            bits |= self.term(key, reader, "labels", label)
        return bits

    def facets(self, key: str, reader) -> dict[str, dict[str, int]]:
        """facet -> value -> bitmap, for every value in the segment."""
        cached = self._facets.get(key)
        if cached is None:
            cached = {}
            for facet in FACETS:
                values = (v.decode("utf-8") for v in reader.lexicon(facet))
                cached[facet] = {v: term_bits(reader, facet, v) for v in values}
            self._facets[key] = cached
        return cached

    def matches(self, q: query.Query, sub, key: str) -> int:
        """The segment's documents matching `q`, from cached term bitmaps where possible.

        Words and their OR across fields, AND across words, are bitmap
        operations; anything else (phrases) asks Whoosh's matcher. Callers mask
        the result with live() and the allowed documents.
        """
        kind = type(q)
        if kind is query.Term:
            return self.term(key, sub.reader(), q.fieldname, q.text)
        if kind is query.Or and not q.minmatch:
            return _fold(q.subqueries, sub, key, self, int.__or__, 0)
        if kind is query.And:
            return _fold(q.subqueries, sub, key, self, int.__and__, -1)
        if kind is query.Every:
            return (1 << sub.reader().doc_count_all()) - 1
        buf = bytearray((sub.reader().doc_count_all() >> 3) + 1)
        for doc in q.docs(sub):
            buf[doc >> 3] |= 1 << (doc & 7)
        return int.from_bytes(buf, "little")

    def _keep_only(self, keys: set[str]) -> None:
        for cache in (self._facets, self._lengths, self._live):
            for key in [k for k in cache if k not in keys]:
                del cache[key]
        for k in [k for k in self._terms if k[0] not in keys]:
            self._bytes -= (self._terms.pop(k).bit_length() + 7) // 8


def _fold(subqueries, sub, key, cache: SegmentCache, op, start: int) -> int:
    bits = start
    for child in subqueries:
        bits = op(bits, cache.matches(child, sub, key))
        if not bits and op is int.__and__:
            break
    return bits


class Bits(DocIdSet):
    """A read-only set of document numbers backed by a bitmap, for Whoosh's `filter=`."""

    def __init__(self, bitmap: int, size: int):
        self._bytes = bitmap.to_bytes((size >> 3) + 1, "little")

    def __contains__(self, doc: int) -> bool:
        return bool(self._bytes[doc >> 3] >> (doc & 7) & 1)

    def __iter__(self):
        data = self._bytes
        return (i for i in range(len(data) * 8) if data[i >> 3] >> (i & 7) & 1)

    def __len__(self) -> int:
        return int.from_bytes(self._bytes, "little").bit_count()


# --- Ranking by plan (search/plan.py) ------------------------------------------------------

def _stems(words) -> list[str]:
    return [t.text for t in ANALYZER(" ".join(words))]


def _or(parts: list[query.Query]) -> query.Or:
    # Whoosh's default for small indexes reads every posting of every part up front (an
    # "array" union); inside an And with a few candidates, a tree of unions skips to them.
    out = query.Or(parts)
    out.matcher_type = query.Or.DEFAULT_MATCHER
    return out


def _any_field(stems: list[str], boost: float = 1.0, slop: int = 1) -> query.Query | None:
    """A word (one stem) or words in order (several) in any text field, weighted by field."""
    if not stems:
        return None
    if len(stems) == 1:
        parts = [query.Term(f, stems[0], boost=w * boost) for f, w in TEXT_FIELDS.items()]
    else:
        parts = [query.Phrase(f, stems, slop=slop, boost=w * boost)
                 for f, w in TEXT_FIELDS.items()]
    return _or(parts)


def unit_query(unit) -> query.Query | None:
    """Any spelling of a plan's unit, in any text field."""
    forms = [q for q in (_any_field(_stems(form)) for form in unit.forms) if q is not None]
    if not forms:
        return None
    return forms[0] if len(forms) == 1 else _or(forms)


def phrase_query(text: str) -> query.Query | None:
    """A quoted phrase: its words together and in order, in any text field."""
    return _any_field(_stems([text]))


def pair_query(first: str, second: str, boost: float) -> query.Query | None:
    """Two words next to each other (one word may come between), boosted, in any text field."""
    stems = _stems([first]) + _stems([second])
    return _any_field(stems, boost, slop=2) if len(stems) == 2 else None


def scoring_query(parts: list[query.Query]) -> query.Or:
    """The parts of a plan that add to a record's score (words, phrases, adjacent pairs)."""
    return _or(parts)


class Only(query.Query):
    """The documents in per-segment bitmaps (keyed by subsearcher), scoring nothing: And-ed
    with a scoring query, Whoosh skips to these documents instead of scoring every match."""

    def __init__(self, bits: dict[int, int]):
        self._bits = bits

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def estimate_size(self, ixreader):
        return sum(b.bit_count() for b in self._bits.values())

    def estimate_min_size(self, ixreader):
        return 0

    def matcher(self, searcher, context=None):
        from whoosh.matching import ListMatcher, NullMatcher

        ids = bit_positions(self._bits.get(id(searcher), 0))
        return ListMatcher(ids, weights=[0.0] * len(ids)) if ids else NullMatcher()


def bit_positions(bits: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    out = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for i, byte in enumerate(data):
        while byte:
            low = byte & -byte
            out.append(i * 8 + low.bit_length() - 1)
            byte ^= low
    return out
