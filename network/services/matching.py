"""Find partner schools: builds the seeker and hands it, with the platform's candidates
(network/services/pool.py, kept per process and current with the change log), to the pure
scoring in network.domain.matching. Each request masks the candidates to the schools this seeker may
see and its filters: a cluster-only school never reaches another cluster, and records are not
read at all, so no anonymised author can leak through a match.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from models import Rating, School, SelfEvaluation, SupportRequest, User
from network.access import can, refuse
from network.domain import matching
from network.domain.anonymity import context_bands
from network.domain.matching_fast import Pool, rank
from network.extensions import db
from network.services import pool as pool_service
from network.services.errors import NotFound
from network.services.evaluations import latest

ANY_PHASE = "any"  # the phase filter's value for schools of every phase


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
    # Schools left out because they were graded below good at their last inspection: a
    # broker may include one, with a reason (`ranked(..., include=...)`).
    includable: set[int] = field(default_factory=set)
    any_phase: bool = False


def allowed_school(actor: User, school_id: int) -> School:
    """The school, for its headteacher and senior leaders and for brokers it asked for
    support: 404 to anyone else outside its cluster, 403 inside it."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound
    if not can(actor, "find_partners", school):
        refuse(actor, "find_partners", school)
    return school


def matches_for(actor: User, school_id: int, limit: int = 10,
                filters: dict | None = None) -> Found:
    """Ranked partners for the school, with who was left out and why."""
    school = allowed_school(actor, school_id)
    return ranked(school, limit, filters or {})


def partner_on_offer(school: School, partner_id: int) -> School | None:
    """The partner school if `school` could be matched with it (it is in the network's pool
    and shared with `school`'s cluster), else None."""
    net = pool_service.platform()
    at = net.pool.position.get(partner_id)
    mask = net.shared | net.clusters.get(school.cluster_id, 0)
    if at is None or partner_id == school.id or not (mask >> at) & 1:
        return None
    return db.session.get(School, partner_id)


def ranked(school: School, limit: int, filters: dict, broker: User | None = None,
           asked: SupportRequest | None = None, include: dict[int, str] | None = None
           ) -> Found:
    """Ranked partners for a school the caller has already checked the actor may match for:
    partnered and declined pairings are left out with their reasons. A `broker`'s own school
    stays a candidate: proposing it means declaring the conflict of interest. For a
    request for support (`asked`), the needs are the 3s and 4s it names (all of them if it
    names none) and the barriers those it names (those faced if it names none).

    Only schools of the seeker's phase are ranked unless filters["phase"] is ANY_PHASE or a
    phase (then only that phase). Schools graded below good at their last inspection are
    left out with the reason and listed in `found.includable`; `include` (school id -> the
    broker's reason) ranks them again, with that reason among theirs."""
    from network.services.partnerships import exclusions

    final = latest(school.id, final=True)
    found = Found(school=school, evaluation=final)
    if final is None:
        return found
    filters = {k: v for k, v in filters.items() if v}
    net = pool_service.platform()
    pool = net.pool
    mask = net.shared | net.clusters.get(school.cluster_id, 0)
    phase = filters.get("phase", "")
    found.any_phase = bool(phase)
    if phase and phase != ANY_PHASE:
        mask &= pool.context.get(("phase", phase), 0)
    if filters.get("region"):
        mask &= pool.context.get(("region", filters["region"]), 0)
    if filters.get("standard"):
        mask &= pool.offers.get(filters["standard"], 0)
    me = pool.position.get(school.id)
    if me is not None:
        mask &= ~(1 << me)
    found.urns = _Visible(net.urns, pool.position, mask)
    found.same_cluster = {sid for sid in net.members.get(school.cluster_id, ())
                          if sid in found.urns}
    # The school as the pool knows it: its context, group and headteachers (read with the
    # platform, and current with it).
    me_as = net.candidate(school.id) or _candidate_of(school)
    facing = frozenset(asked.barriers if asked is not None and asked.barriers else
                       net.facing.get(school.id, ()))
    found.seeker = matching.Seeker(
        school_id=school.id, name=school.name, needs=_needs(final, asked),
        barriers=facing, group_id=me_as.group_id,
        group_name=net.group_names.get(me_as.group_id, "") if me_as.group_id else "",
        phase=me_as.phase, size_band=me_as.size_band, fsm_band=me_as.fsm_band,
        region=me_as.region, headteacher_ids=me_as.headteacher_ids, la_name=me_as.la_name,
        postcode=me_as.postcode, religion=me_as.religion)
    heads = me_as.headteacher_ids
    left_out = {sid: why for sid, why in exclusions(school.id).items() if sid in found.urns}
    found.matches, found.excluded = rank(
        found.seeker, _masked(pool, mask, heads), net.rarity, left_out, limit, net.titles,
        include=include, any_phase=found.any_phase, standard_titles=net.standard_titles,
        whose=school.name if broker is not None else None)
    found.includable = {sid for sid, _, why in found.excluded
                        if (c := net.candidate(sid)) is not None
                        and why == matching.below_good_reason(c)}
    return found


def _candidate_of(school: School) -> matching.Candidate:
    """A school the pool does not hold (no register entry): its context, nothing else."""
    entry = school.register_entry
    bands = context_bands(entry)
    return matching.Candidate(
        school.id, school.name, bands["phase"],
        matching.size_band(entry.phase, entry.number_on_roll), bands["fsm"], bands["region"],
        la_name=entry.la_name, postcode=entry.postcode, religion=entry.religious_character)


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


def _masked(pool: Pool, mask: int, heads: frozenset[int]) -> Pool:
    """The pool as if it held only the candidates in `mask`: every bitset is cut to it, so
    scoring, exclusions and ties behave exactly as on a pool of those candidates alone."""
    view = object.__new__(Pool)
    view.candidates, view.position = pool.candidates, pool.position
    for name in ("offers", "overcome", "recorded", "left", "context"):
        setattr(view, name, {key: bits & mask for key, bits in getattr(pool, name).items()})
    view.heads = {head: pool.heads.get(head, 0) & mask for head in heads}
    for name in ("available", "closed", "full", "roomy"):
        setattr(view, name, getattr(pool, name) & mask)
    return view
