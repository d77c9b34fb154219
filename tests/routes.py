"""Walking app.url_map with cluster A's own ids (test_tenancy walks cluster B's)."""

from types import SimpleNamespace

from tests.test_tenancy import METHODS, _values

__all__ = ["METHODS", "CHANGING", "rules", "own_url"]

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
        values = _values(SimpleNamespace(A=world.A, B=world.A), rule, True)
    except AssertionError as unknown:
        print(f"skipped {rule.rule}: {unknown}")
        return None
    return rule.build(values, append_unknown=False)[1]
