"""Caches a server process builds before its workers fork (gunicorn.conf.py `when_ready`)."""

from flask import Flask

from network.extensions import db


def warm(app: Flask) -> None:
    """Build partner matching's candidate pool and read the toolkit vocabulary, then close the
    connections used, so forked workers start with both and open connections of their own."""
    from network.services import matching
    from network.services.vocabulary import vocabulary

    if "sqlalchemy" not in app.extensions:  # another app under the same settings (bench/hello.py)
        return
    with app.app_context():
        try:
            vocabulary()
            matching.filter_choices()  # builds the pool for the whole platform
        except Exception:  # noqa: BLE001 - an empty or unmigrated database: workers build later
            app.logger.warning("could not build the caches before forking", exc_info=True)
        finally:
            db.session.remove()
            db.engine.dispose()
