"""Walking app.url_map with cluster A's own ids (test_tenancy walks cluster B's)."""

from types import SimpleNamespace

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
