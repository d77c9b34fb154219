"""Pure partner ranking: no Flask, no database. A service builds the Seeker and Candidates.

Need comes first. A candidate's score is four tiers, each an integer, stacked with the tier
multipliers in TIERS so that a higher tier always wins, whatever the tiers below it hold:

1. need: the seeker's 3s and 4s the candidate offers (rated 1 and opted in), a 4 weighing
   more than a 3;
2. barriers the seeker faces that the candidate has overcome: more when the platform recorded
   the school facing it before it was overcome (`since` before `overcome_on`) than when the
   school only says so, and a little more for rarer barriers;
3. a move: the candidate left the seeker's current priority group within MOVE_WINDOW_YEARS
   and is now in a stronger group;
4. context and signals: how near it is, similar size for its phase and intake, the same
   religious character, its inspection grade, a headteacher who is a Local Leader of
   Education, a track record of supporting schools that improved, room for two partnerships.

So a school that only shares the seeker's context never ranks above one that meets a need.
Only candidates that meet a need, overcame a barrier or made a move are matches. Phase is a
filter (`any_phase` lifts it; network/domain/matching_phase.py). Left out with the reason:
schools sharing a headteacher, the caller's `exclude`, and (the best few) schools closed to
partnering, without capacity, or graded below good at their last inspection unless the
caller's `include` names them with a reason. The school itself is left out silently.

`rank_naive` is the obvious loop over candidates; `rank` (network/domain/matching_fast.py)
is the bit-sliced fast path and must give exactly the same answer.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from network.domain import inspection, locality
from network.domain.matching_phase import SIZE_BY_PHASE, phase_families, size_band
from network.domain.matching_reasons import standard_words

# The one table of weights. Points within a tier; TIERS stacks the tiers.
WEIGHTS = {
    # Tier 1: need met, per standard.
    "need_4": 3, "need_3": 2,
    # Tier 2: barriers overcome, per barrier.
    "barrier_recorded": 4,  # the platform recorded it faced before it was overcome
    "barrier_said": 2,      # the school says it has overcome it
    "barrier_rarity": 1,    # more for a barrier few schools have overcome
    # Tier 3: a move to a stronger group.
    "move": 1,
    # Tier 4: context and signals (only the nearest locality counts).
    "same_la": 3, "same_postcode_area": 2, "same_region": 1,
    "similar_size": 1, "similar_intake": 1, "same_religious_character": 1,
    "outstanding": 2, "good": 1,
    "lle_headteacher": 2,
    "track_record_per_school": 1, "track_record_most": 2,
    "room_for_two": 1,
}
TIERS = {"need": 1 << 14, "barrier": 1 << 6, "move": 1 << 5, "context": 1}
TIER_WIDTHS = {"context": 5, "move": 1, "barrier": 8}  # bits below the next tier up
MOVE_WINDOW_YEARS = 5
# Priority group strength (models/toolkit_data.PRIORITY_GROUPS): Raise attainment weakest,
# the middle three equal, Good to great stronger, Lead improvement locally strongest.
GROUP_STRENGTH = {1: 0, 2: 1, 3: 1, 4: 1, 5: 2, 6: 3}

NEED_POINTS = {4: WEIGHTS["need_4"], 3: WEIGHTS["need_3"]}
NEARNESS_POINTS = {locality.SAME_LA: WEIGHTS["same_la"],
                   locality.SAME_AREA: WEIGHTS["same_postcode_area"],
                   locality.SAME_REGION: WEIGHTS["same_region"], locality.ELSEWHERE: 0}
GRADE_POINTS = {"Outstanding": WEIGHTS["outstanding"], "Good": WEIGHTS["good"]}
CONTEXT_MOST = (WEIGHTS["same_la"] + WEIGHTS["similar_size"] + WEIGHTS["similar_intake"]
                + WEIGHTS["same_religious_character"] + WEIGHTS["outstanding"]
                + WEIGHTS["lle_headteacher"] + WEIGHTS["track_record_most"]
                + WEIGHTS["room_for_two"])
BARRIER_MOST = 25 * (WEIGHTS["barrier_recorded"] + WEIGHTS["barrier_rarity"])  # 25 barriers
# Each tier's most points fit below the next tier's multiplier.
assert CONTEXT_MOST.bit_length() <= TIER_WIDTHS["context"]
assert WEIGHTS["move"].bit_length() <= TIER_WIDTHS["move"]
assert BARRIER_MOST.bit_length() <= TIER_WIDTHS["barrier"]
assert TIERS["move"] == 1 << TIER_WIDTHS["context"]
assert TIERS["barrier"] == TIERS["move"] << TIER_WIDTHS["move"]
assert TIERS["need"] == TIERS["barrier"] << TIER_WIDTHS["barrier"]

UNKNOWN = (None, "", "Not known")
NO_RELIGION = (None, "", "None", "Does not apply", "Not known", "Not applicable")
CLOSED = "not open to partnering"
NO_CAPACITY = "no capacity this year"
SAME_HEAD = "conflict of interest: same headteacher"
BELOW_GOOD_RULE = ("schools below good are not proposed to support others unless a broker "
                   "includes one with a reason")

def month(day: date) -> date:
    """The first of the day's month: moves are kept and compared by month."""
    return date(day.year, day.month, 1)


def window(today: date) -> tuple[date, date]:
    """First and last month in which leaving a group counts as a move."""
    return date(today.year - MOVE_WINDOW_YEARS, today.month, 1), month(today)


@dataclass(frozen=True)
class Candidate:
    """A school that might support the seeker."""

    school_id: int
    name: str
    phase: str | None = None
    size_band: str | None = None  # relative to its phase (size_band above)
    fsm_band: str | None = None
    region: str | None = None
    group_id: int | None = None
    offers: frozenset[str] = frozenset()  # standards rated 1 AND opted in
    overcome: frozenset[str] = frozenset()  # barrier slugs overcome
    left: frozenset[tuple[int, date]] = frozenset()  # (group, month it left it)
    open_to_partnering: bool = True
    spare_capacity: int = 1
    headteacher_ids: frozenset[int] = frozenset()
    group_name: str = ""
    la_name: str | None = None
    postcode: str | None = None
    religion: str | None = None
    grade: str | None = None  # latest inspection grade on the register
    inspected_on: date | None = None
    # Overcome barriers the platform recorded as faced first: (slug, since, overcome_on).
    recorded: frozenset[tuple[str, date, date]] = frozenset()
    lle: bool = False  # an active headteacher is a Local Leader of Education
    improved: int = 0  # closed partnerships it supported whose focus improved

    @property
    def past_groups(self) -> frozenset[int]:
        """The priority groups it has left, whenever."""
        return frozenset(g for g, _ in self.left)

    @property
    def recorded_slugs(self) -> frozenset[str]:
        return frozenset(slug for slug, _, _ in self.recorded)


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
    la_name: str | None = None
    postcode: str | None = None
    religion: str | None = None


@dataclass
class Match:
    """A ranked partner with the reasons a headteacher can check, strongest first."""

    school_id: int
    name: str
    score: int
    reasons: list[str]


Excluded = tuple[int, str, str]  # (school_id, name, reason)


def barrier_points(slug: str, rarity: dict[str, float], recorded: bool = False) -> int:
    """Points for one barrier overcome: more with a recorded history, more when rarer."""
    share = min(max(rarity.get(slug, 0.0), 0.0), 1.0)
    base = WEIGHTS["barrier_recorded"] if recorded else WEIGHTS["barrier_said"]
    return base + round(WEIGHTS["barrier_rarity"] * share)


def known(value) -> bool:
    return value not in UNKNOWN


def has_religion(value) -> bool:
    return value not in NO_RELIGION


def below_good_reason(candidate: Candidate) -> str:
    """Why a school graded below good is left out."""
    return f"{inspection.words(candidate.grade, candidate.inspected_on)}: {BELOW_GOOD_RULE}"


def same_phase(seeker: Seeker, candidate: Candidate) -> bool:
    """Whether the candidate passes the phase filter (always, when the seeker's phase is not
    known)."""
    mine = phase_families(seeker.phase)
    return not mine or bool(mine & phase_families(candidate.phase))


def _and_list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rater(whose: str | None) -> str:
    """Who rated the needs, as the reader is addressed: "you rate" or "<school> rates"."""
    return f"{whose} rates" if whose else "you rate"


def _lower_title(title: str) -> str:
    """A barrier title inside a sentence ("Low staff morale" -> "low staff morale")."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def move_month(seeker: Seeker, candidate: Candidate, today: date) -> date | None:
    """The latest month in the window the candidate left the seeker's group, when it is now
    in a stronger group; None when that is no move."""
    g = seeker.group_id
    if g is None or candidate.group_id is None or \
            GROUP_STRENGTH.get(candidate.group_id, -1) <= GROUP_STRENGTH.get(g, 99):
        return None
    first, last = window(today)
    months = [m for group, m in candidate.left if group == g and first <= m <= last]
    return max(months, default=None)


def _signals(seeker: Seeker, c: Candidate, included: str | None) -> tuple[int, list[str]]:
    """Tier 4: context and signals, with a line for each."""
    points, reasons = 0, []
    if included is None:
        points += GRADE_POINTS.get(c.grade, 0)
        reasons.append(_first_up(inspection.words(c.grade, c.inspected_on)))
    if c.lle:
        points += WEIGHTS["lle_headteacher"]
        reasons.append("Its headteacher is a Local Leader of Education")
    if c.improved > 0:
        points += min(c.improved * WEIGHTS["track_record_per_school"],
                      WEIGHTS["track_record_most"])
        reasons.append(f"Has supported {c.improved} "
                       + ("school that improved on its focus" if c.improved == 1
                          else "schools that improved on their focus"))
    near, words = locality.nearness(seeker.la_name, seeker.postcode, seeker.region,
                                    c.la_name, c.postcode, c.region)
    if near != locality.ELSEWHERE:
        points += NEARNESS_POINTS[near]
        reasons.append(_first_up(words))
    size = known(seeker.size_band) and seeker.size_band == c.size_band
    intake = known(seeker.fsm_band) and seeker.fsm_band == c.fsm_band
    points += WEIGHTS["similar_size"] * size + WEIGHTS["similar_intake"] * intake
    if size or intake:
        reasons.append("Similar " + _and_list(
            (["size for its phase"] if size else [])
            + (["intake (pupils eligible for free school meals)"] if intake else [])))
    if has_religion(seeker.religion) and seeker.religion == c.religion:
        points += WEIGHTS["same_religious_character"]
        reasons.append(f"Same religious character ({c.religion})")
    if not same_phase(seeker, c):
        reasons.append(f"A {c.phase} school; yours is {seeker.phase}")
    if c.spare_capacity >= 2:
        points += WEIGHTS["room_for_two"]
    if c.open_to_partnering and c.spare_capacity > 0:
        n = c.spare_capacity
        reasons.append(f"Open to partnering: room for {n} "
                       f"{'partnership' if n == 1 else 'partnerships'} this year")
    return points, reasons


def explain(seeker: Seeker, candidate: Candidate, rarity: dict[str, float],
            barrier_titles: dict[str, str] | None = None, today: date | None = None,
            included: str | None = None,
            standard_titles: dict[str, str] | None = None, whose: str | None = None
            ) -> tuple[int, bool, list[str]]:
    """(score, relevant, reasons) for one candidate, reasons strongest first; `relevant` if
    it meets a need, has overcome a barrier the seeker faces or made a move. `included`: the
    broker's reason for including a school graded below good; `standard_titles` names the
    standards in the reasons. `whose`: the seeker's name when someone else (a broker) reads
    the reasons; None speaks to the seeker ("where you rate")."""
    titles, today = barrier_titles or {}, today or date.today()
    c, reasons = candidate, []
    if included is not None:
        reasons.append(f"Included by the broker although "
                       f"{inspection.words(c.grade, c.inspected_on)}: {included}")
    met = sorted((s for s in seeker.needs if s in c.offers),
                 key=lambda s: (-seeker.needs[s], s))
    need = sum(NEED_POINTS.get(seeker.needs[s], 0) for s in met)
    if met:
        named = [standard_words(s, standard_titles) for s in met]
        reasons.append(f"Strong in {_and_list(named)}, where {_rater(whose)} "
                       f"{_and_list([str(seeker.needs[s]) for s in met])}")
    spells = {slug: (since, done) for slug, since, done in c.recorded}
    shared = sorted(seeker.barriers & c.overcome,
                    key=lambda b: (-barrier_points(b, rarity, b in spells), b))
    barriers = sum(barrier_points(b, rarity, b in spells) for b in shared)
    for b in shared:
        title = _lower_title(titles.get(b, b))
        if b in spells:
            since, done = spells[b]
            reasons.append(f"Overcame {title} (recorded as faced from {since:%B %Y} "
                           f"to {done:%B %Y})")
        else:
            reasons.append(f"Says it has overcome {title}")
    moved = move_month(seeker, c, today)
    if moved is not None:
        reasons.append(f"Moved from {seeker.group_name or 'your priority group'} to "
                       f"{c.group_name or 'a stronger group'} in {moved:%B %Y}")
    context, lines = _signals(seeker, c, included)
    reasons += lines
    move = WEIGHTS["move"] if moved is not None else 0
    score = (need * TIERS["need"] + barriers * TIERS["barrier"] + move * TIERS["move"]
             + context * TIERS["context"])
    return score, bool(met or shared or moved is not None), reasons


def _why_not(seeker: Seeker, candidate: Candidate, exclude: dict[int, str]) -> str | None:
    """Why a candidate is left out whatever its score (not the soft reasons)."""
    if candidate.school_id == seeker.school_id:
        return "this school"
    if seeker.headteacher_ids & candidate.headteacher_ids:
        return SAME_HEAD
    if candidate.school_id in exclude:
        return exclude[candidate.school_id]
    return None


def soft_reason(candidate: Candidate, include: dict[int, str]) -> str | None:
    """Why a relevant candidate is left out: closed, full, or graded below good (unless
    `include` names it)."""
    if not candidate.open_to_partnering:
        return CLOSED
    if candidate.spare_capacity <= 0:
        return NO_CAPACITY
    if inspection.below_good(candidate.grade) and candidate.school_id not in include:
        return below_good_reason(candidate)
    return None


def rank_naive(seeker: Seeker, candidates: Iterable[Candidate],
               barrier_rarity: dict[str, float] | None = None,
               exclude: dict[int, str] | None = None, limit: int = 10,
               barrier_titles: dict[str, str] | None = None, *,
               include: dict[int, str] | None = None, any_phase: bool = False,
               today: date | None = None,
               standard_titles: dict[str, str] | None = None, whose: str | None = None,
               ) -> tuple[list[Match], list[Excluded]]:
    """The reference: score every candidate in a loop (same answer as `rank`)."""
    rarity, exclude, include = barrier_rarity or {}, exclude or {}, include or {}
    today = today or date.today()
    scored, hard, closed, below = [], [], [], []
    for c in candidates:
        if c.school_id == seeker.school_id:
            continue
        reason = _why_not(seeker, c, exclude)
        if reason is not None:
            hard.append((c.school_id, c.name, reason))
            continue
        if not any_phase and not same_phase(seeker, c):
            continue
        why = soft_reason(c, include)
        included = include.get(c.school_id) if inspection.below_good(c.grade) else None
        score, relevant, reasons = explain(seeker, c, rarity, barrier_titles, today, included,
                                          standard_titles, whose)
        if not relevant:
            continue
        if why in (CLOSED, NO_CAPACITY):
            closed.append((-score, c.school_id, c.name, why))
        elif why is not None:
            below.append((-score, c.school_id, c.name, why))
        else:
            scored.append((-score, c.school_id, c.name, reasons))
    for rows in (scored, hard, closed, below):
        rows.sort()
    matches = [Match(sid, name, -neg, reasons) for neg, sid, name, reasons in scored[:limit]]
    return matches, hard + [(sid, name, why) for _, sid, name, why in closed[:limit]] + \
        [(sid, name, why) for _, sid, name, why in below[:limit]]


__all__ = ["WEIGHTS", "TIERS", "Candidate", "Seeker", "Match", "rank_naive",
           "explain", "standard_words", "barrier_points", "below_good_reason",
           "phase_families", "size_band", "SIZE_BY_PHASE"]
