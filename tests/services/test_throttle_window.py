"""The sign-in throttle's window slides: attempts just before a window's edge still count just
after it, so nobody gets twice the limit by guessing on both sides of the edge."""

import pytest

from network.services import throttle


@pytest.fixture
def clock(app, monkeypatch):
    """A settable clock for the throttle (seconds since the epoch)."""
    now = {"t": 1_800_000_000.0}  # a whole minute
    monkeypatch.setattr(throttle.time, "time", lambda: now["t"])
    app.config["LOGIN_LIMIT"] = "5 per minute"
    return now


def _tries(clock, at: float, count: int) -> list[int]:
    clock["t"] = at
    return [throttle.spend(["email:edge@example.org"]) for _ in range(count)]


def test_guesses_either_side_of_a_window_edge_add_up_to_the_limit(clock):
    """Five guesses in the last second of one minute and none allowed in the first second of
    the next: the earlier five still weigh almost fully."""
    start = clock["t"]
    assert _tries(clock, start + 59, 5) == [0] * 5
    waits = _tries(clock, start + 61, 3)
    assert all(wait > 0 for wait in waits)
    assert max(waits) <= 60  # says when it may be tried again, within the minute


def test_the_earlier_window_counts_less_as_it_slides_away(clock):
    """Half a minute after five guesses at the start of a minute, about half of them still
    count: a couple more are allowed, then no more."""
    start = clock["t"]
    assert _tries(clock, start + 1, 5) == [0] * 5
    allowed = [wait == 0 for wait in _tries(clock, start + 60 + 30, 5)]
    assert allowed[:2] == [True, True] and not any(allowed[3:])
    assert _tries(clock, start + 60 + 60 + 61, 1) == [0]  # long after: free again
