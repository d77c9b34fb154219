"""The anonymisation gate: what in a record could identify its school, and the bands its
context may be published in."""

import re
from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import select

from models import AnonymityOverride, Cluster, Record, School, User
from network.domain import anonymity, readable
from network.extensions import db
from network.services import public_bodies

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
    names.update(pupil_names(record.cluster_id))
    return sorted(n for n in names if n and len(n.strip()) >= 3)


def pupil_names(cluster_id: int) -> set[str]:
    """Case-pupil labels typed in the cluster's own lesson studies that are not pseudonyms
    like Pupil A (gathered once per request). Never another cluster's: whether a name is
    flagged must not tell an author what other clusters wrote."""
    cache = g.setdefault("pupil_names", {}) if has_request_context() else {}
    if cluster_id in cache:
        return cache[cluster_id]
    labels = set()
    for body in db.session.scalars(select(Record.body).where(
            Record.kind == "lesson_study", Record.cluster_id == cluster_id)):
        for pupil in (body or {}).get("pupils", []):
            label = (pupil.get("label") or "").strip()
            if label and not PSEUDONYM.match(label):
                labels.add(label)
    cache[cluster_id] = labels
    return labels


def _plain(text: str) -> str:
    """Text reduced for comparing names: read as a reader would, lower case, without
    possessives or punctuation, one space between words."""
    folded = readable.readable(text).text.casefold().replace("’", "'")
    folded = re.sub(r"'s\b", "", folded)
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def own_identifiers(school: School) -> list[str]:
    """What always names this school: its name and distinctive stem, street, town, local
    authority and postcode (each reduced by `_plain`)."""
    entry = school.register_entry
    names = {school.name, entry.name, entry.street, entry.town, entry.la_name}
    for name in (school.name, entry.name):
        names.update(stem for stem, exact in anonymity._variants(name or "") if exact)
    found = {_plain(n) for n in names if n}
    return sorted(n for n in found if len(n) >= 3)


def names_school(school: School, text: str, known: list[str] | None = None) -> bool:
    """Whether a passage names the school itself (in any case, possessive, punctuation or
    spacing), so that no one may mark it as not identifying on an anonymous record. `known`
    is `own_identifiers(school)` when the caller already has it."""
    plain = f" {_plain(text)} "
    if any(f" {name} " in plain for name in known or own_identifiers(school)):
        return True
    postcode = re.sub(r"\W", "", (school.register_entry.postcode or "")).casefold()
    return len(postcode) >= 5 and postcode in re.sub(r"\W", "", plain)


def overrides(record: Record) -> set[tuple[str, str]]:
    """(kind, text) pairs the headteacher has judged not identifying for this record."""
    return {(o.kind, o.text.lower()) for o in db.session.scalars(
        select(AnonymityOverride).where(AnonymityOverride.record_id == record.id))}


def _scanner(pupils: bool, allowed):
    """The check for one record: national bodies' addresses allowed as site admins keep them,
    and in a lesson study, pupils' first names typed on their own."""
    def scan(text: str, known) -> list:
        found = anonymity.scan(text, known, allowed=allowed)
        if not pupils:
            return found
        names = [n for n in anonymity.first_names_in(text)
                 if not any(n.start < f.end and f.start < n.end for f in found)]
        return sorted(found + names, key=lambda f: f.start)
    return scan


def flags(record: Record, title: str | None = None, body: dict | None = None) -> list[Flag]:
    """Unresolved findings in a record's title and body (the working copy by default), found
    in the text as readers will read it and shown where the author typed them. A passage that
    names the school stays flagged on an anonymous record whatever was decided about it."""
    known = known_names(record)
    allowed = overrides(record)
    school = db.session.get(School, record.school_id)
    pairs = [("title", title if title is not None else record.title),
             *strings_of(body if body is not None else record.body)]
    found, own = [], own_identifiers(school) if allowed and not record.attributed else []
    scan = _scanner(record.kind == "lesson_study", public_bodies.current())
    for field, text in pairs:
        for finding in readable.scan_as_read(text, known, scan=scan):
            if (finding.kind, finding.text.lower()) in allowed and (
                    record.attributed or not names_school(school, finding.text, own)):
                continue
            found.append(Flag(field, finding.kind, finding.text, finding.start, finding.end,
                              text[max(0, finding.start - 40):finding.end + 40]))
    return found
