"""Turning matched text into HTML-safe snippets: escaped text with <mark> around matches."""

from __future__ import annotations

from html import escape

SNIPPET_CHARS = 220
ELLIPSIS = " … "


def marked(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape `text` and wrap each (start, end) character span in <mark>."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape(text[pos:start], quote=False))
        out.append(f"<mark>{escape(text[start:end], quote=False)}</mark>")
        pos = end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def byte_spans_to_chars(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Convert UTF-8 byte offsets (as tantivy reports them) to character offsets."""
    data = text.encode("utf-8")
    return [(len(data[:s].decode("utf-8", "ignore")), len(data[:e].decode("utf-8", "ignore")))
            for s, e in spans]


def opening(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The escaped start of `text`, cut at a word boundary, for hits with nothing to highlight."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + ELLIPSIS.rstrip()
    return escape(text, quote=False)
