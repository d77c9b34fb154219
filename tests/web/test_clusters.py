"""Registering a cluster, claiming schools, invitations, join requests and roles."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from models import Cluster, InboxMessage, JoinRequest, RegisterSchool, School
from network.extensions import db
from tests.factories import csrf_token


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def _register(client, urn, name="Northside Partnership", **extra):
    return _post(client, "/register", name=name, description="Four schools in Northside",
                 region="North West", urn=urn, **extra)


def test_headteacher_registers_a_cluster_and_claims_their_school(client, make_user, login,
                                                                free_urns):
    """The registering head becomes coordinator and headteacher; details come from the register."""
    head = make_user()
    login(head)
    urn = next(free_urns)
    response = _register(client, urn)
    assert response.status_code == 302
    assert head.school.urn == urn and head.school_role == "headteacher" and head.is_coordinator
    entry = db.session.get(RegisterSchool, urn)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Northside Partnership" in page and escape(entry.name) in page


@pytest.mark.parametrize(("urn", "message"), [
    ("12345", "exactly 6 digits"),
    ("1234567", "exactly 6 digits"),
    ("abcdef", "exactly 6 digits"),
    ("999999", "no school with URN 999999"),
    ("", "Enter your school"),
])
def test_bad_urns_are_explained_and_the_form_is_kept(client, make_user, login, urn, message):
    """A wrong URN gets a clear message; the cluster name typed is still there; nothing saved."""
    login(make_user())
    page = _register(client, urn, name="Kept Name Partnership").get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert 'value="Kept Name Partnership"' in page
    assert db.session.scalar(select(func.count(Cluster.id))) == 0


def test_a_school_cannot_be_claimed_twice(app, make_user, login, free_urns):
    """Once a cluster has a school, nobody else can claim it."""
    urn = next(free_urns)
    first, second = app.test_client(), app.test_client()
    login(make_user(), as_client=first)
    login(make_user(), as_client=second)
    assert _register(first, urn).status_code == 302
    page = _register(second, urn, name="Other Partnership").get_data(as_text=True)
    assert "already been claimed" in page
    assert db.session.scalar(select(func.count(School.id)).where(School.urn == urn)) == 1


def test_cluster_names_are_unique_and_length_limited(client, make_user, make_cluster, login,
                                                     free_urns):
    """Two clusters cannot share a name; an over-long name is refused with its limit."""
    make_cluster(name="Taken Partnership")
    login(make_user())
    assert "already exists" in _register(client, next(free_urns),
                                         name="taken partnership").get_data(as_text=True)
    assert "120 characters or fewer" in _register(client, next(free_urns),
                                                  name="n" * 121).get_data(as_text=True)


def test_nul_bytes_are_refused(client, make_user, login, free_urns):
    """Control characters nobody types are refused rather than stored."""
    login(make_user())
    page = _register(client, next(free_urns), name="Bad\x00Name").get_data(as_text=True)
    assert "characters that are not allowed" in page


def test_finding_a_school_by_name_keeps_the_form(client, make_user, login):
    """Searching the register re-shows the form with the matches and everything typed."""
    login(make_user())
    entry = db.session.scalar(select(RegisterSchool).where(RegisterSchool.name.like("Argyle%")))
    page = _post(client, "/register", name="Typed Name", region="London", urn="",
                 school="argyle primary", find="1").get_data(as_text=True)
    assert escape(entry.name) in page and 'value="Typed Name"' in page
    assert "There is a problem" not in page
    picked = _post(client, "/register", name="Typed Name", region="London", urn="",
                   school="argyle primary", pick=entry.urn).get_data(as_text=True)
    assert f'value="{entry.urn}"' in picked and 'value="Typed Name"' in picked


def test_invitation_brings_a_new_school_into_the_cluster(app, make_cluster, make_user, login,
                                                         free_urns):
    """A coordinator's link lets another head claim their school into the cluster, once."""
    cluster = make_cluster()
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    coord_client, new_client = app.test_client(), app.test_client()
    login(coordinator, as_client=coord_client)
    page = _post(coord_client, f"/clusters/{cluster.id}/invitations", school_id="new",
                 role="headteacher", note="For Hilltop").get_data(as_text=True)
    link = re.search(r'id="invitation-link" type="text" readonly value="http://localhost([^"]+)"',
                     page).group(1)
    newcomer = make_user()
    login(newcomer, as_client=new_client)
    urn = next(free_urns)
    assert _post(new_client, link, urn=urn).status_code == 302
    assert newcomer.school.cluster_id == cluster.id and newcomer.school_role == "headteacher"
    assert db.session.scalar(select(InboxMessage).where(InboxMessage.user_id == coordinator.id))
    again = app.test_client()
    login(make_user(), as_client=again)
    assert again.get(link).status_code == 410  # the link worked once


def test_invitation_to_join_a_school_sets_the_role(app, make_cluster, make_user, login):
    """A head invites a colleague, who joins their school in the role chosen."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    head_client, colleague_client = app.test_client(), app.test_client()
    login(head, as_client=head_client)
    page = _post(head_client, f"/clusters/{cluster.id}/invitations",
                 school_id=str(cluster.schools[1].id),
                 role="leading_teacher").get_data(as_text=True)
    link = re.search(r'readonly value="http://localhost([^"]+)"', page).group(1)
    colleague = make_user()
    login(colleague, as_client=colleague_client)
    assert _post(colleague_client, link).status_code == 302
    assert colleague.school_id == cluster.schools[1].id
    assert colleague.school_role == "leading_teacher"


def test_members_cannot_invite_new_schools(client, make_cluster, make_user, login):
    """Only coordinators bring schools in; a plain member is refused."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "member"))
    assert client.get(f"/clusters/{cluster.id}/invitations").status_code == 403


def test_join_request_is_approved_and_the_requester_hears(app, make_cluster, make_user, login,
                                                         free_urns):
    """A head asks to join; the coordinator approves; the school joins; the head is told."""
    cluster = make_cluster()
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    requester = make_user(name="Asking Head")
    asking, deciding = app.test_client(), app.test_client()
    login(requester, as_client=asking)
    urn = next(free_urns)
    assert _post(asking, f"/clusters/{cluster.id}/join", urn=urn,
                 message="We would like to join").status_code == 302
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.requester_id == requester.id))
    login(coordinator, as_client=deciding)
    assert "Asking Head" in deciding.get(f"/clusters/{cluster.id}/join-requests").get_data(
        as_text=True)
    path = f"/clusters/{cluster.id}/join-requests/{join.id}"
    assert _post(deciding, path, decision="approve", reason="Welcome").status_code == 302
    assert requester.school.urn == urn and requester.school_role == "headteacher"
    assert "was approved" in asking.get("/inbox").get_data(as_text=True)
    # A decision is final: a second one is refused.
    assert _post(deciding, path, decision="decline").status_code == 403


def test_declined_request_leaves_the_requester_outside(app, make_cluster, make_user, login,
                                                      free_urns):
    """A decline keeps the school out and tells the requester why."""
    cluster = make_cluster()
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    requester = make_user()
    asking, deciding = app.test_client(), app.test_client()
    login(requester, as_client=asking)
    _post(asking, f"/clusters/{cluster.id}/join", urn=next(free_urns))
    join = db.session.scalar(select(JoinRequest))
    login(coordinator, as_client=deciding)
    _post(deciding, f"/clusters/{cluster.id}/join-requests/{join.id}", decision="decline",
          reason="We are full this year")
    assert requester.school_id is None
    inbox = asking.get("/inbox").get_data(as_text=True)
    assert "was declined" in inbox and "We are full this year" in inbox


def test_coordinator_changes_roles_but_not_into_two_headteachers(client, make_cluster, make_user,
                                                                 login):
    """Roles change through the coordinator; a school keeps a single headteacher."""
    cluster = make_cluster()
    coordinator = make_user(cluster.schools[0], "headteacher", coordinator=True)
    make_user(cluster.schools[1], "headteacher")
    teacher = make_user(cluster.schools[1], "member")
    login(coordinator)
    path = f"/clusters/{cluster.id}/members/{teacher.id}"
    assert _post(client, path, school_role="leading_teacher", coordinator="no").status_code == 302
    assert teacher.school_role == "leading_teacher"
    page = _post(client, path, school_role="headteacher", coordinator="no").get_data(as_text=True)
    assert "already has a headteacher" in page and teacher.school_role == "leading_teacher"


def test_forged_role_fields_are_ignored(client, make_cluster, make_user, login):
    """Fields a form does not offer (is_site_admin, cluster_id) change nothing."""
    cluster = make_cluster()
    member = make_user(cluster.schools[1], "member")
    login(member)
    _post(client, "/account/password", current_password="x", password="y", confirm="y",
          is_site_admin="1", cluster_id="999")
    assert not member.is_site_admin and member.school.cluster_id == cluster.id


def test_unknown_ids_are_404(client, make_cluster, make_user, login):
    """Made-up ids answer 'not found'."""
    cluster = make_cluster()
    login(make_user(cluster.schools[0], "headteacher", coordinator=True))
    for path in ("/clusters/99999", "/schools/99999", f"/clusters/{cluster.id}/members/99999",
                 f"/clusters/{cluster.id}/join-requests/99999", "/inbox/99999",
                 "/invitations/not-a-token"):
        assert client.get(path).status_code == 404, path
