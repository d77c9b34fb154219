"""How partner reasons name the toolkit's standards: pure text, no Flask, no database.

`explain` (network/domain/matching.py) writes a need met as "Strong in CE2.A Tracking steers
improvement and CE2.D ..., where you rate 4 and 3"; pages list a long one a standard a line.
"""

import re


def standard_words(sid: str, standard_titles: dict[str, str] | None) -> str:
    """A standard as a person reads it: its code and short name ("CE2.A Tracking steers
    improvement"), or the code alone when the name is not known."""
    title = (standard_titles or {}).get(sid)
    return f"{sid} {title}" if title else sid


_STRONG = re.compile(r"Strong in (?P<standards>.+), where (?P<rater>you rate|.+ rates) "
                     r"(?P<ratings>[\d, and]+)$")
_CODE = re.compile(r"(?:^|, | and )(?=CE\d\.[A-Z]\b)")


def strength_lines(reason: str) -> tuple[str, list[str]] | None:
    """A "Strong in ..." reason naming three or more standards, as an introduction and one
    line per standard with the seeker's rating ("CE2.A Tracking steers improvement (you rate
    4)", or "(Riverside Primary rates 4)" on a broker's page), for pages to list; None for
    any other reason (shown as it is)."""
    found = _STRONG.match(reason)
    if found is None:
        return None
    standards = [s for s in _CODE.split(found["standards"]) if s]
    ratings = re.findall(r"\d", found["ratings"])
    if len(standards) < 3 or len(standards) != len(ratings):
        return None
    rater = found["rater"]
    return (f"Strong in standards {rater} 3 or 4:",
            [f"{standard} ({rater} {rating})" for standard, rating in zip(standards, ratings,
                                                                        strict=True)])
