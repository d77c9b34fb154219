"""Keeping what someone typed when their session ended mid-form, and giving it back.

A POST that arrives signed out because the browser's session has just expired is stored
server-side under a random key held in the browser's session, tied to that ended session
and its person; after that person signs in again the same page offers it back. Nothing else
is kept: no session, a session signed out or ended on purpose, one that expired more than a
day ago, or a form over DRAFT_MAX_BYTES. Each person has at most DRAFTS_PER_PERSON (the
newest), each for a day.
"""

import json
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from models import SavedDraft, UserSession
from network.extensions import db

KEY = "draft_key"
KEEP_FOR = timedelta(days=1)
SESSION_KEY = "_user_id"  # where Flask-Login keeps the browser's UserSession id


def _just_expired_session() -> UserSession | None:
    """The browser's signed-in session, if it still exists and expired within the last day."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not key:
        return None
    record = db.session.get(UserSession, key)
    if record is None or not record.user.is_active:
        return None
    started = record.created_at if record.created_at.tzinfo else \
        record.created_at.replace(tzinfo=UTC)
    ended = started + timedelta(hours=current_app.config["SESSION_HOURS"])
    if not ended <= datetime.now(UTC) <= ended + KEEP_FOR:
        return None
    return record


def stash() -> None:
    """Keep this request's form fields (never the CSRF token) for after sign-in, if the
    session has just expired and they fit."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
    if not fields:
        return
    ended = _just_expired_session()
    payload = json.dumps(fields)
    if ended is None or len(payload.encode()) > current_app.config["DRAFT_MAX_BYTES"]:
        return
    db.session.execute(delete(SavedDraft).where(
        SavedDraft.created_at < datetime.now(UTC) - KEEP_FOR))
    older = list(db.session.scalars(
        select(SavedDraft.id).where(SavedDraft.user_id == ended.user_id)
        .order_by(SavedDraft.created_at.desc(), SavedDraft.id)
        .offset(current_app.config["DRAFTS_PER_PERSON"] - 1)))
    if older:
        db.session.execute(delete(SavedDraft).where(SavedDraft.id.in_(older)))
    key = secrets.token_urlsafe(32)
    db.session.add(SavedDraft(id=key, path=request.path[:300], payload=payload,
                              session_id=ended.id, user_id=ended.user_id))
    db.session.commit()
    session[KEY] = key


def take() -> MultiDict | None:
    """The fields kept for this page and this person, once; None if there are none."""
    key = session.get(KEY)
    if not key:
        return None
    draft = db.session.get(SavedDraft, key)
    if draft is None or draft.path != request.path or \
            draft.user_id != getattr(current_user, "id", None):
        return None
    session.pop(KEY)
    db.session.delete(draft)
    db.session.commit()
    return MultiDict(json.loads(draft.payload))
