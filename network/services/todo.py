"""What the person signed in has to do next: one line for each thing waiting on them, with the
page where they do it.

Every line is found by asking network/access.py whether the actor may do the thing (decide,
approve, sign, review...), so home never offers what the page would then refuse. The queries
only narrow the candidates to the actor's school, cluster or brokering; the rules decide.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select

from models import (
    ContactRequest,
    JoinRequest,
    Milestone,
    Partnership,
    Record,
    RecordCoauthor,
    School,
    SelfEvaluation,
    SupportRequest,
    User,
)
from network.access import can
from network.domain import terms
from network.extensions import db
from network.services import published_work

DUE_WITHIN = timedelta(weeks=4)  # milestones this close (or overdue) are on the list
NEWEST_WORK = 3  # published records on the school's barriers shown under the list
NOUN = {"case_study": "case study", "lesson_study": "lesson study"}


@dataclass(frozen=True)
class Todo:
    """One thing waiting on the actor: what to do, and the page (endpoint and arguments)
    where it is done."""

    text: str
    endpoint: str
    args: dict = field(default_factory=dict)
    overdue: bool = False


def for_actor(actor: User, today: date | None = None) -> list[Todo]:
    """Everything waiting on the actor, the decisions others wait for first."""
    if not (actor.is_authenticated and actor.is_active):
        return []
    today = today or date.today()
    partnerships = _partnerships(actor)
    return (_partnership_decisions(actor, partnerships)
            + _join_requests(actor)
            + _support_requests(actor)
            + _reviews(actor)
            + _drafts(actor)
            + _contacts(actor)
            + _milestones(actor, partnerships, today)
            + _evaluation(actor, today))


def for_partnership(actor: User, partnership: Partnership,
                    today: date | None = None) -> list[Todo]:
    """What is waiting on the actor in this one partnership, each line leading to the part
    of its page where it is done (the partnership page's "Next for you")."""
    if not (actor.is_authenticated and actor.is_active):
        return []
    return (_partnership_decisions(actor, [partnership], named=False)
            + _milestones(actor, [partnership], today or date.today(), named=False))


def new_on_barriers(actor: User) -> list[published_work.Work]:
    """The few newest published records on the barriers the actor's school faces."""
    if actor.school is None:
        return []
    found = published_work.on_barriers(actor, actor.school, limit=NEWEST_WORK * 4)
    return sorted(found, key=lambda w: (w.published_at is not None, w.published_at or 0),
                  reverse=True)[:NEWEST_WORK] if found else []


def pairing(p: Partnership) -> str:
    """"Oakfield Primary supporting Riverside Primary": how a line names a partnership."""
    return f"{p.supporting.name} supporting {p.supported.name}"


def _partnerships(actor: User) -> list[Partnership]:
    """Proposed and active partnerships the actor could have something to do on: their
    school's, the ones they broker, and (for coordinators) their cluster's schools'."""
    mine = [Partnership.broker_id == actor.id]
    if actor.school_id is not None:
        mine += [Partnership.supported_school_id == actor.school_id,
                 Partnership.supporting_school_id == actor.school_id]
    if actor.is_coordinator and actor.cluster_id is not None:
        cluster_schools = select(School.id).where(School.cluster_id == actor.cluster_id)
        mine += [Partnership.supporting_school_id.in_(cluster_schools)]
    return list(db.session.scalars(select(Partnership).where(
        Partnership.status.in_(("proposed", "active")), or_(*mine))
        .order_by(Partnership.created_at, Partnership.id)))


def _partnership_decisions(actor: User, partnerships: list[Partnership],
                           named: bool = True) -> list[Todo]:
    """Proposals to decide, conflicts of interest to approve, changed agreements to sign and
    closings to agree to; each line names its partnership unless `named` is False (on the
    partnership's own page)."""
    found = []
    for p in partnerships:
        where = {"partnership_id": p.id}
        which = f": {pairing(p)}" if named else ""
        if can(actor, "approve_conflict", p):
            found.append(Todo(f"Approve or refuse the conflict of interest: {p.broker.name} "
                              f"proposes their own school{', ' + pairing(p) if named else ''}",
                              "brokering.partnership",
                              {**where, "_anchor": "section-conflict"}))
        if can(actor, "decide", p):
            found.append(Todo(f"Decide on the partnership proposed by {p.broker.name}{which}",
                              "brokering.partnership",
                              {**where, "_anchor": "section-decision"}))
        if can(actor, "sign_agreement", p):
            number = p.agreements[-1].number
            found.append(Todo(f"Sign the changed support agreement (version {number}){which}",
                              "brokering.partnership",
                              {**where, "_anchor": "section-agreement"}))
        if can(actor, "agree_close", p):
            found.append(Todo(f"Agree to close the partnership, or say why not{which}",
                              "brokering.partnership",
                              {**where, "_anchor": "section-closing"}))
    return found


def _milestones(actor: User, partnerships: list[Partnership], today: date,
                named: bool = True) -> list[Todo]:
    """Milestones of the actor's school's active partnerships due within four weeks or
    overdue, that the school has not yet reported done (or missed); each line names its
    partnership unless `named` is False."""
    side_of = {}
    for p in partnerships:
        if actor.school_id is None or not (can(actor, "track", p) and can(actor, "report", p)):
            continue
        side_of[p.id] = ("supported" if p.supported_school_id == actor.school_id
                         else "supporting")
    if not side_of:
        return []
    found = []
    for m in db.session.scalars(select(Milestone).where(
            Milestone.partnership_id.in_(side_of), Milestone.due_on <= today + DUE_WITHIN)
            .order_by(Milestone.due_on, Milestone.id)):
        if getattr(m, f"{side_of[m.partnership_id]}_status") in ("done", "missed"):
            continue
        overdue = m.due_on < today
        when = "due today" if m.due_on == today else \
            f"{'overdue since' if overdue else 'due'} {m.due_on:%-d %B %Y}"
        which = f" ({pairing(m.partnership)})" if named else ""
        found.append(Todo(f"Report your school's progress on “{m.title}”{which}, {when}",
                          "brokering.partnership", {"partnership_id": m.partnership_id,
                                                    "_anchor": f"milestone-{m.id}"},
                          overdue))
    return found


def _join_requests(actor: User) -> list[Todo]:
    """Requests to join the cluster the actor coordinates."""
    if not actor.is_coordinator or actor.cluster_id is None:
        return []
    return [Todo(f"Approve or refuse {r.requester.name}'s request for "
                 f"{r.register_entry.name} to join {r.cluster.name}",
                 "clusters.join_request", {"cluster_id": r.cluster_id, "request_id": r.id})
            for r in db.session.scalars(select(JoinRequest).where(
                JoinRequest.cluster_id == actor.cluster_id, JoinRequest.status == "pending")
                .order_by(JoinRequest.created_at, JoinRequest.id))
            if can(actor, "decide", r)]


def _support_requests(actor: User) -> list[Todo]:
    """Open requests for support the actor brokers (named, or their cluster's coordinators)."""
    asked = [SupportRequest.broker_id == actor.id]
    if actor.is_coordinator and actor.cluster_id is not None:
        asked.append((SupportRequest.broker_id.is_(None))
                     & (SupportRequest.cluster_id == actor.cluster_id))
    return [Todo(f"Propose a partner for {r.school.name}'s request for support",
                 "brokering.support_request", {"support_id": r.id})
            for r in db.session.scalars(select(SupportRequest).where(
                SupportRequest.status == "open", or_(*asked))
                .order_by(SupportRequest.created_at, SupportRequest.id))
            if can(actor, "propose", r)]


def _reviews(actor: User) -> list[Todo]:
    """Case studies and lesson studies submitted to the actor for review."""
    if actor.school_id is None or actor.school_role != "headteacher":
        return []
    records = [r for r in db.session.scalars(select(Record).where(
        Record.school_id == actor.school_id, Record.status == "submitted")
        .order_by(Record.submitted_at, Record.id)) if can(actor, "review", r)]
    authors = _names({r.author_id for r in records})
    return [Todo(f"Review the {NOUN.get(r.kind, 'record')} “{r.title}”, submitted by "
                 f"{authors.get(r.author_id, 'a colleague')}", "records.review",
                 {"record_id": r.id}) for r in records]


STEPS_PAGE = {"case_study": "case_studies.tasks", "lesson_study": "lesson_studies.edit"}


def _drafts(actor: User) -> list[Todo]:
    """The actor's own drafts (as author or co-author), and those their headteacher
    returned with comments: each leads to its task list."""
    if actor.school_id is None:
        return []
    coauthored = select(RecordCoauthor.record_id).where(RecordCoauthor.user_id == actor.id)
    drafts = [r for r in db.session.scalars(select(Record).where(
        Record.school_id == actor.school_id, Record.status == "draft",
        or_(Record.author_id == actor.id, Record.id.in_(coauthored)))
        .order_by(Record.updated_at, Record.id)) if can(actor, "edit", r)]
    return [Todo(f"Finish your {NOUN[r.kind]} “{r.title}”"
                 + (": your headteacher returned it with comments" if r.review_comment
                    else " and send it to your headteacher"),
                 STEPS_PAGE[r.kind], {"record_id": r.id}) for r in drafts]


def _contacts(actor: User) -> list[Todo]:
    """Readers' requests to talk about the school's published records."""
    if actor.school_id is None or actor.school_role != "headteacher":
        return []
    rows = db.session.execute(select(ContactRequest, Record.published_title, Record.title)
                              .join(Record, Record.id == ContactRequest.record_id).where(
        Record.school_id == actor.school_id, ContactRequest.status == "pending")
        .order_by(ContactRequest.created_at, ContactRequest.id)).all()
    return [Todo(f"Reply to a request to talk about “{published or title}”",
                 "records.contact_request", {"contact_id": c.id})
            for c, published, title in rows if can(actor, "decide", c)]


def _evaluation(actor: User, today: date) -> list[Todo]:
    """This term's self-evaluation: start it, continue it, or (the head) finalise it."""
    school = actor.school
    if school is None or not can(actor, "evaluate", school):
        return []
    year, term = terms.current_term(today)
    label = terms.label(year, term)
    found = db.session.scalar(select(SelfEvaluation).where(
        SelfEvaluation.school_id == school.id, SelfEvaluation.year == year,
        SelfEvaluation.term == term))
    if found is None:
        return [Todo(f"Start this term's self-evaluation ({label})", "evaluations.index",
                     {"school_id": school.id})]
    if can(actor, "finalise", found):
        return [Todo(f"Finalise {label}'s self-evaluation", "evaluations.show",
                     {"evaluation_id": found.id})]
    if can(actor, "edit", found):
        return [Todo(f"Continue {label}'s self-evaluation", "evaluations.show",
                     {"evaluation_id": found.id})]
    return []


def _names(user_ids: set[int]) -> dict[int, str]:
    """People's names by id, in one query."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
                .all())
