"""Nothing of cluster B is reachable by cluster A's people, on any route, method or role.

Routes are read from app.url_map, so a new route is walked without anyone remembering to add
it; a route with a URL parameter this file does not know fails the test until it is taught.
"""

import pytest
from markupsafe import escape

from network.web.security import cross_cluster  # noqa: F401  (the marker admin views carry)
from tests.db_state import refusals
from tests.factories import ROLES, api_token
from tests.routes import METHODS, values_for

# Public pages whose parameter is a capability, not a record of any cluster.
CAPABILITY_ROUTES = {"auth.reset_password": "a signed reset token works for whoever holds it",
                     "auth.confirm_email": "a signed confirmation token works for whoever holds it",
                     "emails.unsubscribe": "a signed unsubscribe token works for whoever holds it",
                     "oversight.accept": "a signed oversight invitation works for whoever holds it"}


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _view(app, rule):
    return app.view_functions[rule.endpoint]



def _methods(rule):
    return [m for m in METHODS if m in rule.methods]


def test_every_route_is_known(app):
    """Every route is public, cluster-scoped, site-admin only or API: none is unclassified."""
    for rule in _rules(app):
        view = _view(app, rule)
        assert rule.endpoint.split(".")[0] in {
            "main", "auth", "clusters", "schools", "evaluations", "overview", "records",
            "case_studies", "lesson_studies", "search", "inbox", "admin", "api", "matching",
            "brokering", "tokens", "two_factor", "emails", "oversight", "help", "exports"} or \
            getattr(view, "is_public", False), rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_other_clusters_records_are_not_found(no_csrf, app, client, login, two_clusters, role):
    """For A's person in `role`, every route with B's ids answers 404, whatever the method,
    and each refusal is written in the audit log (B's records exist)."""

    person = two_clusters.A.people[role]
    login(person)
    bearer = {"Authorization": f"Bearer {api_token(person)}"}
    checked, missing = 0, []
    for rule in _rules(app):
        view = _view(app, rule)
        if not rule.arguments or rule.endpoint in CAPABILITY_ROUTES:
            continue
        headers = bearer if rule.endpoint.startswith("api.") else {}
        mixed = "cluster_id" in rule.arguments and len(rule.arguments) > 1
        for own_cluster in ({False, True} if mixed else {False}):
            url = rule.build(values_for(two_clusters, rule, own_cluster), append_unknown=False)[1]
            for method in _methods(rule):
                before = refusals()
                response = client.open(url, method=method, headers=headers,
                                       data={"decision": "approve", "school_role": "member",
                                             "coordinator": "yes", "rating": "1"})
                if getattr(view, "cross_cluster", False) and role == "site_admin":
                    assert response.status_code in (200, 302), (method, url)
                    continue
                assert response.status_code == 404, (role, method, url, response.status_code)
                # B's records exist: refusing one is written in the audit log
                if refusals() <= before:
                    missing.append((method, url))
                checked += 1
    assert not missing, ("refused without an audit row", role, missing)
    assert checked > 10


@pytest.mark.parametrize("role", ROLES)
def test_pages_without_ids_show_nothing_of_another_cluster(app, client, login, two_clusters,
                                                           role):
    """Lists, dashboards and menus never name B's cluster, schools or people."""
    login(two_clusters.A.people[role])
    b = two_clusters.B
    secrets = [b.cluster.name, b.school.name, b.cluster.schools[0].name,
               *(p.name for p in b.people.values()), b.outsider.name]
    for rule in _rules(app):
        if rule.arguments or "GET" not in rule.methods or rule.endpoint.startswith("api."):
            continue
        view = _view(app, rule)
        if getattr(view, "cross_cluster", False) and role == "site_admin":
            continue
        body = client.get(rule.rule).get_data(as_text=True)
        for secret in secrets:
            assert str(escape(secret)) not in body, (role, rule.rule, secret)


def test_join_directory_is_for_people_without_a_school(app, client, login, two_clusters):
    """The only place another cluster's name appears is the directory, which members never see."""
    login(two_clusters.A.people["member"])
    response = client.get("/clusters")
    assert response.status_code == 302


@pytest.mark.parametrize("method", METHODS)
def test_visitors_are_sent_to_sign_in(app, client, two_clusters, method):
    """Anonymous visitors reach only public pages; everything else asks them to sign in."""
    for rule in _rules(app):
        view = _view(app, rule)
        if method not in rule.methods or getattr(view, "is_public", False):
            continue
        url = rule.build(values_for(two_clusters, rule, False), append_unknown=False)[1] \
            if rule.arguments else rule.rule
        response = client.open(url, method=method)
        if rule.endpoint.startswith("api."):
            assert response.status_code == 401, url
            assert response.is_json and "error" in response.json
        elif method == "GET":
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"], url
        else:
            # CSRF protection answers an anonymous POST before sign-in does; either way nothing
            # happens and nothing is shown.
            assert response.status_code in (302, 400), (method, url, response.status_code)


def test_api_answers_only_for_the_tokens_owner(app, client, two_clusters):
    """The API knows only its caller: B's details never appear in A's answers."""

    token = api_token(two_clusters.A.people["member"])
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert two_clusters.B.cluster.name not in answer.get_data(as_text=True)
