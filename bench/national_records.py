"""Published case studies and lesson studies for the national benchmark network.

Bodies have the shape the app's forms produce (see network/demo/records.py): case studies
carry their text from bench/corpus.py (so searches find varied words), lesson studies follow
the demo's templates. Every record is published, 60% to the network and the rest to its
cluster, with the live copy, context bands and tags filled as publishing leaves them.
"""

from __future__ import annotations

import random
from datetime import timedelta
from types import SimpleNamespace

from bench import corpus
from bench.national import NOW, Loader
from models import Record, RecordBarrier, RecordStandard
from models.toolkit_data import BARRIERS, PRIORITY_GROUPS, standard_ids
from network.demo import records as demo_records
from network.domain.anonymity import context_bands
from network.services.crowd import WIDEST, Crowds, Member, record_group

GROUP_NAMES = {number: name for number, _, name, _ in PRIORITY_GROUPS}
BATCH = 5000


def _sentences(textblock: str) -> list[str]:
    return [s.strip() + "." for s in textblock.split(".") if s.strip()]


def _crowds(rows: dict, plans: list) -> Crowds:
    """The platform as outsiders see it, from the rows about to be written."""
    bands = {}
    for _, entries in plans:
        for entry in entries:
            found = context_bands(SimpleNamespace(**entry))
            bands[entry["urn"]] = (found["phase"], found["region"], found["size"], found["fsm"])
    shown = {p["school_id"] for p in rows["profiles"] if p["visibility"] == "network"}
    history: dict[int, set[int]] = {}
    for row in rows["groups"]:
        history.setdefault(row["school_id"], set()).add(row["group_id"])
    return Crowds([Member(s["id"], s["cluster_id"], bands[s["urn"]],
                          frozenset(history[s["id"]]) if s["id"] in shown
                          and s["id"] in history else None) for s in rows["schools"]])


def _context_text(context: dict) -> str:
    """The context section, saying no more than the published bands."""
    phase = "school" if context["phase"] == "Any" else f"{context['phase'].lower()} school"
    return f"A {phase} in {context['region']}."


def case_study(doc, rng: random.Random) -> dict:
    """A case-study body whose sections are one synthetic corpus document's text."""
    standards = rng.sample(STANDARDS, rng.randint(2, 5))
    actions = [{"text": sentence, "standards": [standards[i % len(standards)]]}
               for i, sentence in enumerate(_sentences(doc.actions_text)[:4])]
    group = rng.randint(1, 6)
    return {
        "context": "",
        "group_id": str(group), "group_name": GROUP_NAMES[group],
        "barriers": rng.sample(SLUGS, rng.randint(1, 4)),
        "barrier_narrative": doc.barriers_text,
        "what_needed_to_change": " ".join(_sentences(doc.body_text)[:2]),
        "actions": actions,
        "impact": {"measures": [{"measure": "Pupils at the expected standard",
                                 "before": "about half", "after": "about three in four"}],
                   "narrative": doc.impact_text},
        "offer": " ".join(_sentences(doc.body_text)[2:4]),
        "offer_standards": standards[:1], "standards": sorted(standards),
    }


def lesson_study(rng: random.Random, team: list[int]) -> dict:
    """A lesson-study body from one of the demo's templates."""
    template = rng.choice(demo_records.LESSON_STUDIES)
    return demo_records._lesson_study(template, [SimpleNamespace(id=i) for i in team], rng)


STANDARDS = standard_ids()
SLUGS = [slug for slug, _, _ in BARRIERS]


def insert(load: Loader, conn, rows: dict, plans: list, count: int, rng: random.Random) -> None:
    """Write `count` published records, their barrier and standard tags, in batches, each
    with the context the crowd rule gives it (network/services/crowd.py)."""
    crowds = _crowds(rows, plans)
    schools = rows["schools"]
    docs = corpus.records(count, seed=7)
    record_id = 0
    while record_id < count:
        batch, tags, standards = [], [], []
        for _ in range(min(BATCH, count - record_id)):
            record_id += 1
            doc = next(docs)
            school = rng.choice(schools)
            head, other = 2 * school["id"] - 1, 2 * school["id"]
            kind = "case_study" if rng.random() < 0.55 else "lesson_study"
            if kind == "case_study":
                body, title = case_study(doc, rng), doc.title[:200]
            else:
                body = lesson_study(rng, [other, head])
                title = f"{body['subject']}: {body['focus']}"[:200]
            visibility = "network" if rng.random() < 0.6 else "cluster"
            found = crowds.placement(school["id"], record_group(body))
            context = found.context() if found else dict(WIDEST)
            visibility = visibility if found else "cluster"
            if kind == "case_study":
                body["context"] = _context_text(context)
            published = NOW - timedelta(days=rng.randint(1, 1100))
            batch.append({
                "id": record_id, "kind": kind, "school_id": school["id"],
                "cluster_id": school["cluster_id"], "author_id": other, "title": title,
                "body": body, "status": "published", "audience": visibility,
                "attributed": False, "review_comment": "", "version": 3,
                "created_at": published - timedelta(days=30), "updated_at": published,
                "submitted_at": published - timedelta(days=2), "published_body": body,
                "published_title": title, "published_visibility": visibility,
                "published_context": context, "published_attributed": False,
                "published_at": published, "published_by_id": head, "withdrawn_at": None})
            tags += [{"record_id": record_id, "barrier_slug": s} for s in body["barriers"]]
            standards += [{"record_id": record_id, "standard_id": s} for s in body["standards"]]
        load.insert(Record, batch)
        load.insert(RecordBarrier, tags, count=False)
        load.insert(RecordStandard, standards, count=False)
