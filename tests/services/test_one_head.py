"""One headteacher per school (issue 15, item 9): invitations, join approvals and role changes
follow one rule, and the database refuses a second head whatever writes the row."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import JoinRequest, User
from network.extensions import db
from network.services import clusters, members
from network.services.errors import Invalid


@pytest.fixture
def world(two_clusters):
    return two_clusters


def _heads(school) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.school_id == school.id, User.school_role == "headteacher"))


def test_an_invitation_cannot_make_a_second_head(world, app):
    a = world.A
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        clusters.create_invitation(a.people["coordinator"], a.cluster.id, a.school.id,
                                   "headteacher")
    assert refused.value.field == "role"
    with app.test_request_context():
        clusters.create_invitation(a.people["coordinator"], a.cluster.id, a.school.id,
                                   "senior_leader")


def test_accepting_an_old_invitation_cannot_make_a_second_head(world, app, make_user):
    """An invitation made while the school had no head is refused once it has one."""
    a = world.A
    school = a.school
    head = a.people["headteacher"]
    head.school_role = "senior_leader"
    db.session.commit()
    with app.test_request_context():
        _, token = clusters.create_invitation(a.people["coordinator"], a.cluster.id, school.id,
                                              "headteacher")
    head.school_role = "headteacher"
    db.session.commit()
    newcomer = make_user(name="Newcomer")
    with app.test_request_context(), pytest.raises(Invalid):
        clusters.accept_invitation(newcomer, token)
    db.session.rollback()
    assert _heads(school) == 1 and db.session.get(User, newcomer.id).school_id is None


def test_role_changes_follow_the_same_rule(world):
    a = world.A
    with pytest.raises(Invalid):
        members.change_role(a.people["coordinator"], a.cluster.id, a.people["member"].id,
                            "headteacher", False)
    db.session.rollback()
    # the head keeping their own role is not a second head
    members.change_role(a.people["coordinator"], a.cluster.id, a.people["headteacher"].id,
                        "headteacher", False)
    assert _heads(a.school) == 1


def test_a_join_approval_makes_the_one_head_of_a_new_school(world, app):
    a = world.A
    join = a.join_request
    with app.test_request_context():
        clusters.decide_join_request(a.people["coordinator"], a.cluster.id, join.id, True)
    requester = db.session.get(User, db.session.get(JoinRequest, join.id).requester_id)
    assert requester.school_role == "headteacher"
    assert _heads(requester.school) == 1


def test_the_database_refuses_a_second_head(world, make_user):
    """Whatever writes the row (a script, a race between two requests)."""
    school = world.A.school
    with pytest.raises(IntegrityError):
        make_user(school, "headteacher", name="Second Head")
    db.session.rollback()
    make_user(school, "senior_leader", name="Not a head")  # other roles are many
    make_user(None, "headteacher", name="No school")  # and people without a school none
    assert _heads(school) == 1


def test_the_demo_has_one_head_per_school(runner, app):
    result = runner.invoke(args=["seed-demo", "--schools", "12", "--seed", "3",
                                 "--password", "improve-together"])
    assert result.exit_code == 0, result.output
    doubled = db.session.execute(select(User.school_id).where(
        User.school_role == "headteacher", User.school_id.is_not(None))
        .group_by(User.school_id).having(func.count(User.id) > 1)).all()
    assert doubled == []
    assert db.session.scalar(select(func.count(User.id)).where(
        User.school_role == "headteacher")) >= 12
