"""Phase for partner matching: which phases a school counts as (phase is a filter), and size
bands relative to phase (a large primary is a small secondary). Used by matching only; the
anonymity crowd rules keep their own bands (network/domain/anonymity.context_bands)."""

UNKNOWN = (None, "", "Not known")

# Phase as a filter: a middle school counts as the phase it is deemed; an all-through school
# teaches both, so it is offered to primaries and secondaries, and an all-through seeker is
# offered primaries, secondaries and all-through schools. Any other phase (special, nursery,
# 16 plus) matches only itself.
_FAMILIES = {"Middle deemed primary": ("Primary",), "Middle deemed secondary": ("Secondary",),
             "All-through": ("Primary", "Secondary", "All-through")}
# Size relative to phase: (small below, large from) pupils on roll.
SIZE_BY_PHASE = {"Primary": (210, 420), "Secondary": (600, 1200),
                 "All-through": (900, 1800), "Special": (60, 150)}


def phase_families(phase: str | None) -> frozenset[str]:
    """The phases a school of `phase` counts as when matching; empty when not known."""
    if phase in UNKNOWN:
        return frozenset()
    return frozenset(_FAMILIES.get(phase, (phase,)))


def size_band(phase: str | None, on_roll: int | None) -> str:
    """Small, Medium or Large for a school of its phase (a large primary is a small
    secondary); "Not known" without a roll."""
    if on_roll is None:
        return "Not known"
    family = _FAMILIES.get(phase, (phase,))[-1] if phase not in UNKNOWN else "Primary"
    small, large = SIZE_BY_PHASE.get(family, SIZE_BY_PHASE["Primary"])
    return "Small" if on_roll < small else "Large" if on_roll >= large else "Medium"
