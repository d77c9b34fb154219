"""Partnerships (placeholder while brokering is built)."""


def exclusions(school_id: int) -> dict[int, str]:
    """Schools matching leaves out for this school, with the reason."""
    return {}
