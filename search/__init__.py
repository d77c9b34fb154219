"""Full-text search over case studies, lesson studies and schools.

One interface, two engines: Whoosh (pure Python, the default) and tantivy (a
Rust library, for large networks). The package knows nothing of Flask or the
database: callers hand it `Document`s carrying permission labels and ask it
`Query`s carrying the labels the user may see. Labels are applied as a filter,
never as query text, so nothing a user types can widen what they see.

    engine = open_engine("whoosh", "instance/search-index")
    engine.upsert([Document(...)])
    results = engine.search(Query("tracking progress", labels=["network", "cluster-7"]))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

ENGINES = ("whoosh", "tantivy")
KINDS = ("case_study", "lesson_study", "school")
# Text fields and how much a match in each counts, strongest first.
TEXT_FIELDS: dict[str, float] = {
    "title": 5.0,
    "barriers_text": 3.0,
    "actions_text": 2.0,
    "impact_text": 1.5,
    "context_text": 1.2,
    "body_text": 1.0,
}
# Text fields snippets are cut from, in reading order.
SNIPPET_FIELDS = [f for f in TEXT_FIELDS if f != "title"]
FEW_RESULTS = 3  # fewer results than this and "did you mean" is offered
# Facet name -> Document attribute. Every facet can also be used as a filter.
FACETS: dict[str, str] = {
    "kind": "kind",
    "group": "group",
    "barrier": "barriers",
    "element": "elements",
    "phase": "phase",
    "region": "region",
}
MAX_QUERY_CHARS = 500
MAX_PAGE = 1000
MAX_PER_PAGE = 50

Filter = str | list[str] | tuple[str, ...] | None


class QueryError(ValueError):
    """The query cannot be run as typed; the message says what to fix."""


class IndexBusy(RuntimeError):
    """Another process held the index's write lock for longer than the timeout."""


@dataclass
class Document:
    """One searchable record: text to match, values to filter on, labels saying who may see it."""

    id: str
    kind: str
    title: str
    barriers_text: str = ""
    actions_text: str = ""
    impact_text: str = ""
    context_text: str = ""
    body_text: str = ""
    labels: list[str] = field(default_factory=list)
    group: str = ""
    barriers: list[str] | tuple[str, ...] = ()
    elements: list[str] | tuple[str, ...] = ()
    phase: str = ""
    region: str = ""
    published: datetime | None = None
    record_id: int = 0

    def facet_values(self, facet: str) -> list[str]:
        """The values this document contributes to a facet (none for an empty string)."""
        value = getattr(self, FACETS[facet])
        values = [value] if isinstance(value, str) else list(value)
        return [v for v in values if v]

    def preview_text(self) -> str:
        """The text snippets are cut from: every text field except the title."""
        parts = (self.barriers_text, self.actions_text, self.impact_text,
                 self.context_text, self.body_text)
        return "\n".join(p for p in parts if p)


@dataclass
class Query:
    """What a user asked for: words (with "quoted phrases"), the labels they may see, filters.

    Filters take one value or a list (any of them matches). `facets` and
    `snippets` may be switched off when a caller does not show them. `match="all"` asks
    for records holding every word (saved-search alerts, the relevance benchmark's baseline).
    """

    text: str
    labels: list[str]
    kind: Filter = None
    group: Filter = None
    barrier: Filter = None
    element: Filter = None
    phase: Filter = None
    region: Filter = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    facets: bool = True
    snippets: bool = True
    match: str = "most"  # "most" words, ranked (search/plan.py); "all" words, as before

    def filters(self) -> dict[str, tuple[str, ...]]:
        """The facet filters in use, each as a tuple of accepted values."""
        out = {}
        for name in FACETS:
            value = getattr(self, name)
            values = (value,) if isinstance(value, str) else tuple(value or ())
            if values:
                out[name] = values
        return out


@dataclass
class Hit:
    """One result. `title` is plain text; `snippet` is HTML-safe (escaped, with <mark>s)."""

    id: str
    kind: str
    record_id: int
    title: str
    snippet: str
    score: float


@dataclass
class Results:
    """A page of hits, the total, facet counts over all matches, and a spelling suggestion."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None


class Engine(Protocol):
    """What both engines offer."""

    def upsert(self, docs: Iterable[Document]) -> None: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    def search(self, q: Query) -> Results: ...
    def more_like_this(self, doc_id: str, labels: list[str], limit: int = 5) -> list[Hit]: ...
    def ids(self) -> set[str]: ...
    def count(self) -> int: ...
    def rebuild(self, docs: Iterable[Document],
                progress: Callable[[int], None] | None = None) -> None: ...
    def close(self) -> None: ...


def open_engine(name: str, path: str | Path) -> Engine:
    """Open (creating if needed) the index at `path` with the named engine."""
    if name == "whoosh":
        from search.whoosh_engine import WhooshEngine

        return WhooshEngine(path)
    if name == "tantivy":
        from search.tantivy_engine import TantivyEngine

        return TantivyEngine(path)
    raise ValueError(f"unknown search engine {name!r}; choose one of {', '.join(ENGINES)}")
