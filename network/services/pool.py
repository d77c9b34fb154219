"""Every school on the platform as a partner candidate, kept per process and kept current.

Partner matching reads the whole platform's candidates in a handful of queries (seconds at
national scale) once per process, before gunicorn forks its workers. After that, each match
page reads where the change log stands (network/services/changes.py): when schools have
changed, only those schools are read again and put back in the pool, so a headteacher's
match page never waits for the platform to be read again because someone, somewhere, edited
a case study or a profile. A change this module cannot apply school by school (a school
removed, a key it does not know, a flood of changes) rebuilds the copy in full.

Candidates are the other schools on the platform whose profile is shared with the network, or
that are in the seeker's own cluster: a cluster-only school never reaches another cluster.
Offers are what the network may see (rated 1 in the latest final evaluation AND opted in).
Records are not read here at all, so no anonymised author can leak through a match.

Two signals change without a change-log row today: a headteacher designated a Local Leader of
Education, and a partnership closed with its impact review (the supporting school's track
record). Each match page reads a cheap fingerprint of both (network/services/pool_signals.py);
when it moved, those two signals are read again for every school and only the candidates
whose signals changed are put back.
"""

import weakref
from dataclasses import dataclass, field, replace

from sqlalchemy import select

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
    SelfEvaluation,
    Standard,
    User,
)
from network.domain import matching
from network.domain.anonymity import context_bands
from network.domain.matching_fast import Pool
from network.extensions import db
from network.services import changes, pool_signals

MAX_SCHOOLS_APPLIED = 500  # more changed schools than this at once: read everything again


@dataclass
class Platform:
    """What matching knows about every school on the platform, as of `mark`."""

    mark: changes.Mark
    pool: Pool
    shared: int  # schools whose profile the whole network may see
    clusters: dict[int, int]  # cluster id -> its schools
    members: dict[int, set[int]]
    urns: dict[int, str]
    rarity: dict[str, float]
    titles: dict[str, str]
    group_names: dict[int, str]
    choices: dict[str, list[str]]
    # Kept so that one school can be put back without reading the others.
    cluster_of: dict[int, int]
    places: dict[int, tuple[str | None, str | None]]  # register phase and region
    facing: dict[int, frozenset[str]]  # barriers each school faces now
    head_names: dict[int, tuple[tuple[int, str], ...]]  # headteachers' ids and names
    signals: tuple = ()  # the fingerprint of LLE headteachers and closed partnerships
    standard_titles: dict[str, str] = field(default_factory=dict)  # CE2.A -> its short name

    def candidate(self, school_id: int) -> matching.Candidate | None:
        """The school as a candidate (its group, offers, headteachers...), if it is one."""
        at = self.pool.position.get(school_id)
        return None if at is None else self.pool.candidates[at]


_CACHE: "weakref.WeakKeyDictionary[object, Platform]" = weakref.WeakKeyDictionary()


def platform() -> Platform:
    """This process's copy of the candidates, brought up to date with the change log."""
    net = changes.kept(_CACHE, _build, _apply)
    pool_signals.refresh(net)
    return net


def filter_choices() -> dict[str, list[str]]:
    """Phases and regions of schools on the platform, for the filters."""
    return platform().choices


def _build(mark: changes.Mark) -> Platform:
    """Every school on the platform as a candidate, in a handful of queries."""
    signals = pool_signals.fingerprint()
    read = _Read(None)
    net = Platform(
        mark=mark, pool=Pool(read.candidates()), shared=0, clusters={},
        members={}, urns={}, rarity={},
        titles=dict(db.session.execute(select(Barrier.slug, Barrier.title)).all()),
        group_names=dict(db.session.execute(select(PriorityGroup.id, PriorityGroup.name))
                         .all()),
        choices={}, cluster_of={}, places={}, facing=read.facing, head_names=read.head_names,
        signals=signals,
        standard_titles=dict(db.session.execute(select(Standard.id, Standard.title)).all()))
    for r in read.rows:
        _place(net, r)
    _summarise(net)
    return net


def _apply(net: Platform, keys: set[str]) -> bool:
    """Put the schools named by change-log `keys` back in the pool, read afresh; False when
    the copy must be built again instead."""
    schools: set[int] = set()
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == "record":
            continue  # matching reads no records
        if kind != "school" or not ident.isdigit():
            return False
        schools.add(int(ident))
    if len(schools) > MAX_SCHOOLS_APPLIED:
        return False
    if not schools:
        return True
    read = _Read(schools)
    found = {r.id for r in read.rows}
    if any(sid in net.pool.position for sid in schools - found):
        return False  # a school has left the platform
    newest = net.pool.candidates[-1].school_id if net.pool.candidates else 0
    if any(sid not in net.pool.position and sid < newest for sid in found):
        return False
    if any(net.head_names.get(sid, ()) != read.head_names.get(sid, ()) for sid in schools):
        read.heads = _identify(_head_names(None))  # one person can head schools anywhere
        for c in list(net.pool.candidates):
            if c.school_id not in found and c.headteacher_ids != read.heads.get(
                    c.school_id, frozenset()):
                net.pool.put(replace(c, headteacher_ids=read.heads.get(c.school_id,
                                                                       frozenset())))
    else:
        read.heads = {sid: net.candidate(sid).headteacher_ids for sid in found
                      if net.candidate(sid) is not None}
    for sid in schools:
        _set(net.facing, sid, read.facing.get(sid))
        _set(net.head_names, sid, read.head_names.get(sid))
    for r in read.rows:
        net.pool.put(read.candidate(r))
        _place(net, r)
    _summarise(net)
    return True


def _set(mapping: dict, key, value) -> None:
    """mapping[key] = value, or no entry at all for an empty value."""
    if value:
        mapping[key] = value
    else:
        mapping.pop(key, None)


def _place(net: Platform, r) -> None:
    """Record school row `r`'s cluster, visibility, URN and place."""
    sid, bit = r.id, 1 << net.pool.position[r.id]
    old = net.cluster_of.get(sid)
    if old is not None and old != r.cluster_id:
        net.clusters[old] &= ~bit
        net.members[old].discard(sid)
    net.cluster_of[sid] = r.cluster_id
    net.clusters[r.cluster_id] = net.clusters.get(r.cluster_id, 0) | bit
    net.members.setdefault(r.cluster_id, set()).add(sid)
    net.shared = net.shared | bit if r.visibility == "network" else net.shared & ~bit
    net.urns[sid] = r.urn
    net.places[sid] = (r.RegisterSchool.phase, r.RegisterSchool.region)


def _summarise(net: Platform) -> None:
    """What is worked out over every school: barrier rarity and the filters' choices."""
    overcome: dict[str, int] = {}
    for c in net.pool.candidates:
        for slug in c.overcome:
            overcome[slug] = overcome.get(slug, 0) + 1
    facing: dict[str, int] = {}
    for slugs in net.facing.values():
        for slug in slugs:
            facing[slug] = facing.get(slug, 0) + 1
    net.rarity = rarity(overcome, facing)
    net.choices = {"phase": sorted({p for p, _ in net.places.values() if p}),
                   "region": sorted({r for _, r in net.places.values() if r})}
    for cluster in [c for c, bits in net.clusters.items() if not bits]:
        del net.clusters[cluster], net.members[cluster]


def rarity(overcome: dict[str, int], facing: dict[str, int]) -> dict[str, float]:
    """0..1 per barrier: 1 when few schools on the platform have overcome it (`overcome` and
    `facing` count schools per barrier)."""
    top = max(overcome.values(), default=0)
    return {slug: 1.0 - overcome.get(slug, 0) / top if top else 1.0
            for slug in set(overcome) | set(facing)}


class _Read:
    """What matching reads about some schools (`ids`), or about every school (None)."""

    def __init__(self, ids: set[int] | None):
        self.ids = ids
        self.rows = db.session.execute(self._only(
            select(School.id, School.name, School.urn, School.cluster_id, RegisterSchool,
                   SchoolProfile.visibility, SchoolProfile.open_to_partnering,
                   SchoolProfile.capacity)
            .join(RegisterSchool, School.urn == RegisterSchool.urn)
            .outerjoin(SchoolProfile, SchoolProfile.school_id == School.id), School.id)).all()
        self.offers = self._offers()
        self.overcome, self.facing, self.recorded = self._barriers()
        self.groups = self._groups()
        self.group_names = dict(db.session.execute(select(PriorityGroup.id,
                                                          PriorityGroup.name)).all())
        self.lle, self.improved = pool_signals.lle_schools(ids), pool_signals.track_records(ids)
        self.head_names = _head_names(ids)
        # Who is the same person is worked out over the whole platform (_apply, for a few).
        self.heads = _identify(self.head_names) if ids is None else {}

    def _only(self, query, column):
        return query if self.ids is None else query.where(column.in_(self.ids))

    def candidates(self) -> list[matching.Candidate]:
        """A candidate per school read."""
        return [self.candidate(r) for r in self.rows]

    def candidate(self, r) -> matching.Candidate:
        """The candidate for school row `r`."""
        entry = r.RegisterSchool
        bands = context_bands(entry)
        current, left = self.groups.get(r.id, (None, frozenset()))
        return matching.Candidate(
            school_id=r.id, name=r.name, phase=bands["phase"],
            size_band=matching.size_band(entry.phase, entry.number_on_roll),
            fsm_band=bands["fsm"], region=bands["region"], group_id=current,
            offers=self.offers.get(r.id, frozenset()),
            overcome=frozenset(self.overcome.get(r.id, ())), left=left,
            open_to_partnering=bool(r.open_to_partnering), spare_capacity=r.capacity or 0,
            headteacher_ids=self.heads.get(r.id, frozenset()),
            group_name=self.group_names.get(current, "") if current else "",
            la_name=entry.la_name, postcode=entry.postcode,
            religion=entry.religious_character, grade=entry.ofsted_rating,
            inspected_on=entry.ofsted_inspection_date,
            recorded=frozenset(self.recorded.get(r.id, ())), lle=r.id in self.lle,
            improved=self.improved.get(r.id, 0))

    def _offers(self) -> dict[int, frozenset[str]]:
        """Public offers per school: rated 1 in its latest final evaluation AND opted in."""
        newest: dict[int, tuple[int, int]] = {}
        for eid, sid, year, term in db.session.execute(self._only(
                select(SelfEvaluation.id, SelfEvaluation.school_id, SelfEvaluation.year,
                       SelfEvaluation.term).where(SelfEvaluation.status == "final"),
                SelfEvaluation.school_id)):
            order = year * 3 + TERMS.index(term)
            if sid not in newest or order > newest[sid][0]:
                newest[sid] = (order, eid)
        chosen: dict[int, set[str]] = {}
        for sid, standard in db.session.execute(self._only(
                select(OfferOptIn.school_id, OfferOptIn.standard_id), OfferOptIn.school_id)):
            chosen.setdefault(sid, set()).add(standard)
        rated: dict[int, set[str]] = {}
        for sid, eid, standard in db.session.execute(self._only(
                select(SelfEvaluation.school_id, Rating.evaluation_id, Rating.standard_id)
                .join(SelfEvaluation, Rating.evaluation_id == SelfEvaluation.id)
                .where(SelfEvaluation.status == "final", Rating.rating == 1),
                SelfEvaluation.school_id)):
            if sid in newest and newest[sid][1] == eid and standard in chosen.get(sid, ()):
                rated.setdefault(sid, set()).add(standard)
        return {sid: frozenset(s) for sid, s in rated.items()}

    def _barriers(self) -> tuple[dict[int, set[str]], dict[int, frozenset[str]], dict]:
        """Per school: barriers overcome, barriers faced now, and the overcome barriers the
        platform recorded as faced before they were overcome (slug, since, overcome_on)."""
        overcome: dict[int, set[str]] = {}
        facing: dict[int, set[str]] = {}
        recorded: dict[int, set[tuple]] = {}
        for sid, slug, since, done in db.session.execute(self._only(
                select(SchoolBarrier.school_id, SchoolBarrier.barrier_slug,
                       SchoolBarrier.since, SchoolBarrier.overcome_on),
                SchoolBarrier.school_id)):
            (facing if done is None else overcome).setdefault(sid, set()).add(slug)
            if done is not None and since is not None and since < done:
                recorded.setdefault(sid, set()).add((slug, since, done))
        return overcome, {sid: frozenset(slugs) for sid, slugs in facing.items()}, recorded

    def _groups(self) -> dict[int, tuple[int | None, frozenset[tuple]]]:
        """Per school, its current priority group and the groups it has left, each with the
        month it left."""
        current: dict[int, int] = {}
        left: dict[int, set[tuple]] = {}
        for sid, gid, ended in db.session.execute(self._only(
                select(GroupMembership.school_id, GroupMembership.group_id,
                       GroupMembership.ended_on), GroupMembership.school_id)):
            if ended is None:
                current[sid] = gid
            else:
                left.setdefault(sid, set()).add((gid, matching.month(ended)))
        return {sid: (current.get(sid), frozenset(left.get(sid, ())))
                for sid in set(current) | set(left)}


def _head_names(ids: set[int] | None) -> dict[int, tuple[tuple[int, str], ...]]:
    """Per school (of `ids`, or every school), its active headteachers' account ids and
    names, lowest id first."""
    query = select(User.id, User.school_id, User.name).where(
        User.school_role == "headteacher", User.school_id.is_not(None),
        User.is_active.is_(True)).order_by(User.id)
    if ids is not None:
        query = query.where(User.school_id.in_(ids))
    found: dict[int, list[tuple[int, str]]] = {}
    for uid, sid, name in db.session.execute(query):
        found.setdefault(sid, []).append((uid, name))
    return {sid: tuple(rows) for sid, rows in found.items()}


def _identify(names: dict[int, tuple[tuple[int, str], ...]]) -> dict[int, frozenset[int]]:
    """Per school, an id for each headteacher, from every school's `names`. One account
    belongs to one school, so an executive head of two schools has two accounts: the same
    (normalised) name counts as the same person, identified by the lowest account id
    carrying it."""
    def person(name: str) -> str:
        return " ".join(name.casefold().split())

    lowest: dict[str, int] = {}
    for rows in names.values():
        for uid, name in rows:
            key = person(name)
            lowest[key] = min(uid, lowest.get(key, uid))
    return {sid: frozenset(lowest[person(name)] for _, name in rows)
            for sid, rows in names.items()}
