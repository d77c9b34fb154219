"""Readable snippets: plain text cut from the stored fields, matches in <mark>, HTML-escaped.

Both engines build snippets here from the same stored text, so they read alike:
markdown markers, list dashes and numbers and table pipes are removed, each
sentence appears once, the sentences that match most of the query are shown,
and the field they came from is named ("In what was done: ...").
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from whoosh.lang.porter import stem as porter_stem

SNIPPET_CHARS = 220
ELLIPSIS = " … "
MAX_SENTENCES = 2
# What people call each text field when a snippet names where it came from.
FIELD_NAMES = {
    "barriers_text": "what held the school back",
    "actions_text": "what was done",
    "impact_text": "the impact",
    "context_text": "the context",
    "body_text": "",  # the write-up as a whole: no label needed
}
_WORD = re.compile(r"\w+", re.UNICODE)
_LINE_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d{1,3}[.)]\s+|[a-z][.)]\s+)+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|`+)(?=\S)(.+?)(?<=\S)\1")
_STRAY = re.compile(r"(?<!\w)[*_`~]+|[*_`~]+(?!\w)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
# Stemming each word of ten hits' text cost ~30 ms a page; a word's stem never changes.
stem = lru_cache(maxsize=100_000)(porter_stem)


def plain(text: str) -> str:
    """Markdown as the plain text a reader sees: one line per paragraph, item or table row."""
    lines = []
    for line in (text or "").splitlines():
        if _TABLE_RULE.match(line) or _HR.match(line):
            continue
        if line.count("|") >= 2 or line.strip().startswith("|"):
            line = "; ".join(c.strip() for c in line.strip().strip("|").split("|") if c.strip())
        line = _LINE_MARKERS.sub("", line)
        line = _LINK.sub(r"\1", line)
        for _ in range(2):  # nested emphasis: ***a*** or **_a_**
            line = _EMPHASIS.sub(r"\2", line)
        line = _STRAY.sub("", line)
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def sentences(text: str) -> list[str]:
    """The sentences of plain text: each line, split after full stops."""
    return [s.strip() for line in plain(text).splitlines()
            for s in _SENTENCE_END.split(line) if s.strip()]


def terms(text: str, stop_words: frozenset[str] = frozenset()) -> set[str]:
    """The stems of the words a query looks for (phrases contribute their words)."""
    return {stem(w.lower()) for w in _WORD.findall(text or "") if w.lower() not in stop_words}


def _spans(sentence: str, wanted: set[str]) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(sentence) if stem(m.group().lower()) in wanted]


def build(fields: list[tuple[str, str]], query_terms: set[str],
          limit: int = SNIPPET_CHARS, kind: str = "") -> str:
    """An HTML-safe snippet from (field name, stored text) pairs: the best matching sentences,
    each once, matched words in <mark>, the field named (for case and lesson studies); the
    opening words if nothing matches."""
    seen: set[str] = set()
    found = []  # (distinct terms matched, order, field, sentence, spans)
    order = 0
    for name, text in fields:
        for sentence in sentences(text):
            key = " ".join(_WORD.findall(sentence.lower()))
            if not key or any(key in earlier for earlier in seen) or any(
                    earlier in key for earlier in seen if len(earlier) > 12):
                continue  # the same words again ("Can offer X" after "X", or the reverse)
            seen.add(key)
            spans = _spans(sentence, query_terms) if query_terms else []
            matched = {stem(sentence[s:e].lower()) for s, e in spans}
            found.append((len(matched), order, name, sentence, spans))
            order += 1
    if not found:
        return ""
    # most terms first; a heading or a one-word item only when no sentence matches as well
    ranked = sorted(found, key=lambda f: (-f[0], len(f[3].split()) < 4, f[1]))
    best = [f for f in ranked if f[0]][:MAX_SENTENCES]
    if not best:  # nothing to mark: the first sentences, each ended
        return opening(" ".join(_full_stop(f[3]) for f in found[:6]), limit)
    best.sort(key=lambda f: f[1])  # in reading order
    parts, used, named = [], 0, None
    for _, _, field, sentence, spans in best:
        label = "" if kind == "school" else FIELD_NAMES.get(field, "")
        intro = f"In {label}: " if label and label != named else ""
        if parts and used + len(intro) + len(sentence) > limit:
            break
        text, spans = _window(sentence, spans, max(limit - used - len(intro), 80))
        parts.append(escape(intro, quote=False) + marked(text, spans))
        used += len(intro) + len(text)
        named = label or named
    return ELLIPSIS.join(parts)


def _window(sentence: str, spans: list[tuple[int, int]], room: int):
    """At most `room` characters of a sentence around its first match, cut at spaces."""
    if len(sentence) <= room:
        return sentence, spans
    start = max(0, spans[0][0] - room // 3) if spans else 0
    if start:
        start = sentence.find(" ", start) + 1 or start
    end = min(len(sentence), start + room)
    if end < len(sentence):
        end = sentence.rfind(" ", start, end) if sentence.rfind(" ", start, end) > start else end
    text = ("… " if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")
    shift = 2 if start else 0
    return text, [(s - start + shift, e - start + shift) for s, e in spans
                  if s >= start and e <= end]


def _full_stop(line: str) -> str:
    return line if line[-1] in ".!?:;…" else line + "."


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


def opening(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The escaped plain start of `text`, cut at a word boundary, for hits with nothing marked."""
    text = " ".join(plain(text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + ELLIPSIS.rstrip()
    return escape(text, quote=False)
