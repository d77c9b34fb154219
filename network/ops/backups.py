"""Backing up and restoring the whole database.

SQLite: a backup is a consistent copy made with VACUUM INTO; a restore checks the file is one
of ours at the schema revision this code expects, keeps a copy of the live database beside
it, then copies the backup in with SQLite's online backup API (so no -wal/-shm file is left
describing the old contents).

PostgreSQL: a backup is `pg_dump --format=custom`; a restore checks the dump the same way and
runs `pg_restore --clean --if-exists --single-transaction`, so a failed restore changes
nothing. Both need the PostgreSQL client programs on PATH.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import URL

from network.extensions import db

OUR_TABLES = {"alembic_version", "users", "clusters", "schools", "records", "audit_events"}


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


def expected_revision() -> str:
    """The schema revision this code's migrations end at."""
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def backup(dest: Path) -> None:
    """Write a consistent copy of the live database to `dest` (which must not exist)."""
    if dest.exists():
        raise BackupError(f"{dest} already exists; choose a new file.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if db.engine.dialect.name == "sqlite":
        _vacuum_into(dest)
    else:
        _run(_program("pg_dump"), "--format=custom", f"--file={dest}",
             f"--dbname={_conninfo()}")


def restore(source: Path) -> Path | None:
    """Replace the live database with the backup `source`, after checking it is ours and at
    the expected revision. On SQLite, returns where the replaced database was kept."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    sqlite = db.engine.dialect.name == "sqlite"
    tables, revision = _sqlite_contents(source) if sqlite else _dump_contents(source)
    missing = OUR_TABLES - tables
    if missing:
        raise BackupError(f"{source} is not a backup of this application "
                          f"(no {', '.join(sorted(missing))} table).")
    if revision != expected_revision():
        raise BackupError(f"{source} is at schema revision {revision}, but this code expects "
                          f"{expected_revision()}. Restore it with the matching release.")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old contents
    if not sqlite:
        _run(_program("pg_restore"), "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--exit-on-error", f"--dbname={_conninfo()}", str(source))
        return None
    return _sqlite_replace(source)


# --- SQLite ---------------------------------------------------------------------------------

def _live_path() -> Path:
    return Path(db.engine.url.database).resolve()


def _vacuum_into(dest: Path) -> None:
    raw = db.engine.raw_connection()  # VACUUM cannot run inside the transaction a Session opens
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (os.fspath(dest.resolve()),))
    finally:
        raw.close()


def _sqlite_contents(path: Path) -> tuple[set[str], str | None]:
    """The tables and the schema revision of a SQLite file; BackupError if it is not sound."""
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check failed).")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'table'")}
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall() \
                if "alembic_version" in tables else []
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}).") from error
    return tables, rows[0][0] if len(rows) == 1 else None


def _sqlite_replace(source: Path) -> Path:
    live = _live_path()
    stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S}"
    kept = live.with_name(f"{live.name}.before-restore-{stamp}")
    number = 1
    while kept.exists():  # a second restore within the same second keeps its own copy too
        number += 1
        kept = live.with_name(f"{live.name}.before-restore-{stamp}-{number}")
    _vacuum_into(kept)
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(live)
    try:
        dst.execute("PRAGMA busy_timeout=15000")
        src.backup(dst)  # one step, under the write lock: readers see old or new, never a mix
    finally:
        src.close()
        dst.close()
    db.engine.dispose()
    return kept


# --- PostgreSQL -----------------------------------------------------------------------------

def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"This database is PostgreSQL and {name} is not on PATH: install the "
                          "PostgreSQL client programs (Debian: postgresql-client) matching "
                          "the server's major version.")
    return path


def _conninfo() -> str:
    """The live database's address for libpq, without its password (passed in PGPASSWORD)."""
    url: URL = db.engine.url
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(*command: str) -> str:
    env = dict(os.environ)
    if db.engine.url.password:
        env["PGPASSWORD"] = db.engine.url.password
    # The program is pg_dump or pg_restore found on PATH; the arguments are ours.
    done = subprocess.run(command, capture_output=True, text=True, env=env)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


def _dump_contents(path: Path) -> tuple[set[str], str | None]:
    """The tables and the schema revision in a pg_dump custom-format file."""
    try:
        listing = _run(_program("pg_restore"), "--list", str(path))
    except BackupError as error:
        raise BackupError(f"{path} is not a pg_dump custom-format file.") from error
    tables = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing))
    data = _run(_program("pg_restore"), "--data-only", "--table=alembic_version", "--file=-",
                str(path))
    copied = re.search(r"COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.",
                       data, re.S)
    rows = copied.group(1).split("\n") if copied and copied.group(1) else []
    return tables, rows[0] if len(rows) == 1 else None
