"""The anonymisation gate: what in a record could identify its school, and the bands its
context may be published in."""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from flask import g, has_request_context
from sqlalchemy import select

from models import AnonymityOverride, Cluster, Record, RegisterSchool, School, User
from network import anonymity
from network.extensions import db

MIN_SHARING = 10
PSEUDONYM = re.compile(r"^\s*pupil\s+[a-z]\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Flag:
    """A finding in one field of a record, ready to show and to resolve."""

    field: str
    kind: str
    text: str
    start: int
    end: int
    context: str


def strings_of(value, path: str = "") -> list[tuple[str, str]]:
    """Every piece of text in a record body, with where it sits (e.g. lessons.1.objective)."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [pair for key, item in value.items()
                for pair in strings_of(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [pair for n, item in enumerate(value, 1)
                for pair in strings_of(item, f"{path}.{n}" if path else str(n))]
    return []


def known_names(record: Record) -> list[str]:
    """Everything the platform holds that could identify the record's school."""
    schools = db.session.scalars(select(School).where(School.cluster_id == record.cluster_id))
    names: set[str] = set()
    for school in schools:
        entry = school.register_entry
        names.update(filter(None, (school.name, entry.name, entry.town, entry.la_name,
                                   entry.street)))
    people = db.session.scalars(select(User.name).join(School, User.school_id == School.id)
                                .where(School.cluster_id == record.cluster_id))
    names.update(people)
    names.add(db.session.get(Cluster, record.cluster_id).name)
    names.update(pupil_names())
    return sorted(n for n in names if n and len(n.strip()) >= 3)


def pupil_names() -> set[str]:
    """Case-pupil labels typed anywhere on the platform that are not pseudonyms like Pupil A
    (gathered once per request)."""
    if has_request_context() and "pupil_names" in g:
        return g.pupil_names
    labels = set()
    for body in db.session.scalars(select(Record.body).where(Record.kind == "lesson_study")):
        for pupil in (body or {}).get("pupils", []):
            label = (pupil.get("label") or "").strip()
            if label and not PSEUDONYM.match(label):
                labels.add(label)
    if has_request_context():
        g.pupil_names = labels
    return labels


def overrides(record: Record) -> set[tuple[str, str]]:
    """(kind, text) pairs the headteacher has judged not identifying for this record."""
    return {(o.kind, o.text.lower()) for o in db.session.scalars(
        select(AnonymityOverride).where(AnonymityOverride.record_id == record.id))}


def flags(record: Record, title: str | None = None, body: dict | None = None) -> list[Flag]:
    """Unresolved findings in a record's title and body (the working copy by default)."""
    known = known_names(record)
    allowed = overrides(record)
    pairs = [("title", title if title is not None else record.title),
             *strings_of(body if body is not None else record.body)]
    found = []
    for field, text in pairs:
        for finding in anonymity.scan(text, known):
            if (finding.kind, finding.text.lower()) in allowed:
                continue
            found.append(Flag(field, finding.kind, finding.text, finding.start, finding.end,
                              text[max(0, finding.start - 40):finding.end + 40]))
    return found


@lru_cache(maxsize=1)
def _register_bands() -> tuple[tuple[str, str, str, str], ...]:
    rows = db.session.execute(select(
        RegisterSchool.phase, RegisterSchool.region, RegisterSchool.number_on_roll,
        RegisterSchool.pct_fsm_ever6, RegisterSchool.pct_fsm_current)).all()
    return tuple((phase or "Not known", region or "Not known", anonymity.size_band(roll),
                  anonymity.fsm_band(ever6 if ever6 is not None else current))
                 for phase, region, roll, ever6, current in rows)


def published_context(school: School) -> dict:
    """The school's context in bands that at least MIN_SHARING register schools share.

    When too few share the exact combination, the region widens to England first, then the
    free-school-meals band, then the size band; `widened` says what was widened and why.
    """
    bands = anonymity.context_bands(school.register_entry)
    context = {"phase": bands["phase"], "region": bands["region"], "size": bands["size"],
               "fsm": bands["fsm"]}
    widened = []
    population = _register_bands()
    for key, wide in (("region", "England"), ("fsm", "Any"), ("size", "Any")):
        if _sharing(population, context) >= MIN_SHARING:
            break
        context[key] = wide
        widened.append(key)
    context["sharing"] = _sharing(population, context)
    context["widened"] = widened
    return context


def _sharing(population, context: dict) -> int:
    counts = Counter(population)
    return sum(n for (phase, region, size, fsm), n in counts.items()
               if phase == context["phase"]
               and context["region"] in ("England", region)
               and context["size"] in ("Any", size)
               and context["fsm"] in ("Any", fsm))


def context_of(record: Record) -> dict:
    """The bands the record's context would be published in now."""
    return published_context(db.session.get(School, record.school_id))
