"""The fast path of partner ranking: the same answer as matching.rank_naive, bit-sliced.

A `Pool` turns candidates into bitsets over candidate positions (one Python integer per
standard, barrier, group move, context value and signal). Each tier's points for every
candidate are added as bit planes (a ripple-carry adder on big integers); the tiers' planes
are stacked at their multipliers (powers of two, matching.TIERS) and the top k are selected
plane by plane from the most significant down, so a 25,000-school pool costs a few hundred
big-integer operations per seeker. Only the winners are then explained in plain Python.
"""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from network.domain import locality
from network.domain.locality import postcode_area as area_of
from network.domain.matching import (
    CLOSED,
    GRADE_POINTS,
    GROUP_STRENGTH,
    NEED_POINTS,
    NO_CAPACITY,
    TIER_WIDTHS,
    WEIGHTS,
    Candidate,
    Excluded,
    Match,
    Seeker,
    _why_not,
    barrier_points,
    below_good_reason,
    explain,
    has_religion,
    known,
    phase_families,
    window,
)

BELOW = ("Requires Improvement", "Inadequate")


def context_keys(c: Candidate) -> list[tuple[str, object]]:
    """The (kind, value) bitsets a candidate belongs to for filters, context and signals."""
    keys: list[tuple[str, object]] = [(k, getattr(c, k)) for k in (
        "phase", "size_band", "fsm_band") if known(getattr(c, k))]
    keys += [("family", f) for f in phase_families(c.phase)]
    if known(c.region) and locality._known(c.region):
        keys.append(("region", c.region))
    if locality._known(c.la_name):
        keys.append(("la", c.la_name))
    if area_of(c.postcode):
        keys.append(("area", area_of(c.postcode)))
    if has_religion(c.religion):
        keys.append(("religion", c.religion))
    if c.grade in GRADE_POINTS or c.grade in BELOW:
        keys.append(("grade", c.grade))
    if c.group_id is not None:
        keys.append(("group", c.group_id))
    if c.lle:
        keys.append(("lle", True))
    keys += [("track", n) for n in range(1, min(c.improved, 2) + 1)]
    return keys


class Pool:
    """Candidates turned into bitsets over their positions (ordered by school id)."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.candidates = sorted(candidates, key=lambda c: c.school_id)
        self.position = {c.school_id: i for i, c in enumerate(self.candidates)}
        self.offers: dict[str, int] = {}
        self.overcome: dict[str, int] = {}
        self.recorded: dict[str, int] = {}
        self.left: dict[tuple[int, date], int] = {}
        self.context: dict[tuple[str, object], int] = {}
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

        for bitsets, keys in ((self.offers, c.offers), (self.overcome, c.overcome),
                              (self.recorded, c.recorded_slugs), (self.left, c.left),
                              (self.heads, c.headteacher_ids),
                              (self.context, context_keys(c))):
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
    while points and bits:
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
    sure, open_, counted = 0, among, 0
    for plane in reversed(planes):
        higher = open_ & plane
        more = higher.bit_count()
        if more + counted >= k:
            open_ = higher
        else:
            sure |= higher
            counted += more
            open_ &= ~plane
    return _lowest(sure, k) + _lowest(open_, k - counted)


def _score_at(planes: list[int], i: int) -> int:
    """The score of the candidate at position `i`, read back from the planes."""
    return sum(1 << j for j, plane in enumerate(planes) if plane >> i & 1)


@lru_cache(maxsize=4)
def _months(first: date, last: date) -> tuple[date, ...]:
    """Every month from `first` to `last`, as their first days."""
    found, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        found.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(found)


def moved(pool: Pool, seeker: Seeker, today: date) -> int:
    """Candidates that left the seeker's group within the window and are now stronger."""
    g = seeker.group_id
    if g is None:
        return 0
    left = 0
    for m in _months(*window(today)):
        left |= pool.left.get((g, m), 0)
    stronger = 0
    for group, strength in GROUP_STRENGTH.items():
        if strength > GROUP_STRENGTH.get(g, 99):
            stronger |= pool.context.get(("group", group), 0)
    return left & stronger


def _context_planes(pool: Pool, seeker: Seeker) -> list[int]:
    ctx = pool.context.get
    planes: list[int] = []
    la = ctx(("la", seeker.la_name), 0) if locality._known(seeker.la_name) else 0
    area_name = area_of(seeker.postcode)
    area = ctx(("area", area_name), 0) & ~la if area_name else 0
    region = ctx(("region", seeker.region), 0) & ~(la | area) \
        if locality._known(seeker.region) else 0
    adds = [(la, WEIGHTS["same_la"]), (area, WEIGHTS["same_postcode_area"]),
            (region, WEIGHTS["same_region"])]
    adds += [(ctx((key, getattr(seeker, key)), 0), WEIGHTS[w]) for key, w in (
        ("size_band", "similar_size"), ("fsm_band", "similar_intake"))
        if known(getattr(seeker, key))]
    if has_religion(seeker.religion):
        adds.append((ctx(("religion", seeker.religion), 0), WEIGHTS["same_religious_character"]))
    adds += [(ctx(("grade", g), 0), points) for g, points in GRADE_POINTS.items()]
    adds.append((ctx(("lle", True), 0), WEIGHTS["lle_headteacher"]))
    adds += [(ctx(("track", n), 0), WEIGHTS["track_record_per_school"]) for n in (1, 2)]
    adds.append((pool.roomy, WEIGHTS["room_for_two"]))
    for bits, points in adds:
        _add(planes, bits, points)
    return planes


def _stack(tiers: list[tuple[list[int], int | None]]) -> list[int]:
    """Planes of each tier, lowest tier first, each padded to its width: the stacked planes
    are the score with each tier times its multiplier."""
    planes: list[int] = []
    for tier, width in tiers:
        if width is not None and len(tier) > width:
            raise ValueError("a tier's points overflow its width")
        planes += tier + [0] * ((width or len(tier)) - len(tier))
    return planes


def score_planes(pool: Pool, seeker: Seeker, rarity: dict[str, float], today: date
                 ) -> tuple[list[int], int]:
    """Every candidate's score as bit planes, and the candidates that are relevant."""
    need: list[int] = []
    barrier: list[int] = []
    relevant = 0
    for sid, severity in seeker.needs.items():
        bits = pool.offers.get(sid, 0)
        _add(need, bits, NEED_POINTS.get(severity, 0))
        relevant |= bits
    for slug in seeker.barriers:
        bits, recorded = pool.overcome.get(slug, 0), pool.recorded.get(slug, 0)
        said = barrier_points(slug, rarity, False)
        _add(barrier, bits, said)
        _add(barrier, recorded, barrier_points(slug, rarity, True) - said)
        relevant |= bits
    move_bits = moved(pool, seeker, today)
    move: list[int] = []
    _add(move, move_bits, WEIGHTS["move"])
    relevant |= move_bits
    return _stack([(_context_planes(pool, seeker), TIER_WIDTHS["context"]),
                   (move, TIER_WIDTHS["move"]), (barrier, TIER_WIDTHS["barrier"]),
                   (need, None)]), relevant


def rank(seeker: Seeker, candidates: Iterable[Candidate] | Pool,
         barrier_rarity: dict[str, float] | None = None,
         exclude: dict[int, str] | None = None, limit: int = 10,
         barrier_titles: dict[str, str] | None = None, *,
         include: dict[int, str] | None = None, any_phase: bool = False,
         today: date | None = None,
         standard_titles: dict[str, str] | None = None, whose: str | None = None
         ) -> tuple[list[Match], list[Excluded]]:
    """The best `limit` partners for `seeker`, and who was left out and why.

    Excluded are every candidate sharing a headteacher, every school in `exclude` (school id
    -> reason), the `limit` best-scoring relevant schools that are closed to partnering or
    have no capacity this year, and the `limit` best graded below good at their last
    inspection (unless `include` names them: school id -> the broker's reason). Only
    schools of the seeker's phase are ranked unless `any_phase`. The school itself is left
    out silently. `standard_titles` names the standards in the reasons; `whose` is the
    seeker's name when a broker reads them.
    """
    pool = candidates if isinstance(candidates, Pool) else Pool(candidates)
    rarity, exclude, include = barrier_rarity or {}, exclude or {}, include or {}
    today = today or date.today()
    planes, relevant = score_planes(pool, seeker, rarity, today)
    me = pool.position.get(seeker.school_id)
    skip = (1 << me) if me is not None else 0
    conflict = 0
    for head in seeker.headteacher_ids:
        conflict |= pool.heads.get(head, 0)
    conflict &= ~skip
    named = sum(1 << pool.position[sid] for sid in exclude if sid in pool.position)
    named &= ~(skip | conflict)
    out = skip | conflict | named
    families = phase_families(seeker.phase)
    if families and not any_phase:
        phase = 0
        for family in families:
            phase |= pool.context.get(("family", family), 0)
        relevant &= phase
    below = 0
    for grade in BELOW:
        below |= pool.context.get(("grade", grade), 0)
    below &= ~sum(1 << pool.position[sid] for sid in include if sid in pool.position)

    def explained(positions: list[int]) -> list[tuple[int, Candidate, list[str]]]:
        rows = []
        for c in (pool.candidates[i] for i in positions):
            score, _, reasons = explain(seeker, c, rarity, barrier_titles, today,
                                        include.get(c.school_id) if c.grade in BELOW
                                        else None, standard_titles, whose)
            rows.append((score, c, reasons))
        rows.sort(key=lambda r: (-r[0], r[1].school_id))
        return rows

    def best(positions: list[int]) -> list[Candidate]:
        """The candidates at `positions`, best score first (no reasons needed)."""
        order = sorted(positions, key=lambda i: (-_score_at(planes, i), i))
        return [pool.candidates[i] for i in order]

    ranked = relevant & ~out
    winners = explained(_top(planes, ranked & pool.available & ~below, limit))
    matches = [Match(c.school_id, c.name, score, reasons) for score, c, reasons in winners]
    excluded: list[Excluded] = []
    for c in (pool.candidates[i] for i in _lowest(conflict | named, len(pool))):
        excluded.append((c.school_id, c.name, _why_not(seeker, c, exclude) or ""))
    for c in best(_top(planes, ranked & (pool.closed | pool.full), limit)):
        excluded.append((c.school_id, c.name, CLOSED if not c.open_to_partnering
                         else NO_CAPACITY))
    for c in best(_top(planes, ranked & pool.available & below, limit)):
        excluded.append((c.school_id, c.name, below_good_reason(c)))
    return matches, excluded
