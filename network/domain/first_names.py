"""Which capitalised words are pupils' first names rather than ordinary English words.

The lists come from maintained packages on PyPI, loaded once, on first use:
- first names: every locale's first names in Faker (written in Latin letters: Jayden, Olivia,
  Muhammad, Amelia, Kacper, Aoife, Oluwaseun...);
- ordinary words: the words that Webster's list in english-words holds in lower case (it keeps
  "grace" apart from "Olivia") and that are common in pyspellchecker's English frequencies, so
  the rare senses of "amelia" or "sienna" do not hide a name. A word the dictionary also holds
  as a name ("Harry", "Tom") counts as ordinary only when it is much more common.
Months, days, countries, counties and a few words of the curriculum (Tudor, Christian) are
ordinary too, and so are the domain's own words (Autumn, Reading, Governor).
"""

import calendar
import importlib
import pkgutil
from functools import lru_cache

from network.domain.school_names import GENERIC

COMMON = 2_000          # occurrences in pyspellchecker's English list: a common lower-case word
COMMON_IF_NAME = 15_000  # ... when the dictionary also lists the word as a name
# Capitalised words of lesson studies that name-lists also hold.
_CURRICULUM = """Christian Muslim Jewish Hindu Sikh Buddhist Christmas Easter Diwali Eid
Ramadan Hanukkah Passover Vaisakhi God Jesus Christ Allah Bible English French German Spanish
Polish Urdu Punjabi Arabic Bengali Somali Romanian Portuguese Italian Chinese Mandarin Welsh
Irish Scottish British European African Asian American Caribbean Latin Greek Roman Viking Saxon
Tudor Victorian Egyptian Norman Celtic Stuart Georgian Elizabethan Edwardian Mayan Aztec"""


@lru_cache(maxsize=1)
def _known_words() -> tuple[set[str], dict[str, int]]:
    from english_words import get_english_words_set
    from spellchecker import SpellChecker

    webster = get_english_words_set(["web2"], lower=False, alpha=True)
    return webster, SpellChecker(language="en").word_frequency.dictionary


def ordinary(word: str) -> bool:
    """Whether a capitalised word is an ordinary English word, month, day or place."""
    if word in _fixed_ordinary() or word.lower() in GENERIC:
        return True
    webster, frequency = _known_words()
    lower = word.lower()
    if lower not in webster:
        return len(lower) > 3 and lower.endswith("s") and ordinary(word[:-1])   # Marks, Miles
    return frequency.get(lower, 0) >= (COMMON_IF_NAME if word in webster else COMMON)


@lru_cache(maxsize=1)
def _fixed_ordinary() -> frozenset[str]:
    from faker.providers.address.en import Provider as Places
    from faker.providers.address.en_GB import Provider as BritishPlaces

    words = {*calendar.month_name[1:], *calendar.day_name, *_CURRICULUM.split()}
    for place in (*Places.countries, *BritishPlaces.counties):
        words.update(place.split())
    return frozenset(words)


def _faker_first_names() -> set[str]:
    import faker.providers.person as person

    names: set[str] = set()
    for locale in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{locale.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female",
                          "first_names_nonbinary"):
            value = getattr(provider, attribute, None)
            if isinstance(value, dict | list | tuple | set | frozenset):
                names.update(value)
    return names


@lru_cache(maxsize=1)
def pupil_names() -> frozenset[str]:
    """First names that are not ordinary words, written as names are (capital, then lower
    case letters): the words ``network.domain.anonymity.first_names_in`` flags."""
    return frozenset(name for name in _faker_first_names()
                     if len(name) > 1 and name.isalpha() and name[0].isupper()
                     and name[1:].islower() and not ordinary(name))
