"""How near two schools are, from what the national register says about each: the same local
authority, then the same postcode area (the postcode's leading letters), then the same region.
Used to rank partners and Local Leaders of Education nearest first, with the words a head reads.
"""

import re

SAME_LA, SAME_AREA, SAME_REGION, ELSEWHERE = 3, 2, 1, 0
_AREA = re.compile(r"\s*([A-Za-z]{1,2})\d")


def postcode_area(postcode: str | None) -> str | None:
    """The postcode area: the leading letters ("LS" of "LS6 1AB", "B" of "B15 2TT")."""
    found = _AREA.match(postcode or "")
    return found.group(1).upper() if found else None


def _known(value: str | None) -> bool:
    return bool(value) and value not in ("Not known", "Not applicable")


def nearness(la_a: str | None, postcode_a: str | None, region_a: str | None,
             la_b: str | None, postcode_b: str | None, region_b: str | None
             ) -> tuple[int, str]:
    """How near school b is to school a (SAME_LA .. ELSEWHERE), and the words that say so."""
    if _known(la_a) and la_a == la_b:
        return SAME_LA, f"in the same local authority ({la_a})"
    area = postcode_area(postcode_a)
    if area and area == postcode_area(postcode_b):
        return SAME_AREA, f"in the same postcode area ({area})"
    if _known(region_a) and region_a == region_b:
        return SAME_REGION, f"in the same region ({region_a})"
    return ELSEWHERE, ""
