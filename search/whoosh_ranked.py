"""Whoosh: a plan (search/plan.py) as matches and ranked hits, from per-segment bitmaps.

Which records match is worked out with the cached term bitmaps (search/whoosh_support.py):
every phrase, and at least `k` of the strong words. Each record's tier, how many strong
words it holds, comes from the same bitmaps, so ranking goes tier by tier, highest first,
and Whoosh only scores the records of the tiers that reach the page, skipping to them
(`Only`) instead of scoring every record that holds any of the words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from whoosh import query, sorting

from search.plan import PAIR_BOOST, TIER, Plan, at_least
from search.whoosh_support import Bits, Only, pair_query, phrase_query, scoring_query, unit_query

RERANK = 40  # the best of each tier by words alone, reordered with adjacent pairs counted


@dataclass
class Ranked:
    """A plan as Whoosh queries: `must` all match, `k` of `strong` match, `scoring` scores by
    the words, `pairs` (or None) by adjacent query words."""

    must: list[query.Query]
    strong: list[query.Query]
    k: int
    scoring: query.Query
    pairs: query.Query | None
    marked: str  # the words snippets mark
    every: query.Query | None = None  # the top tier's scoring: every strong word, fast

    def __post_init__(self):
        if self.every is None:
            both = query.And([*self.must, *self.strong])
            extra = [q for q in self.scoring.subqueries if q not in self.must + self.strong]
            self.every = query.AndMaybe(both, scoring_query(extra)) if extra else both


def ranked(found: Plan | None) -> Ranked | None:
    """The Whoosh queries for a plan; None when it leaves nothing to find."""
    if found is None:
        return None
    must = [x for x in map(phrase_query, found.phrases) if x is not None]
    strong = [x for x in map(unit_query, found.strong) if x is not None]
    if not must and not strong:
        return None
    weak = [x for x in map(unit_query, found.weak) if x is not None]
    pairs = [x for x in (pair_query(a.last, b.first, PAIR_BOOST) for a, b in found.pairs) if x]
    return Ranked(must, strong, min(found.minimum, len(strong)),
                  scoring_query([*must, *strong, *weak]),
                  scoring_query(pairs) if pairs else None, found.words())


def matched(bitmap: Callable[[query.Query], int], everything: int, r: Ranked) -> int:
    """A segment's documents matching the plan; `bitmap(q)` gives a query's documents."""
    bits = everything
    for q in r.must:
        bits &= bitmap(q)
        if not bits:
            return 0
    if r.k:
        bits &= at_least(r.k, [bitmap(q) for q in r.strong], everything)
    return bits


def _tiers(bitmap: Callable[[query.Query], int], bits: int, r: Ranked) -> dict[int, int]:
    """tier (strong words held) -> the documents of `bits` in that tier."""
    if not bits:
        return {}
    if not r.strong:
        return {0: bits}
    n = len(r.strong)
    counts = [bits] + [0] * n  # counts[j]: documents holding at least j strong words
    for q in r.strong:
        word = bitmap(q) & bits
        for j in range(n, 0, -1):
            counts[j] |= counts[j - 1] & word
    counts.append(0)
    return {j: counts[j] & ~counts[j + 1] for j in range(max(r.k, 0), n + 1)}


def top(searcher, per_segment, bitmap_for, r: Ranked, offset: int, limit: int,
        newest_first: bool) -> list[tuple[object, float]]:
    """(Whoosh hit, score) for ranks offset..limit of the matches, best tier first.

    `per_segment` is (subsearcher, offset, key, matched bits) per segment; `bitmap_for(sub,
    key)` gives that segment's `bitmap(q)`. Within a tier Whoosh ranks by the words (skipping
    blocks that cannot reach the page); the first RERANK of each tier are then reordered with
    adjacent pairs counted, the same whatever the page, so pages never overlap."""
    size = searcher.doc_count_all()
    if newest_first:
        only = Bits(_join((offset_, bits) for _, offset_, _, bits in per_segment), size)
        found = searcher.search(r.scoring, limit=limit, filter=only,
                                sortedby=sorting.FieldFacet("published", reverse=True))
        return [(h, 0.0) for h in found[offset:limit]]
    leaves = [(sub, offset_) for sub, offset_, _, _ in per_segment]
    tiers: dict[int, list[tuple[object, int, int]]] = {}
    for sub, offset_, key, bits in per_segment:
        for tier, tier_bits in _tiers(bitmap_for(sub, key), bits, r).items():
            if tier_bits:
                tiers.setdefault(tier, []).append((sub, offset_, tier_bits))
    out: list[tuple[object, float]] = []
    skip, need = offset, limit - offset
    for tier in sorted(tiers, reverse=True):
        count = sum(bits.bit_count() for _, _, bits in tiers[tier])
        if skip >= count:
            skip -= count
            continue
        want = skip + need
        depth = max(want, RERANK) if r.pairs else want
        if tier == len(r.strong):  # every word: Whoosh's fast intersection, as before
            everywhere = _join((o, b) for _, o, b in tiers[tier])
            found = searcher.search(r.every, limit=depth, filter=Bits(everywhere, size))
        else:  # some words: score only this tier's documents, skipping to them
            only = Only({id(sub): bits for sub, _, bits in tiers[tier]})
            found = searcher.search(query.And([only, r.scoring]), limit=depth)
        ordered = _with_pairs(searcher, leaves, found, r.pairs)
        page = ordered[skip:want]
        out += [(h, tier * TIER + score) for h, score in page]
        need -= len(page)
        skip = 0
        if need <= 0:
            break
    return out


def _with_pairs(searcher, leaves, found, pairs) -> list[tuple[object, float]]:
    """The hits with their scores, the first RERANK reordered with adjacent pairs counted."""
    scored = [(h, float(h.score or 0.0)) for h in found]
    if pairs is None or not scored:
        return scored
    head = scored[:RERANK]
    docs: dict[int, int] = {}
    for h, _ in head:
        for sub, offset in leaves:
            if offset <= h.docnum < offset + sub.doc_count_all():
                docs[id(sub)] = docs.get(id(sub), 0) | 1 << (h.docnum - offset)
    bonus = {h.docnum: float(h.score or 0.0)
             for h in searcher.search(query.And([Only(docs), pairs]), limit=len(head))}
    head = sorted(((h, s + bonus.get(h.docnum, 0.0)) for h, s in head),
                  key=lambda hs: (-hs[1], hs[0].docnum))
    return head + scored[RERANK:]


def _join(parts) -> int:
    out = 0
    for offset, bits in parts:
        out |= bits << offset
    return out
