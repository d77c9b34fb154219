"""The access rules as truth tables: role x record x action."""

import pytest

from network.access import can
from tests.factories import CLUSTER_ROLES, OVERSIGHT_ROLES, ROLES

# (role, action on A's cluster) -> allowed
CLUSTER_MANAGE = {"coordinator": True}
SCHOOL_INVITE = {"coordinator": True, "headteacher": True}


@pytest.mark.parametrize("role", ROLES)
def test_everyone_in_a_cluster_sees_it_and_nobody_outside_does(two_clusters, role):
    """Seeing a cluster, its schools and its people is for its own members only (not for
    those who follow one of its partnerships)."""
    person = two_clusters.A.people[role]
    for record in (two_clusters.A.cluster, two_clusters.A.school, two_clusters.A.people["member"]):
        assert can(person, "view", record) is (role in CLUSTER_ROLES)
    for record in (two_clusters.B.cluster, two_clusters.B.school, two_clusters.B.people["member"]):
        assert not can(person, "view", record)


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_manage_a_cluster(two_clusters, role):
    """Managing members, join requests and school invitations is the coordinator's job."""
    person = two_clusters.A.people[role]
    assert can(person, "manage", two_clusters.A.cluster) is CLUSTER_MANAGE.get(role, False)
    assert can(person, "decide", two_clusters.A.join_request) is CLUSTER_MANAGE.get(role, False)
    assert not can(person, "manage", two_clusters.B.cluster)
    assert not can(person, "decide", two_clusters.B.join_request)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_invite_people_to_a_school(two_clusters, role):
    """A school's headteacher and the coordinators invite people to it; nobody else."""
    person = two_clusters.A.people[role]
    assert can(person, "invite", two_clusters.A.school) is SCHOOL_INVITE.get(role, False)
    assert not can(person, "invite", two_clusters.B.school)


@pytest.mark.parametrize("role", ROLES)
def test_inbox_messages_are_their_owners_alone(two_clusters, role):
    """A notice is seen by the person it was sent to, even within the cluster."""
    message = two_clusters.A.message
    assert can(two_clusters.A.people[role], "view", message) is (role == "member")


def test_a_requester_sees_their_own_join_request_but_cannot_decide_it(two_clusters):
    """Someone without a school follows their request without being able to approve it."""
    join = two_clusters.A.join_request
    assert can(two_clusters.A.outsider, "view", join)
    assert not can(two_clusters.A.outsider, "decide", join)
    assert not can(two_clusters.B.outsider, "view", join)


def test_unknown_actions_are_denied(two_clusters):
    """Deny by default: an action nobody wrote a rule for is refused, even to coordinators."""
    assert not can(two_clusters.A.people["coordinator"], "delete", two_clusters.A.cluster)


def test_disabled_accounts_can_do_nothing(two_clusters):
    """An account switched off loses every permission at once."""
    coordinator = two_clusters.A.people["coordinator"]
    coordinator.is_active = False
    assert not can(coordinator, "view", two_clusters.A.cluster)


# What the pages and the menu ask: (action, of what in cluster A, the roles allowed).
PAGE_QUESTIONS = [
    ("administer", None, {"site_admin"}),
    ("broker", None, {"coordinator", "lle"}),
    ("see_partnerships", None, set(ROLES)),
    ("follow_partnerships", None, set(OVERSIGHT_ROLES)),
    ("broker", "cluster", {"coordinator"}),
    ("invite", "cluster", {"coordinator", "headteacher"}),
]


@pytest.mark.parametrize(("action", "of", "allowed"), PAGE_QUESTIONS)
def test_what_pages_and_the_menu_offer_each_role(two_clusters, action, of, allowed):
    """Admin is the site admins', brokering the LLEs' and coordinators', partnerships anyone's
    with a school; a cluster's coordinators broker for it, and they and headteachers invite."""
    for role in ROLES:
        person = two_clusters.A.people[role]
        assert can(person, action, getattr(two_clusters.A, of or "", None)) is (role in allowed)
        if of:
            assert not can(person, action, getattr(two_clusters.B, of))
    assert not can(two_clusters.A.outsider, action, getattr(two_clusters.A, of or "", None))


@pytest.mark.parametrize("role", OVERSIGHT_ROLES)
def test_overseers_see_their_partnership_but_not_its_outcomes(two_clusters, role):
    """An adviser, trust lead or governor views the partnership they were let follow, and
    no other; never its outcome measures, its overseers, or any change to it."""
    a, b = two_clusters.A, two_clusters.B
    person = a.people[role]
    assert can(person, "view", a.partnership)
    assert not can(person, "view", b.partnership)
    for action in ("see_outcomes", "record_outcomes", "see_overseers", "grant_oversight",
                   "track", "review", "decide"):
        assert not can(person, action, a.partnership), action
    assert not can(person, "view", a.measure)
    assert not can(person, "view", a.grant)
