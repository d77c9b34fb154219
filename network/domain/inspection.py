"""A school's latest inspection grade as the national register holds it, in plain words."""

from datetime import date

GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
BELOW_GOOD = frozenset({"Requires Improvement", "Inadequate"})


def below_good(grade: str | None) -> bool:
    """Whether the school was judged below good at its latest inspection."""
    return grade in BELOW_GOOD


def words(grade: str | None, inspected_on: date | None) -> str:
    """"graded Good at its last inspection (March 2024)", or that the register holds none."""
    if grade not in GRADES:
        return "no inspection grade on the register"
    when = f" ({inspected_on:%B %Y})" if inspected_on else ""
    return f"graded {grade} at its last inspection{when}"
