"""Keeping the search index a faithful cache of the database.

Every change to something searchable writes a row to `search_changes` in the same
transaction (see `track`). Each process applies the rows after its last applied id to its
index copy, after its own commits and before each search, so several app servers on one
database all catch up, and a crash between commit and index write loses nothing.
"""

import logging
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

import search
from models import (
    Barrier,
    GroupMembership,
    OfferOptIn,
    Record,
    RegisterSchool,
    School,
    SchoolBarrier,
    SchoolProfile,
    SearchChange,
    SelfEvaluation,
    Standard,
    User,
    record_bodies,
)
from network.extensions import db

log = logging.getLogger(__name__)
BATCH = 500


def labels_for(user) -> list[str]:
    """The permission labels a person's searches are filtered by."""
    if not user.is_authenticated:
        return []
    labels = ["network", f"user-{user.id}"]
    if user.cluster_id:
        labels.append(f"cluster-{user.cluster_id}")
    if user.school_id and user.school_role in ("headteacher", "senior_leader"):
        labels.append(f"leaders-{user.school_id}")
    return labels


HEAD_FIELDS = ("school_id", "school_role", "name", "is_active")


def _key_of(obj) -> str | None:
    if isinstance(obj, Record):
        return f"record:{obj.id}"
    if isinstance(obj, SchoolProfile | OfferOptIn | GroupMembership | SelfEvaluation
                  | SchoolBarrier):
        return f"school:{obj.school_id}"
    if isinstance(obj, School):
        return f"school:{obj.id}"
    if isinstance(obj, User):  # a headteacher counts for matching (conflicts of interest)
        state = inspect(obj)
        attrs = state.attrs
        roles = {obj.school_role, *attrs.school_role.history.deleted}
        if "headteacher" in roles and (state.deleted or any(
                attrs[f].history.has_changes() for f in HEAD_FIELDS)):
            school = obj.school_id or next(iter(attrs.school_id.history.deleted), None)
            return f"school:{school}" if school else None
    return None


def _register_keys(session, objects) -> set[str]:
    """A register entry's change (phase, size, ...) is a change to the school claiming it."""
    urns = [obj.urn for obj in objects if isinstance(obj, RegisterSchool)]
    if not urns:
        return set()
    return {f"school:{i}" for i in session.scalars(select(School.id).where(
        School.urn.in_(urns)))}


@event.listens_for(Session, "after_flush")
def _track(session, _context):
    """Log every searchable change (and every change partner matching reads) inside the
    transaction that makes it."""
    objects = (*session.new, *session.dirty, *session.deleted)
    keys = {_key_of(obj) for obj in objects} | _register_keys(session, session.dirty)
    keys.discard(None)
    if keys:
        session.execute(SearchChange.__table__.insert(),
                        [{"key": key, "at": datetime.now(UTC)} for key in sorted(keys)])
        session.info["searchable_changes"] = True


def touch(key: str) -> None:
    """Log a change the ORM cannot see (a bulk delete, say); committed with the caller."""
    db.session.execute(SearchChange.__table__.insert(), [{"key": key, "at": datetime.now(UTC)}])
    db.session.info["searchable_changes"] = True


def _text(*parts) -> str:
    return "\n".join(str(p) for p in parts if p)


_TITLES: dict[type, dict[str, str]] = {}


def _titles(model, ids) -> list[str]:
    """Titles of barriers or standards by key; the reference tables are read once a process."""
    if not ids:
        return []
    if model not in _TITLES:
        column = model.slug if model is Barrier else model.id
        _TITLES[model] = dict(db.session.execute(select(column, model.title)).all())
    return [_TITLES[model][key] for key in sorted(set(ids)) if key in _TITLES[model]]


def _record_document(record: Record, stored: dict | None, title: str, labels: list[str],
                     doc_id: str, published: datetime | None, context: dict) -> search.Document:
    body = record_bodies.read(record.kind, stored)
    return search.Document(
        id=doc_id, kind=record.kind, record_id=record.id, title=title, labels=labels,
        barriers_text=_text(*_titles(Barrier, body.barriers), *body.barrier_texts()),
        actions_text=_text(*body.action_texts(), *_titles(Standard, body.standards)),
        impact_text=_text(*body.impact_texts()), context_text=_text(*(context or {}).values()),
        body_text=_text(*(text for _, text in body.texts())), group=body.group_id,
        barriers=list(body.barriers), elements=sorted({s.split(".")[0] for s in body.standards}),
        phase=(context or {}).get("phase", ""), region=(context or {}).get("region", ""),
        published=published)


def documents(key: str) -> tuple[list[str], list[search.Document]]:
    """For a logged key: every document id it may have had, and the documents it has now."""
    kind, _, ident = key.partition(":")
    if kind == "record":
        record = db.session.get(Record, int(ident))
        if record is None:
            return [f"{k}:{ident}{s}" for k in ("case_study", "lesson_study")
                    for s in ("", ":draft")], []
        base = f"{record.kind}:{record.id}"
        docs = []
        if record.is_live:
            audience = "network" if record.published_visibility == "network" \
                else f"cluster-{record.cluster_id}"
            docs.append(_record_document(record, record.published_body, record.published_title,
                                         [audience], base, record.published_at,
                                         record.published_context or {}))
        writers = [f"user-{record.author_id}", *(f"user-{c.user_id}" for c in record.coauthors),
                   f"leaders-{record.school_id}"]
        docs.append(_record_document(record, record.body or {}, record.title, writers,
                                     f"{base}:draft", record.updated_at, {}))
        return [base, f"{base}:draft"], docs
    return [f"school:{ident}"], _school_documents(int(ident))


def _school_documents(school_id: int) -> list[search.Document]:
    from network.services import evaluations, profiles

    school = db.session.get(School, school_id)
    if school is None:
        return []
    profile = db.session.get(SchoolProfile, school_id)
    audience = "network" if profile and profile.visibility == "network" \
        else f"cluster-{school.cluster_id}"
    group = profiles.current_group(school_id)
    offers = evaluations.public_offers(school_id)
    entry = school.register_entry
    return [search.Document(
        id=f"school:{school_id}", kind="school", record_id=school_id, title=school.name,
        labels=[audience], barriers_text="", impact_text="",
        actions_text=_text(*(f"Can offer {t}" for t in _titles(Standard, offers))),
        context_text=_text(entry.la_name, entry.phase, group.group.name if group else ""),
        body_text=_text(*_titles(Standard, offers)), group=str(group.group_id) if group else "",
        barriers=[], elements=sorted({s.split(".")[0] for s in offers}), phase=entry.phase or "",
        region=entry.region or "", published=None)]


def all_keys() -> list[str]:
    """Every key the index should hold documents for."""
    return [f"record:{i}" for i in db.session.scalars(select(Record.id))] + \
        [f"school:{i}" for i in db.session.scalars(select(School.id))]


def engine() -> "search.Engine":
    """This process's search engine, opened once."""
    app = current_app._get_current_object()
    if "search_engine" not in app.extensions:
        path = Path(app.config["SEARCH_INDEX_DIR"])
        path.parent.mkdir(parents=True, exist_ok=True)
        app.extensions["search_engine"] = search.open_engine(app.config["SEARCH_ENGINE"], path)
    return app.extensions["search_engine"]


def _pointer() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"] + ".applied")


def applied() -> int:
    """The id of the last change this index copy has applied."""
    try:
        return int(_pointer().read_text())
    except (FileNotFoundError, ValueError):
        return 0


def catch_up() -> int:
    """Apply logged changes this index copy has not seen; returns how many were applied."""
    done = 0
    while True:
        last = applied()
        rows = db.session.execute(select(SearchChange.id, SearchChange.key).where(
            SearchChange.id > last).order_by(SearchChange.id).limit(BATCH)).all()
        if not rows:
            return done
        keys = list(dict.fromkeys(key for _, key in rows))
        stale, fresh = [], []
        for key in keys:
            ids, docs = documents(key)
            stale += ids
            fresh += docs
        engine().upsert(fresh, remove=stale)  # one commit
        _pointer().write_text(str(rows[-1][0]))
        done += len(rows)


def rebuild(progress=None) -> int:
    """Rebuild the whole index from the database into a new directory, then swap it in."""
    start = db.session.scalar(select(func.max(SearchChange.id))) or 0
    keys = all_keys()

    def generate():
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            loaded = _prefetch(chunk)  # held so that documents() finds them without a query
            for key in chunk:
                yield from documents(key)[1]
                if progress:
                    progress(1)
            del loaded

    engine().rebuild(generate())
    _pointer().write_text(str(start))
    catch_up()
    return len(keys)


def _prefetch(keys: list[str]) -> list:
    """Load a batch of records (with tags and co-authors) and of schools with their profiles
    in a few queries; the caller holds them while it builds their documents."""
    ids = {kind: [int(key.partition(":")[2]) for key in keys if key.startswith(kind + ":")]
           for kind in ("record", "school")}
    loaded = []
    if ids["record"]:
        loaded += db.session.scalars(select(Record).where(Record.id.in_(ids["record"]))).all()
    if ids["school"]:
        for model in (School, SchoolProfile):
            column = model.id if model is School else model.school_id
            loaded += db.session.scalars(select(model).where(column.in_(ids["school"]))).all()
    return loaded


def differences() -> tuple[set[str], set[str]]:
    """Document ids missing from the index, and ids in it that should not be."""
    expected = {doc.id for key in all_keys() for doc in documents(key)[1]}
    present = engine().ids()
    return expected - present, present - expected


def repair() -> tuple[int, int]:
    """Add what is missing and remove what is extra; returns the counts."""
    missing, extra = differences()
    keys = {_key_for_doc(doc_id) for doc_id in missing}
    engine().upsert([doc for key in keys for doc in documents(key)[1] if doc.id in missing],
                    remove=extra)
    return len(missing), len(extra)


def _key_for_doc(doc_id: str) -> str:
    kind, ident = doc_id.split(":")[:2]
    return f"school:{ident}" if kind == "school" else f"record:{ident}"


def install(app: Flask) -> None:
    """After each commit in a request, bring this process's index up to date."""

    @app.teardown_request
    def _apply(_error):
        if not app.config.get("SEARCH_SYNC", True):
            return
        try:
            if db.session.info.pop("searchable_changes", False):
                g.reads_only = True  # the catch-up only reads: don't hold SQLite's write lock
                catch_up()
        except Exception:  # noqa: BLE001 - the log keeps the change; the next catch-up retries
            log.exception("search index update failed; it will be retried")
