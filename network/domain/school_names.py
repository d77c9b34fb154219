"""Finding the names of schools in free text by their shape, without being told any names.

A name is found from a head word (School, Academy, College, Federation, Primary, Infants,
Juniors, Nursery, Pre-School, Comprehensive, Secondary, Campus, UTC, Collegiate, Sixth Form)
in three steps, each over a bounded number of words either side, so the work stays linear:
- back from the head over capitalised words, numbers ("3-16") and the small words names use
  inside them ("Church of England", "Our Lady of the Rosary", "Christ the King", "Sutton in
  Craven", "St John with St Augustine", "Brighton & Hove", "de Stafford"), and over a place
  written before a comma ("Harrogate, Grove Road Primary School");
- forward over what registers put after the head: a designation in brackets ("(Aided)"), more
  of the name ("School and Nursery", "School & Sixth Form College", "School for Girls", "School,
  A Voluntary Academy"), a place ("Harris Academy Wimbledon", "Primary School, Penzance",
  "School - Split Site");
- then the words that open a clause ("Staff", "with", "All" unless a capital follows) are
  trimmed and the name is kept only if a word in it is distinctive: not a function word, a
  school type, a designation or a word of the domain (``GENERIC``). "Our Primary School", "the
  Teaching School" and "A Good School" are not names; generic words that name places still make
  one in "The Village School" or "New City Primary School" (``PLACE_LIKE``).
About 120 of the register's 21,000 names have no head word at all ("Springside", "Beacon High",
"The Grove"); those are matched as written, from the bundled register.
"""

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGISTER = Path(__file__).parent.parent / "data" / "schools-register-england.csv.gz"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Words that begin a sentence or a clause, never a school's name: trimmed from the front.
LEADING = _words("""in at on for from to by with and but as when while after before during since
both like unlike although because if once then today last next this that these those each every
their its his her my your we they it he she all some many most other another several such how
what why where who which leaders teachers staff pupils governors headteacher head deputy partner
partners colleagues parents visiting visited visit meanwhile however also later across within
between director executive assistant chair vice principal coordinator manager officer leader
member trustee trustees governor clerk""")
# Words that do not make a name distinctive: function words, the domain's own words, school
# types and religious designations, local-government words, common words of headings.
GENERIC = LEADING | _words("""the a an of our st saint teaching summer sunday forest whole
national local lead leading hub host key stage year years reception primary secondary junior
juniors infant infants nursery high grammar middle first upper lower special free studio
community church catholic va vc roman methodist c e ce rc cofe england aided controlled voluntary
foundation academy academies college school schools trust federation multi sponsored converter
new outstanding good maintained alliance partnership institute centre village rural urban city
town small large sister feeder neighbouring same specialist sixth form further higher education
leadership improvement research ofsted support network cluster pupil behaviour mathematics maths
english science reading writing phonics music art sport sports pe training initial teacher early
autumn spring term holiday breakfast homework booster chartered royal council borough county
district metropolitan authority class group set mr mrs ms miss dr sir dame prof coastal inner
typical successful great better best more out no one two three life day week time difference
make makes made learning learn lessons lesson learned working together journey story beyond
towards children utc collegiate unit sanctuary january february march april may june july august
september october november december monday tuesday wednesday thursday friday saturday""")
# Words that make a long run of capitalised words before "School" a school's name.
DESIGNATIONS = _words("""primary junior infant infants nursery secondary high grammar middle first
upper lower prep preparatory special community free studio girls boys church catholic foundation
comprehensive rc r.c. ce c.e. e methodist cofe england aided controlled voluntary endowed combined
va vc""")
HEADS = _words("""school academy college federation primary infants juniors nursery utc
collegiate campus pre-school preschool comprehensive secondary""")
# Generic words that name places: two of them, or one after a capitalised "The", make a name
# ("New City Primary School", "The Village School"); "Forest School" alone is a programme.
PLACE_LIKE = _words("forest village town city new royal district centre county college")
# Head words that may also end a longer name after the first head ("School and Nursery").
_TAIL_HEADS = HEADS | _words("""form centre campus unit base provision class classes nurseries
pre-school preschool playgroup service trust infant junior aided controlled foundation va vc""")
# What may follow "and" after a head even when distinctive ("and Language College"); another
# school or academy after "and" is a second name.
_AFTER_AND = _TAIL_HEADS - _words("school academy primary federation trust")
_ENDS_NAME = _words("school academy college federation utc")  # a name never runs past these
_TITLES = _words("mr mrs ms miss mx dr prof professor sir dame revd rev reverend fr cllr")
# The word after "the" inside a name: "Christ the King", "St John the Baptist".
_DEDICATIONS = _words("""king baptist evangelist divine virgin saviour redeemer martyr apostle
good holy worker confessor great ascension annunciation lord""")
_PLACE_LINKS = _words("of upon on under le de en la cum y sur à by")
_LINKS = _PLACE_LINKS | _words("the and & with in at for")
_DASHES = ("-", "–", "—", ":")
_BEFORE_THE = _words("of on upon under in")
_STOPS = _words("our my your their his her its we they how why what when where who which this")
_PARTICLES = _words("de le la van von du")                 # may start a name: "de Stafford"
_JOINING = _words("of the and & upon on under le de la en à in with")  # inside a phrase
_ABBREVIATION = re.compile(r"(?:[A-Z]\.){1,6}|(?:St|Mt|Ste|Sts|Ss|SS|Revd|Rev|Fr)\.")
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th)")
_NUMBER = re.compile(r"\d{1,4}(?:[-–]\d{1,2})?")
_UP = "A-ZÀ-ÖØ-Þ"
_INNER = rf"(?:[{_UP}][^\s()]{{0,30}}|of|the|and|&)"
# A bracketed designation or place in a name, "(VA)", "(The Cathedral)": one token.
_GROUP = (rf"\((?!(?:[^()\n]{{0,60}}[ (])?(?:School|Academy|College|Primary)\b)"
          rf"{_INNER}(?:[ \t]+{_INNER}){{0,7}}\)")
_TOKEN = re.compile(rf"{_GROUP}|\S+")
_HEAD_HINT = re.compile(r"(?i:school|academy|college|federation|primary|infants|juniors|nursery|"
                        r"utc|collegiate|campus|form|comprehensive|secondary)")
_MAX_BACK, _MAX_TAIL = 14, 4


def word(token: str) -> str:
    """A token as compared with the word lists: lower case, without a possessive or full stop."""
    token = token.lower().strip('()[]".,;:“”')
    return (token[:-2] if token.endswith(("'s", "’s")) else token).rstrip("'’")


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    name_start: int    # where the word itself starts and ends: without an opening bracket
    name_end: int      # or quote, closing punctuation or a possessive 's
    word: str
    cap: bool          # starts with a capital (or is a bracketed designation)
    opens: bool        # starts a quotation or bracket: nothing before it joins the name
    closes: str        # punctuation that ends it: "," ";" "." ")" ... or ""
    possessive: bool
    group: bool        # a bracketed designation such as "(VA)"


_OPENING, _CLOSING = "(\"“‘'[", ")\"”’'],;:!?."


def _token(m: re.Match) -> _Tok:
    raw, start = m.group(), m.start()
    if raw.startswith("(") and raw.endswith(")") and len(raw) > 2 and raw[1].isupper():
        return _Tok(start, m.end(), start, m.end(), word(raw), True, False, "", False, True)
    core = raw.lstrip(_OPENING)
    name_start = start + len(raw) - len(core)
    stripped = core if _ABBREVIATION.fullmatch(core) else core.rstrip(_CLOSING)
    if stripped.endswith("s") and core[len(stripped):len(stripped) + 1] in ("’", "'"):
        stripped = core[:len(stripped) + 1]                    # "Infants’ School"
    if stripped.count("(") > stripped.count(")") and core[len(stripped):].startswith(")"):
        stripped = core[:len(stripped) + 1]                    # "CofE(VC)"
    rest = core[len(stripped):]
    closes = "" if not rest else rest[0] if rest[0] in ",;:!?." else ")"
    possessive = stripped.endswith(("'s", "’s"))
    first = next((c for c in stripped if c.isalnum()), "")
    cap = first.isupper() or bool(_ORDINAL.fullmatch(stripped))     # "6th Form"
    cap = cap or bool(_NUMBER.fullmatch(stripped))                 # "Hinde House 3-16 School"
    return _Tok(start, m.end(), name_start, name_start + len(stripped) - 2 * possessive,
                word(stripped), cap, core != raw, closes, possessive, False)


def _joined(text: str, left: _Tok, right: _Tok) -> bool:
    """Whether two neighbouring tokens stand on one line with only spaces between them."""
    return right.start - left.end <= 3 and "\n" not in text[left.end:right.start]


def _distinct(toks: list[_Tok], first: int, last: int) -> bool:
    """Whether a capitalised word in toks[first..last] is distinctive (not generic)."""
    return any(t.cap and t.word not in GENERIC and t.word[:1].isalpha()
               for t in toks[first:last + 1])


def _link_ok(link: str, toks: list[_Tok], i: int) -> bool:
    """Whether the small word toks[i] joins the words either side of it inside one name."""
    if i == 0:
        return False
    left, right = toks[i - 1], toks[i + 1]
    if left.closes or not left.cap and not (link == "the" and left.word in _BEFORE_THE):
        return False
    plain_left = left.word not in GENERIC
    plain_right = right.cap and right.word not in GENERIC
    if link == "the":
        return left.word in _BEFORE_THE or right.word in _DEDICATIONS or (
            plain_left and plain_right)                      # Otley the Whartons
    if not (right.cap or right.word == "the"):
        return False
    if link in ("and", "&"):
        return left.word not in _ENDS_NAME
    if link == "in":
        return plain_left and (plain_right or right.word == "the")   # Sutton in Craven
    if link == "with":
        return plain_right or right.word in ("st", "st.", "saint", "holy")
    if link == "at":
        return i > 1 and toks[i - 2].word in ("st", "st.", "saint")  # St Michael at Bowes
    if link == "for":
        return right.cap and left.word not in LEADING               # Centre for Learning
    return link in _PLACE_LINKS


def _back(text: str, toks: list[_Tok], h: int) -> int:
    """The index of the first token of the name that ends at head token ``h``."""
    first, i = h, h - 1
    while i >= 0 and h - i <= _MAX_BACK and _joined(text, toks[i], toks[i + 1]):
        tok = toks[i]
        if tok.closes or text[tok.start:tok.end] in _DASHES:
            if first == i + 1 and first < h and (tok.closes == "," or not tok.closes):
                return _place_before(text, toks, i - (not tok.closes), first)
            break
        if tok.word in ("a", "an") and first == i + 1 and i > 0 and (
                toks[i - 1].closes == "," or text[toks[i - 1].start:toks[i - 1].end] in _DASHES):
            return _place_before(text, toks, i - 1 - (not toks[i - 1].closes), i + 1)
        if tok.cap and tok.word in _STOPS and toks[i + 1].word not in ("lady", "lady's"):
            break                                            # "Transformed Our Primary School"
        if tok.cap and (tok.word not in _ENDS_NAME or toks[i + 1].cap and
                        toks[i + 1].word not in HEADS):
            first = i
            if tok.opens:
                break
        elif tok.word in _LINKS and _link_ok(tok.word, toks, i):
            pass
        elif tok.word in _PARTICLES and first == i + 1:
            return i                                         # de Stafford School
        else:
            break
        i -= 1
    while first < h and (not toks[first].cap or toks[first].word in LEADING
                         or toks[first].word[:1].isdigit()) and not (
            toks[first].word == "all" and toks[first + 1].cap and first + 1 < h):
        first += 1
    return first


def _place_before(text: str, toks: list[_Tok], comma: int, first: int) -> int:
    """The start of a place (or two) written before a name and a comma ("Harrogate, Grove
    Road Primary School", "Holy Trinity, Guildford, CofE Junior School"), or ``first`` when
    what stands before the comma is not a place."""
    found = first
    for _ in range(3):
        start = _phrase(text, toks, comma, 9, backwards=True)
        if start > comma:
            break
        if _distinct(toks, start, comma):
            found = start
        comma = start - 1
        if comma < 0 or toks[comma].closes != "," or not _joined(text, toks[comma], toks[start]):
            break
    return found


def _phrase(text: str, toks: list[_Tok], i: int, most: int, backwards: bool = False) -> int:
    """The far end of a run of up to ``most`` capitalised words (and the small words that join
    them) from toks[i], forwards or backwards, ending on a capitalised word; ``i - 1`` (or
    ``i + 1`` backwards) if there is none. A title (Mrs) or a word that opens a clause (Staff)
    ends the run, and so does punctuation."""
    step = -1 if backwards else 1
    end, k = i - step, i
    while 0 <= k < len(toks) and abs(k - i) < most:
        tok = toks[k]
        if k != i and not (_joined(text, toks[k], toks[k + 1]) if backwards
                           else _joined(text, toks[k - 1], toks[k])):
            break
        if backwards and tok.closes and k != i:
            break
        if tok.cap and tok.word not in _TITLES and tok.word not in LEADING and (
                backwards or not tok.word[:1].isdigit()):
            end = k
        elif tok.word not in _JOINING or k == i:
            break
        if tok.opens and backwards or tok.closes and not backwards:
            break
        k += step
    return end


def _last_head(toks: list[_Tok], start: int, end: int, heads: frozenset[str]) -> int:
    """The last index in toks[start..end] whose word is one of ``heads`` (start - 1 if none)."""
    while end >= start and toks[end].word not in heads:
        end -= 1
    return end


def _first_head(toks: list[_Tok], start: int, end: int, heads: frozenset[str]) -> int:
    """The first index in toks[start..end] whose word is one of ``heads`` (start - 1 if none)."""
    return next((k for k in range(start, end + 1) if toks[k].word in heads), start - 1)


def _tail(text: str, toks: list[_Tok], h: int) -> tuple[int, str]:
    """The index of the last token of the name whose head is token ``h``, and how what
    follows the head may name a school by itself: "of" (of St Nicholas), "at" (at Shotton Hall),
    "name" (College Park School), "place" (UTC Portsmouth), "comma" (The Community College,
    Bishop's Castle) or ""."""
    j, named = h, ""
    for _ in range(_MAX_TAIL):
        tok, n = toks[j], j + 1
        if tok.possessive or n >= len(toks) or tok.closes not in ("", ",", ":"):
            break
        if not _joined(text, tok, toks[n]) or toks[n].closes and not toks[n].cap:
            break
        nxt = toks[n]
        if tok.closes:                                 # , Penzance   , a Voluntary Academy
            start = n + 1 if nxt.word in ("a", "an") else n
            end = _last_head(toks, start, _phrase(text, toks, start, 7), _TAIL_HEADS)
            if end >= start and _distinct(toks, start, end):
                named = named or "comma"
            if end < start and tok.closes == "," and start == n:
                end = _phrase(text, toks, n, 5)
                if not _distinct(toks, n, end):
                    break
                named = named or "comma"
            if end < start:
                break
            j = end
            continue
        if nxt.group:
            j = n                                      # (Aided), (VA)
            continue
        if nxt.opens and text[nxt.start] == "(":
            end = next((k for k in range(n, min(n + 8, len(toks))) if toks[k].closes), n)
            if toks[end].closes != ")":
                break
            j = end                                    # (Aided), (A Church of England Academy)
            continue
        if nxt.word in ("and", "&"):                   # and Nursery, & Sixth Form College
            end = _last_head(toks, n + 1, _phrase(text, toks, n + 1, 6), _TAIL_HEADS)
            if end <= n or toks[end].word not in _AFTER_AND and _distinct(toks, n + 1, end):
                break
            j = end
            continue
        if nxt.word in ("for", "of", "in", "at") and n + 1 < len(toks):
            start = n + 2 if toks[n + 1].word == "the" else n + 1
            end = _phrase(text, toks, start, 7)
            if end < start or nxt.word in ("in", "at") and not _distinct(toks, start, end):
                break
            if nxt.word in ("of", "at") and _distinct(toks, start, end):
                named = named or nxt.word
            j = end                                    # for Girls, of St Nicholas, in Leeds
            continue
        dash = text[nxt.start:nxt.end] in _DASHES
        if dash or nxt.word in ("a", "an"):            # - Split Site, A Church of England Academy
            start = n + 2 if dash and n + 1 < len(toks) and toks[n + 1].word in ("a", "an") \
                else n + 1
            end = _phrase(text, toks, start, 8)
            if nxt.word in ("a", "an"):
                end = _last_head(toks, start, end, HEADS)
            if end < start:
                break
            j = end
            continue
        end = _first_head(toks, n, _phrase(text, toks, n, 6), _TAIL_HEADS)
        if end >= n:                                   # School Primary Academy, Park School
            if _distinct(toks, n, end):
                named = named or ("name" if toks[end].word in HEADS else "place")
            j = end
            continue
        end = _phrase(text, toks, n, 4)
        if end < n or not _distinct(toks, n, end):
            break
        named = named or "place"
        j = end                                        # Harris Academy Wimbledon
    return j, named


def _accept(toks: list[_Tok], first: int, h: int, named_tail: str) -> bool:
    """Whether the words before the head make a school's name rather than a heading; with no
    distinctive word, only a capitalised "The" may stand before a head that the words after
    it name ("The Academy of St Nicholas", "The Community College, Bishop's Castle")."""
    before = toks[first:h]
    names = [t for t in before if t.cap]
    distinct = [t for t in names if t.word not in GENERIC and t.word[:1].isalpha()]
    if not distinct:
        return _generic_name(toks, before, h, named_tail)
    strong = toks[h].word in ("academy", "college", "federation", "utc", "collegiate") or any(
        t.word in DESIGNATIONS for t in before)
    return len(names) <= 5 or (strong and len(distinct) <= 6)


def _generic_name(toks: list[_Tok], before: list[_Tok], h: int, named_tail: str) -> bool:
    """Whether words that are each generic still make a name: "The Village School", "New City
    Primary School", "The Academy of St Nicholas", "The Royal School, Wolverhampton"."""
    the = bool(before) and before[0].word == "the" and before[0].cap
    places = [t.word for t in before if t.cap and t.word in PLACE_LIKE]
    if len(places) >= 2 or the and places and places != ["new"] or places and (
            named_tail == "place" and len(before) == 1):
        return True                                    # The Village School, City Academy Norwich
    if places and any(t.word in DESIGNATIONS for t in before):
        return True                                    # Village Primary School
    head = toks[h].word
    if head == "utc":
        return named_tail in ("place", "name") and not before      # UTC Portsmouth
    if head not in ("academy", "college", "school"):
        return False
    return (named_tail == "of" or named_tail == "name" and not before
            or named_tail in ("at", "comma") and the)


def _tokens(text: str) -> list[_Tok]:
    return [_token(m) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=1)
def _unshaped() -> re.Pattern | None:
    """The register's names that have no head word ("Springside", "Beacon High", "The Grove",
    about 120 of 21,000), matched as written since their shape cannot tell them apart."""
    try:
        with gzip.open(REGISTER, "rt", encoding="utf-8", newline="") as rows:
            names = {" ".join(row["name"].split()) for row in csv.DictReader(rows)}
    except OSError:
        return None
    bare = sorted((n for n in names if n and not any(
        word(w) in HEADS or w.lower() == "form" for w in n.split())), key=len, reverse=True)
    if not bare:
        return None
    first = "".join(sorted({re.escape(n[0]) for n in bare}))
    alternatives = "|".join(r"[ \t]+".join(map(re.escape, n.split())) for n in bare)
    return re.compile(rf"(?<![\w'’@-])(?=[{first}])(?:{alternatives})(?=['’]s\b|(?![\w'’@-]))")


def spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every school name found in ``text`` by its shape, or as one of the
    register's names without a head word; spans may overlap and come in no particular order."""
    unshaped = _unshaped()
    for m in unshaped.finditer(text) if unshaped else ():
        yield m.span()
    if not _HEAD_HINT.search(text):
        return
    toks = _tokens(text)
    for h, tok in enumerate(toks):
        sixth_form = tok.word == "form" and h and toks[h - 1].word in ("sixth", "6th")
        if not tok.cap or tok.group or tok.word not in HEADS and not sixth_form:
            continue
        if h and toks[h - 1].word in ("school", "academy") and _joined(text, toks[h - 1], tok):
            continue                              # "School Academy": part of the name before
        first = _back(text, toks, h)
        last, named_tail = _tail(text, toks, h)
        if _accept(toks, first, h, named_tail):
            end = toks[last].name_end
            if toks[last].possessive and toks[last].word not in HEADS:
                end += 2                                  # Queen Elizabeth's, St John's
            if text.count("(", toks[first].start, end) > text.count(")", toks[first].start, end):
                end = text.find(")", end, toks[last].end) + 1 or end
            yield toks[first].name_start, end
