"""Does search put the record that answers a head's query near the top?

    python bench/bench_relevance.py [--records 5000] [--engines whoosh,tantivy]

The judged records of bench/relevance_data.py are hidden among `--records` look-alikes from
bench/corpus.py (all visible to the searcher). Each judged query is run with both match
strategies in the same run: "all" (every word must match, the behaviour before issue 19
part 4: the baseline) and "most" (search/plan.py). For each engine and strategy it reports
the mean reciprocal rank of the first answer (0 when it is not in the top 50), the share of
queries with an answer in the top three, how many queries returned nothing, and the
latency of the searches (labels, facets and snippets on, as the search page asks).
Prints a table; writes bench/out/relevance.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import records  # noqa: E402
from bench.relevance_data import ANSWERS, QUERIES  # noqa: E402
from search import Query, open_engine  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "relevance.json"
STRATEGIES = ("all", "most")
DEPTH = 50  # an answer below this rank counts as not found
LABELS = ["network"]


def corpus(n: int, seed: int = 7) -> list:
    """`n` look-alike records and the judged answers, every one visible to the searcher."""
    return [replace(d, labels=list(LABELS)) for d in records(n, seed=seed)] + list(ANSWERS)


def rank(hits, answers: tuple[str, ...]) -> int | None:
    """The 1-based rank of the first answer among the hits, or None."""
    for at, hit in enumerate(hits, 1):
        if hit.id in answers:
            return at
    return None


def measure(engine, match: str) -> dict:
    """Run every judged query with one strategy: per-query ranks, and the summary figures."""
    rows, times = [], []
    for judged in QUERIES:
        query = Query(judged.text, labels=LABELS, match=match)
        start = time.perf_counter()
        page = engine.search(query)  # what the search page does: facets, snippets, top 10
        times.append(time.perf_counter() - start)
        deep = engine.search(replace(query, per_page=DEPTH, facets=False, snippets=False))
        rows.append({"query": judged.text, "question": judged.question, "total": page.total,
                     "rank": rank(deep.hits, judged.answers)})
    return {"summary": summary(rows, times), "queries": rows}


def summary(rows: list[dict], times: list[float]) -> dict:
    """Mean reciprocal rank, top-3 share and empty answers, overall and by kind of query."""
    out = {}
    for name, chosen in (("all queries", rows), ("questions", [r for r in rows if r["question"]]),
                         ("keywords", [r for r in rows if not r["question"]])):
        out[name] = {
            "n": len(chosen),
            "mrr": round(statistics.mean(1 / r["rank"] if r["rank"] else 0 for r in chosen), 3),
            "top3": sum(1 for r in chosen if r["rank"] and r["rank"] <= 3),
            "no_results": sum(1 for r in chosen if r["total"] == 0),
        }
    ms = sorted(t * 1000 for t in times)
    out["latency_ms"] = {"p50": round(statistics.median(ms), 2),
                         "p95": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2)}
    return out


def main(argv: list[str] | None = None) -> dict:
    """Build each engine's index once, measure both strategies, print and save the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--engines", default="whoosh,tantivy")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    docs = corpus(args.records)
    report = {"records": len(docs), "look_alikes": args.records, "queries": len(QUERIES),
              "questions": sum(q.question for q in QUERIES), "depth": DEPTH,
              "python": platform.python_version(), "cpus": os.cpu_count(),
              "load_average_at_start": os.getloadavg()[0], "engines": {}}
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        for name in args.engines.split(","):
            engine = open_engine(name, Path(tmp) / name)
            start = time.perf_counter()
            engine.rebuild(docs)
            print(f"{name}: built in {time.perf_counter() - start:.1f} s", flush=True)
            for text in ("reading", "pupil progress"):  # warm caches
                engine.search(Query(text, labels=LABELS))
            report["engines"][name] = {m: measure(engine, m) for m in STRATEGIES}
            engine.close()
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return report


def print_table(report: dict) -> None:
    """One row per engine and strategy: MRR, top 3 and empty answers by kind of query."""
    print(f"\n{report['queries']} judged queries ({report['questions']} questions) among "
          f"{report['records']:,} records")
    head = (f"{'engine':8} {'match':5} {'MRR all':>8} {'top3':>7} {'MRR q':>6} {'top3 q':>7} "
            f"{'MRR kw':>7} {'top3 kw':>8} {'empty':>6} {'p50 ms':>7} {'p95 ms':>7}")
    print(head + "\n" + "-" * len(head))
    for name, by in report["engines"].items():
        for match in STRATEGIES:
            s = by[match]["summary"]
            a, q, k = s["all queries"], s["questions"], s["keywords"]
            print(f"{name:8} {match:5} {a['mrr']:>8} {a['top3']:>3}/{a['n']:<3} {q['mrr']:>6} "
                  f"{q['top3']:>3}/{q['n']:<3} {k['mrr']:>7} {k['top3']:>4}/{k['n']:<3} "
                  f"{a['no_results']:>6} {s['latency_ms']['p50']:>7} {s['latency_ms']['p95']:>7}")


if __name__ == "__main__":
    main()
