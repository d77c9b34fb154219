"""Pure partner scoring: no Flask, no database. A service builds the Seeker and Candidates.

A candidate's score is the sum of integer points:
- each of the seeker's needs the candidate offers (rated 1 and opted in): NEED_POINTS by
  severity (a 4 counts more than a 3);
- each barrier the seeker faces that the candidate has overcome: BARRIER_POINTS, plus up to
  RARITY_POINTS more for rarer barriers (``barrier_rarity[slug]`` in 0..1, 1 = rarest);
- TRAJECTORY_POINTS when the candidate has left the seeker's current priority group;
- context: the same phase strongly, then size band, free-school-meals band, region;
- CAPACITY_POINTS for room for two or more partnerships this year.
Only candidates that meet a need, have overcome a barrier or left the group are matches; a
closed school or one without capacity is excluded with the reason, as are the school itself
(silently), schools sharing a headteacher and the caller's ``exclude``.

Speed: a `Pool` turns candidates into bitsets over candidate positions (one Python integer per
standard, barrier, group and context value). Scores for all candidates are added as bit
planes (a ripple-carry adder on big integers), and the top k are selected plane by plane from
the most significant down, so a 25,000-school pool costs a few hundred big-integer operations
per seeker. Only the winners are then explained in plain Python. `rank_naive` is the obvious
loop over candidates, kept as the reference the fast path must agree with.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

NEED_POINTS = {4: 6, 3: 4}
BARRIER_POINTS = 3
RARITY_POINTS = 3
TRAJECTORY_POINTS = 4
PHASE_POINTS, SIZE_POINTS, FSM_POINTS, REGION_POINTS = 6, 2, 2, 1
CAPACITY_POINTS = 1
UNKNOWN = (None, "", "Not known")

CLOSED = "not open to partnering"
NO_CAPACITY = "no capacity this year"
SAME_HEAD = "conflict of interest: same headteacher"


@dataclass(frozen=True)
class Candidate:
    """A school that might support the seeker."""

    school_id: int
    name: str
    phase: str | None = None
    size_band: str | None = None
    fsm_band: str | None = None
    region: str | None = None
    group_id: int | None = None
    offers: frozenset[str] = frozenset()  # standards rated 1 AND opted in
    overcome: frozenset[str] = frozenset()  # barrier slugs overcome
    past_groups: frozenset[int] = frozenset()  # priority groups it has left
    open_to_partnering: bool = True
    spare_capacity: int = 1
    headteacher_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Seeker:
    """The school looking for a partner."""

    school_id: int
    name: str = ""
    needs: dict[str, int] = field(default_factory=dict)  # standard -> 3 or 4
    barriers: frozenset[str] = frozenset()  # facing now
    group_id: int | None = None
    group_name: str = ""
    phase: str | None = None
    size_band: str | None = None
    fsm_band: str | None = None
    region: str | None = None
    headteacher_ids: frozenset[int] = frozenset()


@dataclass
class Match:
    """A ranked partner with the reasons a headteacher can check."""

    school_id: int
    name: str
    score: int
    reasons: list[str]


def barrier_points(slug: str, rarity: dict[str, float]) -> int:
    """Points for one shared barrier: rarer barriers weigh more."""
    share = min(max(rarity.get(slug, 0.0), 0.0), 1.0)
    return BARRIER_POINTS + round(RARITY_POINTS * share)


def _known(value) -> bool:
    return value not in UNKNOWN


def _and_list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain(seeker: Seeker, candidate: Candidate, rarity: dict[str, float],
            barrier_titles: dict[str, str] | None = None) -> tuple[int, bool, list[str]]:
    """(score, relevant, reasons) for one candidate; `relevant` if it meets a need, has
    overcome a barrier the seeker faces or left the seeker's group."""
    titles = barrier_titles or {}
    score, reasons = 0, []
    met = sorted((s for s in seeker.needs if s in candidate.offers),
                 key=lambda s: (-seeker.needs[s], s))
    if met:
        score += sum(NEED_POINTS.get(seeker.needs[s], 0) for s in met)
        reasons.append(f"Strong in {_and_list(met)}, where you rate "
                       f"{_and_list([str(seeker.needs[s]) for s in met])}")
    shared = sorted(seeker.barriers & candidate.overcome,
                    key=lambda b: (-barrier_points(b, rarity), b))
    if shared:
        score += sum(barrier_points(b, rarity) for b in shared)
        reasons.append("Has overcome: " + "; ".join(titles.get(b, b) for b in shared))
    moved = seeker.group_id is not None and seeker.group_id in candidate.past_groups
    if moved:
        score += TRAJECTORY_POINTS
        reasons.append(f"Moved out of {seeker.group_name or 'your priority group'}")
    relevant = bool(met or shared or moved)
    same = {k: _known(getattr(seeker, k)) and getattr(seeker, k) == getattr(candidate, k)
            for k in ("phase", "size_band", "fsm_band", "region")}
    score += (PHASE_POINTS * same["phase"] + SIZE_POINTS * same["size_band"]
              + FSM_POINTS * same["fsm_band"] + REGION_POINTS * same["region"])
    similar = [w for k, w in (("size_band", "size"), ("fsm_band", "intake")) if same[k]]
    parts = (["same phase"] if same["phase"] else []) + \
        ([f"similar {_and_list(similar)}"] if similar else []) + \
        (["same region"] if same["region"] else [])
    if parts:
        text = ", ".join(parts)
        reasons.append(text[0].upper() + text[1:])
    if candidate.spare_capacity >= 2:
        score += CAPACITY_POINTS
    if candidate.open_to_partnering and candidate.spare_capacity > 0:
        n = candidate.spare_capacity
        reasons.append(f"Open to partnering: room for {n} "
                       f"{'partnership' if n == 1 else 'partnerships'} this year")
    return score, relevant, reasons


def _why_not(seeker: Seeker, candidate: Candidate, exclude: dict[int, str]) -> str | None:
    if candidate.school_id == seeker.school_id:
        return "this school"
    if seeker.headteacher_ids & candidate.headteacher_ids:
        return SAME_HEAD
    if candidate.school_id in exclude:
        return exclude[candidate.school_id]
    if not candidate.open_to_partnering:
        return CLOSED
    if candidate.spare_capacity <= 0:
        return NO_CAPACITY
    return None


Excluded = tuple[int, str, str]  # (school_id, name, reason)


def rank_naive(seeker: Seeker, candidates: Iterable[Candidate],
               barrier_rarity: dict[str, float] | None = None,
               exclude: dict[int, str] | None = None, limit: int = 10,
               barrier_titles: dict[str, str] | None = None
               ) -> tuple[list[Match], list[Excluded]]:
    """The reference: score every candidate in a loop (same answer as `rank`)."""
    rarity, exclude = barrier_rarity or {}, exclude or {}
    scored, hard, soft = [], [], []
    for c in candidates:
        if c.school_id == seeker.school_id:
            continue
        reason = _why_not(seeker, c, exclude)
        if reason is not None and reason not in (CLOSED, NO_CAPACITY):
            hard.append((c.school_id, c.name, reason))
            continue
        score, relevant, reasons = explain(seeker, c, rarity, barrier_titles)
        if not relevant:
            continue
        if reason:
            soft.append((-score, c.school_id, c.name, reason))
        else:
            scored.append((-score, c.school_id, c.name, reasons))
    scored.sort()
    soft.sort()
    hard.sort()
    matches = [Match(sid, name, -neg, reasons) for neg, sid, name, reasons in scored[:limit]]
    return matches, hard + [(sid, name, reason) for _, sid, name, reason in soft[:limit]]


class Pool:
    """Candidates turned into bitsets over their positions (ordered by school id)."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.candidates = sorted(candidates, key=lambda c: c.school_id)
        self.position = {c.school_id: i for i, c in enumerate(self.candidates)}
        self.offers: dict[str, int] = {}
        self.overcome: dict[str, int] = {}
        self.left: dict[int, int] = {}
        self.context: dict[tuple[str, str], int] = {}
        self.heads: dict[int, int] = {}
        self.available = self.closed = self.full = self.roomy = 0
        for i, c in enumerate(self.candidates):
            self._mark(i, c, True)

    def put(self, candidate: Candidate) -> bool:
        """Replace the candidate with the same school id, or add a school newer than every
        other (the pool stays ordered by id); False, changing nothing, when a new school would
        have to go in the middle and the pool must be built again."""
        at = self.position.get(candidate.school_id)
        if at is None:
            if self.candidates and candidate.school_id < self.candidates[-1].school_id:
                return False
            at = self.position[candidate.school_id] = len(self.candidates)
            self.candidates.append(candidate)
        else:
            self._mark(at, self.candidates[at], False)
            self.candidates[at] = candidate
        self._mark(at, candidate, True)
        return True

    def _mark(self, i: int, c: Candidate, on: bool) -> None:
        """Set (or clear) candidate `c`'s bit at position `i` in every bitset it belongs to;
        a bitset left empty is dropped."""
        bit = 1 << i

        def flip(bitsets: dict, key) -> None:
            bits = bitsets.get(key, 0) | bit if on else bitsets.get(key, 0) & ~bit
            if bits:
                bitsets[key] = bits
            else:
                bitsets.pop(key, None)

        context = [(k, getattr(c, k)) for k in ("phase", "size_band", "fsm_band", "region")]
        for bitsets, keys in ((self.offers, c.offers), (self.overcome, c.overcome),
                              (self.left, c.past_groups), (self.heads, c.headteacher_ids),
                              (self.context, [kv for kv in context if _known(kv[1])])):
            for key in keys:
                flip(bitsets, key)
        state = "closed" if not c.open_to_partnering else \
            "full" if c.spare_capacity <= 0 else "available"
        for name in (state, "roomy") if c.spare_capacity >= 2 else (state,):
            value = getattr(self, name)
            setattr(self, name, value | bit if on else value & ~bit)

    def __len__(self) -> int:
        return len(self.candidates)


def _add(planes: list[int], bits: int, points: int) -> None:
    """Add `points` to the score of every candidate in `bits` (bit-sliced ripple carry)."""
    shift = 0
    while points:
        if points & 1:
            carry, i = bits, shift
            while carry:
                while i >= len(planes):
                    planes.append(0)
                plane = planes[i]
                planes[i] = plane ^ carry
                carry &= plane
                i += 1
        points >>= 1
        shift += 1


def _lowest(bits: int, count: int) -> list[int]:
    found = []
    while bits and len(found) < count:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found


def _top(planes: list[int], among: int, k: int) -> list[int]:
    """Positions of the k best scores among `among`; ties go to the lower position."""
    if k <= 0 or not among:
        return []
    sure, open_ = 0, among
    for plane in reversed(planes):
        higher = open_ & plane
        if higher.bit_count() + sure.bit_count() >= k:
            open_ = higher
        else:
            sure |= higher
            open_ &= ~plane
    return _lowest(sure, k) + _lowest(open_, k - sure.bit_count())


def _score_planes(pool: Pool, seeker: Seeker, rarity: dict[str, float]) -> tuple[list[int], int]:
    planes: list[int] = []
    relevant = 0
    scored = [(pool.offers.get(sid, 0), NEED_POINTS.get(severity, 0))
              for sid, severity in seeker.needs.items()]
    scored += [(pool.overcome.get(slug, 0), barrier_points(slug, rarity))
               for slug in seeker.barriers]
    if seeker.group_id is not None:
        scored.append((pool.left.get(seeker.group_id, 0), TRAJECTORY_POINTS))
    for bits, points in scored:  # what makes a candidate relevant
        if bits:
            _add(planes, bits, points)
            relevant |= bits
    for key, points in (("phase", PHASE_POINTS), ("size_band", SIZE_POINTS),
                        ("fsm_band", FSM_POINTS), ("region", REGION_POINTS)):
        value = getattr(seeker, key)
        if _known(value):
            _add(planes, pool.context.get((key, value), 0), points)
    _add(planes, pool.roomy, CAPACITY_POINTS)
    return planes, relevant


def rank(seeker: Seeker, candidates: Iterable[Candidate] | Pool,
         barrier_rarity: dict[str, float] | None = None,
         exclude: dict[int, str] | None = None, limit: int = 10,
         barrier_titles: dict[str, str] | None = None
         ) -> tuple[list[Match], list[Excluded]]:
    """The best `limit` partners for `seeker`, and who was left out and why.

    Excluded are every candidate sharing a headteacher, every school in `exclude` (school id
    -> reason), and the `limit` best-scoring relevant schools that are closed to partnering or
    have no capacity this year. The school itself is left out silently.
    """
    pool = candidates if isinstance(candidates, Pool) else Pool(candidates)
    rarity, exclude = barrier_rarity or {}, exclude or {}
    planes, relevant = _score_planes(pool, seeker, rarity)
    me = pool.position.get(seeker.school_id)
    skip = (1 << me) if me is not None else 0
    conflict = 0
    for head in seeker.headteacher_ids:
        conflict |= pool.heads.get(head, 0)
    conflict &= ~skip
    named = sum(1 << pool.position[sid] for sid in exclude if sid in pool.position)
    named &= ~(skip | conflict)
    out = skip | conflict | named

    def explained(positions: list[int]) -> list[tuple[int, Candidate, list[str]]]:
        rows = []
        for c in (pool.candidates[i] for i in positions):
            score, _, reasons = explain(seeker, c, rarity, barrier_titles)
            rows.append((score, c, reasons))
        rows.sort(key=lambda r: (-r[0], r[1].school_id))
        return rows

    winners = explained(_top(planes, relevant & pool.available & ~out, limit))
    matches = [Match(c.school_id, c.name, score, reasons) for score, c, reasons in winners]
    excluded: list[Excluded] = []
    for c in (pool.candidates[i] for i in _lowest(conflict | named, len(pool))):
        excluded.append((c.school_id, c.name, _why_not(seeker, c, exclude) or ""))
    for _, c, _ in explained(_top(planes, relevant & (pool.closed | pool.full) & ~out, limit)):
        excluded.append((c.school_id, c.name, CLOSED if not c.open_to_partnering
                         else NO_CAPACITY))
    return matches, excluded
