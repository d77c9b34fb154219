"""tantivy pieces the engine is built from: schema, documents, and queries built term by term.

User text never reaches tantivy's query parser. It is split into words and
"phrases" (search.query.clauses), analysed in Python exactly as the index
analyses it (tantivy's `en_stem`), and turned into term and phrase queries on
the text fields only, so `labels:network` or `*` are just words.
"""

from __future__ import annotations

import tantivy

from search import FACETS, TEXT_FIELDS, Document
from search.plan import PAIR_BOOST, TIER, Plan
from search.query import STOP_WORDS, clauses, utc
from search.spelling import spell_words

RAW_FIELDS = ("id", "kind", "group", "barrier", "element", "phase", "region")


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    # The same pipeline as tantivy's built-in `en_stem` (and, without the stemmer, `default`).
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
               .filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase()))
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


SURFACE = _analyzer(stem=False)
STEM = _analyzer(stem=True)


def schema() -> tantivy.Schema:
    """Stemmed, stored text fields; raw (exact) fields for ids, facets and labels; a date."""
    sb = tantivy.SchemaBuilder()
    for name in RAW_FIELDS:
        sb.add_text_field(name, stored=name in ("id", "kind"), fast=True, tokenizer_name="raw",
                          index_option="basic")
    sb.add_text_field("labels", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("spell", tokenizer_name="default", index_option="basic")
    sb.add_integer_field("record_id", stored=True, fast=True)
    sb.add_date_field("published", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="en_stem")
    return sb.build()


def to_document(doc: Document) -> tantivy.Document:
    """The tantivy document for one of ours."""
    out = tantivy.Document()
    out.add_text("id", doc.id)
    out.add_text("kind", doc.kind)
    out.add_integer("record_id", int(doc.record_id))
    for name in TEXT_FIELDS:
        text = getattr(doc, name)
        if text:
            out.add_text(name, text)
    for facet in FACETS:
        if facet != "kind":
            for value in doc.facet_values(facet):
                out.add_text(facet, value)
    for label in doc.labels:
        out.add_text("labels", label)
    out.add_text("spell", spell_words(doc.title, doc.preview_text()))
    if doc.published is not None:
        out.add_date("published", utc(doc.published))
    return out


def _must(*queries: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def restrict(s: tantivy.Schema, field: str, values) -> tantivy.Query:
    """Documents with any of `values` in a raw field, adding nothing to the score."""
    terms = tantivy.Query.term_set_query(s, field, list(values))
    return tantivy.Query.const_score_query(terms, 0.0)


def any_field(s: tantivy.Schema, stems: list[str]) -> tantivy.Query:
    """A word (one stem) or phrase (several) in any text field, weighted by field."""
    parts = []
    for field, weight in TEXT_FIELDS.items():
        if len(stems) == 1:
            q = tantivy.Query.term_query(s, field, stems[0])
        else:
            q = tantivy.Query.phrase_query(s, field, stems)
        parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, weight)))
    return tantivy.Query.boolean_query(parts)


def text_query(s: tantivy.Schema, text: str) -> tantivy.Query | None:
    """All words and phrases of the user's text; all_query for no text; None if nothing to find."""
    if not text.strip():
        return tantivy.Query.all_query()
    parts = []
    for clause in clauses(text):
        if clause.phrase:
            stems = STEM.analyze(clause.text)
            if stems:
                parts.append(any_field(s, stems))
            continue
        for token in SURFACE.analyze(clause.text):
            if token not in STOP_WORDS:
                parts.extend(any_field(s, [stem]) for stem in STEM.analyze(token))
    return _must(*parts) if parts else None


def labelled(s: tantivy.Schema, labels: list[str]) -> tantivy.Query:
    """Documents carrying any of a person's few labels, adding nothing to the score (term
    queries intersect faster than a term set when some labels reach only a few documents)."""
    any_label = tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(s, "labels", label))
         for label in labels])
    return tantivy.Query.const_score_query(any_label, 0.0)


def visible(s: tantivy.Schema, q: tantivy.Query, labels: list[str],
            filters: dict[str, tuple[str, ...]] | None = None,
            exclude: str | None = None) -> tantivy.Query:
    """`q` limited to documents carrying one of `labels` (and not the label `exclude`) and
    matching every filter."""
    limits = [labelled(s, labels)]
    limits += [restrict(s, field, values) for field, values in (filters or {}).items()]
    query = _must(q, *limits)
    if exclude is None:
        return query
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Must, query),
        (tantivy.Occur.MustNot, tantivy.Query.term_query(s, "labels", exclude))])


def facet_aggregation() -> dict:
    """A terms aggregation per facet, big enough to return every value."""
    return {facet: {"terms": {"field": facet, "size": 10_000}} for facet in FACETS}


# --- Ranking by plan (search/plan.py) ------------------------------------------------------

def _stems(words) -> list[str]:
    return [stem for word in words for stem in STEM.analyze(word)]


def _any_field(s: tantivy.Schema, stems: list[str], boost: float = 1.0,
               slop: int = 0) -> tantivy.Query:
    """A word (one stem) or words in order (several, `slop` words apart at most) in any text
    field, weighted by field."""
    parts = []
    for field, weight in TEXT_FIELDS.items():
        if len(stems) == 1:
            q = tantivy.Query.term_query(s, field, stems[0])
        else:
            q = tantivy.Query.phrase_query(s, field, stems, slop)
        parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, weight * boost)))
    return tantivy.Query.boolean_query(parts)


def _unit(s: tantivy.Schema, unit) -> tantivy.Query | None:
    forms = [_any_field(s, stems) for stems in (_stems(form) for form in unit.forms) if stems]
    if not forms:
        return None
    return forms[0] if len(forms) == 1 else tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, q) for q in forms])


def ranked_query(s: tantivy.Schema, found: Plan) -> tantivy.Query | None:
    """A plan as one query: its phrases all match, `minimum` of its strong words match (each
    lifting a record a tier; when all must match there is one tier and no lift), weak words
    and adjacent pairs add to the score."""
    must = [_any_field(s, stems) for stems in (STEM.analyze(p) for p in found.phrases) if stems]
    strong = [q for q in (_unit(s, u) for u in found.strong) if q is not None]
    if not must and not strong:
        return None
    clauses = [(tantivy.Occur.Must, q) for q in must]
    if found.minimum >= len(strong):  # every word needed: one tier, intersected as before
        clauses += [(tantivy.Occur.Must, q) for q in strong]
    elif strong:
        tiers = [tantivy.Query.boolean_query([
            (tantivy.Occur.Should, q),
            (tantivy.Occur.Should, tantivy.Query.const_score_query(q, TIER))]) for q in strong]
        core = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in tiers],
                                           min(found.minimum, len(strong)))
        clauses.append((tantivy.Occur.Must, core))
    clauses += [(tantivy.Occur.Should, q) for q in (_unit(s, u) for u in found.weak)
                if q is not None]
    for a, b in found.pairs:
        stems = _stems([a.last]) + _stems([b.first])
        if len(stems) == 2:
            clauses.append((tantivy.Occur.Should, _any_field(s, stems, PAIR_BOOST, slop=1)))
    return tantivy.Query.boolean_query(clauses)
