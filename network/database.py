"""Engine tuning: SQLite in WAL mode with immediate write transactions; PostgreSQL reads
without transactions in safe requests."""

import sqlite3

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from network.extensions import db

_READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    """Let SQLite wait for locks and let readers run beside a writer."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We issue BEGIN ourselves (below); pysqlite's own would always be DEFERRED.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """Take the write lock up front outside safe requests, so writers queue instead of failing.

    A DEFERRED transaction that reads and then writes cannot wait for the lock: SQLite
    answers "database is locked" at once when another process wrote meanwhile.
    """
    if connection.dialect.name != "sqlite":
        return
    if has_request_context():
        reading = request.method in _READ_ONLY_METHODS or g.get("reads_only", False)
    else:  # commands write; a test's own long-lived session mostly reads, and says so
        reading = has_app_context() and not current_app.config.get("SQLITE_IMMEDIATE_OFF_REQUEST",
                                                                     True)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def install(app: Flask) -> None:
    """On PostgreSQL, safe requests (GET, HEAD, OPTIONS) run in autocommit: at READ COMMITTED
    every statement takes its own snapshot anyway, so a transaction around them adds only its
    BEGIN and ROLLBACK round trips (a fifth of a signed-in page's time). The few writes a safe
    request makes (a notice marked read, a restored draft dropped, an audit line) are single
    statements, committed as they run."""

    @app.before_request
    def _read_without_transaction():
        if request.method in _READ_ONLY_METHODS and request.endpoint != "static" \
                and db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
