"""Recall of school names over the whole bundled register: every one of its 21,190 names, put
in running text, is found by ``scan`` without being told any name.

A name counts as found when ONE finding of kind school_name covers all of it: the finding
starts at or before the name's first character (or, for a name beginning "The ", at or before
the word after "The") and ends at or after its last character. The register's own spacing is
kept, except that runs of spaces are read as one. At least 99.5% must be found in EACH
sentence template (not just overall).
"""

import csv
import gzip

import pytest

from network.domain import school_names
from network.domain.anonymity import scan
from network.ops.register_import import BUNDLED

TEMPLATES = [
    "Staff from {name} visited us in the spring.",       # inside a sentence
    "We worked with {name}'s deputy head.",              # possessive
    "The visit went well. {name} ran the training.",     # at the start of a sentence
    "Our partner, {name}, shared its planning.",         # between commas
]
REQUIRED = 0.995
SHAPE_ONLY = 0.99  # without the register's ~120 names that have no head word (see below)


def _names() -> list[str]:
    with gzip.open(BUNDLED, "rt", encoding="utf-8", newline="") as rows:
        return [" ".join(row["name"].split()) for row in csv.DictReader(rows)]


NAMES = _names()


def covered(sentence: str, name: str) -> bool:
    """Whether one school-name finding in ``sentence`` covers ``name`` as defined above."""
    start = sentence.index(name)
    end = start + len(name)
    first = start + len("The ") if name.startswith("The ") else start
    return any(f.kind == "school_name" and f.start <= first and end <= f.end
               for f in scan(sentence))


def _recall(template: str) -> tuple[float, list[str]]:
    misses = [name for name in NAMES if not covered(template.format(name=name), name)]
    return 1 - len(misses) / len(NAMES), misses


def test_the_register_is_all_there():
    assert len(NAMES) == 21_190


@pytest.mark.parametrize("template", TEMPLATES)
def test_school_names_of_the_register_are_found_in_running_text(template):
    recall, misses = _recall(template)
    print(f"\n{template!r}: {len(NAMES) - len(misses)}/{len(NAMES)} found = {recall:.4f}; "
          f"{len(misses)} missed, the first 50:")
    for name in misses[:50]:
        print(f"  missed: {name}")
    assert recall >= REQUIRED


def test_most_names_are_found_by_their_shape_alone(monkeypatch):
    """The names without a head word ("Springside", "Beacon High", "The Grove") are matched
    from the register itself; every other name must be found by its shape."""
    monkeypatch.setattr(school_names, "_unshaped", lambda: None)
    recall, misses = _recall(TEMPLATES[0])
    print(f"\nby shape alone: {recall:.4f}, {len(misses)} missed")
    assert recall >= SHAPE_ONLY
