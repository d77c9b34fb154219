"""Keeping what someone typed when their session ended mid-form, and giving it back.

A POST that arrives signed out (the session expired) is stored server-side under a
random key held in the browser's session; after sign-in the same page offers it again.
"""

import json
import secrets
from datetime import UTC, datetime, timedelta

from flask import request, session
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from models import SavedDraft
from network.extensions import db

KEY = "draft_key"
KEEP_FOR = timedelta(days=1)


def stash() -> None:
    """Keep this request's form fields (never the CSRF token) for after sign-in."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
    if not fields:
        return
    key = secrets.token_urlsafe(32)
    db.session.execute(delete(SavedDraft).where(
        SavedDraft.created_at < datetime.now(UTC) - KEEP_FOR))
    db.session.add(SavedDraft(id=key, path=request.path[:300], payload=json.dumps(fields)))
    db.session.commit()
    session[KEY] = key


def take() -> MultiDict | None:
    """The fields kept for this page, once; None if there are none."""
    key = session.get(KEY)
    if not key:
        return None
    draft = db.session.get(SavedDraft, key)
    if draft is None or draft.path != request.path:
        return None
    session.pop(KEY)
    db.session.delete(draft)
    db.session.commit()
    return MultiDict(json.loads(draft.payload))
