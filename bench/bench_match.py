"""Benchmark partner matching at national scale, in memory (no database).

    python bench/bench_match.py [--schools 25000] [--seekers 500] [--naive 50] [--seed 1]

Builds `--schools` synthetic candidates, each with the toolkit's 32 ratings (rated 1 and
opted in = offers; 3 or 4 = needs), barriers faced and overcome from the 25-barrier taxonomy
(some far commoner than others, half with a recorded history), a dated priority-group
history, context bands, a local authority and postcode, religious character, an inspection
grade (a fifth below good), LLE headteachers, track records, openness and capacity. Then,
for `--seekers` schools, the top 10 with reasons through
network.domain.matching.rank on a pool built once; and, in the same run, the naive baselines
on `--naive` of those seekers: rank_naive (a loop scoring and explaining every candidate) and
a score-only loop over sets. Checks the fast answers equal rank_naive's. Prints p50/p95 per
school; writes bench/out/match.json.
"""

from __future__ import annotations

import argparse
import heapq
import json
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.toolkit_data import BARRIERS, standard_ids  # noqa: E402
from network.domain.anonymity import FSM_BANDS, SIZE_BANDS  # noqa: E402
from network.domain.matching import (  # noqa: E402
    NEED_POINTS,
    TIERS,
    Candidate,
    Seeker,
    barrier_points,
    move_month,
    rank_naive,
)
from network.domain.matching_fast import Pool, rank  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "match.json"
PHASES = ["Primary"] * 16 + ["Secondary"] * 3 + ["Special", "All-through"]
TODAY = date(2026, 12, 7)
GRADES = ["Outstanding"] * 3 + ["Good"] * 12 + ["Requires Improvement"] * 2 + \
    ["Inadequate", None, None]
RELIGIONS = [None] * 12 + ["Church of England"] * 5 + ["Roman Catholic"] * 2 + ["None"]
REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West"]


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ms = sorted(s * 1000 for s in samples)
    return {"p50": round(statistics.median(ms), 2),
            "p95": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2), "n": len(ms)}


def network(n: int, rng: random.Random) -> tuple[list[Candidate], list[Seeker], dict]:
    """n schools as candidates, and each as a seeker, with barrier rarity."""
    standards = standard_ids()
    slugs = [slug for slug, _, _ in BARRIERS]
    popularity = [1.0 / (1 + i) for i in range(len(slugs))]  # a few barriers are common
    candidates, seekers, overcome_counts = [], [], dict.fromkeys(slugs, 0)
    for school_id in range(1, n + 1):
        ratings = {s: rng.choices((1, 2, 3, 4), (15, 45, 28, 12))[0] for s in standards}
        offers = frozenset(s for s, r in ratings.items() if r == 1 and rng.random() < 0.7)
        named = set(rng.choices(slugs, popularity, k=rng.randint(0, 6)))
        overcome = frozenset(b for b in named if rng.random() < 0.4)
        facing = frozenset(named - overcome)
        groups = rng.sample(range(1, 7), rng.randint(1, 3))
        left = frozenset((g, date(rng.randint(2015, 2026), rng.randint(1, 12), 1))
                         for g in groups[:-1])
        recorded = frozenset((b, date(2020, 9, 1), date(2023, 7, 1)) for b in overcome
                             if rng.random() < 0.5)
        la = rng.randrange(150)
        context = dict(phase=rng.choice(PHASES), size_band=rng.choice(SIZE_BANDS)[2],
                       fsm_band=rng.choice(FSM_BANDS)[2], region=REGIONS[la % 9],
                       la_name=f"Authority {la}", postcode=f"A{la % 120}{'B' * (la // 120)} 1AA",
                       religion=rng.choice(RELIGIONS))
        heads = frozenset({school_id if rng.random() > 0.01 else school_id - 1})
        candidates.append(Candidate(
            school_id=school_id, name=f"School {school_id}", group_id=groups[-1],
            offers=offers, overcome=overcome, left=left,
            open_to_partnering=rng.random() < 0.6, spare_capacity=rng.randint(0, 3),
            headteacher_ids=heads, group_name=f"Group {groups[-1]}",
            grade=rng.choice(GRADES), inspected_on=date(2023, 5, 1), recorded=recorded,
            lle=rng.random() < 0.05, improved=rng.choice([0] * 9 + [1, 2]), **context))
        seekers.append(Seeker(
            school_id=school_id, name=f"School {school_id}",
            needs={s: r for s, r in ratings.items() if r >= 3}, barriers=facing,
            group_id=groups[-1], group_name=f"Group {groups[-1]}", headteacher_ids=heads,
            **context))
        for slug in overcome:
            overcome_counts[slug] += 1
    top = max(overcome_counts.values()) or 1
    rarity = {slug: 1.0 - count / top for slug, count in overcome_counts.items()}
    return candidates, seekers, rarity


def score_only(seeker: Seeker, candidates: list[Candidate], rarity: dict, k: int = 10):
    """The plainest loop: score every candidate from its sets (need, barriers, move and a
    few signals, tiered), keep the top k."""
    best = []
    for c in candidates:
        if c.school_id == seeker.school_id or not c.open_to_partnering or c.spare_capacity <= 0 \
                or seeker.headteacher_ids & c.headteacher_ids or c.phase != seeker.phase:
            continue
        recorded = c.recorded_slugs
        score = TIERS["need"] * sum(NEED_POINTS[r] for s, r in seeker.needs.items()
                                    if s in c.offers)
        score += TIERS["barrier"] * sum(barrier_points(b, rarity, b in recorded)
                                        for b in seeker.barriers & c.overcome)
        score += TIERS["move"] * (move_month(seeker, c, TODAY) is not None)
        score += 3 * (c.la_name == seeker.la_name) + (c.size_band == seeker.size_band) + \
            (c.fsm_band == seeker.fsm_band) + 2 * c.lle
        best.append((score, -c.school_id))
    return heapq.nlargest(k, best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=25000)
    parser.add_argument("--seekers", type=int, default=500)
    parser.add_argument("--naive", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    candidates, seekers, rarity = network(args.schools, rng)
    built = time.perf_counter() - started
    started = time.perf_counter()
    pool = Pool(candidates)
    pooled = time.perf_counter() - started
    chosen = rng.sample(seekers, min(args.seekers, len(seekers)))

    fast, answers = [], {}
    for seeker in chosen:
        t = time.perf_counter()
        answers[seeker.school_id] = rank(seeker, pool, rarity, limit=10, today=TODAY)
        fast.append(time.perf_counter() - t)
    naive, plain, agree = [], [], True
    for seeker in chosen[:args.naive]:
        t = time.perf_counter()
        reference = rank_naive(seeker, candidates, rarity, limit=10, today=TODAY)
        naive.append(time.perf_counter() - t)
        t = time.perf_counter()
        score_only(seeker, candidates, rarity)
        plain.append(time.perf_counter() - t)
        agree = agree and reference == answers[seeker.school_id]
    result = {
        "schools": args.schools, "standards": len(standard_ids()), "barriers": len(BARRIERS),
        "seekers": len(chosen), "top": 10, "seed": args.seed,
        "python": platform.python_version(), "machine": platform.machine(),
        "synthetic_network_s": round(built, 2), "pool_build_ms": round(pooled * 1000, 1),
        "bitset_rank_with_reasons": percentiles(fast),
        "bitset_total_s": round(sum(fast), 2),
        "naive_rank_with_reasons": percentiles(naive),
        "naive_score_only_loop": percentiles(plain),
        "fast_equals_naive": agree,
    }
    print(f"{args.schools} schools, pool built in {result['pool_build_ms']} ms")
    for label, key in (("bitset rank (top 10, reasons)", "bitset_rank_with_reasons"),
                       ("naive rank (loop, reasons)", "naive_rank_with_reasons"),
                       ("naive score-only loop", "naive_score_only_loop")):
        p = result[key]
        print(f"  {label:32} p50 {p['p50']:8.2f} ms  p95 {p['p95']:8.2f} ms  (n={p['n']})")
    print(f"  top 10 for {len(chosen)} schools: {result['bitset_total_s']} s; "
          f"fast == naive: {agree}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    if not agree:
        raise SystemExit("the bitset ranking disagrees with the naive loop")


if __name__ == "__main__":
    main()
