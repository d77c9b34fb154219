"""Structured logs: one JSON line per request and per message, each carrying the request id.

LOG_FORMAT=json (the default) writes one JSON object a line; LOG_FORMAT=text writes plain
lines for development. Either way every line written while a request is served names the
request's id, which is taken from an incoming X-Request-ID when it is short and safe, or
made up, and sent back in the X-Request-ID response header.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
request_log = logging.getLogger("network.request")


def request_id_from(header: str | None) -> str:
    """The caller's request id if it is short and safe to log, else a new random one."""
    if header and _SAFE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """Write a log record as one JSON object: time, level, logger, message and its fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", "-") != "-":
            line["request_id"] = record.request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and key != "request_id":
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def _add_request_id(factory):
    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return record

    make_record.adds_request_id = True
    return make_record


def configure(log_format: str = "json", level: int = logging.INFO) -> logging.Handler:
    """Send every log line to stderr in the chosen shape, each tagged with the request id."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "adds_request_id", False):
        logging.setLogRecordFactory(_add_request_id(factory))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "is_network_log", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.is_network_log = True
    handler.setFormatter(logging.Formatter(TEXT_FORMAT) if log_format == "text"
                         else JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def say_rate_limit_storage(app: Flask) -> str:
    """Log, once at startup, where sign-in attempts are counted: Redis or the database (either
    is shared by every process)."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith(("redis://", "rediss://")):
        where = "redis at " + re.sub(r"//[^@/]*@", "//", uri)  # never log a password
    else:
        where = "the database (set REDIS_URL to count them in Redis)"
    logging.getLogger("network").info("sign-in attempts counted in %s", where, extra={
        "rate_limit_storage": "redis" if where.startswith("redis") else "database"})
    return where


def _user_id() -> int | None:
    """The person this request was made as (browser session or API token), if it loaded them."""
    user = g.get("api_user") or g.get("_login_user")  # never load someone just to log them
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def install(app: Flask) -> None:
    """Tag each request with an id, echo it in the answer, and log one line per request."""

    @app.before_request
    def _start():
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id") or request_id_from(None)
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started", time.perf_counter())
        fields = {"method": request.method, "path": request.path,
                  "status": response.status_code,
                  "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                  "user_id": _user_id(), "remote_addr": request.remote_addr}
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        request_log.log(level, "%s %s %s", request.method, request.path,
                        response.status_code, extra=fields)
        return response
