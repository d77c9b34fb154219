"""Seed a national network for `make bench`, fast: bulk inserts through SQLAlchemy Core.

    DATABASE_URL=... python bench/national.py --instance DIR [--schools 25000]
        [--records 100000] [--seed 1]

Every school of the bundled register joins the platform, plus invented ones (copies of real
entries under new URNs) up to `--schools`, in clusters of 8 to 10 from one local authority.
Each school gets a headteacher and one other person (50,000 people at 25,000 schools, all
sharing ONE password hash: password `improve-together`), a profile (most shared with the
network), barriers faced and overcome, a priority group with history, one or two final
self-evaluations rated on every standard and opt-ins to share some strengths. Then
`--records` published case studies and lesson studies (bench/national_records.py).

Rows are inserted in chunks with explicit ids (PostgreSQL sequences are moved past them
afterwards), never through the ORM or the app's services, so 25,000 schools take minutes.
Prints a JSON summary as its last line: who to sign in as, and which school to look at.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from models import (  # noqa: E402
    Cluster,
    GroupMembership,
    OfferOptIn,
    Rating,
    RegisterSchool,
    School,
    SchoolBarrier,
    SchoolProfile,
    SelfEvaluation,
    User,
)
from models.toolkit_data import BARRIERS, standard_ids  # noqa: E402

PASSWORD = "improve-together"
DOMAIN = "bench.example.org"
CHUNK = 5000
OTHER_ROLES = ("senior_leader", "leading_teacher", "member")
FIRST = ["Amara", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hana", "Isaac", "Jas",
         "Kemi", "Liam", "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq"]
SYLLABLES = ["Ash", "Brook", "Carr", "Dale", "Ell", "Fern", "Gar", "Holt", "Ing", "Kel",
             "Lang", "Mere", "Nor", "Oak", "Pen", "Rid", "Stan", "Thorn", "Wick", "Yar"]
NOW = datetime(2025, 3, 1, tzinfo=UTC)


class Loader:
    """Inserts rows in chunks on one connection, advancing a progress bar by rows."""

    def __init__(self, conn, bar):
        self.conn, self.bar = conn, bar

    def insert(self, model, rows: list[dict], count: bool = True) -> None:
        """Insert `rows` into the model's table, CHUNK at a time (`count`: on the bar)."""
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            self.conn.execute(model.__table__.insert(), chunk)
            if count:
                self.bar.update(len(chunk))


def person_name(n: int) -> str:
    """A distinct name for the n-th headteacher (matching treats equal names as one person)."""
    a, b = divmod(n // len(FIRST), len(SYLLABLES))
    surname = SYLLABLES[a % 20] + SYLLABLES[b].lower() + "e" * (a // 20)
    return f"{FIRST[n % len(FIRST)]} {surname}"


def register_rows(conn, target: int, rng: random.Random) -> list:
    """Every register entry, plus invented copies of real ones up to `target`."""
    entries = conn.execute(select(RegisterSchool).order_by(RegisterSchool.urn)).mappings().all()
    invented = []
    top = max(int(e["urn"]) for e in entries)
    for n in range(max(0, target - len(entries))):
        model = dict(rng.choice(entries))
        model["urn"] = str(top + 1 + n)
        model["name"] = f"{model['town'] or 'Newtown'} {rng.choice(SYLLABLES)}field " \
                        f"{(model['phase'] or 'Primary').split()[0]} School"
        model["laestab"] = None
        model["number_on_roll"] = max(20, int((model["number_on_roll"] or 300)
                                              * rng.uniform(0.6, 1.4)))
        invented.append(model)
    return list(entries), invented


def plan_schools(entries: list, rng: random.Random) -> list[tuple[dict, list]]:
    """Clusters of 8-10 schools from one local authority each: (cluster row, entries)."""
    by_la: dict[str, list] = {}
    for entry in entries:
        by_la.setdefault(entry["la_name"] or "Unknown", []).append(entry)
    plans = []
    for la, schools in sorted(by_la.items()):
        rng.shuffle(schools)
        while schools:
            size = rng.randint(8, 10)
            if len(schools) - size < 8:
                size = len(schools) if len(schools) <= 14 else size
            taken, schools = schools[:size], schools[size:]
            number = len(plans) + 1
            plans.append(({"id": number, "name": f"{la} Partnership {number}",
                           "region": taken[0]["region"] or "", "created_at": NOW,
                           "description": f"Schools in {la} improving together."}, taken))
    return plans


def school_rows(plans, rng: random.Random, password_hash: str) -> dict[str, list[dict]]:
    """Schools, people, profiles, groups, barriers, evaluations, ratings and opt-ins."""
    out = {k: [] for k in ("schools", "users", "profiles", "groups", "barriers", "evaluations",
                           "ratings", "opt_ins")}
    standards, slugs = standard_ids(), [slug for slug, _, _ in BARRIERS]
    weights = [1.0 / (1 + i % 12) for i in range(len(slugs))]  # some barriers far commoner
    school_id = user_id = eval_id = rating_id = group_row = barrier_row = 0
    for cluster, entries in plans:
        for index, entry in enumerate(entries):
            school_id += 1
            out["schools"].append({"id": school_id, "urn": entry["urn"], "name": entry["name"],
                                   "cluster_id": cluster["id"], "joined_at": NOW})
            for role in ("headteacher", rng.choice(OTHER_ROLES)):
                user_id += 1
                prefix = "head" if role == "headteacher" else role.split("_")[0]
                out["users"].append({
                    "id": user_id, "email": f"{prefix}.{entry['urn']}@{DOMAIN}",
                    "name": person_name(school_id) if role == "headteacher"
                    else f"{rng.choice(FIRST)} {rng.choice(SYLLABLES)}s",
                    "password_hash": password_hash, "school_id": school_id, "school_role": role,
                    "is_coordinator": index == 0 and role == "headteacher",
                    "is_lle": role == "headteacher" and rng.random() < 0.03,
                    "is_site_admin": False, "is_active": True, "created_at": NOW,
                    "password_changed_at": NOW, "digest": "none"})
            open_ = rng.random() < 0.75
            out["profiles"].append({
                "school_id": school_id, "visibility": "network" if rng.random() < 0.85
                else "cluster", "open_to_partnering": open_,
                "capacity": rng.choice([0, 1, 1, 2, 3]) if open_ else 0, "barrier_notes": "",
                "version": 1, "updated_at": NOW})
            group = rng.randint(1, 6)
            if rng.random() < 0.3:
                group_row += 1
                out["groups"].append({"id": group_row, "school_id": school_id,
                                      "group_id": rng.choice([g for g in range(1, 7)
                                                              if g != group]),
                                      "started_on": date(2021, 9, 1),
                                      "ended_on": date(2023, 8, 31)})
            group_row += 1
            out["groups"].append({"id": group_row, "school_id": school_id, "group_id": group,
                                  "started_on": date(2023, 9, 1), "ended_on": None})
            chosen = set()
            while len(chosen) < rng.randint(2, 7):
                chosen.add(rng.choices(slugs, weights)[0])
            for slug in sorted(chosen):
                barrier_row += 1
                overcome = rng.random() < 0.4
                out["barriers"].append({"id": barrier_row, "school_id": school_id,
                                        "barrier_slug": slug, "since": date(2022, 9, 1),
                                        "overcome_on": date(2024, 7, 1) if overcome else None})
            strength = rng.uniform(-0.8, 0.8)
            terms = [("autumn", 2024)] + ([("spring", 2024)] if rng.random() < 0.3 else [])
            for term, year in terms:
                eval_id += 1
                out["evaluations"].append({
                    "id": eval_id, "school_id": school_id, "year": year, "term": term,
                    "status": "final", "version": 2, "created_at": NOW, "updated_at": NOW,
                    "finalised_at": NOW, "updated_by_id": user_id - 1,
                    "finalised_by_id": user_id - 1})
                rated_one = []
                for sid in standards:
                    rating_id += 1
                    value = min(4, max(1, round(2.3 - strength + rng.gauss(0, 0.9))))
                    if value == 1:
                        rated_one.append(sid)
                    out["ratings"].append({"id": rating_id, "evaluation_id": eval_id,
                                           "standard_id": sid, "rating": value,
                                           "evidence": "", "sef_ref": ""})
            if open_:
                out["opt_ins"] += [{"school_id": school_id, "standard_id": sid}
                                   for sid in rated_one if rng.random() < 0.7]
    return out


def fix_sequences(conn, tables: list[str]) -> None:
    """PostgreSQL: move each table's id sequence past the ids inserted explicitly."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def seed(schools: int, records: int, seed_value: int) -> dict:
    """Fill an empty, migrated database; returns the summary the benchmark signs in with."""
    from bench import national_records
    from network.extensions import db

    rng = random.Random(seed_value)
    with db.engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(School)):
            raise SystemExit("The database already has schools; seed an empty one.")
        real, invented = register_rows(conn, schools, rng)
        plans = plan_schools(real + invented, rng)
        rows = school_rows(plans, rng, generate_password_hash(PASSWORD))
    total = len(invented) + len(plans) + sum(len(v) for v in rows.values()) + records
    started = time.monotonic()
    with click.progressbar(length=total, label="Seeding the national network",
                           file=sys.stderr) as bar, db.engine.begin() as conn:
        load = Loader(conn, bar)
        load.insert(RegisterSchool, invented)
        load.insert(Cluster, [cluster for cluster, _ in plans])
        for model, key in ((School, "schools"), (User, "users"), (SchoolProfile, "profiles"),
                           (GroupMembership, "groups"), (SchoolBarrier, "barriers"),
                           (SelfEvaluation, "evaluations"), (Rating, "ratings"),
                           (OfferOptIn, "opt_ins")):
            load.insert(model, rows[key])
        national_records.insert(load, conn, rows, plans, records, rng)
        fix_sequences(conn, ["clusters", "schools", "users", "group_memberships",
                             "school_barriers", "self_evaluations", "ratings", "records"])
    seconds = time.monotonic() - started
    # Every anonymous record's context as the crowd rule gives it (national_records writes the
    # exact bands): what a school joining the platform costs the request that adds it.
    from network.services import contexts

    refreshed = []
    for _ in range(2):  # the first rewrites what was seeded; the second is a school joining
        started = time.monotonic()
        changed = contexts.refresh()
        db.session.commit()
        refreshed.append({"records_changed": changed,
                          "seconds": round(time.monotonic() - started, 2)})
    return {**summary(rows, plans, seconds), "context_refresh": refreshed}


PEOPLE = 16  # headteachers the benchmark signs in as at once


def summary(rows: dict, plans: list, seconds: float) -> dict:
    """Who the benchmark signs in as: a headteacher with a final evaluation (and PEOPLE
    headteachers spread across the country, each in their own cluster), and network-visible
    schools in another cluster whose profiles they may open."""
    schools = {s["id"]: s for s in rows["schools"]}
    shared = {p["school_id"] for p in rows["profiles"] if p["visibility"] == "network"}
    heads = [u for u in rows["users"] if u["school_role"] == "headteacher"]
    me = heads[len(heads) // 3]
    others = [sid for sid in sorted(shared)
              if schools[sid]["cluster_id"] != schools[me["school_id"]]["cluster_id"]]
    people = [{"email": u["email"], "school_id": u["school_id"]}
              for u in heads[::max(1, len(heads) // PEOPLE)][:PEOPLE]]
    return {"email": me["email"], "password": PASSWORD, "school_id": me["school_id"],
            "people": people, "profile_ids": others[::max(1, len(others) // 8)][:8],
            "counts": {"schools": len(rows["schools"]), "clusters": len(plans),
                       "users": len(rows["users"]), "ratings": len(rows["ratings"])},
            "seconds": round(seconds, 1)}


def main() -> None:
    """Migrate, load the register, seed, and print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True)
    parser.add_argument("--schools", type=int, default=25000)
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("SEARCH_ENGINE", "tantivy")
    from flask_migrate import upgrade

    from network import create_app
    from network.extensions import db
    from network.ops import register_import
    from network.ops.cli import load_register

    app = create_app({"INSTANCE_PATH": args.instance, "SEARCH_SYNC": False,
                      "PUBLIC_URL": "http://127.0.0.1:5000"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        if not db.session.scalar(select(func.count()).select_from(RegisterSchool)):
            load_register(register_import.BUNDLED)
        db.session.commit()
        db.session.close()
        result = seed(args.schools, args.records, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
