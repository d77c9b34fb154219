"""Write to the network while `make bench` measures it, as people using it would.

    DATABASE_URL=... python bench/writer.py [--rate 1] [--seed 1]

Loads the app as gunicorn does (`wsgi:app`, configured by the same environment) and, until
SIGTERM or SIGINT, commits one change through the ORM `--rate` times a second, so the flush
hook logs it in `search_changes` and every per-process cache keyed on that log moves on. The
changes alternate between a school's profile (a new partnering capacity, 0 to 3: a
"school:N" change that partner matching reads) and a published record's working copy (its
saved time bumped, as a save would: a "record:N" change that search re-indexes, with nothing
the measured pages show). Prints one JSON line on exit: {"writes": n, "seconds": s}.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from models import Record, SchoolProfile  # noqa: E402
from network.extensions import db  # noqa: E402
from wsgi import app  # noqa: E402

stopping = False


def stop(_signum, _frame) -> None:
    """Finish the current tick, then leave the loop."""
    global stopping
    stopping = True


def change(tick: int, rng: random.Random, schools: list[int], records: list[int]) -> None:
    """Commit one change: a profile's capacity on even ticks, a record's saved time on odd."""
    if tick % 2 == 0:
        profile = db.session.get(SchoolProfile, rng.choice(schools))
        profile.capacity = rng.choice([c for c in range(4) if c != profile.capacity])
    else:
        db.session.get(Record, rng.choice(records)).updated_at = datetime.now(UTC)
    db.session.commit()
    db.session.expunge_all()  # keep the identity map from growing through a long run


def main() -> None:
    """Write at the asked rate until told to stop; print how many writes were made."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1.0, help="changes per second")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    rng = random.Random(args.seed)
    with app.app_context():
        schools = list(db.session.scalars(select(SchoolProfile.school_id)
                                          .order_by(SchoolProfile.school_id)))
        records = list(db.session.scalars(select(Record.id).where(
            Record.published_visibility.is_not(None)).order_by(Record.id)))
        db.session.rollback()  # hold no transaction (nor SQLite's write lock) between ticks
        started, writes = time.monotonic(), 0
        while not stopping:
            change(writes, rng, schools, records)
            writes += 1
            delay = started + writes / args.rate - time.monotonic()
            if delay > 0 and not stopping:
                time.sleep(delay)
    print(json.dumps({"writes": writes, "seconds": round(time.monotonic() - started, 1)}),
          flush=True)


if __name__ == "__main__":
    main()
