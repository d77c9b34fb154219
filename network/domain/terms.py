"""School terms: which one is current, and how they order."""

from datetime import date

from models import TERMS


def current_term(today: date | None = None) -> tuple[int, str]:
    """The academic year (its first calendar year) and term that `today` falls in."""
    today = today or date.today()
    if today.month >= 9:
        return today.year, "autumn"
    if today.month <= 3:
        return today.year - 1, "spring"
    return today.year - 1, "summer"


def order(year: int, term: str) -> int:
    """A number that sorts terms in time."""
    return year * 3 + TERMS.index(term)


def is_future(year: int, term: str, today: date | None = None) -> bool:
    """Whether the term has not begun yet."""
    return order(year, term) > order(*current_term(today))


def label(year: int, term: str) -> str:
    """Autumn 2026/27."""
    return f"{term.capitalize()} {year}/{str(year + 1)[-2:]}"


def recent_terms(count: int = 6, today: date | None = None) -> list[tuple[int, str]]:
    """The current term and the ones before it, newest first."""
    year, term = current_term(today)
    n = order(year, term)
    return [(k // 3, TERMS[k % 3]) for k in range(n, n - count, -1)]


def term_end(year: int, term: str) -> date:
    """The last day a term's milestones fall due: 19 December, 31 March or 20 July."""
    return {"autumn": date(year, 12, 19), "spring": date(year + 1, 3, 31),
            "summer": date(year + 1, 7, 20)}[term]
