"""Fields a form does not offer (role, cluster_id, school_id, is_admin, author_id, status,
version...) are ignored when posted: nobody promotes themself, moves a record to another
cluster or takes over someone's authorship by adding a field to a post."""

import pytest
from sqlalchemy import select

from models import Cluster, Invitation, JoinRequest, Record, School, SchoolProfile, User
from network.extensions import db
from network.services import evaluations
from tests.factories import ROLES, WORKED, lesson_form
from tests.routes import own_url, rules


def hostile(world) -> dict:
    """Every field someone might add to a post to take what is not theirs, pointing at B."""
    b = world.B
    return {"role": "site_admin", "school_role": "headteacher", "cluster_id": str(b.cluster.id),
            "school_id": str(b.school.id), "is_admin": "1", "is_site_admin": "1",
            "is_coordinator": "1", "is_lle": "1", "is_active": "0",
            "author_id": str(b.people["member"].id), "requester_id": str(b.people["member"].id),
            "user_id": str(b.people["member"].id), "status": "published", "version": "999"}


def _without(data: dict, *own_fields) -> dict:
    """The hostile fields but those the form really has (their values are the form's)."""
    return {k: v for k, v in data.items() if k not in own_fields}


def protected(world) -> dict:
    """The columns no form may set by name, for every row that has them."""
    db.session.commit()
    return {
        "users": sorted(db.session.execute(select(
            User.id, User.school_id, User.school_role, User.is_coordinator, User.is_lle,
            User.is_site_admin, User.is_active)).all()),
        "records": sorted(db.session.execute(select(
            Record.id, Record.school_id, Record.cluster_id, Record.author_id)).all()),
        "schools": sorted(db.session.execute(select(School.id, School.cluster_id)).all()),
        "invitations": sorted(db.session.execute(select(
            Invitation.id, Invitation.cluster_id)).all()),
        "join_requests": sorted(db.session.execute(select(
            JoinRequest.id, JoinRequest.cluster_id, JoinRequest.requester_id)).all()),
    }


@pytest.fixture
def world(no_csrf, two_clusters):
    """Two clusters, CSRF checks off."""
    return two_clusters


def test_sign_up_grants_nothing(world, client):
    """A new account posted with admin flags, a school and a role has none of them."""
    response = client.post("/signup", data={
        **hostile(world), "name": "Eve Eager", "email": "eve@example.org",
        "password": "long enough pw", "confirm": "long enough pw"})
    assert response.status_code == 200  # "Check your email": the account waits for the link
    eve = db.session.scalar(select(User).where(User.email == "eve@example.org"))
    assert (eve.school_id, eve.school_role, eve.is_site_admin, eve.is_lle, eve.is_coordinator,
            eve.is_active) == (None, None, False, False, False, True)


def test_profile_save_keeps_school_cluster_and_version(world, client, login):
    """A profile posted with another school, cluster and a made-up version saves only the
    profile, on the school in the address, at the next version."""
    a = world.A
    login(a.people["headteacher"])
    before = protected(world)
    response = client.post(f"/schools/{a.school.id}/profile", data={
        **_without(hostile(world), "version"), "version": "0", "group_id": "1",
        "open_to_partnering": "yes", "capacity": "2", "visibility": "cluster"})
    assert response.status_code == 302
    profile = db.session.scalar(select(SchoolProfile).where(SchoolProfile.school_id ==
                                                            a.school.id))
    assert profile.version == 1
    assert protected(world) == before


def test_member_edit_changes_only_role_and_coordination(world, client, login):
    """A coordinator's role change with extra flags sets the role and nothing else."""
    a = world.A
    login(a.people["coordinator"])
    member = a.people["member"]
    response = client.post(f"/clusters/{a.cluster.id}/members/{member.id}", data={
        **_without(hostile(world), "school_role"), "school_role": "senior_leader",
        "coordinator": "no"})
    assert response.status_code == 302
    row = db.session.get(User, member.id)
    db.session.refresh(row)
    assert (row.school_role, row.school_id, row.is_site_admin, row.is_lle, row.is_coordinator,
            row.is_active) == ("senior_leader", a.school.id, False, False, False, True)


def test_invitation_stays_in_the_coordinators_cluster(world, client, login):
    """An invitation posted with another cluster's id is made for the cluster in the address."""
    a = world.A
    login(a.people["coordinator"])
    response = client.post(f"/clusters/{a.cluster.id}/invitations", data={
        **_without(hostile(world), "school_id", "role"), "school_id": str(a.school.id),
        "role": "member"})
    assert response.status_code == 200 and "/invitations/" in response.get_data(as_text=True)
    newest = db.session.scalar(select(Invitation).order_by(Invitation.id.desc()))
    assert (newest.cluster_id, newest.school_id, newest.role) == \
        (a.cluster.id, a.school.id, "member")


def _record_is_theirs(record, person):
    assert (record.author_id, record.school_id, record.status) == \
        (person.id, person.school_id, "draft")
    assert record.cluster_id == db.session.get(School, person.school_id).cluster_id


def test_case_study_create_and_edit_keep_author_school_and_status(world, client, login):
    """A case study posted with another author, school, cluster, status and version is the
    poster's own draft, and an edit leaves those alone too."""
    person = world.A.people["leading_teacher"]
    login(person)
    response = client.post("/case-studies/new", data={**hostile(world), **WORKED})
    assert response.status_code == 302
    record = db.session.scalar(select(Record).order_by(Record.id.desc()))
    _record_is_theirs(record, person)
    saved = record.version
    assert saved != 999
    response = client.post(f"/case-studies/{record.id}/steps/context", data={
        **_without(hostile(world), "version"), **WORKED, "version": str(saved),
        "title": "Changed"})
    assert response.status_code == 302
    db.session.refresh(record)
    _record_is_theirs(record, person)
    assert record.title == "Changed" and saved < record.version < 999


def test_lesson_study_create_keeps_author_school_and_status(world, client, login):
    """A lesson study posted with hostile fields is the poster's own draft."""
    person = world.A.people["leading_teacher"]
    login(person)
    response = client.post("/lesson-studies/new",
                           data={**lesson_form(), **_without(hostile(world), "version")})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    _record_is_theirs(db.session.scalar(select(Record).order_by(Record.id.desc())), person)


def test_evaluation_save_keeps_school_and_status(world, client, login):
    """Saving a core element with a status and a school posted stays a draft of its school."""
    a = world.A
    login(a.people["headteacher"])
    evaluation = a.evaluation
    data = {**_without(hostile(world), "version"), "version": str(evaluation.version)}
    for standard in evaluations.element("CE2").standards:
        letter = standard.id.split(".")[1]
        data.update({f"std_{letter}-rating": "1", f"std_{letter}-evidence": "Seen"})
    response = client.post(f"/evaluations/{evaluation.id}/elements/CE2", data=data)
    assert response.status_code == 302
    db.session.refresh(evaluation)
    assert (evaluation.school_id, evaluation.status) == (a.school.id, "draft")
    assert evaluation.ratings["CE2.A"].rating == 1


def test_join_request_goes_to_the_cluster_in_the_address(world, client, login, free_urns):
    """A join request posted with another cluster, requester and status is the poster's own,
    pending, to the cluster they chose."""
    a, outsider = world.A, world.A.outsider
    login(outsider)
    urn = next(free_urns)
    response = client.post(f"/clusters/{a.cluster.id}/join", data={
        **hostile(world), "urn": urn})
    assert response.status_code == 302
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.urn == urn))
    assert (join.cluster_id, join.requester_id, join.status) == \
        (a.cluster.id, outsider.id, "pending")


def test_register_cluster_makes_a_coordinator_not_an_admin(world, client, login, make_user,
                                                           free_urns):
    """Registering a cluster with admin flags posted makes a coordinator of a new cluster."""
    person = make_user(name="Newcomer")
    login(person)
    response = client.post("/register", data={**hostile(world), "name": "Fresh Cluster",
                                              "region": "London", "urn": next(free_urns)})
    assert response.status_code == 302
    db.session.refresh(person)
    cluster = db.session.scalar(select(Cluster).where(Cluster.name == "Fresh Cluster"))
    assert person.school.cluster_id == cluster.id != world.B.cluster.id
    assert (person.is_site_admin, person.is_lle, person.is_coordinator) == (False, False, True)


def test_password_change_changes_only_the_password(world, client, login):
    """A password change with flags posted changes the password and nothing else."""
    from tests.factories import PASSWORD

    person = world.A.people["member"]
    login(person)
    before = protected(world)
    response = client.post("/account/password", data={
        **hostile(world), "current_password": PASSWORD, "password": "another long one",
        "confirm": "another long one"})
    assert response.status_code == 302
    assert protected(world) == before


@pytest.mark.parametrize("role", ROLES)
def test_no_post_route_takes_hostile_fields(world, app, client, login, role):
    """Every POST route, for every role, with only hostile fields posted (plus a decision or
    role where a form needs one): nobody's flags, school, cluster or authorship change but
    by the route's own fields."""
    a = world.A
    login(a.people[role])
    coordinators = {u.id for u in db.session.scalars(select(User).where(User.is_coordinator))}
    before = protected(world)
    for rule in rules(app):
        url = own_url(world, rule)
        if url is None or "POST" not in rule.methods or rule.endpoint in (
                "auth.logout", "clusters.member_edit", "clusters.member_remove"):
            continue
        response = client.post(url, data={**hostile(world), "decision": "decline"})
        assert response.status_code < 500, (role, url)
    after = protected(world)
    assert after["schools"] == before["schools"]
    assert after["records"] == before["records"]
    assert after["invitations"] == before["invitations"]
    for row in after["users"]:
        was = next((r for r in before["users"] if r.id == row.id), None)
        if was is None:  # an account made by the walk (none should be)
            assert not (row.is_site_admin or row.is_lle or row.is_coordinator), row
            continue
        assert (row.school_id, row.school_role, row.is_site_admin, row.is_lle,
                row.is_active) == (was.school_id, was.school_role, was.is_site_admin,
                                   was.is_lle, was.is_active), (role, row)
        assert row.is_coordinator == (row.id in coordinators), (role, row)
