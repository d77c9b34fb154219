"""School profiles: group history, barriers, visibility, safe editing, kept drafts."""

import re
from datetime import UTC, datetime, timedelta

from markupsafe import escape
from sqlalchemy import select, update

from models import GroupMembership, SchoolBarrier, SchoolProfile, UserSession
from network.extensions import db
from tests.factories import csrf_token


def _profile_post(client, school_id, **overrides):
    path = f"/schools/{school_id}/profile"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(client, path), "version": version, "group_id": "2",
            "barriers": ["tracking-inconsistent", "low-maths"], "overcome": [],
            "barrier_notes": "Tracking differed between classes.", "open_to_partnering": "yes",
            "capacity": "2", "visibility": "cluster"}
    data.update(overrides)
    return client.post(path, data=data)


def test_profile_records_group_history_and_barriers(client, login, make_cluster, make_user):
    """Changing group keeps the old one in the history; overcome barriers are dated."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    login(head)
    assert _profile_post(client, head.school_id).status_code == 302
    assert _profile_post(client, head.school_id, group_id="5", barriers=["low-maths"],
                         overcome=["tracking-inconsistent"]).status_code == 302
    history = db.session.scalars(select(GroupMembership).where(
        GroupMembership.school_id == head.school_id).order_by(GroupMembership.id)).all()
    assert [(m.group_id, m.ended_on is None) for m in history] == [(2, False), (5, True)]
    barriers = {b.barrier_slug: b.overcome_on for b in db.session.scalars(select(SchoolBarrier))}
    assert barriers["low-maths"] is None and barriers["tracking-inconsistent"] is not None
    page = client.get(f"/schools/{head.school_id}").get_data(as_text=True)
    assert "Good to great" in page and "Priority group history" in page
    assert "Overcome" in page


def test_bad_profile_input_is_explained_and_kept(client, login, make_cluster, make_user):
    """Out-of-range capacity, unknown barriers and contradictions get clear messages."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    login(head)
    page = _profile_post(client, head.school_id, capacity="11", barriers=["made-up"],
                         barrier_notes="Keep me").get_data(as_text=True)
    assert "Enter a number from 0 to 10" in page and "Choose barriers from the list" in page
    assert "Keep me" in page
    both = _profile_post(client, head.school_id, barriers=["low-maths"],
                         overcome=["low-maths"]).get_data(as_text=True)
    assert "cannot be both" in both
    assert db.session.get(SchoolProfile, head.school_id) is None


def test_only_leaders_edit_the_profile(client, login, make_cluster, make_user):
    """Members read the profile but cannot change it."""
    cluster = make_cluster()
    member = make_user(cluster.schools[1], "leading_teacher")
    login(member)
    assert client.get(f"/schools/{member.school_id}").status_code == 200
    assert client.get(f"/schools/{member.school_id}/profile").status_code == 403


def test_stale_profile_save_is_a_409_with_both_versions(app, login, make_cluster, make_user):
    """The second of two simultaneous edits sees both versions and loses nothing."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    senior = make_user(cluster.schools[1], "senior_leader")
    first, second = app.test_client(), app.test_client()
    login(head, as_client=first)
    login(senior, as_client=second)
    stale_page = second.get(f"/schools/{head.school_id}/profile").get_data(as_text=True)
    stale = re.search(r'name="version" type="hidden" value="(\d+)"', stale_page).group(1)
    assert _profile_post(first, head.school_id, barrier_notes="Head's words").status_code == 302
    response = _profile_post(second, head.school_id, version=stale,
                             barrier_notes="Senior's words")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert str(escape("Head's words")) in page and str(escape("Senior's words")) in page
    assert db.session.get(SchoolProfile, head.school_id).barrier_notes == "Head's words"


def test_network_profiles_show_only_the_shared_part(app, login, make_cluster, make_user):
    """Outside the cluster a network profile shows name, authority, phase and group only."""
    home = make_cluster(name="Home Partnership")
    head = make_user(home.schools[1], "headteacher")
    own, other = app.test_client(), app.test_client()
    login(head, as_client=own)
    _profile_post(own, head.school_id, visibility="network", barrier_notes="Private notes")
    login(make_user(make_cluster(name="Other Partnership").schools[0]), as_client=other)
    page = other.get(f"/schools/{head.school_id}").get_data(as_text=True)
    assert "Build on improvement" in page
    assert "Private notes" not in page and "Barriers to improvement" not in page
    assert "Home Partnership" not in page and "pupils on roll" not in page
    _profile_post(own, head.school_id, visibility="cluster")
    assert other.get(f"/schools/{head.school_id}").status_code == 404


def test_exact_figures_only_for_the_schools_own_people(app, login, make_cluster, make_user):
    """Others in the cluster see bands; the school's own people also see the exact roll."""
    cluster = make_cluster()
    school = cluster.schools[1]
    mine, neighbour = app.test_client(), app.test_client()
    login(make_user(school, "member"), as_client=mine)
    login(make_user(cluster.schools[0], "member"), as_client=neighbour)
    roll = school.register_entry.number_on_roll
    assert f"{roll} pupils on roll" in mine.get(f"/schools/{school.id}").get_data(as_text=True)
    assert "pupils on roll" not in neighbour.get(f"/schools/{school.id}").get_data(as_text=True)


def test_an_expired_session_keeps_the_draft_for_after_sign_in(client, login, make_cluster,
                                                              make_user):
    """Signed out mid-form, the person signs in again and finds what they typed."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    login(head)
    path = f"/schools/{head.school_id}/profile"
    token = csrf_token(client, path)
    db.session.execute(update(UserSession).where(UserSession.user_id == head.id).values(
        created_at=datetime.now(UTC) - timedelta(hours=13)))  # the session has just expired
    db.session.commit()
    response = client.post(path, data={"csrf_token": token, "version": "1", "group_id": "3",
                                       "barrier_notes": "Typed before the session ended",
                                       "open_to_partnering": "yes", "capacity": "1",
                                       "visibility": "cluster"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(head)
    page = client.get(path).get_data(as_text=True)
    assert "We kept what you typed" in page and "Typed before the session ended" in page
    assert "We kept what you typed" not in client.get(path).get_data(as_text=True)  # once


def test_sessions_expire(config, make_user):
    """A session older than SESSION_HOURS no longer signs anyone in."""
    from network import create_app
    from tests.conftest import IsolatedClient
    from tests.factories import PASSWORD

    config["SESSION_HOURS"] = 0
    app = create_app(config)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    user = make_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})
    assert client.get("/inbox").status_code == 302


def test_about_the_toolkit_is_public(client):
    """Anyone can read the groups, the scale, the 32 standards and the barriers."""
    page = client.get("/toolkit").get_data(as_text=True)
    assert "CE6.G" in page and "Lead improvement locally" in page
    assert "Attendance low" in page and page.count('class="govuk-summary-list__row"') >= 32 + 6
