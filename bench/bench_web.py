"""`make bench`: the national network served by gunicorn, measured with wrk, on SQLite and
PostgreSQL, beside a Flask hello-world served the same way.

    python bench/bench_web.py [--dbs sqlite,postgresql] [--duration 10] [--connections 8]

For each database: seed 25,000 schools, 100,000 published records and 50,000 people
(bench/national.py), build the tantivy search index (`flask reindex`; the PostgreSQL run
copies the index the SQLite run built, since both seeds are the same rows with the same ids),
start gunicorn with gunicorn.conf.py (2 workers), sign in as 16 headteachers of schools across
the country through the real form, and run wrk (bench/wrk.lua, each request from the next of
them in turn) against the hello-world, the cheapest signed-in page (the floor every page
stands on), the dashboard, school profiles, a search with facets and the partner-matching
page. Then, with the same server, school profiles, the search and partner matching again
while bench/writer.py commits a change a second (`--write-rate`) beside them, alternating a
school profile's capacity and a published record's working copy, as people using the network
would: each change moves the change log (`search_changes`) on, so these rows pay for what
the per-process caches keyed on it (search index catch-up, matching's candidate pool) cost
when they are dropped and rebuilt, which the quiet rows never exercise. Prints one table (with
each page's multiple of the hello-world's time); writes bench/results.json.
PostgreSQL runs in a throwaway database `bench_<pid>`, dropped at the end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench" / "results.json"
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SEARCHES = ["progress meetings", "writing moderation", "attendance", "mathematics tuition",
            "middle leaders", "phonics", "feedback", "reading"]
WRITTEN = {"profile_writes": "profile", "search_writes": "search", "match_writes": "match"}
ENDPOINTS = ("hello", "floor", "home", "profile", "search", "match", *WRITTEN)
# floor: the cheapest signed-in page (/about): session check, header, CSP, request log, no data.
# <name>_writes: the same requests as <name>, while bench/writer.py writes beside them.
LABELS = {**{name: name for name in ENDPOINTS},
          **{name: f"{quiet}, while written to" for name, quiet in WRITTEN.items()}}


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages now."""
    return [round(x, 2) for x in os.getloadavg()]


def step(message: str) -> None:
    """Say what the benchmark is doing, with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    """Run a command in the repository, failing loudly."""
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


class Server:
    """gunicorn with gunicorn.conf.py on a free port, for the length of a `with` block."""

    def __init__(self, app: str, env: dict, port: int):
        self.app, self.env, self.port = app, {**env, "BIND": f"127.0.0.1:{port}"}, port
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", self.app], cwd=ROOT,
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)  # noqa: S310
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn for {self.app} did not start")

    def __exit__(self, *_):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the real form (CSRF token and all); returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email,
                                   "password": password}).encode()
    answer = opener.open(base + "/login", data=form)
    if "/login" in answer.geturl():
        raise RuntimeError("sign-in failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def first_load(base: str, lines: list[tuple[str, str]]) -> float:
    """Fetch each (cookie, path) once (must be 200); returns the slowest time in ms (cold
    caches)."""
    slowest = 0.0
    for cookie, path in lines:
        started = time.perf_counter()
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
            if answer.status != 200 or "/login" in answer.geturl():
                raise RuntimeError(f"{path} answered {answer.status} at {answer.geturl()}")
            answer.read()
        slowest = max(slowest, (time.perf_counter() - started) * 1000)
    return round(slowest, 1)


def wrk(base: str, lines: list[tuple[str, str]], args, workdir: Path) -> dict:
    """Send the (cookie, path) requests in turn for args.duration seconds; rps and latency
    percentiles."""
    listing = workdir / "requests.txt"
    listing.write_text("".join(f"{cookie}\t{path}\n" for cookie, path in lines))
    env = {**os.environ, "WRK_REQUESTS": str(listing)}
    before = load_average()
    out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d",
                          f"{args.duration}s", "--timeout", "30s", "-s",
                          str(ROOT / "bench" / "wrk.lua"), base], env=env, check=True,
                         capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_RESULT "))
    result = json.loads(line[len("WRK_RESULT "):])
    result["load_before"], result["load_after"] = before, load_average()
    return result


def requests_for(seeded: dict, cookies: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Per endpoint, the (cookie, path) requests wrk cycles through: each page in turn from
    each signed-in headteacher, so no one person's caches answer for everybody."""
    searches = [f"/search?q={urllib.parse.quote(q)}&kind={kind}"
                + ("&phase=Primary" if n % 2 else "&barrier=low-maths" if n % 3 else "")
                for n, (q, kind) in enumerate((q, k) for q in SEARCHES
                                              for k in ("case_study", "lesson_study"))]
    people = list(zip(cookies, [p["school_id"] for p in seeded["people"]], strict=True))

    def each(paths):
        return [(cookie, path) for path in paths for cookie, _ in people]

    return {
        "hello": [("", "/")], "floor": each(["/about"]), "home": each(["/"]),
        "profile": each(f"/schools/{sid}" for sid in seeded["profile_ids"]),
        "search": each(searches),
        "match": [(cookie, f"/schools/{school}/partners{query}")
                  for query in ("", "?phase=Primary", "?standard=CE2.A")
                  for cookie, school in people],
    }


def change_log_top(url: str) -> int:
    """The newest id in the database's change log (`search_changes`), 0 when empty."""
    query = "SELECT COALESCE(MAX(id), 0) FROM search_changes"
    if url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(url[len("sqlite:///"):])
        try:
            return conn.execute(query).fetchone()[0]
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def while_written(db: str, url: str, lines: list[tuple[str, str]], env: dict, args,
                  workdir: Path) -> tuple[dict, dict]:
    """wrk the requests while bench/writer.py commits args.write_rate changes a second to the
    same database. Returns the wrk result and the writer's {"writes": n, "seconds": s}, with
    "logged": the change-log rows that arrived during the wrk run itself."""
    log, top = workdir / "writer.log", change_log_top(env["DATABASE_URL"])
    with log.open("w") as errors:
        writer = subprocess.Popen([str(BIN / "python"), "bench/writer.py", "--rate",
                                   str(args.write_rate)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        first_load(url, lines)  # every page answers while written to
        for _ in range(600):  # and the writer has started writing
            if writer.poll() is not None or change_log_top(env["DATABASE_URL"]) > top:
                break
            time.sleep(0.1)
        before = change_log_top(env["DATABASE_URL"])
        result = wrk(url, lines, args, workdir)
        logged = change_log_top(env["DATABASE_URL"]) - before
    finally:
        if writer.poll() is None:
            writer.send_signal(signal.SIGTERM)
        out = writer.communicate(timeout=60)[0]
    if writer.returncode != 0 or before == top:
        raise RuntimeError(f"{db}: bench/writer.py wrote nothing or failed "
                           f"({writer.returncode}):\n{log.read_text()[-2000:]}")
    return result, {**json.loads(out.strip().splitlines()[-1]), "logged": logged}


def measure(db: str, env: dict, seeded: dict, args, workdir: Path) -> dict:
    """Serve the seeded network and the hello-world; wrk each endpoint in turn."""
    result = {"db": db, "cold_ms": {}, "people": len(seeded["people"])}
    with Server("bench.hello:app", env, args.port) as hello:
        step(f"{db}: wrk hello-world")
        result["hello"] = wrk(hello.url, [("", "/")], args, workdir)
    with Server("wsgi:app", {**env, "LOGIN_LIMIT": "1000 per minute"}, args.port + 1) as app:
        step(f"{db}: signing in {len(seeded['people'])} headteachers")
        cookies = [sign_in(app.url, p["email"], seeded["password"]) for p in seeded["people"]]
        lines = requests_for(seeded, cookies)
        for name in ENDPOINTS[1:]:
            if name in WRITTEN:
                continue
            result["cold_ms"][name] = first_load(app.url, lines[name])
            first_load(app.url, lines[name])  # the other worker's caches too
            step(f"{db}: wrk {name} ({len(lines[name])} requests in turn)")
            result[name] = wrk(app.url, lines[name], args, workdir)
        result["write_rate"], result["writes_during"] = args.write_rate, {}
        for name, quiet in WRITTEN.items():
            step(f"{db}: wrk {quiet} while {args.write_rate:g} change(s) a second are written")
            result[name], result["writes_during"][name] = while_written(
                db, app.url, lines[quiet], env, args, workdir)
    for name in ENDPOINTS:
        result[f"{name}_rps"] = round(result[name]["rps"], 1)
        result[f"{name}_times_hello"] = round(result["hello"]["rps"] / result[name]["rps"], 1)
        for p in ("p50", "p95", "p99"):
            result[f"{name}_{p}_ms"] = result[name][f"{p}_ms"]
    return result


def seed_and_index(db: str, env: dict, args, instance: Path, index_from: Path | None) -> dict:
    """Seed the database and give it a search index (built, or copied from the same seed)."""
    step(f"{db}: seeding {args.schools} schools, {args.records} records")
    started = time.monotonic()
    out = run([str(BIN / "python"), "bench/national.py", "--instance", str(instance),
               "--schools", str(args.schools), "--records", str(args.records)], env,
              stdout=subprocess.PIPE, text=True).stdout
    seeded = json.loads(out.strip().splitlines()[-1])
    seeded["seed_seconds"] = round(time.monotonic() - started, 1)
    index = Path(env["SEARCH_INDEX_DIR"])
    started = time.monotonic()
    if index_from is None:
        step(f"{db}: building the tantivy index")
        run([str(BIN / "flask"), "--app", "wsgi", "reindex"], env, stdout=subprocess.DEVNULL)
    else:
        step(f"{db}: copying the index built from the same seed")
        shutil.copytree(index_from, index)
        shutil.copy(str(index_from) + ".applied", str(index) + ".applied")
    seeded["index_seconds"] = round(time.monotonic() - started, 1)
    return seeded


def postgres(name: str, create: bool) -> None:
    """Create or drop the throwaway PostgreSQL database."""
    import psycopg

    with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def main() -> None:
    """Run every database in turn, print the table and write bench/results.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--schools", type=int, default=25000)
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8750)
    parser.add_argument("--write-rate", type=float, default=1.0,
                        help="changes a second bench/writer.py commits in the *_writes rows")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench_web_"))
    pg_name = f"bench_{os.getpid()}"
    runs, first_index, started = [], None, time.monotonic()
    try:
        for db in args.dbs.split(","):
            instance = workdir / db
            instance.mkdir()
            url = f"sqlite:///{instance}/network.db" if db == "sqlite" else f"{PG_SERVER}/{pg_name}"
            if db == "postgresql":
                postgres(pg_name, create=True)
            env = {**os.environ, "DATABASE_URL": url, "SEARCH_ENGINE": "tantivy",
                   "PUBLIC_URL": f"http://127.0.0.1:{args.port + 1}",
                   "SEARCH_INDEX_DIR": str(instance / "search-index"),
                   "SECRET_KEY": "bench-only-secret", "WEB_CONCURRENCY": "2",
                   "LOG_LEVEL": "warning"}
            env.pop("REDIS_URL", None)
            seeded = seed_and_index(db, env, args, instance, first_index)
            first_index = first_index or Path(env["SEARCH_INDEX_DIR"])
            result = measure(db, env, seeded, args, workdir)
            result["seed_seconds"], result["index_seconds"] = (seeded["seed_seconds"],
                                                               seeded["index_seconds"])
            result["counts"] = seeded["counts"]
            runs.append(result)
    finally:
        if "postgresql" in args.dbs:
            postgres(pg_name, create=False)
        shutil.rmtree(workdir, ignore_errors=True)
    report = {**{k: v for k, v in runs[0].items() if not isinstance(v, dict)}, "runs": runs,
              "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                          "python": platform.python_version(), "load_average_end": load_average(),
                          "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
                          "workers": 2, "total_seconds": round(time.monotonic() - started)}}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report, args.out)


def print_table(report: dict, out: Path = OUT) -> None:
    """One table: a row per endpoint, rps, p50/p95/p99 and how many times slower than the
    hello-world, per database."""
    runs = report["runs"]
    head = "".join(f" | {r['db']:>10} rps  p50  p95  p99 ms  x hello" for r in runs)
    width = max(len(LABELS[name]) for name in ENDPOINTS)
    print(f"\n{'endpoint':<{width}}{head}")
    for name in ENDPOINTS:
        cells = "".join(f" | {r[name]['rps']:>14.1f} {r[name]['p50_ms']:>4.0f} "
                        f"{r[name]['p95_ms']:>4.0f} {r[name]['p99_ms']:>4.0f}   "
                        f"{r[f'{name}_times_hello']:>7.1f}" for r in runs)
        print(f"{LABELS[name]:<{width}}{cells}")
    loads = ", ".join(f"{r['db']} {r['hello']['load_before'][0]}-"
                      f"{max(r[n]['load_after'][0] for n in ENDPOINTS)}" for r in runs)
    writes = ", ".join(f"{r['db']} " + "/".join(str(w["logged"]) for w in
                                              r["writes_during"].values()) for r in runs)
    print(f"\n{report['machine']['cores']} cores; 1-minute load average during the runs: {loads}."
          f" Changes logged during the wrk runs of the {', '.join(WRITTEN)} rows "
          f"({runs[0]['write_rate']:g} a second asked): {writes}. Written to "
          f"{out}.")


if __name__ == "__main__":
    main()
