"""What a reader will read, worked out from what an author typed, so that the identifier check
sees the page as readers see it.

A case study is shown through ``domain.text.render`` (light Markdown, then a sanitiser), so a
check of the raw text can be walked round: "Med&#119;ay", "H*o*o", "Med<span>way</span>", a
zero-width space inside a postcode or a Cyrillic "о" in a name all show the reader an ordinary
word. ``readable`` turns the source into the text a reader reads and remembers where each of
its characters came from; ``scan_as_read`` runs ``network.domain.anonymity.scan`` on that text and
reports each finding where the author typed it.

Decisions, in the order the source is read:
- character references (``&#119;``, ``&#x77;``, ``&nbsp;``, ``&amp;``) need their ";", as in
  Markdown: "&nbsp" without one stays on the page as typed; a decoded character is not read
  again as markup, so "&amp;#119;" reads "&#119;";
- HTML tags and comments are dropped and their text kept; p, br, li, div and the other block
  tags become a line break; the href of a raw <a> tag is kept, between spaces, because a
  reader can follow it;
- emphasis and code markers (``* _ ~ ```) are dropped wherever they stand, even where Markdown
  would show them ("H_o_o" reads "Hoo"); a run of them between a lower-case and a capital
  letter becomes a space ("Hoo_Academy" reads "Hoo Academy"); a list bullet leaves the space
  after it, so words are never glued across it;
- a backslash escape loses its backslash and the character it escapes is read like any other;
- a link ``[text](url)`` reads "text (url)": the reader sees the text and can follow the url;
- format characters (zero-width spaces and joiners, soft hyphens) and other invisible
  characters are dropped, every kind of space becomes " ", digits of any script become ASCII
  digits, each character is NFKC-normalised (fullwidth "１" reads "1"), and Cyrillic and Greek
  letters that look Latin become the Latin letter. Line breaks are kept.
Where unsure, reading joins letters rather than splits them: a missed identifier costs more
than a question to the author. Every step looks at each character a bounded number of times.

As a second look, ``scan_as_read`` also renders paragraphs that hold markup or non-ASCII
characters with ``domain.text.render`` and checks the text a browser would show; anything only
that finds is added, on the matching words of the readable text or else on its paragraph.
Markdown is slow on some texts, so this covers about the first 30,000 characters of such
paragraphs and leaves out any paragraph over 2,000 characters or with more than 20 "<" and "[".
"""

import html
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from html.entities import html5

from network.domain.anonymity import Finding
from network.domain.anonymity import scan as anonymity_scan
from network.domain.text import render


@dataclass(frozen=True)
class Readable:
    """The text a reader reads; ``origin[i]`` is where ``text[i]`` starts in the source and
    ``ends[i]`` where the source it came from ends (after "&#119;" for the "w" it makes)."""
    text: str
    origin: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source that ``text[start:end]`` was read from."""
        return source_span(self, start, end)


@dataclass(frozen=True)
class ReadFinding(Finding):
    """A finding in the source (``text == source[start:end]``, what the author typed) with
    ``plain``, the same words as a reader sees them, e.g. "Medway" for "Med&#119;ay"."""
    plain: str = ""


_PAIRS = """АA ВB ЕE ЁE ЅS ІI ЇI ЈJ КK МM НH ОO РP СC ТT УY ХX ҮY ҺH ӀI ԀD ԚQ ԜW
аa еe ёe ѕs іi їi јj кk оo рp сc уy хx үy һh ӏl ԁd ԛq ԝw
ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX ϹC ͿJ ΆA ΈE ΉH ΊI ΌO ΎY
αa εe ιi κk νv οo ρp υu χx ϲc ϳj γy άa έe ίi όo ύu
ıi ȷj ɑa ɡg ɩi օo սu հh ոn ʼ' ‘' ′' ´' ＇'"""
_LOOKALIKES = dict(pair for pair in _PAIRS.split())
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
                       + "".join(map(chr, range(0xFE00, 0xFE10)))
                       + "".join(map(chr, range(0xE0100, 0xE01F0))))


def _settle(char: str) -> str:
    """One character that is already NFKC-normal, as read: look-alikes, spaces, digits."""
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    category = unicodedata.category(char)
    if char in _INVISIBLE or (category in ("Cf", "Cc") and char not in "\t\n\r"):
        return ""
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return char


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    return "".join(map(_settle, unicodedata.normalize("NFKC", char)))


@lru_cache(maxsize=8192)
def _read_char(char: str) -> str:
    """One character as read: folded, and without markers ("＊" is NFKC "*")."""
    return _fold_char(char).translate(_NO_MARKERS)


_NO_MARKERS = str.maketrans("", "", "*_~`")
_FOLDABLE = re.compile(r"[^\t\n\r -~]")                # not plain printable ASCII


def fold(text: str) -> str:
    """``text`` with the character folding ``readable`` applies: invisible characters dropped,
    spaces and digits made plain, NFKC, look-alike letters made Latin; no Markdown or HTML."""
    return _FOLDABLE.sub(lambda m: _fold_char(m.group()), text)


_SPECIAL = re.compile(
    r"(?P<ref>&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]{0,31});)"
    r"|(?P<comment><!--)"
    r"|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>)"
    r"|\\(?P<escape>[!-/:-@\[-`{-~])"
    r"|(?P<marks>[*_~`]+)"
    r"|(?P<close>\](?=[(\[]))"
    r"|(?P<open>\[)"
    r"|(?P<other>[^\t\n\r -~]+)")
_BLOCK_TAGS = frozenset(("p", "br", "li", "ul", "ol", "div", "blockquote", "pre", "hr", "table",
                         "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd",
                         "section", "article", "header", "footer", "nav", "aside", "main"))
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def _decode(reference: str) -> str:
    """The characters a browser shows for one character reference ending in ";"."""
    if reference[1] != "#":
        return html5.get(reference[1:], reference)
    digits = reference[3:-1] if reference[2] in "xX" else reference[2:-1]
    digits = digits.lstrip("0") or "0"
    if len(digits) > 8:                             # far beyond Unicode: the browser shows �
        return "\ufffd"
    return html.unescape(f"&#{'x' if reference[2] in 'xX' else ''}{digits};")


def readable(source: str) -> Readable:
    """The text a reader will read when ``source`` is shown on a page, with, for each of its
    characters, where it came from in ``source`` (see the module's notes for every rule)."""
    pieces: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    opened: list[tuple[int, int]] = []              # "[" not yet closed: (piece, character)
    dropped: list[tuple[int, int]] = []             # "[" of a link, taken out at the end
    last = ""                                       # the last character put out
    no_close_after = len(source) + 1                # no "-->" after here

    def put(text: str, start: int, end: int) -> None:
        nonlocal last
        if text:
            pieces.append(text)
            origin.extend([start] * len(text))
            ends.extend([end] * len(text))
            last = text[-1]

    position = 0
    while True:
        m = _SPECIAL.search(source, position)
        stop = m.start() if m else len(source)
        if stop > position:                         # plain ASCII, as typed
            pieces.append(source[position:stop])
            origin.extend(range(position, stop))
            ends.extend(range(position + 1, stop + 1))
            last = source[stop - 1]
        if not m:
            break
        start, position = m.start(), m.end()
        kind = m.lastgroup
        if kind == "ref":
            put("".join(map(_read_char, _decode(m.group()))), start, position)
        elif kind == "comment":
            close = -1 if position >= no_close_after else source.find("-->", position)
            if close < 0:                           # not a comment: "<" as typed
                no_close_after = min(no_close_after, position)
                put("<", start, start + 1)
                position = start + 1
            else:
                position = close + 3
        elif kind == "tag":
            if m.group("name").lower() in _BLOCK_TAGS:
                put("\n", start, position)
            href = _HREF.search(m.group()) if m.group("name").lower() == "a" else None
            if href and m.group()[1] != "/":
                group = next(i for i in (1, 2, 3) if href.group(i) is not None)
                at, to = start + href.start(group), start + href.end(group)
                put(" ", start, at)
                pieces.append(source[at:to])        # the address, as typed
                origin.extend(range(at, to))
                ends.extend(range(at + 1, to + 1))
                put(" ", to, position)
        elif kind == "escape":
            if m.group("escape") == "\\":
                put("\\", start, position)
            else:
                position = start + 1                # read the escaped character as usual
        elif kind == "marks":
            after = source[position:position + 1]
            if last.islower() and after.isupper():
                put(" ", start, position)
        elif kind == "close":
            if opened:
                dropped.append(opened.pop())
                put(" ", start, position)
            else:
                put("]", start, position)
        elif kind == "open":
            opened.append((len(pieces), len(origin)))
            put("[", start, position)
        else:
            folded = [_read_char(char) for char in m.group()]
            if all(len(one) == 1 for one in folded):     # one for one: no need to go slowly
                same = "".join(folded)
                pieces.append(same)
                origin.extend(range(start, position))
                ends.extend(range(start + 1, position + 1))
                last = same[-1]
            else:
                for index, one in enumerate(folded, start):
                    put(one, index, index + 1)
    if dropped:
        gone = {at for _, at in dropped}
        for piece, _ in dropped:
            pieces[piece] = ""
        origin = [o for i, o in enumerate(origin) if i not in gone]
        ends = [e for i, e in enumerate(ends) if i not in gone]
    return Readable("".join(pieces), tuple(origin), tuple(ends))


def source_span(read: Readable, start: int, end: int) -> tuple[int, int]:
    """The span of the source that ``read.text[start:end]`` was read from: from the first
    source character behind it to the end of the last, with any markup typed in between
    ("Med&#119;ay", "H*o*o"). An empty span maps to an empty span."""
    if not 0 <= start <= end <= len(read.text):
        raise ValueError(f"span {start}:{end} is outside a text of {len(read.text)}")
    if start == end:
        at = read.origin[start] if start < len(read.origin) else (read.ends[-1] if read.ends
                                                                   else 0)
        return at, at
    return read.origin[start], read.ends[end - 1]


# --- The check, as readers read ------------------------------------------------------------

_MARKUP = re.compile(r"[&<*_`~\[\\]|[^\x00-\x7f]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>")
# The second look renders one paragraph at a time and stops once LOOK_LIMIT characters are
# used up (a short paragraph counts as SHORT): Markdown takes time quadratic in the links and
# tags of a paragraph, so one longer than PARAGRAPH_LIMIT, or with more "<" and "[" than
# BRACKET_LIMIT, is left out.
PARAGRAPH_LIMIT, BRACKET_LIMIT, LOOK_LIMIT, SHORT = 2_000, 20, 30_000, 200


def _shown(markup: str) -> str:
    """The text a browser shows for sanitised HTML: tags gone, references decoded."""
    def tag(m: re.Match) -> str:
        return "\n" if m.group(2).lower() in _BLOCK_TAGS else ""
    return html.unescape(_HTML_TAG.sub(tag, markup))


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _locate(text: str, wanted: str, share: float) -> tuple[int, int] | None:
    """Where ``wanted`` is in ``text``: the occurrence nearest ``share`` of the way along,
    exactly if it is there, else ignoring case, spaces and punctuation between letters."""
    target, best = share * len(text), None
    at = text.find(wanted)
    while at >= 0:
        if best is None or abs(at - target) < abs(best[0] - target):
            best = (at, at + len(wanted))
        if at > target:
            break
        at = text.find(wanted, at + 1)
    if best is None:
        letters = [re.escape(c) for c in wanted if c.isalnum()]
        if letters:
            loose = re.compile(r"[\W_]{0,8}".join(letters), re.IGNORECASE)
            found = [m.span() for m in loose.finditer(text)]
            best = min(found, key=lambda s: abs(s[0] - target), default=None)
    return best


def _paragraphs(source: str) -> Iterable[tuple[int, int]]:
    """The paragraphs of ``source`` (split at blank lines) as (start, end)."""
    start = 0
    for gap in _BLANK_LINE.finditer(source):
        yield start, gap.start()
        start = gap.end()
    yield start, len(source)


def _second_look(source: str, read: Readable, hits: list, names: list[str],
                 scan: Callable) -> list:
    """Findings in the page as ``domain.text.render`` shows it that the first pass missed,
    each placed where it is in the readable text, or else on its whole paragraph."""
    starts, stops = [h[2] for h in hits], [h[3] for h in hits]
    extra, budget = [], LOOK_LIMIT
    for first, last in _paragraphs(source):
        paragraph = source[first:last]
        if (last - first > PARAGRAPH_LIMIT or not _MARKUP.search(paragraph)
                or paragraph.count("<") + paragraph.count("[") > BRACKET_LIMIT):
            continue
        budget -= max(last - first, SHORT)
        if budget < 0:
            break
        page = fold(_shown(render(paragraph)))
        low, high = bisect_left(read.origin, first), bisect_left(read.origin, last)
        near = [_key(h[5]) for h in hits[bisect_left(stops, low + 1):bisect_left(starts, high)]]
        for seen in scan(page, names):
            wanted = _key(seen.text)
            if any(wanted in plain for plain in near):
                continue
            near.append(wanted)
            spot = _locate(read.text[low:high], seen.text, seen.start / len(page))
            if spot:
                a, b = low + spot[0], low + spot[1]
                extra.append((*source_span(read, a, b), a, b, seen.kind, read.text[a:b]))
            else:
                extra.append((first, last, low, high, seen.kind, seen.text))
    return extra


def scan_as_read(source: str, known: Iterable[str] = (),
                 scan: Callable[..., list[Finding]] | None = None) -> list[ReadFinding]:
    """Everything in ``source`` that could identify a school once it is shown to readers, in
    order and never overlapping, each placed on what the author typed.

    The check (``network.domain.anonymity.scan`` unless another ``scan`` is given) runs on the text
    readers read, so "Med&#119;ay", "H*o*o" or a Cyrillic "о" hide nothing; ``known`` names
    are read the same way, so a name typed with look-alike letters still matches. Each finding
    has ``text`` as typed (e.g. "Med&#119;ay") and ``plain`` as read ("Medway"). As a second
    look, each paragraph with markup or non-ASCII characters is rendered for the page and that
    text is checked too; what only it finds is added."""
    scan = scan or anonymity_scan
    if not source:
        return []
    names = [known] if isinstance(known, str) else list(known)
    names = list(dict.fromkeys(names + [readable(name).text for name in names]))
    read = readable(source)
    hits = [(*source_span(read, f.start, f.end), f.start, f.end, f.kind, f.text)
            for f in scan(read.text, names)]
    if _MARKUP.search(source):
        hits += _second_look(source, read, hits, names, scan)
    merged: list[list] = []
    for start, end, low, high, kind, plain in sorted(hits, key=lambda h: (h[0], -h[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if len(plain) > len(last[5]):
                last[4] = kind
            last[1], last[2], last[3] = max(last[1], end), min(last[2], low), max(last[3], high)
            last[5] = read.text[last[2]:last[3]]
        else:
            merged.append([start, end, low, high, kind, plain])
    return [ReadFinding(start, end, kind, source[start:end], plain)
            for start, end, _, _, kind, plain in merged]
