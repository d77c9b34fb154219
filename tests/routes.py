"""Walking app.url_map with cluster A's own ids (test_tenancy walks cluster B's)."""

from types import SimpleNamespace

from sqlalchemy import select

from models import (
    ContactRequest,
    InboxMessage,
    Milestone,
    OutcomeMeasure,
    OversightGrant,
    Partnership,
    Record,
    School,
    SelfEvaluation,
    SupportRequest,
    User,
)
from network.extensions import db
from network.services.case_study_steps import STEPS as CASE_STEPS
from network.web.views.lesson_studies import STEPS as LESSON_STEPS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def rules(app) -> list:
    """Every route but the static files."""
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def own_url(world, rule) -> str | None:
    """The rule's URL with cluster A's own records; None (printed) for a parameter that
    test_tenancy.py has not been taught yet."""
    if not rule.arguments:
        return rule.rule
    try:
        values = values_for(SimpleNamespace(A=world.A, B=world.A), rule, True)
    except AssertionError as unknown:
        print(f"skipped {rule.rule}: {unknown}")
        return None
    return rule.build(values, append_unknown=False)[1]


def values_for(world, rule, own_cluster: bool) -> dict:
    """B's record for every parameter; with own_cluster, A's cluster id beside B's records."""
    side = world.B
    known = {
        "cluster_id": (world.A if own_cluster else side).cluster.id,
        "school_id": side.school.id,
        "user_id": side.people["member"].id,
        "request_id": side.join_request.id,
        "invitation_id": side.invitation.id,
        "message_id": side.message.id,
        "token": side.token,
        "evaluation_id": side.evaluation.id,
        "code": "CE2",  # a core element: reference data, the same in every cluster
        "urn": side.school.urn,
        "record_id": side.record.id,
        "number": 1,  # a version number, within B's record
        "contact_id": side.contact.id,
        "support_id": side.support.id,
        "partnership_id": side.partnership.id,
        "milestone_id": side.milestone.id,
        "measure_id": side.measure.id,
        "grant_id": side.grant.id,
        "step": "context",  # a step of a record written in steps (the record decides first)
        "lesson": 1,  # a research lesson's number within B's record
        "action": 1,  # an action's number within B's record or evaluation
    }
    unknown = set(rule.arguments) - set(known)
    assert not unknown, f"teach tests/routes.py the parameter(s) {unknown} of {rule.rule}"
    return {name: known[name] for name in rule.arguments}


# --- walking the demo network ----------------------------------------------------------

DEMO_SKIP = {"static", "auth.logout"}  # endpoints a walk of the demo never opens


def first(model, *where):
    """The first row of `model` matching `where`, by id."""
    return db.session.scalar(select(model).where(*where).order_by(model.id).limit(1))


def demo_contexts(person: User) -> list[dict]:
    """Coherent sets of URL values for what the person's cluster holds in the demo."""
    school = db.session.get(School, person.school_id)
    cluster_ids = [s.id for s in school.cluster.schools]
    base = {"cluster_id": school.cluster_id, "school_id": school.id, "user_id": person.id,
            "code": "CE2", "number": 1}
    found = [base] + [dict(base, school_id=sid) for sid in cluster_ids[:4]]
    for e in db.session.scalars(select(SelfEvaluation).where(
            SelfEvaluation.school_id == school.id)):
        found.append(dict(base, evaluation_id=e.id))
    for r in db.session.scalars(select(Record).where(Record.school_id.in_(cluster_ids))):
        found.append(dict(base, record_id=r.id))
    for kind, steps in (("case_study", [name for name, _ in CASE_STEPS]),
                        ("lesson_study", list(LESSON_STEPS))):
        # The steps of the first of each kind the person's own school wrote (only its
        # people can open them), with its first lesson and action.
        own = first(Record, Record.school_id == school.id, Record.kind == kind)
        if own is not None:
            found += [dict(base, record_id=own.id, step=step, lesson=1, action=1)
                      for step in steps]
    for s in db.session.scalars(select(SupportRequest)):
        found.append(dict(base, support_id=s.id))
    for p in db.session.scalars(select(Partnership)):
        milestone = first(Milestone, Milestone.partnership_id == p.id)
        measure = first(OutcomeMeasure, OutcomeMeasure.partnership_id == p.id)
        grant = first(OversightGrant, OversightGrant.partnership_id == p.id)
        found.append(dict(base, partnership_id=p.id, school_id=p.supported_school_id,
                          **({"milestone_id": milestone.id} if milestone else {}),
                          **({"measure_id": measure.id} if measure else {}),
                          **({"grant_id": grant.id} if grant else {})))
    contact = first(ContactRequest)
    message = first(InboxMessage, InboxMessage.user_id == person.id)
    for key, row in (("contact_id", contact), ("message_id", message)):
        if row is not None:
            found.append(dict(base, **{key: row.id}))
    return found
