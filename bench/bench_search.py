"""Benchmark the search engines (Whoosh, tantivy) against SQLite FTS5 on a synthetic corpus.

    python bench/bench_search.py --records 100000 [--engines whoosh,tantivy,fts5]

For each engine: index build time, then p50/p95 latency over the same queries
(a) plain: text only, top 10, no filter, no facets, no snippets;
(b) full: the user's labels as a filter, all six facets, highlighted snippets, top 10,
    once per match strategy (`--match`: "all" words, the old query kept as the baseline,
    and "most" words ranked by search/plan.py, the default);
and single-record update + commit. Prints one table; writes bench/out/search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import queries, records, tenant_labels  # noqa: E402
from search import FACETS, TEXT_FIELDS, Query, open_engine  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "search.json"
UPDATES = 30


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ms = sorted(s * 1000 for s in samples)
    return {"p50": round(statistics.median(ms), 2),
            "p95": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2), "n": len(ms)}


def timed(fn, items) -> tuple[list[float], list]:
    """Run fn over items, returning each call's duration and result."""
    times, results = [], []
    for item in items:
        start = time.perf_counter()
        results.append(fn(item))
        times.append(time.perf_counter() - start)
    return times, results


def dir_mb(path: Path) -> float:
    """Disk size of a directory tree in MB."""
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def bench_engine(name: str, docs, qs, users, workdir: Path,
                 matches: tuple[str, ...] = ("most",)) -> dict:
    """Build and query one of our engines."""
    path = workdir / name
    engine = open_engine(name, path)
    start = time.perf_counter()
    engine.rebuild(docs)
    build = time.perf_counter() - start
    for text in qs[:5]:  # warm caches
        engine.search(Query(text, labels=users[0]))
    plain, _ = timed(lambda t: engine._plain_search(t, 10), qs)
    fulls = {}
    for match in matches:
        full, res = timed(lambda i, m=match: engine.search(
            Query(qs[i], labels=users[i % len(users)], match=m)), range(len(qs)))
        fulls[match] = (percentiles(full), round(statistics.mean(r.total for r in res), 1))
    update, _ = timed(lambda d: engine.upsert([d]), docs[:UPDATES])
    first = fulls[matches[-1]]
    out = {"build_s": round(build, 1), "plain": percentiles(plain), "full": first[0],
           "update": percentiles(update), "index_mb": dir_mb(path),
           "mean_total_full": first[1]}
    for match, (timing, mean_total) in fulls.items():
        out[f"full_{match}"] = timing
        out[f"mean_total_full_{match}"] = mean_total
    engine.close()
    return out


# --- SQLite FTS5 baseline -------------------------------------------------------------

_FTS_WEIGHTS = ", ".join(str(w) for w in TEXT_FIELDS.values())


def fts_match(text: str) -> str:
    """The words of `text` as quoted FTS5 strings (implicit AND), so no FTS syntax leaks in."""
    words = re.findall(r"\w+", text)
    return " ".join('"' + w + '"' for w in words)


def fts_build(db: sqlite3.Connection, docs) -> None:
    """Create and fill the FTS5 table and the filter/facet side tables."""
    db.executescript(f"""
        CREATE VIRTUAL TABLE fts USING fts5({', '.join(TEXT_FIELDS)}, tokenize='porter unicode61');
        CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT, kind TEXT, grp TEXT, phase TEXT,
                           region TEXT, published TEXT);
        CREATE TABLE labels (label TEXT, rowid INTEGER);
        CREATE TABLE multi (facet TEXT, value TEXT, rowid INTEGER);
    """)
    for i, d in enumerate(docs, 1):
        db.execute("INSERT INTO fts(rowid, title, barriers_text, actions_text, impact_text, "
                   "context_text, body_text) VALUES (?,?,?,?,?,?,?)",
                   (i, *(getattr(d, f) for f in TEXT_FIELDS)))
        db.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?)",
                   (i, d.id, d.kind, d.group, d.phase, d.region,
                    d.published.isoformat() if d.published else None))
        db.executemany("INSERT INTO labels VALUES (?,?)", [(lb, i) for lb in d.labels])
        db.executemany("INSERT INTO multi VALUES (?,?,?)",
                       [(f, v, i) for f in ("barrier", "element") for v in d.facet_values(f)])
    db.executescript("CREATE INDEX labels_i ON labels(label, rowid);"
                     "CREATE INDEX multi_i ON multi(rowid, facet, value);")
    db.commit()


def fts_plain(db: sqlite3.Connection, text: str) -> list:
    """Top 10 by bm25 with field weights, no filter."""
    return db.execute(f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, {_FTS_WEIGHTS})"
                      " LIMIT 10", (fts_match(text),)).fetchall()


def fts_full(db: sqlite3.Connection, text: str, labels: list[str]) -> dict:
    """Label filter + total + six facets + top 10 with highlighted snippets.

    `+rowid` keeps SQLite from handing the label list to FTS5 as rowid lookups
    (200x slower); FTS5's snippet() does not HTML-escape, unlike our engines.
    """
    marks = ",".join("?" * len(labels))
    db.execute("DROP TABLE IF EXISTS temp.m")
    db.execute(f"CREATE TEMP TABLE m AS SELECT rowid, bm25(fts, {_FTS_WEIGHTS}) AS score "
               f"FROM fts WHERE fts MATCH ? "
               f"AND +rowid IN (SELECT rowid FROM labels WHERE label IN ({marks}))",
               (fts_match(text), *labels))
    total = db.execute("SELECT count(*) FROM m").fetchone()[0]
    facets = {}
    for facet, column in (("kind", "kind"), ("group", "grp"), ("phase", "phase"),
                          ("region", "region")):
        facets[facet] = dict(db.execute(
            f"SELECT d.{column}, count(*) FROM m JOIN docs d USING (rowid) GROUP BY 1"))
    for facet in ("barrier", "element"):
        facets[facet] = dict(db.execute(
            "SELECT x.value, count(*) FROM m JOIN multi x USING (rowid) WHERE x.facet = ? "
            "GROUP BY 1", (facet,)))
    top = [r[0] for r in db.execute("SELECT rowid FROM m ORDER BY score LIMIT 10")]
    snippets = []
    if top:
        snippets = db.execute(
            f"SELECT rowid, snippet(fts, -1, '<mark>', '</mark>', ' … ', 24) FROM fts "
            f"WHERE fts MATCH ? AND rowid IN ({','.join('?' * len(top))})",
            (fts_match(text), *top)).fetchall()
    assert set(facets) == set(FACETS)
    return {"total": total, "hits": snippets}


def bench_fts5(docs, qs, users, workdir: Path) -> dict:
    """Build and query the SQLite FTS5 baseline in a temporary file."""
    path = workdir / "fts5.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    start = time.perf_counter()
    fts_build(db, docs)
    build = time.perf_counter() - start
    plain, _ = timed(lambda t: fts_plain(db, t), qs)
    full, res = timed(lambda i: fts_full(db, qs[i], users[i % len(users)]), range(len(qs)))
    db.close()
    return {"build_s": round(build, 1), "plain": percentiles(plain), "full": percentiles(full),
            "update": None, "index_mb": round(path.stat().st_size / 1e6, 1),
            "mean_total_full": round(statistics.mean(r["total"] for r in res), 1)}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print and save its table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=240)
    ap.add_argument("--engines", default="whoosh,tantivy,fts5")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--match", default="most",
                    help="match strategies to time the full search with: all, most or all,most")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    docs = list(records(args.records))
    print(f"corpus: {args.records} records in {time.perf_counter() - t:.1f} s", flush=True)
    qs, users = queries(args.queries), tenant_labels(args.records)
    report = {"records": args.records, "queries": len(qs), "python": platform.python_version(),
              "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0], "engines": {}}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        for name in args.engines.split(","):
            print(f"{name}: building ...", flush=True)
            if name == "fts5":
                result = bench_fts5(docs, qs, users, Path(tmp))
            else:
                result = bench_engine(name, docs, qs, users, Path(tmp),
                                      tuple(args.match.split(",")))
            result["load_average_after"] = round(os.getloadavg()[0], 2)
            report["engines"][name] = result
            print(f"{name}: {json.dumps(result)}", flush=True)
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return report


def print_table(report: dict) -> None:
    """One row per engine: build time, p50/p95 for plain, full and update, index size."""
    print(f"\n{report['records']:,} records, {report['queries']} queries (ms, p50 / p95)")
    head = f"{'engine':8} {'build s':>8} {'plain':>15} {'filter+facets+snip':>20} " \
           f"{'update+commit':>16} {'index MB':>9}"
    print(head + "\n" + "-" * len(head))
    for name, r in report["engines"].items():
        cells = [f"{r[k]['p50']} / {r[k]['p95']}" if r[k] else "-"
                 for k in ("plain", "full", "update")]
        print(f"{name:8} {r['build_s']:>8} {cells[0]:>15} {cells[1]:>20} {cells[2]:>16} "
              f"{r['index_mb']:>9}")
        for key in sorted(k for k in r if k.startswith("full_")):
            print(f"{'':8} {'':>8} {'':>15} {key[5:] + ': ' + str(r[key]['p50']) + ' / ':>14}"
                  f"{r[key]['p95']:<6}")


if __name__ == "__main__":
    main()
