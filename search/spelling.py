"""'Did you mean': correcting words the user's visible documents do not contain.

Both engines index the unstemmed words of each document in a `spell` field.
Candidates come from that vocabulary (words sharing the first letter, within
two edits) and a candidate is offered only if a document the user may see
contains it: suggesting from the whole index would reveal words written in
other clusters' drafts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from search.query import STOP_WORDS

WORD = re.compile(r"\w+", re.UNICODE)
MAX_CANDIDATES_CHECKED = 8
RARE_TIMES = 3  # with a few results, a word is corrected only to one this many times commoner


def spell_words(*texts: str) -> str:
    """The distinct lower-case words of some texts, space-separated, for the `spell` field."""
    seen = dict.fromkeys(w.lower() for t in texts for w in WORD.findall(t) if len(w) < 40)
    return " ".join(seen)


def distance(a: str, b: str, limit: int = 2) -> int:
    """Edit distance (insertions, deletions, substitutions, adjacent swaps), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def suggest(
    text: str,
    known: Callable[[str], bool],
    vocabulary: Callable[[str], Iterable[tuple[str, int]]],
    visible: Callable[[str], bool],
    some: bool = False,
) -> str | None:
    """The text with each unknown word replaced by its nearest visible word, or None.

    When the search found `some` (a few) results, a known word may also be replaced by a
    close word that far more documents use ("modration" in one note, "moderation" in many).

    known(word): the word (as the engine analyses it) matches a visible document.
    vocabulary(prefix): (word, document count) pairs from the spell field.
    visible(word): a visible document contains exactly this word.
    """
    replacements: dict[str, str] = {}
    for word in {w.lower() for w in WORD.findall(text)}:
        if word in STOP_WORDS or word.isdigit() or len(word) < 3:
            continue
        is_known = known(word)
        if is_known and not some:
            continue
        limit = 1 if len(word) <= 4 else 2
        counts = dict(vocabulary(word[0]))
        floor = max(RARE_TIMES * counts.get(word, 0), RARE_TIMES) if is_known else 0
        ranked = sorted(
            (d, -n, term)
            for term, n in counts.items()
            if (d := distance(word, term, limit)) <= limit and term != word and n >= floor
        )
        for _, _, term in ranked[:MAX_CANDIDATES_CHECKED]:
            if visible(term):
                replacements[word] = term
                break
    if not replacements:
        return None
    return WORD.sub(lambda m: replacements.get(m.group().lower(), m.group()), text)
