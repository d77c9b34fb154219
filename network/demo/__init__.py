"""A deterministic demo network built from the real register: clusters, schools, people."""

import random
from collections import defaultdict

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from models import Cluster, RegisterSchool, School, User
from network.extensions import db

FIRST = ["Amara", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hana", "Isaac", "Jas",
         "Kemi", "Liam", "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Vic", "Wren", "Yusuf", "Zara"]
LAST = ["Ahmed", "Baker", "Clarke", "Dawson", "Evans", "Fraser", "Gill", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Morgan", "Nolan", "Okafor", "Patel", "Reid", "Shah",
        "Turner", "Walsh", "Young"]
PEOPLE = [("headteacher", "head"), ("senior_leader", "senior"),
          ("leading_teacher", "lt"), ("member", "member")]
DOMAIN = "demo.example.org"


class DemoError(RuntimeError):
    """The demo cannot be built on this database."""


def _candidates(rng: random.Random) -> list[list[RegisterSchool]]:
    by_la: dict[str, list[RegisterSchool]] = defaultdict(list)
    for entry in db.session.scalars(select(RegisterSchool).where(
            RegisterSchool.status.like("Open%"), RegisterSchool.la_name.is_not(None))
            .order_by(RegisterSchool.urn)):
        by_la[entry.la_name].append(entry)
    groups = [schools for _, schools in sorted(by_la.items()) if len(schools) >= 4]
    rng.shuffle(groups)
    return groups


def build(schools: int, seed: int, password: str, hooks=()) -> dict:
    """Create about `schools` schools in clusters of 4-15 from one local authority each.

    `hooks`, each `hook(cluster, schools, users, rng, out)`, let later features add their own
    demo records (and their part of the cluster's JSON summary, `out`): every school is on the
    platform before the first hook runs, and each hook runs for every cluster before the next
    starts, so records are written knowing the whole network (the crowd anonymous records
    hide in).
    Returns the summary printed by `seed-demo --json`.
    """
    if db.session.scalar(select(func.count(Cluster.id))):
        raise DemoError("The network already has clusters; seed-demo builds on an empty one.")
    rng = random.Random(seed)
    password_hash = generate_password_hash(password)  # one slow hash shared by every demo person
    summary: dict = {"clusters": [], "site_admins": []}
    remaining, built = schools, []
    for la_schools in _candidates(rng):
        if remaining <= 0:
            break
        size = min(rng.randint(4, 15), len(la_schools))
        if remaining - size < 4:  # finish here if this authority can; else leave room for 4
            size = min(max(remaining, 4), 15, len(la_schools))
        chosen = sorted(rng.sample(la_schools, size), key=lambda e: e.urn)
        built.append(_cluster(chosen, len(built) + 1, rng, password_hash))
        summary["clusters"].append(built[-1][-1])
        remaining -= size
    for hook in hooks:
        for made in built:
            hook(*made[:3], rng, made[3])
    admin = User(email=f"admin@{DOMAIN}", name="Site Administrator", password_hash=password_hash,
                 is_site_admin=True)
    db.session.add(admin)
    summary["site_admins"].append({"email": admin.email, "role": "site_admin"})
    db.session.commit()
    return summary


def _cluster(entries: list[RegisterSchool], number: int, rng: random.Random,
             password_hash: str) -> tuple[Cluster, list[School], list[User], dict]:
    la = entries[0].la_name
    cluster = Cluster(name=f"{la} Learning Partnership {number}", region=entries[0].region or "",
                      description=f"Schools in {la} improving together.")
    db.session.add(cluster)
    out = {"name": cluster.name, "schools": [], "users": []}
    users: list[User] = []
    schools: list[School] = []
    lle_urn = next((e.urn for e in entries[1:] if e.ofsted_rating == "Outstanding"),
                   entries[-1].urn)
    for index, entry in enumerate(entries):
        school = School(urn=entry.urn, name=entry.name, cluster=cluster)
        db.session.add(school)
        schools.append(school)
        out["schools"].append({"urn": entry.urn, "name": entry.name})
        for school_role, prefix in PEOPLE:
            user = User(email=f"{prefix}.{entry.urn}@{DOMAIN}", school=school,
                        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        school_role=school_role, password_hash=password_hash,
                        is_coordinator=index == 0 and school_role == "headteacher",
                        is_lle=entry.urn == lle_urn and school_role == "headteacher")
            db.session.add(user)
            users.append(user)
            out["users"].append({"email": user.email, "role": user.role,
                                 "school_urn": entry.urn})
    db.session.flush()
    return cluster, schools, users, out
