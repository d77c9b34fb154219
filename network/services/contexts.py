"""The context a record is published with, kept true as schools join the platform and change
what their profiles show (see network/services/crowd.py for the rule)."""

import json

from flask import has_app_context
from sqlalchemy import Text, cast, event, inspect, select
from sqlalchemy.orm import Session

from models import GroupMembership, Record, RegisterSchool, School, SchoolProfile, User
from network import audit
from network.domain import anonymity
from network.extensions import db
from network.services import inbox
from network.services.crowd import WIDEST, Crowds, record_group


class TooFewSchools(ValueError):
    """No description of the school hides it among enough schools for the whole network."""


def exact(school: School) -> dict:
    """The school's own bands, for a record that names the school anyway."""
    bands = anonymity.context_bands(school.register_entry)
    return {**bands, "widened": []}


def preview_of(record: Record) -> dict | None:
    """What the authors and their headteacher are told about the context before publishing:
    how it will read to the network and how many schools share it (None: too few do)."""
    if record.attributed:
        return {**exact(db.session.get(School, record.school_id)), "sharing": None}
    found = Crowds().placement(record.school_id, record_group(record.body))
    return None if found is None else {**found.context(), "sharing": found.sharing}


def for_publication(record: Record, audience: str, attributed: bool,
                    crowds: Crowds | None = None, body: dict | None = None) -> dict:
    """The context to store on a publication. A record with the school's name shows its
    exact bands; an anonymous one the crowd's description (the widest there is for a cluster
    when no description hides it). TooFewSchools for an anonymous network publication that
    no description hides."""
    if attributed:
        return exact(db.session.get(School, record.school_id))
    crowds = crowds or Crowds()
    found = crowds.placement(record.school_id, record_group(record.body if body is None
                                                            else body))
    if found is not None:
        return found.context()
    if audience == "network":
        raise TooFewSchools(record.school_id)
    return dict(WIDEST)


def refresh(actor: User | None = None) -> int:
    """After schools join or change what their profiles show, give every live anonymous
    record the context the rule gives it now. A network record that no description hides any
    more goes back to its cluster, and its headteachers are told why. Says how many records
    changed; committed with the caller."""
    crowds = Crowds()
    # Contexts are compared as the JSON text they were stored as (every context is written
    # from the same dicts, keys in one order), so 100,000 records need no JSON decoding.
    rows = db.session.execute(select(
        Record.id, Record.school_id, Record.published_visibility,
        cast(Record.published_context, Text), Record.published_body["group_id"].as_string())
        .where(Record.published_body.is_not(None), Record.withdrawn_at.is_(None),
               Record.published_attributed.is_(False))).all()
    wanted: dict[int, tuple[dict, bool]] = {}
    texts: dict[tuple, tuple[dict, str, bool]] = {}
    by_placement: dict = {}
    for record_id, school_id, visibility, stored, group in rows:
        key = (school_id, record_group({"group_id": group}))
        if key not in texts:
            found = crowds.placement(*key)
            if found not in by_placement:  # many schools share one description
                now = found.context() if found else dict(WIDEST)
                by_placement[found] = (now, json.dumps(now), found is None)
            texts[key] = by_placement[found]
        now, text, hidden_by_none = texts[key]
        pulled = hidden_by_none and visibility == "network"
        if stored != text or pulled:
            wanted[record_id] = (now, pulled)
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        for record in db.session.scalars(select(Record).where(
                Record.id.in_(ids[start:start + 500]))):
            record.published_context, pulled = wanted[record.id]
            if pulled:
                _back_to_cluster(actor, record)
        db.session.flush()
    return len(ids)


def _back_to_cluster(actor: User | None, record: Record) -> None:
    """Keep a record no crowd hides within its cluster, and tell the school's headteachers."""
    record.published_visibility = record.audience = "cluster"
    audit.record(actor, "record kept to cluster", f"record:{record.id}",
                 "too few schools on the platform share its context")
    heads = db.session.scalars(select(User.id).where(User.school_id == record.school_id,
                                                     User.school_role == "headteacher"))
    for head in heads:
        inbox.notify(head, f"“{record.published_title}” is now seen by your cluster only",
                     "Schools on the network changed, and fewer than 10 schools outside any "
                     "one cluster now share even the widest description of your school. To "
                     "keep it anonymous, it is no longer shown to the whole network. You can "
                     "publish it again with your school's name.")


# --- Kept true in the transaction that changes the platform -------------------------------

BANDS = ("phase", "region", "number_on_roll", "pct_fsm_ever6", "pct_fsm_current")


def _changes_crowds(obj, deleted: bool = False) -> bool:
    """Whether a change to `obj` can change which schools a reader cannot tell apart: a school
    joining, leaving or moving cluster, a profile shown to the network or no longer, a group
    history, a claimed school's bands in the register."""
    if isinstance(obj, GroupMembership):
        return True
    state = inspect(obj)
    if isinstance(obj, School):
        return deleted or state.attrs.cluster_id.history.has_changes()
    if isinstance(obj, SchoolProfile):
        return deleted or state.attrs.visibility.history.has_changes()
    if isinstance(obj, RegisterSchool):
        return any(state.attrs[name].history.has_changes() for name in BANDS)
    return False


@event.listens_for(Session, "after_flush")
def _notice(session, _context) -> None:
    """Remember, until commit, that the platform's crowds may have changed."""
    if any(_changes_crowds(obj) for obj in (*session.new, *session.dirty)) \
            or any(_changes_crowds(obj, True) for obj in session.deleted):
        session.info["crowds_changed"] = True


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session) -> None:
    """Every live anonymous record's context is brought up to date in the same transaction
    that changed the platform, so no reader ever sees a context that fits too few schools."""
    if session.info.pop("crowds_changed", False) and has_app_context() \
            and session is db.session():
        session.flush()
        session.info.pop("crowds_changed", None)
        refresh()
        session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop("crowds_changed", None)
