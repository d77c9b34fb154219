"""Checking a user's query and splitting its text into words and "quoted phrases".

The only syntax a user has is double quotes around a phrase. Everything else
(`field:value`, `*`, `AND`, brackets, `+`/`-`) is plain text, so a query can
never name a field or match everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from search import FACETS, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, Query, QueryError

# Whoosh's English stop list; the tantivy engine drops the same words outside
# phrases so that both engines treat "progress of pupils" alike.
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in",
    "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we",
    "when", "will", "with", "yet", "you", "your",
))


@dataclass(frozen=True)
class Clause:
    """A word, or a phrase whose words must appear together and in order."""

    text: str
    phrase: bool


def validate(q: Query) -> None:
    """Raise QueryError if the query is malformed or asks for too much."""
    if not isinstance(q.text, str):
        raise QueryError("The search text must be a string.")
    if len(q.text) > MAX_QUERY_CHARS:
        raise QueryError(f"Search for at most {MAX_QUERY_CHARS} characters.")
    for name, value, low, high in (("page", q.page, 1, MAX_PAGE),
                                   ("per_page", q.per_page, 1, MAX_PER_PAGE)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise QueryError(f"{name} must be a whole number from {low} to {high}.")
    if q.sort not in ("relevance", "date"):
        raise QueryError("Sort by 'relevance' or 'date'.")
    if q.match not in ("most", "all"):
        raise QueryError("Match 'most' or 'all' of the words.")
    if isinstance(q.labels, str):
        raise QueryError("labels must be a list of labels, not one string.")
    for name in FACETS:
        value = getattr(q, name)
        if value is not None and not isinstance(value, str | list | tuple):
            raise QueryError(f"The {name} filter must be a value or a list of values.")


def forgiving(text: str) -> str:
    """The text as the engines read it: a quotation mark left open is read as a space, so
    `"unclosed` searches the word (closed "phrases" before it still count as phrases).
    Brackets and operators are plain text already, open or closed."""
    if text.count('"') % 2:
        at = text.rfind('"')
        text = text[:at] + " " + text[at + 1:]
    return text


def clauses(text: str) -> list[Clause]:
    """Split text into phrases (between double quotes) and whitespace-separated words."""
    out: list[Clause] = []
    for i, part in enumerate(forgiving(text).split('"')):
        if i % 2:
            if part.strip():
                out.append(Clause(part.strip(), phrase=True))
        else:
            out.extend(Clause(word, phrase=False) for word in part.split())
    return out


def page_bounds(q: Query) -> tuple[int, int]:
    """The offset of the first hit on the page and how many hits to collect in all."""
    offset = (q.page - 1) * q.per_page
    return offset, offset + q.per_page


def sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    """Facet counts without zeros, largest first, then by value."""
    items = sorted(((v, n) for v, n in counts.items() if n > 0), key=lambda vn: (-vn[1], vn[0]))
    return dict(items)


def empty_facets() -> dict[str, dict[str, int]]:
    """A facet dict with every facet present and no counts."""
    return {name: {} for name in FACETS}


def utc(moment: datetime) -> datetime:
    """A naive UTC datetime (aware ones are converted), as both engines store dates."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
