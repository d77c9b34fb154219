"""What both engines share: checking queries, noticing swapped indexes, rebuilding."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from search import Document, Hit, Query, Results
from search.layout import IndexDir
from search.query import empty_facets, forgiving, validate

WRITE_TIMEOUT = 10.0  # seconds to wait for another writer before raising IndexBusy
PROGRESS_EVERY = 1000


class BaseEngine:
    """Opens the live generation, serialises access, and swaps in rebuilt indexes."""

    name = ""

    def __init__(self, path: str | Path):
        self._layout = IndexDir(path, self.name)
        self._lock = threading.RLock()
        self._open(self._layout.live(self._create))

    # Subclasses provide these.
    def _create(self, directory: Path) -> None:
        raise NotImplementedError

    def _open(self, directory: Path) -> None:
        raise NotImplementedError

    def _close_handles(self) -> None:
        raise NotImplementedError

    def _build(self, directory: Path, docs: Iterator[Document],
               progress: Callable[[int], None] | None) -> None:
        raise NotImplementedError

    def _search(self, q: Query) -> Results:
        raise NotImplementedError

    def _more_like_this(self, doc_id: str, labels: list[str], limit: int) -> list[Hit]:
        raise NotImplementedError

    def _upsert(self, docs: dict[str, Document], remove: set[str]) -> None:
        raise NotImplementedError

    def _ids(self) -> set[str]:
        raise NotImplementedError

    def _count(self) -> int:
        raise NotImplementedError

    # The public interface.
    def upsert(self, docs: Iterable[Document], remove: Iterable[str] = ()) -> None:
        """Add documents, replacing any with the same id, and remove the documents with the
        ids in `remove` (unknown ids are ignored), all in one commit."""
        batch, gone = {doc.id: doc for doc in docs}, set(remove)
        if batch or gone:
            with self._lock:
                self._follow_swaps()
                self._upsert(batch, gone)

    def delete(self, ids: Iterable[str]) -> None:
        """Remove the documents with these ids (unknown ids are ignored)."""
        self.upsert((), remove=ids)

    def ids(self) -> set[str]:
        """Every document id in the index, to check it against the database."""
        with self._lock:
            self._follow_swaps()
            return self._ids()

    def count(self) -> int:
        """How many documents the index holds."""
        with self._lock:
            self._follow_swaps()
            return self._count()

    def search(self, q: Query) -> Results:
        """Run a query for a user who may see documents carrying any of `q.labels`."""
        validate(q)
        q = replace(q, text=forgiving(q.text))
        if not q.labels:  # deny by default: no labels, nothing visible
            return Results(0, [], empty_facets(), None)
        with self._lock:
            self._follow_swaps()
            found = self._search(q)
        if q.sort == "date":  # newest first ranks nothing: no engine's sort key leaks out
            found = replace(found, hits=[replace(h, score=0.0) for h in found.hits])
        return found

    def more_like_this(self, doc_id: str, labels: list[str], limit: int = 5) -> list[Hit]:
        """Documents similar to `doc_id`, if that document is visible with `labels`."""
        if not labels or limit < 1:
            return []
        with self._lock:
            self._follow_swaps()
            return self._more_like_this(doc_id, list(labels), min(limit, 50))

    def rebuild(self, docs: Iterable[Document],
                progress: Callable[[int], None] | None = None) -> None:
        """Index `docs` into a new directory, swap it in atomically, and remove the old one.

        Searches keep using the old index until the swap. Changes written to
        the old index while the rebuild runs are not carried over: run the
        rebuild from the same source of truth, then replay later changes.
        """
        new = self._layout.new_generation()
        try:
            self._build(new, iter(docs), progress)
        except BaseException:
            self._layout.remove(new)
            raise
        with self._lock:
            old = self._layout.swap(new)
            self._close_handles()
            self._open(new)
        self._layout.remove(old)

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._close_handles()

    def _follow_swaps(self) -> None:
        # Another process (or engine object) may have rebuilt the index.
        if self._layout.changed():
            self._close_handles()
            self._open(self._layout.live(self._create))


def counted(docs: Iterator[Document], progress: Callable[[int], None] | None) -> Iterator[Document]:
    """Yield the documents, calling progress(n) every PROGRESS_EVERY documents and at the end."""
    n = 0
    for n, doc in enumerate(docs, 1):
        yield doc
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
    if progress and n % PROGRESS_EVERY:
        progress(n)
