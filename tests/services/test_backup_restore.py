"""flask backup and flask restore: a restored, reindexed database equals the one backed up.

The restore goes into a throwaway database (a new SQLite file, or a new PostgreSQL database
when TEST_DATABASE_URL is set), which is then changed and restored over again.
"""

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url

import search
from models import Base, InboxMessage, Record, User
from network import create_app
from network.extensions import db
from network.services import search as search_service

WORDS = ("reading", "attendance", "phonics")


def _counts() -> dict[str, int]:
    """Rows in every table of the app's database."""
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
              for t in Base.metadata.sorted_tables}
    counts["alembic_version"] = db.session.scalar(text("SELECT count(*) FROM alembic_version"))
    return counts


def _hits() -> dict[str, list[str]]:
    """What the demo's first headteacher finds for a few words."""
    head = db.session.scalar(select(User).where(User.email.like("head.%@demo.example.org"))
                             .order_by(User.email))
    found = {}
    for word in WORDS:
        results = search_service.run(head, search.Query(text=word, labels=[], per_page=50))
        found[word] = [results.total, *sorted(h.id for h in results.hits)]
    return found


@contextmanager
def _throwaway(config, tmp_path) -> Iterator:
    """An app on an empty database of the same kind as the test database, dropped after."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    name = f"restore_{uuid.uuid4().hex[:12]}"
    if url.get_backend_name() == "sqlite":
        target = f"sqlite:///{tmp_path / (name + '.db')}"
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            con.execute(text(f'CREATE DATABASE "{name}"'))
        target = url.set(database=name).render_as_string(hide_password=False)
    other = create_app({**config, "SQLALCHEMY_DATABASE_URI": target,
                        "INSTANCE_PATH": str(tmp_path / name),
                        "SEARCH_INDEX_DIR": str(tmp_path / name / "index")})
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        if url.get_backend_name() != "sqlite":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
                con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _restored_state(other, dump) -> tuple[dict, dict]:
    """Restore `dump` into `other`, reindex, and read back its counts and search hits."""
    runner = other.test_cli_runner()
    with other.app_context():  # commands run in the app context that is current
        result = runner.invoke(args=["restore", "--yes", str(dump)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["reindex"])
        assert result.exit_code == 0, result.output
        state = _counts(), _hits()
        db.session.remove()
    return state


def test_restore_then_reindex_gives_back_every_row_and_every_hit(app, runner, config,
                                                                  tmp_path):
    assert runner.invoke(args=["seed-demo", "--schools", "8"]).exit_code == 0
    dump = tmp_path / "network.backup"
    result = runner.invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    counts, hits = _counts(), _hits()
    assert counts["records"] and counts["users"] and any(hits.values())

    with _throwaway(config, tmp_path) as other:
        assert _restored_state(other, dump) == (counts, hits)
        with other.app_context():  # lose and change things, then restore over them
            db.session.execute(InboxMessage.__table__.delete())
            db.session.execute(update(Record).values(title="Overwritten"))
            db.session.add(User(name="Late", email="late@example.org", password_hash="x"))
            db.session.commit()
            assert _counts() != counts
            db.session.remove()
        assert _restored_state(other, dump) == (counts, hits)


def test_restore_refuses_a_file_that_is_not_our_backup(app, runner, tmp_path):
    strange = tmp_path / "strange.db"
    with sqlite3.connect(strange) as con:
        con.execute("CREATE TABLE notes (id INTEGER)")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello " * 100)
    before = _counts()
    for bad in (strange, text_file):
        result = runner.invoke(args=["restore", "--yes", str(bad)])
        assert result.exit_code != 0 and "not" in result.output
    assert _counts() == before


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the revision check on a SQLite file")


def test_restore_refuses_a_backup_from_another_schema_revision(sqlite_only, runner, tmp_path):
    dump = tmp_path / "old.db"
    assert runner.invoke(args=["backup", str(dump)]).exit_code == 0
    with sqlite3.connect(dump) as con:
        con.execute("UPDATE alembic_version SET version_num = '0001_foundation'")
    result = runner.invoke(args=["restore", "--yes", str(dump)])
    assert result.exit_code != 0 and "0001_foundation" in result.output


def test_restore_asks_before_replacing(runner, tmp_path):
    dump = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", str(dump)]).exit_code == 0
    result = runner.invoke(args=["restore", str(dump)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output


def test_backup_never_overwrites(runner, tmp_path):
    dump = tmp_path / "b.backup"
    dump.write_text("keep me")
    assert runner.invoke(args=["backup", str(dump)]).exit_code != 0
    assert dump.read_text() == "keep me"


def test_a_postgresql_dump_is_custom_format(app, runner, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    dump = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", str(dump)]).exit_code == 0
    assert dump.read_bytes()[:5] == b"PGDMP"

