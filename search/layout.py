"""Where an index lives on disk, and swapping in a rebuilt one atomically.

`path` is a directory holding a pointer file `CURRENT` and one generation
directory per build (`whoosh-<stamp>` or `tantivy-<stamp>`). `CURRENT` names
the live generation; a rebuild writes a new generation beside it and replaces
`CURRENT` with `os.replace`, so every reader sees either the old index or the
new one, never a half-built one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

POINTER = "CURRENT"


class IndexDir:
    """The generations of one engine's index under `path`."""

    def __init__(self, path: str | Path, engine: str):
        self.root = Path(path)
        self.engine = engine
        self.root.mkdir(parents=True, exist_ok=True)
        self._stamp: tuple[int, int] | None = None

    def live(self, create: Callable[[Path], None]) -> Path:
        """The live generation directory; if there is none, one made by `create` (empty)."""
        pointer = self.root / POINTER
        try:
            name = pointer.read_text().strip()
        except FileNotFoundError:
            fresh = self.new_generation()
            create(fresh)  # before it is published, so no reader sees a half-made index
            if self._point_at(fresh, only_if_absent=True):
                return fresh
            self.remove(fresh)  # another process created the index first
            return self.live(create)
        if not name.startswith(self.engine + "-"):
            raise ValueError(
                f"The index at {self.root} was built by another engine ({name}); "
                f"point this engine at another directory or remove that one."
            )
        self._stamp = self._pointer_stamp()
        return self.root / name

    def changed(self) -> bool:
        """True if another process (or a rebuild) has swapped in a new generation since live()."""
        return self._pointer_stamp() != self._stamp

    def new_generation(self) -> Path:
        """Create and return an empty directory for a new build, beside the live one."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = self.root / f"{self.engine}-{stamp}-{secrets.token_hex(4)}"
        path.mkdir()
        return path

    def swap(self, new: Path) -> Path | None:
        """Make `new` the live generation atomically; return the previous one (not yet removed)."""
        try:
            old: Path | None = self.root / (self.root / POINTER).read_text().strip()
        except FileNotFoundError:
            old = None
        self._point_at(new)
        return old

    def remove(self, generation: Path | None) -> None:
        """Delete a generation that is no longer live."""
        if generation is not None and generation.parent == self.root:
            shutil.rmtree(generation, ignore_errors=True)

    def _point_at(self, generation: Path, only_if_absent: bool = False) -> bool:
        tmp = self.root / f"{POINTER}.{secrets.token_hex(4)}.tmp"
        tmp.write_text(generation.name + "\n")
        try:
            if only_if_absent:
                os.link(tmp, self.root / POINTER)  # fails if the pointer exists
            else:
                os.replace(tmp, self.root / POINTER)
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)
        self._stamp = self._pointer_stamp()
        return True

    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns
