"""Pure functions about what could identify a school: context shown in bands."""

SIZE_BANDS = [(0, 100, "Very small (under 100 pupils)"), (100, 250, "Small (100 to 249)"),
              (250, 500, "Medium (250 to 499)"), (500, 1000, "Large (500 to 999)"),
              (1000, 10**9, "Very large (1,000 or more)")]
FSM_BANDS = [(0, 10, "Low (under 10%)"), (10, 20, "Below average (10% to 19%)"),
             (20, 35, "Above average (20% to 34%)"), (35, 101, "High (35% or more)")]


def _band(value: float | None, bands) -> str:
    if value is None:
        return "Not known"
    return next((name for low, high, name in bands if low <= value < high), "Not known")


def size_band(number_on_roll: int | None) -> str:
    """The size band of a school from its number on roll."""
    return _band(number_on_roll, SIZE_BANDS)


def fsm_band(percent: float | None) -> str:
    """The free-school-meals band from the percentage eligible."""
    return _band(percent, FSM_BANDS)


def context_bands(entry) -> dict[str, str]:
    """A register entry's context as bands: phase, size, free school meals, region."""
    fsm = entry.pct_fsm_ever6 if entry.pct_fsm_ever6 is not None else entry.pct_fsm_current
    return {"phase": entry.phase or "Not known", "size": size_band(entry.number_on_roll),
            "fsm": fsm_band(fsm), "region": entry.region or "Not known"}
