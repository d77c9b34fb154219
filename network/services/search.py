"""Searching the network's knowledge: exactly what the person may open, nothing more."""

from sqlalchemy import func, select
from sqlalchemy.orm import defer, lazyload, selectinload

import search
from models import (
    Record,
    SavedSearch,
    School,
    SchoolProfile,
    User,
)
from network import indexing
from network.access import can, can_see_profile
from network.domain.characters import not_allowed
from network.extensions import db
from network.services import inbox
from network.services.profiles import profile_of
from network.services.vocabulary import vocabulary
from search import query as search_query

FACETS = ("kind", "group", "barrier", "element", "phase", "region")
KINDS = {"case_study": "Case studies", "lesson_study": "Lesson studies", "school": "Schools"}
WORK_KINDS = ("case_study", "lesson_study")  # what an empty search lists, newest first
PHASES = ("Primary", "Secondary", "All-through", "Special")
MAX_SAVED = 50  # saved searches a person may keep: each is run for every publication
REGIONS = ("East Midlands", "East of England", "London", "North East", "North West",
           "South East", "South West", "West Midlands", "Yorkshire and The Humber", "England")


class SearchError(ValueError):
    """The search cannot run as asked; the message says why."""


def facet_values() -> dict[str, dict[str, str]]:
    """Every allowed value of every facet, with the label people read."""
    known = vocabulary()
    return {
        "kind": dict(KINDS),
        "group": {str(gid): name for gid, name in known.groups.items()},
        "barrier": dict(known.barriers),
        "element": {code: f"{code} {title}" for code, title in known.element_titles.items()},
        "phase": {p: p for p in PHASES},
        "region": {r: r for r in REGIONS},
    }


def parse(args, values: dict | None = None) -> search.Query | None:
    """A Query from request arguments (q, the facets, sort, page); SearchError if malformed."""
    values = values or facet_values()
    chosen = {}
    for name in FACETS:
        picked = [v for v in args.getlist(name) if v]
        unknown = [v for v in picked if v not in values[name]]
        if unknown:
            raise SearchError(f"{unknown[0]!r} is not a {name} you can filter by.")
        chosen[name] = picked or None
    raw_page = args.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit()) or len(raw_page) > 6 \
            or not 1 <= int(raw_page) <= 1000:
        raise SearchError("Page must be a whole number from 1 to 1000.")
    if any(not_allowed(ch) for ch in args.get("q", "")):
        raise SearchError("The search contains characters that are not allowed.")
    if len(args.get("q", "")) > search.MAX_QUERY_CHARS:
        raise SearchError(f"Search for at most {search.MAX_QUERY_CHARS} characters.")
    sort = args.get("sort", "relevance")
    if sort not in ("relevance", "date"):
        raise SearchError("Sort by relevance or date.")
    text = args.get("q", "")
    if not text.strip():  # nothing to rank by: the newest work first (schools when asked)
        sort = "date"
        chosen["kind"] = chosen["kind"] or list(WORK_KINDS)
    query = search.Query(text=text, labels=[], sort=sort, page=int(raw_page), **chosen)
    try:  # the engines' own checks (unclosed quotes and brackets are searched as words)
        search_query.validate(query)
    except search.QueryError as error:
        raise SearchError(str(error)) from error
    return query


def run(actor: User, query: search.Query) -> search.Results:
    """Search as `actor`: their labels filter the index; every hit is re-checked for access."""
    indexing.catch_up()
    query.labels = indexing.labels_for(actor)
    try:
        results = indexing.engine().search(query)
    except search.QueryError as error:
        raise SearchError(str(error)) from error
    loaded = _load_hits(results.hits)  # held: the session keeps only weak references
    results.hits = [hit for hit in results.hits if _may_open(actor, hit)]
    del loaded
    return results


def _load_hits(hits) -> list:
    """Read every hit's record or school (and profile) in a few queries, not several a hit,
    so the access re-check below finds them in the session. Record bodies and tags are not
    read: the re-check needs only who wrote a record, where it lives and whether it is live."""
    records = [h.record_id for h in hits if h.kind != "school"]
    schools = [h.record_id for h in hits if h.kind == "school"]
    loaded = []
    if records:
        drafts = any(h.id.endswith(":draft") for h in hits)  # whose co-authors are asked about
        loaded += db.session.scalars(select(Record).where(Record.id.in_(records)).options(
            defer(Record.body), defer(Record.published_context),
            selectinload(Record.coauthors) if drafts else lazyload(Record.coauthors),
            lazyload(Record.barriers), lazyload(Record.standards))).all()
    if schools:
        loaded += db.session.scalars(select(School).where(School.id.in_(schools))).all()
        loaded += db.session.scalars(select(SchoolProfile).where(
            SchoolProfile.school_id.in_(schools))).all()
    return loaded


def _may_open(actor: User, hit) -> bool:
    if hit.kind == "school":
        school = db.session.get(School, hit.record_id)
        return school is not None and can_see_profile(actor, school, profile_of(school)) is not None
    record = db.session.get(Record, hit.record_id)
    if record is None:
        return False
    if hit.id.endswith(":draft"):
        return can(actor, "see_draft", record)
    return record.is_live and can(actor, "view", record)


def more_like_this(actor: User, record: Record, limit: int = 5) -> list:
    """Published work like this record that the actor may open."""
    indexing.catch_up()
    source = f"{record.kind}:{record.id}" + ("" if record.is_live else ":draft")
    hits = indexing.engine().more_like_this(source, indexing.labels_for(actor), 3 * limit + 1)
    loaded = _load_hits(hits)  # noqa: F841 - held while the hits are re-checked
    named = record.published_attributed if record.is_live else record.attributed
    return [h for h in hits if h.record_id != record.id and not h.id.endswith(":draft")
            and _alike(h, named) and _may_open(actor, h)][:limit]


def _alike(hit, named: bool) -> bool:
    """Whether a hit may be listed beside a record: named and anonymous work are never listed
    together (wording alike could join an anonymous record to its school), and schools only
    beside named work."""
    if hit.kind == "school":
        return named
    other = db.session.get(Record, hit.record_id)
    return other is not None and other.published_attributed == named


def save(actor: User, name: str, params: dict) -> SavedSearch:
    """Keep a search so newly published work that matches it reaches the actor's inbox;
    SearchError for a name or a search the search page itself would refuse."""
    from werkzeug.datastructures import MultiDict

    if any(not_allowed(ch) for ch in name):
        raise SearchError("The name contains characters that are not allowed.")
    parse(MultiDict([(k, v) for k, values in params.items() for v in values]))
    kept = db.session.scalar(select(func.count(SavedSearch.id)).where(
        SavedSearch.user_id == actor.id)) or 0
    if kept >= MAX_SAVED:
        raise SearchError(f"You already have {MAX_SAVED} saved searches, the most you can "
                          "keep.")
    saved = SavedSearch(user_id=actor.id, name=name.strip()[:120] or "My search", params=params)
    db.session.add(saved)
    db.session.commit()
    return saved


def saved_for(actor: User) -> list:
    """The actor's saved searches, newest first (name and params: rows, not objects, since
    every search page lists them)."""
    return list(db.session.execute(select(SavedSearch.name, SavedSearch.params).where(
        SavedSearch.user_id == actor.id).order_by(SavedSearch.created_at.desc())))


def alert_new_publication(record: Record) -> int:
    """Tell everyone whose saved search matches a just-published record; returns how many.
    Runs as a job (network/ops/jobs.py), never inside the publishing request; a saved search
    that cannot run is skipped, not allowed to stop the others."""
    from werkzeug.datastructures import MultiDict

    indexing.catch_up()
    told = 0
    for saved in db.session.scalars(select(SavedSearch)):
        owner = db.session.get(User, saved.user_id)
        writers = {record.author_id, *(c.user_id for c in record.coauthors)}
        if owner is None or not owner.is_active or not can(owner, "view", record) \
                or owner.id in writers:
            continue
        try:
            query = parse(MultiDict(saved.params))
            query.per_page = 50
            hits = run(owner, query).hits
        except SearchError:
            continue
        if any(h.record_id == record.id and h.kind == record.kind for h in hits):
            inbox.notify(owner, f"New work matches your search “{saved.name}”",
                         f"“{record.published_title}” was just published.",
                         "records.published", record_id=record.id)
            told += 1
    db.session.commit()
    return told
