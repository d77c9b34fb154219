"""Caches a server process builds before its workers fork (gunicorn.conf.py `when_ready`)."""

import gc

from flask import Flask

from network.extensions import db


def warm(app: Flask) -> None:
    """Build partner matching's candidate pool and the shelf of published work by barrier,
    read the toolkit vocabulary and the gate's lists of first names and register school
    names (2 s), then close the connections used, so forked workers start with all of them
    and open connections of their own."""
    from network.domain import anonymity
    from network.services import pool, published_work
    from network.services.vocabulary import vocabulary

    if "sqlalchemy" not in app.extensions:  # another app under the same settings (bench/hello.py)
        return
    with app.app_context():
        try:
            vocabulary()
            pool.filter_choices()  # builds the pool for the whole platform
            published_work.shelf()  # every live record by barrier
            anonymity.first_names_in("Jayden joined.")  # the first-name lists
            anonymity.scan("Staff from Springside visited.")  # the register's unshaped names
        except Exception:  # noqa: BLE001 - an empty or unmigrated database: workers build later
            app.logger.warning("could not build the caches before forking", exc_info=True)
        finally:
            db.session.remove()
            # What is built now lives as long as the workers: keep the collector from walking
            # it again and again (a full pass over the shelf and the pool took 150 ms), and
            # keep the pages the workers share from being copied when it would.
            gc.collect()
            gc.freeze()
            db.engine.dispose()
