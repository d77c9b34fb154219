"""A site admin without a school lands on what needs them; the audit log names the people,
schools and records its events refer to; inbox notices name the schools and the thing."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from models import AuditEvent, InboxMessage, JoinRequest
from network.extensions import db
from network.services import members, oversight
from tests.web.test_brokering import _proposed


@pytest.fixture
def world(two_clusters):
    return two_clusters


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_a_site_admin_without_a_school_lands_on_what_needs_them(world, make_user, login,
                                                              client):
    admin = make_user(None, site_admin=True, name="Sita Admin")
    member = world.A.people["member"]
    db.session.add_all([
        AuditEvent(actor_id=member.id, action="access refused", target="record:1",
                   detail="view (hidden as not found)"),
        AuditEvent(actor_id=member.id, action="sign-in failed", target=f"user:{member.id}"),
        AuditEvent(actor_id=member.id, action="sign-in failed", target=f"user:{member.id}",
                   at=datetime.now(UTC) - timedelta(days=30))])  # too old to matter
    db.session.get(JoinRequest, world.A.join_request.id).created_at = \
        datetime.now(UTC) - timedelta(days=10)
    db.session.commit()
    login(admin)
    page = _page(client.get("/"))
    assert "You are not part of a cluster yet" not in page
    assert "What may need you" in page
    assert "1 refused request for pages people may not see in the last 7 days" in page
    assert "1 failed sign-in in the last 7 days" in page
    assert f"1 request to join {world.A.cluster.name} waiting more than a week" in page
    assert world.B.cluster.name not in page  # its request is new
    assert 'href="/admin/audit?action=access+refused&amp;since=' in \
        client.get("/").get_data(as_text=True)


def test_a_quiet_platform_tells_the_admin_nothing_needs_them(make_user, login, client, app):
    login(make_user(None, site_admin=True))
    page = _page(client.get("/"))
    assert "Nothing needs you" in page and 'href="/admin/audit"' in page


def test_someone_without_a_school_who_is_not_an_admin_is_asked_to_join(make_user, login,
                                                                       client, app):
    login(make_user(None))
    page = _page(client.get("/"))
    assert "You are not part of a cluster yet" in page and "What may need you" not in page


def test_the_audit_log_names_people_schools_and_records(world, login, client, app):
    a = world.A
    lle, p = a.people["lle"], a.partnership
    first, second = a.cluster.schools
    db.session.add_all([
        AuditEvent(actor_id=lle.id, action="role changed", target=f"user:{lle.id}"),
        AuditEvent(actor_id=lle.id, action="pair", target=f"school:{first.id} with "
                                                          f"school:{second.id}"),
        AuditEvent(actor_id=lle.id, action="record published", target=f"record:{a.record.id}"),
        AuditEvent(actor_id=lle.id, action="partnership proposed",
                   target=f"partnership:{p.id}"),
        AuditEvent(actor_id=lle.id, action="support requested",
                   target=f"support_request:{a.support.id}", detail=f"to user:{lle.id}"),
        AuditEvent(actor_id=None, action="cluster registered", target=f"cluster:{a.cluster.id}"),
        AuditEvent(actor_id=None, action="gone", target="user:999999")])
    db.session.commit()
    login(a.people["site_admin"])
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        page = _page(client.get("/admin/audit"))
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert f"A Lle (user {lle.id})" in page
    assert f"{first.name} with {second.name}" in page
    assert f"“{a.record.title}” (record {a.record.id})" in page
    assert f"{p.supported.name} and {p.supporting.name} (partnership {p.id})" in page
    assert f"{a.school.name}'s request for support ({a.support.id})" in page
    assert f">{a.cluster.name}<" in page
    assert "user:999999" in page  # a row that is gone keeps its reference
    assert f"A Lle ({lle.email})" in page  # who did it: name and email
    assert len(statements) < 20  # a query per kind, not one per row


def test_inbox_notices_name_the_schools_and_link_by_their_subject(no_csrf, app, login, brokers):
    net = brokers
    head, _lle, partnership = _proposed(app, login, net)
    lle_notices = list(db.session.scalars(select(InboxMessage).where(
        InboxMessage.user_id == net.lle.id)))
    assert [m.subject for m in lle_notices] == [f"{net.seeker.name} asks for support"]
    notice = db.session.scalar(select(InboxMessage).where(
        InboxMessage.user_id == net.head.id, InboxMessage.subject.contains("proposed")))
    assert notice.subject.startswith(f"{net.seeker.name} and {net.right.name}: ")
    page = _page(head.get(f"/inbox/{notice.id}"))
    assert "Go to it" not in page
    link = (f'<a class="govuk-link govuk-!-font-weight-bold govuk-!-display-inline-block" '
            f'href="/partnerships/'
            f'{partnership.id}"><span class="govuk-visually-hidden">Open the partnership: '
            f'</span>{notice.subject}</a>')
    assert link in page


def test_role_changes_and_ended_oversight_name_the_school_and_partnership(world, app):
    a = world.A
    person = a.people["member"]
    members.change_role(a.people["coordinator"], a.cluster.id, person.id, "leading_teacher",
                        False)
    oversight.revoke(a.people["headteacher"], a.grant.id)
    subjects = set(db.session.scalars(select(InboxMessage.subject)))
    p = a.partnership
    assert f"Your role at {a.school.name} has changed" in subjects
    assert (f"Your access to the partnership {p.supporting.name} supporting "
            f"{p.supported.name} has ended") in subjects
