"""Case studies and lesson studies: write, submit, review through the gate, publish."""

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from models import (
    AnonymityOverride,
    ContactRequest,
    Record,
    RecordBarrier,
    RecordCoauthor,
    RecordStandard,
    RecordVersion,
    School,
    User,
    record_bodies,
)
from network import audit
from network.access import can, can_read_live, get_visible_or_404, require
from network.extensions import db
from network.services import action_mail, contexts, gate, inbox
from network.services.errors import Conflict, Invalid, NotFound

NOUN = {"case_study": "case study", "lesson_study": "lesson study"}
WHO = {"network": "whole network", "cluster": "cluster"}
TOO_FEW = ("Too few schools on the platform are like yours for this record to go to the whole "
           "network without naming your school: fewer than 10 schools outside any one cluster "
           "share even the widest description (a school in England). Publish it to your "
           "cluster, or publish it with your school's name.")


class GateClosed(ValueError):
    """Publishing refused: findings are unresolved. Carries them for the page."""

    def __init__(self, flags: list):
        super().__init__(f"{len(flags)} passages could identify the school")
        self.flags = flags


def get(actor: User, record_id: int, kind: str | None = None) -> Record:
    """A record the actor may see (its working copy or its published copy), or 404."""
    record = get_visible_or_404(actor, Record, record_id)
    if kind and record.kind != kind:
        raise NotFound
    return record


def _headteachers(school_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.school_id == school_id,
                                                      User.school_role == "headteacher")))


def checked_body(kind: str, body) -> dict:
    """The body as it will be stored; Invalid (naming the field) when it is not in the shape
    of a `kind` record: a wrong type, or a key the shape does not know."""
    if kind not in record_bodies.BODIES:
        raise Invalid("Choose a case study or a lesson study.", "kind")
    try:
        return record_bodies.body_for(kind, body).to_json()
    except record_bodies.BodyError as error:
        field = f"body.{error.field}" if error.field else "body"
        raise Invalid(f"The {NOUN[kind]} cannot be saved: {error}.", field) from None


def _apply(record: Record, actor: User, data: dict, body: dict, note: str) -> None:
    """Copy validated form data and the checked body onto the working copy and keep it as a
    new version."""
    record.title = data["title"].strip()
    record.body = body
    record.audience = data.get("audience") or record.audience or "cluster"
    record.attributed = bool(data.get("attributed"))
    record.barriers = [RecordBarrier(barrier_slug=s) for s in dict.fromkeys(data["barriers"])]
    record.standards = [RecordStandard(standard_id=s) for s in dict.fromkeys(data["standards"])]
    colleagues = set(db.session.scalars(select(User.id).where(
        User.school_id == record.school_id, User.id.in_(data.get("coauthor_ids") or []))))
    record.coauthors = [RecordCoauthor(user_id=uid) for uid in sorted(colleagues)
                        if uid != record.author_id]
    record.updated_at = datetime.now(UTC)
    db.session.flush()
    number = (db.session.scalar(select(func.max(RecordVersion.number)).where(
        RecordVersion.record_id == record.id)) or 0) + 1
    db.session.add(RecordVersion(record_id=record.id, number=number, title=record.title,
                                 body=record.body, status=record.status, saved_by_id=actor.id,
                                 note=note))


def create(actor: User, kind: str, data: dict) -> Record:
    """Start a draft written by the actor for their school."""
    if actor.school_id is None:
        raise NotFound
    body = checked_body(kind, data.get("body"))
    school = db.session.get(School, actor.school_id)
    record = Record(kind=kind, school_id=school.id, cluster_id=school.cluster_id,
                    author_id=actor.id, status="draft", title="", body={})
    db.session.add(record)
    db.session.flush()
    _apply(record, actor, data, body, "Created")
    db.session.commit()
    return record


def update(actor: User, record_id: int, version: int, data: dict,
           note: str = "Edited") -> Record:
    """Save the working copy; Conflict if someone saved since `version`.

    Editing a published record starts a revision: the live copy stays as it was until the
    revision passes the gate again.
    """
    record = get(actor, record_id)
    require(actor, "edit", record)
    if version != record.version:
        raise Conflict(snapshot(record), record.version)
    body = checked_body(record.kind, data.get("body"))
    try:
        record.status = "draft"
        _apply(record, actor, data, body, note)
        db.session.commit()
    except StaleDataError:  # someone saved between our check and our write (PostgreSQL)
        db.session.rollback()
        record = db.session.get(Record, record_id)
        raise Conflict(snapshot(record), record.version) from None
    return record


def snapshot(record: Record) -> dict:
    """The saved working copy, to show beside someone's conflicting edit."""
    return {"title": record.title, "body": record.body,
            "barriers": [b.barrier_slug for b in record.barriers],
            "standards": [s.standard_id for s in record.standards]}


def submit(actor: User, record_id: int) -> Record:
    """Send the draft to the headteacher for review; the authors can no longer edit it."""
    record = get(actor, record_id)
    require(actor, "submit", record)
    record.status, record.submitted_at, record.review_comment = "submitted", datetime.now(UTC), ""
    for head in _headteachers(record.school_id):
        inbox.notify(head, f"Please review the {NOUN[record.kind]} “{record.title}”",
                     "Check it for anything that could identify the school, then publish it "
                     "or return it with comments.", "records.review", record_id=record.id)
    db.session.commit()
    return record


def return_to_authors(actor: User, record_id: int, comment: str) -> Record:
    """Send a submitted record back to its authors with the headteacher's comments."""
    record = get(actor, record_id)
    require(actor, "review", record)
    record.status, record.review_comment = "draft", comment.strip()
    for user_id in {record.author_id, *(c.user_id for c in record.coauthors)}:
        action_mail.ask(user_id, f"Your {NOUN[record.kind]} “{record.title}” was returned",
                        comment.strip(), "records.show", record_id=record.id)
    db.session.commit()
    return record


def mark_not_identifying(actor: User, record_id: int, kind: str, text: str,
                         reason: str) -> AnonymityOverride:
    """The headteacher judges a flagged passage safe; the reason goes into the audit trail."""
    record = get(actor, record_id)
    require(actor, "review", record)
    if not any(f.kind == kind and f.text == text for f in gate.flags(record)):
        raise Invalid("That passage is no longer flagged.")
    if len(reason.strip()) < 5:
        raise Invalid("Say why this does not identify the school.", "reason")
    if not record.attributed and gate.names_school(db.session.get(School, record.school_id),
                                                   text):
        raise Invalid("This names the school, its street, town, local authority or "
                          "postcode, which always identifies it. Ask the authors to take it "
                          "out, or publish the record with the school's name.", "reason")
    override = AnonymityOverride(record_id=record.id, kind=kind, text=text[:300],
                                 reason=reason.strip(), decided_by_id=actor.id)
    db.session.add(override)
    audit.record(actor, "anonymisation override", f"record:{record.id}",
                 f"{kind}: {text!r} because {reason.strip()}")
    db.session.commit()
    return override


def publish(actor: User, record_id: int, version: int, audience: str) -> Record:
    """Publish through the gate: refused while any finding is unresolved."""
    record = get(actor, record_id)
    require(actor, "review", record)
    if version != record.version:
        raise Conflict(snapshot(record), record.version)
    if audience not in ("cluster", "network"):
        raise Invalid("Choose who the record is published to.", "audience")
    unresolved = gate.flags(record)
    if unresolved:
        raise GateClosed(unresolved)
    try:
        context = contexts.for_publication(record, audience, record.attributed)
    except contexts.TooFewSchools:
        raise Invalid(TOO_FEW, "audience") from None
    now = datetime.now(UTC)
    record.status, record.audience = "published", audience
    record.published_title = record.title
    record.published_body = _safe_links(record, audience)
    record.published_visibility, record.published_attributed = audience, record.attributed
    record.published_context = context
    record.published_at, record.published_by_id, record.withdrawn_at = now, actor.id, None
    audit.record(actor, "record published", f"record:{record.id}", f"to {audience}")
    for user_id in {record.author_id, *(c.user_id for c in record.coauthors)}:
        inbox.notify(user_id, f"Your {NOUN[record.kind]} “{record.title}” is published",
                     f"It is now visible to the {WHO[audience]}.",
                     "records.show", record_id=record.id)
    db.session.commit()
    return record


def _safe_links(record: Record, audience: str) -> dict:
    """The body to publish, keeping only related records that cannot reveal the school:
    live, at least as widely visible, and named or anonymous exactly as this record is (a
    link between the two would join an anonymous record to its school)."""
    body = record_bodies.read(record.kind, record.body)
    if not isinstance(body, record_bodies.LessonStudyBody):
        return body.published().to_json()  # no partner school's id leaves the school
    related = []
    for other_id in body.related_case_studies:
        other = db.session.get(Record, other_id)
        if other is None or not other.is_live or other.school_id != record.school_id:
            continue
        if audience == "network" and other.published_visibility != "network":
            continue
        if other.published_attributed != record.attributed:
            continue
        related.append(other.id)
    return replace(body, related_case_studies=tuple(related)).to_json()


def withdraw(actor: User, record_id: int) -> Record:
    """Take a publication down; readers no longer see it."""
    record = get(actor, record_id)
    require(actor, "withdraw", record)
    record.withdrawn_at, record.status = datetime.now(UTC), "withdrawn"
    audit.record(actor, "record withdrawn", f"record:{record.id}")
    db.session.commit()
    return record


def versions(actor: User, record_id: int) -> tuple[Record, list[RecordVersion]]:
    """Every saved version of a record, newest first, for those who may see its drafts."""
    record = get(actor, record_id)
    require(actor, "see_draft", record)
    return record, list(db.session.scalars(select(RecordVersion).where(
        RecordVersion.record_id == record.id).order_by(RecordVersion.number.desc())))


def list_for(actor: User, kind: str) -> dict[str, list[Record]]:
    """What the actor may open: their school's drafts, the cluster's and the network's work."""
    own = [] if actor.school_id is None else list(db.session.scalars(
        select(Record).where(Record.kind == kind, Record.school_id == actor.school_id)
        .order_by(Record.updated_at.desc())))
    own = [r for r in own if can(actor, "see_draft", r)]
    live = db.session.scalars(select(Record).where(
        Record.kind == kind, Record.published_body.is_not(None), Record.withdrawn_at.is_(None),
        (Record.published_visibility == "network")
        | (Record.cluster_id == (actor.cluster_id or -1)))
        .order_by(Record.published_at.desc()).limit(200))
    return {"own": own, "published": list(live)}


def request_contact(actor: User, record_id: int, message: str) -> ContactRequest:
    """Ask to contact a record's authors; their headteacher decides whether to reply."""
    record = get(actor, record_id)
    require(actor, "contact", record)
    if not message.strip():
        raise Invalid("Say what you would like to talk about.", "message")
    contact = ContactRequest(record_id=record.id, requester_id=actor.id, message=message.strip())
    db.session.add(contact)
    db.session.flush()
    for head in _headteachers(record.school_id):
        action_mail.ask(head, f"A school would like to talk about “{record.published_title}”",
                        message.strip(), "records.contact_request", contact_id=contact.id)
    db.session.commit()
    return contact


def decide_contact(actor: User, request_id: int, reply: bool, message: str) -> ContactRequest:
    """Reply (revealing the school to the reader) or decline (revealing nothing)."""
    contact = get_visible_or_404(actor, ContactRequest, request_id)
    require(actor, "decide", contact)
    record = db.session.get(Record, contact.record_id)
    contact.status = "replied" if reply else "declined"
    contact.reply, contact.decided_by_id = message.strip(), actor.id
    contact.decided_at = datetime.now(UTC)
    title = record.published_title or record.title
    if reply:
        school = db.session.get(School, record.school_id)
        inbox.notify(contact.requester_id, f"The authors of “{title}” replied",
                     f"{school.name} would be glad to talk. Contact {actor.name} at "
                     f"{actor.email}.\n\n{message.strip()}")
    else:
        inbox.notify(contact.requester_id, f"The authors of “{title}” cannot talk just now",
                     "They have declined your request. Their school stays anonymous.")
    audit.record(actor, f"contact {contact.status}", f"contact_request:{contact.id}")
    db.session.commit()
    return contact


def contact_request(actor: User, request_id: int) -> ContactRequest:
    """One contact request, for the author school's headteacher or the reader who sent it."""
    return get_visible_or_404(actor, ContactRequest, request_id)


def record_of(contact: ContactRequest) -> Record:
    """The record a contact request is about (the caller has already been checked)."""
    return db.session.get(Record, contact.record_id)


def attributed_name(record: Record) -> str | None:
    """The school's name, only when the school chose to publish the record attributed."""
    if not record.published_attributed:
        return None
    return db.session.get(School, record.school_id).name


def requester_label(contact: ContactRequest) -> str:
    """Who asked: their name and school, shown to the headteacher deciding."""
    person = db.session.get(User, contact.requester_id)
    school = db.session.get(School, person.school_id) if person.school_id else None
    return f"{person.name}, {school.name}" if school else person.name


def related_for(actor: User, record: Record, published: bool) -> list[Record]:
    """The case studies a record links to that this reader may follow without the link
    revealing the school: on a published copy, only live ones the reader can open and that
    are named or anonymous exactly as this record is."""
    body = record_bodies.read(record.kind, record.published_body if published else record.body)
    kept = []
    for value in getattr(body, "related_case_studies", ()):
        other = db.session.get(Record, value)
        if other is None or other.school_id != record.school_id:
            continue
        if not published:
            if can(actor, "view", other):
                kept.append(other)
        elif can_read_live(actor, other) and record.published_attributed \
                == other.published_attributed:
            kept.append(other)
    return kept


def school_of(record: Record) -> School:
    """The school that wrote a record (callers have checked the reader may know it)."""
    return db.session.get(School, record.school_id)


def version_count(record: Record) -> int:
    """How many versions of the record are kept."""
    return db.session.scalar(select(func.count(RecordVersion.id)).where(
        RecordVersion.record_id == record.id)) or 0
