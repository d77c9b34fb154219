"""Find partner schools: builds the seeker and the candidates from the database and hands them
to the pure scoring in network.matching.

Candidates for the whole platform are read in a handful of queries and kept per process as one
`matching.Pool`; each request masks it to the schools this seeker may see and its filters.
The copy is rebuilt when the search change log (`search_changes`, written in the same
transaction as every change to a profile, barrier, group, evaluation, opt-in, school or
headteacher) has moved on, so the next match after a commit in any process sees the change.

Candidates are the other schools on the platform whose profile is shared with the network, or
that are in the seeker's own cluster: a cluster-only school never reaches another cluster.
Offers are what the network may see (rated 1 in the latest final evaluation AND opted in).
Records are not read here at all, so no anonymised author can leak through a match.
"""

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from flask import abort, has_request_context, request
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models import (
    TERMS,
    Barrier,
    GroupMembership,
    OfferOptIn,
    PriorityGroup,
    Rating,
    RegisterSchool,
    School,
    SchoolBarrier,
    SchoolProfile,
    SearchChange,
    SelfEvaluation,
    SupportRequest,
    User,
)
from network import matching
from network.access import can, get_visible_or_404
from network.anonymity import context_bands
from network.extensions import db
from network.services.evaluations import latest


@dataclass
class Found:
    """What the partner page and the API show."""

    school: School
    evaluation: SelfEvaluation | None
    seeker: matching.Seeker | None = None
    matches: list[matching.Match] = field(default_factory=list)
    excluded: list[tuple[int, str, str]] = field(default_factory=list)
    urns: dict[int, str] = field(default_factory=dict)
    same_cluster: set[int] = field(default_factory=set)


def allowed_school(actor: User, school_id: int) -> School:
    """The school, for its headteacher and senior leaders and for brokers it asked for
    support: 404 to anyone else outside its cluster, 403 inside it."""
    school = db.session.get(School, school_id)
    if school is not None and can(actor, "find_partners", school):
        return school
    get_visible_or_404(actor, School, school_id)
    abort(403)


def matches_for(actor: User, school_id: int, limit: int = 10,
                filters: dict | None = None) -> Found:
    """Ranked partners for the school, with who was left out and why."""
    school = allowed_school(actor, school_id)
    return ranked(school, limit, filters or {})


def ranked(school: School, limit: int, filters: dict, broker: User | None = None,
           asked: SupportRequest | None = None) -> Found:
    """Ranked partners for a school the caller has already checked the actor may match for:
    partnered and declined pairings are left out with their reasons, and so is the school of
    the `broker` looking for a partner (nobody brokers support from their own school). For a
    request for support (`asked`), the needs are the 3s and 4s it names (all of them if it
    names none) and the barriers those it names (those faced if it names none)."""
    from network.services.partnerships import exclusions

    final = latest(school.id, final=True)
    found = Found(school=school, evaluation=final)
    if final is None:
        return found
    filters = {k: v for k, v in filters.items() if v}
    net = _network()
    pool = net.pool
    mask = net.shared | net.clusters.get(school.cluster_id, 0)
    for key in ("phase", "region"):
        if filters.get(key):
            mask &= pool.context.get((key, filters[key]), 0)
    if filters.get("standard"):
        mask &= pool.offers.get(filters["standard"], 0)
    me = pool.position.get(school.id)
    if me is not None:
        mask &= ~(1 << me)
    found.urns = _Visible(net.urns, pool.position, mask)
    found.same_cluster = {sid for sid in net.members.get(school.cluster_id, ())
                          if sid in found.urns}
    bands = context_bands(school.register_entry)
    current, _ = net.groups.get(school.id, (None, frozenset()))
    facing = frozenset(asked.barriers if asked is not None and asked.barriers else
                       db.session.scalars(select(SchoolBarrier.barrier_slug).where(
                           SchoolBarrier.school_id == school.id,
                           SchoolBarrier.overcome_on.is_(None))))
    heads = frozenset(net.heads.get(school.id, ()))
    found.seeker = matching.Seeker(
        school_id=school.id, name=school.name,
        needs=_needs(final, asked),
        barriers=facing, group_id=current,
        group_name=net.group_names.get(current, "") if current else "",
        phase=bands["phase"], size_band=bands["size"], fsm_band=bands["fsm"],
        region=bands["region"], headteacher_ids=heads)
    left_out = {sid: why for sid, why in exclusions(school.id).items() if sid in found.urns}
    if broker is not None and broker.school_id in found.urns:
        left_out[broker.school_id] = "it is your own school: another broker must propose it"
    found.matches, found.excluded = matching.rank(
        found.seeker, _masked(pool, mask, heads), net.rarity, left_out, limit, net.titles)
    return found


def _needs(final: SelfEvaluation, asked: SupportRequest | None) -> dict[str, int]:
    """The seeker's needs: its 3s and 4s, or those of them a request for support names."""
    rated = dict(db.session.execute(select(Rating.standard_id, Rating.rating).where(
        Rating.evaluation_id == final.id, Rating.rating >= 3)).all())
    named = {sid: rating for sid, rating in rated.items() if asked and sid in asked.standards}
    return named or rated


class _Visible(Mapping):
    """URNs of the candidates a seeker may see (those in `mask`), without copying them all."""

    def __init__(self, urns: dict[int, str], position: dict[int, int], mask: int):
        self._urns, self._position, self._mask = urns, position, mask

    def __getitem__(self, school_id: int) -> str:
        at = self._position.get(school_id)
        if at is None or not self._mask >> at & 1:
            raise KeyError(school_id)
        return self._urns[school_id]

    def __iter__(self) -> Iterator[int]:
        return (sid for sid, at in self._position.items() if self._mask >> at & 1)

    def __len__(self) -> int:
        return self._mask.bit_count()


def _masked(pool: matching.Pool, mask: int, heads: frozenset[int]) -> matching.Pool:
    """The pool as if it held only the candidates in `mask`: every bitset is cut to it, so
    scoring, exclusions and ties behave exactly as on a pool of those candidates alone."""
    view = object.__new__(matching.Pool)
    view.candidates, view.position = pool.candidates, pool.position
    for name in ("offers", "overcome", "left", "context"):
        setattr(view, name, {key: bits & mask for key, bits in getattr(pool, name).items()})
    view.heads = {head: pool.heads.get(head, 0) & mask for head in heads}
    for name in ("available", "closed", "full", "roomy"):
        setattr(view, name, getattr(pool, name) & mask)
    return view


@dataclass
class _Network:
    """What matching knows about every school on the platform, as of one `generation`."""

    generation: tuple
    pool: matching.Pool
    shared: int  # schools whose profile the whole network may see
    clusters: dict[int, int]  # cluster id -> its schools
    members: dict[int, list[int]]
    urns: dict[int, str]
    groups: dict[int, tuple[int | None, frozenset[int]]]
    heads: dict[int, set[int]]
    rarity: dict[str, float]
    titles: dict[str, str]
    group_names: dict[int, str]
    choices: dict[str, list[str]]


_CACHE: "weakref.WeakKeyDictionary[object, _Network]" = weakref.WeakKeyDictionary()
WINDOW = 1000  # changes committed out of id order (PostgreSQL) are seen within this many ids
_MEMO = "network.change_generations"  # where a request keeps the generations it has read


def generation(floor: int) -> tuple:
    """Where the change log stands: its newest row, and how many rows lie above `floor`.
    Read once per request and floor (in one query); a commit in this process reads it anew."""
    memo = request.environ.setdefault(_MEMO, {}) if has_request_context() else {}
    if floor not in memo:
        newest = select(SearchChange.id, SearchChange.at).order_by(
            SearchChange.id.desc()).limit(1).subquery()
        above = select(func.count(SearchChange.id)).where(SearchChange.id > floor)
        row = db.session.execute(select(newest.c.id, newest.c.at, above.scalar_subquery())
                                 .select_from(newest)).first()
        memo[floor] = (floor, row[0], str(row[1]), row[2]) if row else (floor, 0, "", 0)
    return memo[floor]


@event.listens_for(Session, "after_commit")
def _forget_generations(_session) -> None:
    """After this process commits, the next `generation` of the request reads the log again."""
    if has_request_context():
        request.environ.pop(_MEMO, None)


def _network() -> _Network:
    """This process's copy of the candidates, rebuilt when the change log has moved on."""
    engine = db.engine
    cached = _CACHE.get(engine)
    if cached is not None and generation(cached.generation[0]) == cached.generation:
        return cached
    top = db.session.scalar(select(func.max(SearchChange.id))) or 0
    _CACHE[engine] = built = _build(generation(max(0, top - WINDOW)))
    return built


def _build(generation: tuple) -> _Network:
    """Every school on the platform as a candidate, in a handful of queries."""
    rows = db.session.execute(
        select(School.id, School.name, School.urn, School.cluster_id, RegisterSchool,
               SchoolProfile.visibility, SchoolProfile.open_to_partnering,
               SchoolProfile.capacity)
        .join(RegisterSchool, School.urn == RegisterSchool.urn)
        .outerjoin(SchoolProfile, SchoolProfile.school_id == School.id)
    ).all()
    offers = _offers({r.id for r in rows})
    overcome, facing_counts = _barriers()
    groups = _groups()
    heads = _headteachers()
    candidates, members, urns, phases, regions = [], {}, {}, set(), set()
    for r in rows:
        bands = context_bands(r.RegisterSchool)
        current, past = groups.get(r.id, (None, frozenset()))
        candidates.append(matching.Candidate(
            school_id=r.id, name=r.name, phase=bands["phase"], size_band=bands["size"],
            fsm_band=bands["fsm"], region=bands["region"], group_id=current,
            offers=offers.get(r.id, frozenset()), overcome=frozenset(overcome.get(r.id, ())),
            past_groups=past, open_to_partnering=bool(r.open_to_partnering),
            spare_capacity=r.capacity or 0, headteacher_ids=frozenset(heads.get(r.id, ()))))
        members.setdefault(r.cluster_id, []).append(r.id)
        urns[r.id] = r.urn
        phases.add(r.RegisterSchool.phase)
        regions.add(r.RegisterSchool.region)
    pool = matching.Pool(candidates)
    clusters: dict[int, int] = {}
    shared = 0
    for r in rows:
        bit = 1 << pool.position[r.id]
        clusters[r.cluster_id] = clusters.get(r.cluster_id, 0) | bit
        if r.visibility == "network":
            shared |= bit
    return _Network(
        generation=generation, pool=pool, shared=shared, clusters=clusters, members=members,
        urns=urns, groups=groups, heads=heads, rarity=rarity(overcome, facing_counts),
        titles=dict(db.session.execute(select(Barrier.slug, Barrier.title)).all()),
        group_names=dict(db.session.execute(select(PriorityGroup.id, PriorityGroup.name))
                         .all()),
        choices={"phase": sorted(p for p in phases if p),
                 "region": sorted(r for r in regions if r)})


def rarity(overcome: dict[int, set[str]], facing: dict[str, int]) -> dict[str, float]:
    """0..1 per barrier: 1 when few schools on the platform have overcome it."""
    counts: dict[str, int] = {}
    for slugs in overcome.values():
        for slug in slugs:
            counts[slug] = counts.get(slug, 0) + 1
    top = max(counts.values(), default=0)
    return {slug: 1.0 - counts.get(slug, 0) / top if top else 1.0
            for slug in set(counts) | set(facing)}


def _offers(ids: set[int]) -> dict[int, frozenset[str]]:
    """Public offers per school: rated 1 in its latest final evaluation AND opted in."""
    newest: dict[int, tuple[int, int]] = {}
    for eid, sid, year, term in db.session.execute(
            select(SelfEvaluation.id, SelfEvaluation.school_id, SelfEvaluation.year,
                   SelfEvaluation.term).where(SelfEvaluation.status == "final")):
        order = year * 3 + TERMS.index(term)
        if sid in ids and (sid not in newest or order > newest[sid][0]):
            newest[sid] = (order, eid)
    chosen: dict[int, set[str]] = {}
    for sid, standard in db.session.execute(select(OfferOptIn.school_id,
                                                   OfferOptIn.standard_id)):
        chosen.setdefault(sid, set()).add(standard)
    rated: dict[int, set[str]] = {}
    for sid, eid, standard in db.session.execute(
            select(SelfEvaluation.school_id, Rating.evaluation_id, Rating.standard_id)
            .join(SelfEvaluation, Rating.evaluation_id == SelfEvaluation.id)
            .where(SelfEvaluation.status == "final", Rating.rating == 1)):
        if sid in newest and newest[sid][1] == eid and standard in chosen.get(sid, ()):
            rated.setdefault(sid, set()).add(standard)
    return {sid: frozenset(s) for sid, s in rated.items()}


def _barriers() -> tuple[dict[int, set[str]], dict[str, int]]:
    overcome: dict[int, set[str]] = {}
    facing: dict[str, int] = {}
    for sid, slug, done in db.session.execute(
            select(SchoolBarrier.school_id, SchoolBarrier.barrier_slug,
                   SchoolBarrier.overcome_on)):
        if done is None:
            facing[slug] = facing.get(slug, 0) + 1
        else:
            overcome.setdefault(sid, set()).add(slug)
    return overcome, facing


def _groups() -> dict[int, tuple[int | None, frozenset[int]]]:
    current: dict[int, int] = {}
    past: dict[int, set[int]] = {}
    for sid, gid, ended in db.session.execute(
            select(GroupMembership.school_id, GroupMembership.group_id,
                   GroupMembership.ended_on)):
        if ended is None:
            current[sid] = gid
        else:
            past.setdefault(sid, set()).add(gid)
    return {sid: (current.get(sid), frozenset(past.get(sid, set()) - {current.get(sid)}))
            for sid in set(current) | set(past)}


def _headteachers() -> dict[int, set[int]]:
    """Per school, an id for each headteacher. One account belongs to one school, so an
    executive head of two schools has two accounts: the same (normalised) name counts as the
    same person, identified by the lowest account id carrying it."""
    heads: dict[int, set[int]] = {}
    person: dict[str, int] = {}
    for uid, sid, name in db.session.execute(
            select(User.id, User.school_id, User.name).where(
                User.school_role == "headteacher", User.school_id.is_not(None),
                User.is_active.is_(True)).order_by(User.id)):
        key = " ".join(name.casefold().split())
        heads.setdefault(sid, set()).add(person.setdefault(key, uid))
    return heads


def filter_choices() -> dict[str, list[str]]:
    """Phases and regions of schools on the platform, for the filters."""
    return _network().choices
