"""THE access rules: who may see and change what. Every object is loaded through here.

Deny by default. Anything outside the actor's cluster is "not found" (404), never
"forbidden", so nobody learns that another cluster's record exists.
"""

from collections.abc import Callable

from sqlalchemy import Select, select

from models import (
    ApiToken,
    Cluster,
    ContactRequest,
    InboxMessage,
    Invitation,
    JoinRequest,
    OutcomeMeasure,
    OversightGrant,
    Partnership,
    Record,
    School,
    SchoolProfile,
    SelfEvaluation,
    SupportRequest,
    User,
)
from network.extensions import db
from network.services.errors import Forbidden, NotFound

Rule = Callable[[User, object], bool]


def _same_cluster(actor: User, cluster_id: int | None) -> bool:
    return actor.cluster_id is not None and actor.cluster_id == cluster_id


def _coordinates(actor: User, cluster_id: int | None) -> bool:
    return actor.is_coordinator and _same_cluster(actor, cluster_id)


def _heads(actor: User, school_id: int | None) -> bool:
    return actor.school_role == "headteacher" and actor.school_id == school_id


def _leads(actor: User, school_id: int | None) -> bool:
    """Headteachers and senior leaders lead their own school's self-evaluation and profile."""
    return actor.school_id == school_id and actor.school_role in ("headteacher", "senior_leader")


def _in_school(actor: User, school_id: int | None) -> bool:
    return actor.school_id is not None and actor.school_id == school_id


def _profile_public(profile: SchoolProfile | None) -> bool:
    return profile is not None and profile.visibility == "network"


def cluster_id_of(obj: object) -> int | None:
    """The cluster a record belongs to, or None for records that belong to a person."""
    if isinstance(obj, Cluster):
        return obj.id
    if isinstance(obj, User):
        return obj.cluster_id
    return getattr(obj, "cluster_id", None)


# (model, action) -> rule. A pair that is missing is denied.
RULES: dict[tuple[type, str], Rule] = {
    (Cluster, "view"): lambda a, c: _same_cluster(a, c.id),
    (Cluster, "manage"): lambda a, c: _coordinates(a, c.id),
    (School, "view"): lambda a, s: _same_cluster(a, s.cluster_id),
    (School, "invite"): lambda a, s: _coordinates(a, s.cluster_id) or _heads(a, s.id),
    (User, "view"): lambda a, u: _same_cluster(a, u.cluster_id),
    (User, "manage"): lambda a, u: _coordinates(a, u.cluster_id) and a.id != u.id,
    (Invitation, "view"): lambda a, i: _coordinates(a, i.cluster_id)
    or (i.school_id is not None and _heads(a, i.school_id)),
    (Invitation, "revoke"): lambda a, i: _coordinates(a, i.cluster_id)
    or (i.school_id is not None and _heads(a, i.school_id)),
    (JoinRequest, "view"): lambda a, r: _coordinates(a, r.cluster_id) or a.id == r.requester_id,
    (JoinRequest, "decide"): lambda a, r: _coordinates(a, r.cluster_id)
    and r.status == "pending",
    (InboxMessage, "view"): lambda a, m: a.id == m.user_id,
    # An API token is its owner's; site admins may see and revoke anyone's.
    (ApiToken, "view"): lambda a, t: a.id == t.user_id or a.is_site_admin,
    (ApiToken, "revoke"): lambda a, t: a.id == t.user_id or a.is_site_admin,
    (Cluster, "overview"): lambda a, c: _coordinates(a, c.id),
    (School, "edit_profile"): lambda a, s: _leads(a, s.id),
    (School, "see_needs"): lambda a, s: _same_cluster(a, s.cluster_id),
    (School, "evaluate"): lambda a, s: _leads(a, s.id),
    (School, "read_evaluations"): lambda a, s: _in_school(a, s.id)
    or _coordinates(a, s.cluster_id),
    (SelfEvaluation, "view"): lambda a, e: _in_school(a, e.school_id)
    or _coordinates(a, _school_cluster(e.school_id)),
    (SelfEvaluation, "edit"): lambda a, e: _leads(a, e.school_id) and e.status == "draft",
    (SelfEvaluation, "delete"): lambda a, e: _leads(a, e.school_id) and e.status == "draft",
    (SelfEvaluation, "finalise"): lambda a, e: a.school_id == e.school_id
    and a.school_role == "headteacher" and e.status == "draft",
}


def _writes(actor: User, record: Record) -> bool:
    """An author or co-author who still belongs to the record's school: authorship grants
    nothing once its author has left (or been removed from) that school."""
    return _in_school(actor, record.school_id) and (
        actor.id == record.author_id or any(c.user_id == actor.id for c in record.coauthors))


def _reviews(actor: User, record: Record) -> bool:
    return actor.school_id == record.school_id and actor.school_role == "headteacher"


def _sees_working_copy(actor: User, record: Record) -> bool:
    return _writes(actor, record) or _leads(actor, record.school_id)


def can_read_live(actor: User, record: Record) -> bool:
    """Whether the actor may read a record's published copy."""
    if not (actor.is_authenticated and actor.is_active and record.is_live):
        return False
    return record.published_visibility == "network" or _same_cluster(actor, record.cluster_id)


RULES.update({
    (Record, "view"): lambda a, r: can_read_live(a, r) or _sees_working_copy(a, r),
    (Record, "see_draft"): _sees_working_copy,
    (Record, "edit"): lambda a, r: _writes(a, r) and r.status in ("draft", "published",
                                                                  "withdrawn"),
    (Record, "submit"): lambda a, r: _writes(a, r) and r.status == "draft",
    (Record, "review"): lambda a, r: _reviews(a, r) and r.status == "submitted",
    (Record, "withdraw"): lambda a, r: _reviews(a, r) and r.is_live,
    (Record, "contact"): lambda a, r: can_read_live(a, r) and a.school_id != r.school_id,
    (ContactRequest, "view"): lambda a, c: a.id == c.requester_id
    or _reviews(a, db.session.get(Record, c.record_id)),
    (ContactRequest, "decide"): lambda a, c: c.status == "pending"
    and _reviews(a, db.session.get(Record, c.record_id)),
})


def _brokers(actor: User, request: SupportRequest) -> bool:
    """The LLE a request names, or, when it names none, its cluster's coordinators."""
    if request.broker_id is not None:
        return actor.id == request.broker_id and actor.is_lle
    return _coordinates(actor, request.cluster_id)


def _asked_by(actor: User, school: School) -> bool:
    """Whether the school has an open request for support addressed to the actor."""
    return any(_brokers(actor, r) for r in db.session.scalars(select(SupportRequest).where(
        SupportRequest.school_id == school.id, SupportRequest.status != "withdrawn")))


def _brokered(actor: User, p: Partnership) -> bool:
    """The partnership's broker while they still hold the standing they brokered it with:
    the LLE designation, or coordinating the cluster of either school."""
    return actor.id == p.broker_id and (
        actor.is_lle or _coordinates(actor, _school_cluster(p.supported_school_id))
        or _coordinates(actor, _school_cluster(p.supporting_school_id)))


def _party(actor: User, p: Partnership) -> bool:
    """The broker, either school's leaders, or either school's cluster coordinators."""
    return (_brokered(actor, p) or _leads(actor, p.supported_school_id)
            or _leads(actor, p.supporting_school_id)
            or _coordinates(actor, _school_cluster(p.supported_school_id))
            or _coordinates(actor, _school_cluster(p.supporting_school_id)))


def _head_side(actor: User, p: Partnership) -> str | None:
    """"supported" or "supporting" for a headteacher of that school, else None."""
    for side in ("supported", "supporting"):
        if _heads(actor, getattr(p, f"{side}_school_id")):
            return side
    return None


def _decides(actor: User, p: Partnership) -> bool:
    """A headteacher of either school whose school has not decided yet, once any declared
    conflict of interest has been approved."""
    side = _head_side(actor, p)
    return side is not None and p.status == "proposed" and p.conflict_approval != "pending" \
        and getattr(p, f"{side}_decision") is None


def _approves_conflict(actor: User, p: Partnership) -> bool:
    """A coordinator of the supporting school's cluster, never the LLE who proposed it, while
    the declared conflict of interest waits for approval."""
    return p.status == "proposed" and p.conflict_approval == "pending" \
        and actor.id != p.broker_id and _coordinates(actor, _school_cluster(
            p.supporting_school_id))


def _signs(actor: User, p: Partnership) -> bool:
    """A headteacher of either school whose signature a proposed change still needs."""
    side = _head_side(actor, p)
    pending = p.agreements[-1] if p.agreements else None
    return side is not None and p.status == "active" and pending is not None \
        and getattr(pending, f"{side}_signed_by_id") is None


def _agrees_to_close(actor: User, p: Partnership) -> bool:
    """A head or the broker who has not yet agreed, once someone has started closing."""
    if p.status != "active" or not p.closing:
        return False
    party = _head_side(actor, p) or ("broker" if _brokered(actor, p) else None)
    return party is not None and party not in (p.closing.get("agreed") or {})


def _heads_or_broker(actor: User, p: Partnership) -> bool:
    return _brokered(actor, p) or _head_side(actor, p) is not None


RULES.update({
    (School, "ask_support"): lambda a, s: _leads(a, s.id),
    (School, "find_partners"): lambda a, s: _leads(a, s.id) or _asked_by(a, s),
    (SupportRequest, "view"): lambda a, r: _leads(a, r.school_id) or _brokers(a, r),
    (SupportRequest, "broker"): _brokers,  # sees the school's needs and its candidates
    (SupportRequest, "propose"): lambda a, r: _brokers(a, r) and r.wants_candidates,
    (SupportRequest, "withdraw"): lambda a, r: _leads(a, r.school_id) and r.status == "open",
    (Partnership, "view"): lambda a, p: _party(a, p) or _oversees(a, p),
    (Partnership, "decide"): _decides,
    (Partnership, "track"): lambda a, p: p.status == "active" and (
        _brokered(a, p) or _leads(a, p.supported_school_id)
        or _leads(a, p.supporting_school_id)),
    (Partnership, "approve_conflict"): _approves_conflict,
    # Each school's leaders report their own school's progress on a milestone.
    (Partnership, "report"): lambda a, p: p.status == "active" and (
        _leads(a, p.supported_school_id) or _leads(a, p.supporting_school_id)),
    (Partnership, "change_agreement"): lambda a, p: p.status == "active"
    and _heads_or_broker(a, p),
    (Partnership, "sign_agreement"): _signs,
    # Starting to close, with the impact review; then the others agree.
    (Partnership, "review"): lambda a, p: p.status == "active" and not p.closing
    and _heads_or_broker(a, p),
    (Partnership, "agree_close"): _agrees_to_close,
    (Partnership, "stop_closing"): lambda a, p: p.status == "active" and bool(p.closing)
    and _heads_or_broker(a, p),
    (Partnership, "write_case_study"): lambda a, p: p.status == "closed"
    and _leads(a, p.supported_school_id),
})


def _school_cluster(school_id: int) -> int | None:
    school = db.session.get(School, school_id)
    return school.cluster_id if school else None


def can_see_profile(actor: User, school: School, profile: SchoolProfile | None) -> str | None:
    """How much of a school's profile the actor may see: "full", "public" or None (404)."""
    if can(actor, "view", school):
        return "full"
    if actor.is_authenticated and actor.is_active and _profile_public(profile):
        return "public"
    return None


def can(actor: User | None, action: str, obj: object) -> bool:
    """Whether `actor` may do `action` to `obj`; anything not granted is refused."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    rule = RULES.get((type(obj), action))
    return bool(rule and rule(actor, obj))


def can_view(actor: User | None, obj: object) -> bool:
    """Whether `actor` may know that `obj` exists."""
    return can(actor, "view", obj)


def get_visible_or_404(actor: User, model: type, ident) -> object:
    """Load one record by id for `actor`; NotFound (404) when it is missing or not theirs."""
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None:
        raise NotFound
    if not can_view(actor, obj):
        from network import audit

        audit.refused(actor, "view", obj, 404)
        raise NotFound
    return obj


def require(actor: User, action: str, obj: object) -> None:
    """Refuse (see `refuse`) unless `actor` may do `action` to the existing `obj`."""
    if not (can_view(actor, obj) and can(actor, action, obj)):
        refuse(actor, action, obj)


def refuse(actor: User, action: str, obj: object, hidden: bool | None = None,
           message: str = "") -> None:
    """Refuse `action` on the existing `obj` and note it in the audit log: NotFound (404) if
    the actor cannot see it (or `hidden` says so), else Forbidden (403) saying `message`."""
    from network import audit

    hidden = not can_view(actor, obj) if hidden is None else hidden
    audit.refused(actor, action, obj, 404 if hidden else 403)
    raise NotFound if hidden else Forbidden(message)


def require_site_admin(actor: User, obj: object | None = None) -> None:
    """Hide the site administration from everyone else (404); refusing it the existing `obj`
    is noted in the audit log."""
    if not (actor.is_authenticated and actor.is_site_admin):
        if obj is not None:
            refuse(actor, "administer", obj, hidden=True)
        raise NotFound


def cluster_scoped(actor: User, model: type) -> Select:
    """A SELECT of `model` restricted to the actor's cluster (nothing, if they have none)."""
    column = model.id if model is Cluster else model.cluster_id
    return select(model).where(column == (actor.cluster_id or -1))


def members_of_cluster(actor: User) -> Select:
    """A SELECT of the people in the actor's cluster."""
    return (
        select(User)
        .join(School, User.school_id == School.id)
        .where(School.cluster_id == (actor.cluster_id or -1))
        .order_by(User.name)
    )


# --- Questions the pages and the menu ask (templates call `can(action, obj=None)`) ---------
# An action asked of no object is keyed on type(None): what the person may do at all.
NOTHING = type(None)

RULES.update({
    (NOTHING, "administer"): lambda a, _: a.is_site_admin,
    (NOTHING, "broker"): lambda a, _: a.is_lle or a.is_coordinator,
    (NOTHING, "see_partnerships"): lambda a, _: a.school_id is not None or a.is_lle
    or follows_any(a),
    # Schools' people and brokers list their partnerships; overseers the ones they follow.
    (NOTHING, "list_partnerships"): lambda a, _: a.school_id is not None or a.is_lle
    or a.is_coordinator,
    (Cluster, "broker"): lambda a, c: _coordinates(a, c.id),
    (Cluster, "invite"): lambda a, c: _coordinates(a, c.id)
    or (_same_cluster(a, c.id) and _heads(a, a.school_id)),
})


# --- Outcomes and oversight ---------------------------------------------------------------
# Outcome measures are the two schools' leaders' and the broker's alone; overseers (a local
# authority adviser, a trust's lead, a governor) read the partnership a headteacher let them
# follow, and nothing else.

def _oversees(actor: User, p: Partnership) -> bool:
    """Someone a headteacher of either school let follow the partnership, not since revoked."""
    return db.session.scalar(select(OversightGrant.id).where(
        OversightGrant.partnership_id == p.id, OversightGrant.user_id == actor.id,
        OversightGrant.revoked_at.is_(None)).limit(1)) is not None


def follows_any(actor: User) -> bool:
    """Whether the actor follows at least one partnership as an overseer."""
    return actor.id is not None and db.session.scalar(select(OversightGrant.id).where(
        OversightGrant.user_id == actor.id, OversightGrant.revoked_at.is_(None))
        .limit(1)) is not None


def _sees_outcomes(actor: User, p: Partnership) -> bool:
    """The two schools' leaders and the broker."""
    return _brokered(actor, p) or _leads(actor, p.supported_school_id) \
        or _leads(actor, p.supporting_school_id)


def _head_of_either(actor: User, p: Partnership) -> bool:
    return _heads(actor, p.supported_school_id) or _heads(actor, p.supporting_school_id)


def _partnership_of(obj) -> Partnership | None:
    return db.session.get(Partnership, obj.partnership_id)


def _records_measure(actor: User, m: OutcomeMeasure) -> bool:
    """The measure's school's leaders, or the broker, while the partnership is running."""
    p = _partnership_of(m)
    return p is not None and p.status in ("proposed", "active") and (
        _leads(actor, m.school_id) or _brokered(actor, p))


RULES.update({
    (Partnership, "see_outcomes"): _sees_outcomes,
    (Partnership, "record_outcomes"): lambda a, p: p.status in ("proposed", "active")
    and _sees_outcomes(a, p),
    (Partnership, "see_overseers"): _head_of_either,
    (Partnership, "grant_oversight"): lambda a, p: p.status != "declined"
    and _head_of_either(a, p),
    (NOTHING, "follow_partnerships"): lambda a, _: follows_any(a),
    (OutcomeMeasure, "view"): lambda a, m: (p := _partnership_of(m)) is not None
    and _sees_outcomes(a, p),
    (OutcomeMeasure, "record"): _records_measure,
    (OversightGrant, "view"): lambda a, g: (p := _partnership_of(g)) is not None
    and _head_of_either(a, p),
    (OversightGrant, "revoke"): lambda a, g: g.revoked_at is None
    and (p := _partnership_of(g)) is not None and _head_of_either(a, p),
})
