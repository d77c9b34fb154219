"""Gunicorn settings for production and for `make bench`: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers come from WEB_CONCURRENCY (default 2, one per core of a small machine), the address
from BIND (or PORT, for platforms that set it); the access log goes to stdout only when
ACCESS_LOG=1 (the app logs each request itself). The app is loaded once before forking, so
workers share its code pages and start fast; connections to the database are opened per worker.
"""

import os

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker is restarted
graceful_timeout = 20  # on SIGTERM, finish requests in flight for up to this long
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow for ever; rarely, since a new worker
# starts without the search parts and published-work lists the old one had worked out.
max_requests = 100_000
max_requests_jitter = 10_000
accesslog = "-" if os.environ.get("ACCESS_LOG") == "1" else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def when_ready(server):
    """Before the first worker forks, build what each worker would otherwise build on its
    first request (partner matching's national candidate pool, the toolkit vocabulary): the
    workers inherit it, so nobody's first match page waits seconds for it."""
    app = server.app.wsgi()
    from network.services.warm import warm

    warm(app)


def post_fork(server, worker):
    """Give each worker its own database connections (none inherited from the parent)."""
    app = getattr(worker, "wsgi", None) or getattr(worker.app, "callable", None)
    extensions = getattr(app, "extensions", {}) if app is not None else {}
    sqlalchemy = extensions.get("sqlalchemy")
    if sqlalchemy is not None:
        with app.app_context():
            sqlalchemy.engine.dispose(close=False)
