"""What a typed search asks for, worked out once for both engines.

A headteacher types a question ("how did a school in special measures use pupil progress
meetings?") or a few keywords ("standards team half-termly data"). The plan keeps the words
that carry meaning and says how the engines should rank records:

- Words with no content (question words, pronouns, "school" on its own...) are dropped on
  top of the stop words; if nothing is left, what was typed is searched. "Quoted phrases"
  keep every word and must match.
- Not every word has to match: a record needs most of the content words (all of one or
  two, two of three, two thirds of more), and records matching more of them always rank
  above records matching fewer ("tiers"); within a tier the usual field-weighted score
  decides. Bare keywords ("lesson study coaching") ask for every word first, and for most
  of them only when no record holds them all.
- Words next to each other in the query ("standards team") weigh more where they are next
  to each other in a record.
- Hyphens and compounds: "half-termly" meets "half-term", "half termly" and "halftermly";
  "termly" meets "term" (and "weekly" "week", ...); a word written solid ("wellbeing")
  meets its parts written apart or hyphenated when the index knows both parts.

The plan holds plain lower-case words; each engine stems them with its own analyser
(search/whoosh_support.py, search/tantivy_support.py), so the index itself is unchanged.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from search.query import STOP_WORDS, clauses

# Words that say how a question is asked, not what it is about. None is a term of the
# trade: "needs", "able", "good", "support", "progress" and the like are kept.
NO_CONTENT = frozenset((
    "how", "what", "whats", "why", "did", "does", "do", "doing", "done", "could", "should",
    "would", "which", "who", "whom", "whose", "where", "wherever", "there", "their", "theirs",
    "they", "them", "these", "those", "our", "ours", "we", "us", "me", "my", "i", "im", "ive",
    "weve", "has", "had", "having", "was", "were", "been", "any", "anyone", "anybody",
    "someone", "somebody", "something", "anything", "some", "other", "others", "about",
    "into", "than", "then", "so", "also", "just", "very", "really", "much", "many", "its",
    "else", "all", "got", "get", "gets", "getting", "tell", "know", "find", "looking",
    "look", "want", "wanted", "please", "ideas", "idea", "tips", "examples",
    "example", "way", "ways", "thing", "things", "after", "before", "while", "whilst",
    "but", "like", "though", "although", "because",
))
# Words kept but not counted among those a record must match: almost every record has them.
WEAK = frozenset((
    "school", "schools", "use", "used", "uses", "using", "help", "helped", "helps",
    "work", "worked", "works", "make", "made", "making", "improve", "improved", "pupil",
    "pupils", "teacher", "teachers",
))
# "termly" meets "term": the stemmer keeps the -ly of these, so they are paired by hand.
_TIME_WORDS = ("term", "week", "month", "year", "fortnight", "quarter", "hour", "night")
VARIANTS: dict[str, tuple[str, ...]] = {}
for _word in _TIME_WORDS:
    VARIANTS[_word + "ly"] = (_word,)
    VARIANTS[_word] = (_word + "ly",)
VARIANTS["daily"], VARIANTS["day"] = ("day",), ("daily",)

TIER = 10_000.0  # added per content word matched: more words matched always ranks higher
PAIR_BOOST = 2.0  # how much more adjacent query words count where adjacent in a record
MAX_FORMS = 6  # spellings tried per word or hyphenated compound
MIN_SPLIT = 3  # a solid word is tried as two words of at least this many letters
_TOKEN = re.compile(r"\w+", re.UNICODE)
# A typed word: letters and digits, perhaps joined by hyphens or apostrophes ("half-termly").
_PIECE = re.compile(r"\w+(?:[-‐‑'’]+\w+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)

Form = tuple[str, ...]  # one word, or words that must appear together in order


@dataclass(frozen=True)
class Unit:
    """One thing asked for: a word or a hyphenated compound, with the spellings that meet it
    (the first is as typed). `weak` units add to the score but are not required."""

    forms: tuple[Form, ...]
    weak: bool = False

    @property
    def first(self) -> str:
        return self.forms[0][0]

    @property
    def last(self) -> str:
        return self.forms[0][-1]


@dataclass(frozen=True)
class Plan:
    """How to search: phrases that must match, units of which `minimum` strong ones must
    match, and pairs of adjacent units to reward."""

    phrases: tuple[str, ...]
    units: tuple[Unit, ...]
    minimum: int
    pairs: tuple[tuple[Unit, Unit], ...]
    keywords: bool = False  # typed as bare keywords: every word first (see `every`)

    @property
    def strong(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if not u.weak)

    @property
    def weak(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.weak)

    def every(self) -> Plan | None:
        """For keywords, the plan asking for every strong word, to search first: records
        holding most words are shown only when none holds them all. None for questions
        (their words are less deliberate: tiers rank the records holding every word first
        and keep the others after them) and when every word is needed anyway."""
        strong = len(self.strong)
        if not self.keywords or self.minimum >= strong:
            return None
        return replace(self, minimum=strong)

    def words(self) -> str:
        """Every word the plan looks for (all spellings), for marking snippets."""
        found = [w for u in self.units for form in u.forms for w in form]
        return " ".join([*found, *self.phrases])


def minimum(n: int) -> int:
    """How many of `n` content words a record must match: all of one or two, else two thirds
    (rounded up): 2 of 3, 3 of 4, 4 of 5 or 6, 5 of 7."""
    return n if n <= 2 else math.ceil(2 * n / 3)


def _variants(word: str) -> list[str]:
    return [word, *VARIANTS.get(word, ())]


def _pieces(text: str) -> list[tuple[str, ...]]:
    """The typed words of some text, each as its lower-case parts ("school's" is "school",
    "half-termly" is "half", "termly")."""
    return [tuple(_TOKEN.findall(_POSSESSIVE.sub("", piece.lower())))
            for piece in _PIECE.findall(text)]


def _unit(words: tuple[str, ...], weak: bool, known: Callable[[str], bool] | None) -> Unit:
    """The unit for one typed word, which may be hyphenated ("half-termly")."""
    forms: list[Form] = []
    if len(words) == 1:
        forms += [(v,) for v in _variants(words[0])]
        if known is not None:
            for head, tail in _splits(words[0], known):
                forms += itertools.product(_variants(head), _variants(tail))
    else:
        forms += itertools.islice(itertools.product(*(_variants(w) for w in words)), MAX_FORMS)
        forms.append(("".join(words),))
    return Unit(tuple(dict.fromkeys(forms))[:MAX_FORMS], weak)


def _splits(word: str, known: Callable[[str], bool]) -> list[Form]:
    """A solid word as two words the index knows ("wellbeing" as "well being")."""
    if len(word) < 2 * MIN_SPLIT or word.isdigit() or known(word) and len(word) < 8:
        return []
    out = []
    for at in range(MIN_SPLIT, len(word) - MIN_SPLIT + 1):
        head, tail = word[:at], word[at:]
        if head not in STOP_WORDS and tail not in STOP_WORDS and known(head) and known(tail):
            out.append((head, tail))
    return out[:2]


def _weak(word: str) -> bool:
    """A word that adds to the score but is not required: a common one, or a number (the
    6 of "year 6" counts where it sits next to "year")."""
    return word in WEAK or word.isdigit()


def plan(text: str, known: Callable[[str], bool] | None = None) -> Plan | None:
    """The plan for what was typed; None if it holds nothing to search for.

    `known(word)` says whether the index holds a word (unstemmed); with it, solid words are
    also tried as two words."""
    phrases: list[str] = []
    typed: list[list[tuple[str, ...]]] = [[]]  # runs of adjacent typed words
    for clause in clauses(text):
        if clause.phrase:
            if _TOKEN.search(clause.text):
                phrases.append(clause.text)
            typed.append([])
        else:
            typed[-1].extend(w for w in _pieces(clause.text) if w)
    def joined(words: tuple[str, ...]) -> str:
        return "".join(words)

    def dropped(words: tuple[str, ...]) -> bool:
        word = joined(words)
        return word in STOP_WORDS or word in NO_CONTENT or len(word) == 1 and not word.isdigit()

    kept = [[w for w in run if not dropped(w)] for run in typed]
    keywords = not any(joined(w) in NO_CONTENT for run in typed for w in run)
    if not any(kept) and not phrases:  # nothing but question words: search what was typed
        kept = [[w for w in run if joined(w) not in STOP_WORDS] for run in typed]
    all_weak = all(_weak(joined(w)) for run in kept for w in run)
    runs: list[list[Unit]] = []
    seen: set[tuple[str, ...]] = set()
    for run in kept:
        runs.append([])
        for words in run:
            if words not in seen:
                seen.add(words)
                runs[-1].append(_unit(words, _weak(joined(words)) and not all_weak, known))
    units = [u for run in runs for u in run]
    if not units and not phrases:
        return None
    pairs = tuple((a, b) for run in runs for a, b in itertools.pairwise(run))
    strong = sum(not u.weak for u in units)
    return Plan(tuple(phrases), tuple(units), minimum(strong), pairs, keywords)


def at_least(k: int, bitmaps: list[int], everything: int) -> int:
    """The documents (bits) set in at least `k` of `bitmaps`; `everything` when k is 0."""
    if k <= 0:
        return everything
    counts = [everything] + [0] * k  # counts[j]: documents in at least j bitmaps so far
    for bits in bitmaps:
        for j in range(k, 0, -1):
            counts[j] |= counts[j - 1] & bits
    return counts[k]
