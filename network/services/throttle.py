"""Sign-in throttling that counts an attempt before its password is checked.

Each attempt adds one to the count of its address and of its email in the current window,
atomically (Redis INCR when REDIS_URL is set, else one INSERT ... ON CONFLICT DO UPDATE ...
RETURNING on SQLite or PostgreSQL), and only attempts within the limit are evaluated: so
any number of parallel guesses evaluates at most the limit. The window slides: the previous
window's count still weighs in proportion to how much of it the last `period` seconds
overlap, so guesses on either side of a window's edge cannot add up to twice the limit. A
successful sign-in gives its attempt back.
"""

import math
import time

import limits
from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.users import SignInAttempt
from network.extensions import db

_REDIS: dict[str, object] = {}


def _limit(subject: str = "") -> tuple[int, int]:
    """How many attempts, in how many seconds, `subject` may make: an address ("ip:...") has
    the looser LOGIN_ADDRESS_LIMIT, since a whole school may share one; an email or a
    two-factor code, LOGIN_LIMIT; a person's two-factor codes over a day ("2fa-day:..."),
    TWO_FACTOR_DAILY_LIMIT, so starting over with the password cannot add up to millions of
    guesses."""
    setting = "LOGIN_ADDRESS_LIMIT" if subject.startswith("ip:") else \
        "TWO_FACTOR_DAILY_LIMIT" if subject.startswith("2fa-day:") else "LOGIN_LIMIT"
    item = limits.parse(current_app.config.get(setting) or current_app.config["LOGIN_LIMIT"])
    return item.amount, item.get_expiry()


def _kept_from(now: float) -> int:
    """Windows starting before this are of no use to any limit any more."""
    longest = max(_limit(kind)[1] for kind in ("ip:", "2fa-day:", ""))
    return int(now - 2 * longest)


def _redis():
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not uri.startswith(("redis://", "rediss://")):
        return None
    if uri not in _REDIS:
        import redis

        _REDIS[uri] = redis.Redis.from_url(uri, socket_timeout=5)
    return _REDIS[uri]


def _key(subject: str, window: int) -> str:
    """The Redis key of `subject`'s count in `window` (THROTTLE_KEY_PREFIX keeps apart the
    counts of separate sites, or of test runs, sharing one Redis)."""
    return f"{current_app.config.get('THROTTLE_KEY_PREFIX', 'network:sign-in:')}{subject}:{window}"


def _add(subject: str, window: int, period: int, kept_from: int) -> tuple[int, int]:
    """Add one attempt to `subject` in `window`; how many there are now in it, and how many
    there were in the window before."""
    store = _redis()
    if store is not None:
        key = _key(subject, window)
        pipe = store.pipeline()
        pipe.incr(key)
        pipe.expire(key, 2 * period + 1)
        pipe.get(_key(subject, window - period))
        tries, _, before = pipe.execute()
        return int(tries), int(before or 0)
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)
    statement = insert(SignInAttempt).values(subject=subject, window_start=window, tries=1)
    statement = statement.on_conflict_do_update(
        index_elements=["subject", "window_start"],
        set_={"tries": SignInAttempt.tries + 1}).returning(SignInAttempt.tries)
    tries = db.session.execute(statement).scalar_one()
    if tries == 1:  # a new window: forget the ones no limit looks at any more
        db.session.execute(delete(SignInAttempt).where(SignInAttempt.window_start < kept_from))
    before = db.session.scalar(select(SignInAttempt.tries).where(
        SignInAttempt.subject == subject, SignInAttempt.window_start == window - period))
    db.session.commit()
    return tries, before or 0


def spend(subjects: list[str]) -> int:
    """Count one attempt for each subject ("ip:...", "email:...", "2fa:..."); 0 if it may go
    ahead, else how many seconds until it may be tried again."""
    now = time.time()
    kept_from = _kept_from(now)
    db.session.commit()  # nothing of this request's may ride in the counter's transaction
    waits = []
    for subject in subjects:
        amount, period = _limit(subject)
        window = int(now // period * period)
        overlap = 1 - (now - window) / period  # how much of the previous window still counts
        tries, before = _add(subject, window, period, kept_from)
        if tries + math.ceil(before * overlap) > amount:
            # wait until the previous window weighs little enough, or this one ends
            waits.append(_wait(tries, before, amount, window, period, now))
    return max(waits, default=0)


def _wait(tries: int, before: int, amount: int, window: int, period: int, now: float) -> int:
    """Seconds until an attempt would be within the limit again (at least one)."""
    if tries > amount:
        return max(1, math.ceil(window + period - now))
    # before * (1 - (t - window) / period) must fall to amount - tries or less
    ready = window + period * (1 - (amount - tries) / before)
    return max(1, math.ceil(ready - now))


def wait_words(seconds: int) -> str:
    """How long to wait, as people say it: "45 seconds", "1 minute", "4 minutes" (rounded
    up, so that trying again after it always works)."""
    if seconds < 60:
        return f"{seconds} {'second' if seconds == 1 else 'seconds'}"
    minutes = -(-seconds // 60)
    return f"{minutes} {'minute' if minutes == 1 else 'minutes'}"


def refund(subjects: list[str]) -> None:
    """Give back the attempts of a sign-in that succeeded: only failures count."""
    now, store = time.time(), _redis()
    for subject in subjects:
        _, period = _limit(subject)
        window = int(now // period * period)
        if store is not None:
            store.decr(_key(subject, window))
            continue
        db.session.execute(update(SignInAttempt).where(
            SignInAttempt.subject == subject, SignInAttempt.window_start == window,
            SignInAttempt.tries > 0).values(tries=SignInAttempt.tries - 1))
    db.session.commit()
