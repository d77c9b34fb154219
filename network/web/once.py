"""Create forms take effect once, however often they are sent.

A create form carries a hidden one-time key (`form_open(once=true)` in macros/forms.html
renders it). The first post with a key claims it in `form_submissions`, in a short
transaction of its own, before anything is created; a second post with the same key (a
double click, or the browser sending the form again) finds the claim and is redirected (303)
to what the first post created, waiting for it if the first is still being handled. A post
without a key is handled as before, so nothing breaks for clients that do not send one.

In a view, after the form has validated:

    again = once.repeated(url_for("area.index"))   # where to go if no result is known
    if again:
        return again
    thing = service.create(...)
    once.done(url_for("area.show", thing_id=thing.id))

If the view ends without calling `done` (an error, or the form shown again with a message),
the claim is released and the same form can be sent again.
"""

import re
import secrets
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, abort, flash, g, redirect, request
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models import FormSubmission
from network.extensions import db

FIELD = "form_key"
_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")
WAIT_SECONDS = 10.0
KEEP_DAYS = 2


def new_key() -> str:
    """A fresh one-time key for a form being shown."""
    return secrets.token_urlsafe(24)


def _posted_key() -> str | None:
    key = request.form.get(FIELD, "")
    return key if _KEY.fullmatch(key) else None


def _claim(key: str) -> bool:
    """Take the key for this post; False if another post has it already."""
    db.session.add(FormSubmission(key=key, user_id=getattr(current_user, "id", None)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    g.form_key = key
    return True


def repeated(fallback: str):
    """None if this post is the first with its key (which it now holds); otherwise the 303
    redirect to what the first post created (or to `fallback` if that never became known)."""
    key = _posted_key()
    if key is None:
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    while not _claim(key):
        first = db.session.scalar(select(FormSubmission).where(FormSubmission.key == key))
        if first is not None and first.user_id != getattr(current_user, "id", None):
            abort(400, description="This form was sent by someone else. Reload the page.")
        if first is not None and first.target:
            flash("That form had already been sent. This is what it created.", "info")
            return redirect(first.target, 303)
        if time.monotonic() > deadline:
            flash("That form had already been sent. Check below before sending it again.",
                  "info")
            return redirect(fallback, 303)
        db.session.rollback()  # end this look, so the next one sees the first post's result
        time.sleep(0.05)
    return None


def done(target: str) -> None:
    """Note where what this post created can be seen; a repeat of the form is sent there."""
    key = g.pop("form_key", None)
    if key is None:
        return
    submission = db.session.scalar(select(FormSubmission).where(FormSubmission.key == key))
    submission.target = target[:500]
    db.session.execute(delete(FormSubmission).where(
        FormSubmission.created_at < datetime.now(UTC) - timedelta(days=KEEP_DAYS)),
        execution_options={"synchronize_session": False})
    db.session.commit()


def install(app: Flask) -> None:
    """Offer `form_key()` to templates and release claims whose post created nothing."""
    app.jinja_env.globals["form_key"] = new_key

    @app.teardown_request
    def _release(_error=None):
        key = g.pop("form_key", None)
        if key is None:
            return
        db.session.rollback()  # what the failed post left uncommitted goes anyway
        db.session.execute(delete(FormSubmission).where(FormSubmission.key == key),
                           execution_options={"synchronize_session": False})
        db.session.commit()
