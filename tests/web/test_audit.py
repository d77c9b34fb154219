"""The audit log: refused authorisations and sign-outs are kept, rows cannot be changed, and
site admins can narrow the log by action, person and dates."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, update

from models import AuditEvent, InboxMessage, Record
from models.audit import AppendOnlyError
from network import access
from network.extensions import db
from network.services import admin
from tests.factories import csrf_token


def _events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


@pytest.fixture
def world(two_clusters):
    return two_clusters


def test_another_clusters_record_is_a_404_and_the_refusal_is_kept(world, login, client):
    member = world.A.people["member"]
    login(member)
    other = world.B.record
    assert client.get(f"/records/{other.id}").status_code == 404
    [event] = _events("access refused")
    assert (event.actor_id, event.target) == (member.id, f"record:{other.id}")
    assert event.detail == "view (hidden as not found)" and event.remote_addr == "127.0.0.1"


def test_a_forbidden_action_in_ones_own_cluster_is_kept(world, login, client):
    member, head = world.A.people["member"], world.A.people["headteacher"]
    login(member)
    assert client.get(f"/clusters/{world.A.cluster.id}/members/{head.id}").status_code == 403
    [event] = _events("access refused")
    assert (event.actor_id, event.target, event.detail) == (
        member.id, f"user:{head.id}", "manage (forbidden)")


def test_an_id_that_does_not_exist_is_not_recorded(world, login, client):
    login(world.A.people["member"])
    missing = (db.session.scalar(select(func.max(Record.id))) or 0) + 1000
    assert client.get(f"/records/{missing}").status_code == 404
    assert _events("access refused") == []


def test_the_refusal_survives_the_rollback_of_the_refused_request(app, world):
    """What the refused request had changed is thrown away; the audit event is not."""
    member = world.A.people["member"]
    before = db.session.scalar(select(func.count()).select_from(InboxMessage))
    with app.test_request_context("/anything", method="POST"):
        db.session.add(InboxMessage(user_id=member.id, subject="half-done work"))
        db.session.flush()
        with pytest.raises(Exception) as refused:
            access.require(member, "manage", world.A.people["headteacher"])
        assert refused.value.code == 403
    assert db.session.scalar(select(func.count()).select_from(InboxMessage)) == before
    assert [e.target for e in _events("access refused")] == [
        f"user:{world.A.people['headteacher'].id}"]


def test_signing_out_is_audited(world, login, client):
    member = world.A.people["member"]
    login(member)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    [event] = _events("signed out")
    assert (event.actor_id, event.target) == (member.id, f"user:{member.id}")


def test_audit_events_cannot_be_changed_or_deleted(app, world):
    db.session.add(AuditEvent(action="example", target="x"))
    db.session.commit()
    event = _events("example")[0]
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    for statement in (update(AuditEvent).values(detail="rewritten"), delete(AuditEvent)):
        with pytest.raises(AppendOnlyError):
            db.session.execute(statement)
        db.session.rollback()
    assert [(e.id, e.detail) for e in _events("example")] == [(event.id, "")]


def _seed(people) -> None:
    """Events of two kinds by two people on three days."""
    a, b = people["member"], people["headteacher"]
    for n, (actor, action, day) in enumerate([(a, "signed in", 1), (b, "signed in", 2),
                                               (a, "record published", 3),
                                               (b, "record published", 3)]):
        db.session.add(AuditEvent(actor_id=actor.id, action=action, target=f"t:{n}",
                                  at=datetime(2026, 3, day, 12, tzinfo=UTC)))
    db.session.commit()


@pytest.mark.parametrize(("query", "targets"), [
    ("action=signed+in", ["t:1", "t:0"]),
    ("email={a}", ["t:2", "t:0"]),
    ("email={a}&action=record+published", ["t:2"]),
    ("since=2026-03-02&until=2026-03-02", ["t:1"]),
    ("since=2026-03-03", ["t:3", "t:2"]),
    ("until=2026-03-01", ["t:0"]),
])
def test_site_admins_narrow_the_log(world, login, client, query, targets):
    _seed(world.A.people)
    login(world.A.people["site_admin"])
    email = world.A.people["member"].email.upper()  # emails match whatever their case
    page = client.get("/admin/audit?" + query.format(a=email)).get_data(as_text=True)
    shown = [t for t in ("t:0", "t:1", "t:2", "t:3") if f">{t}<" in page]
    assert sorted(shown) == sorted(targets)
    assert page.index(f">{targets[0]}<") <= page.index(f">{targets[-1]}<")  # newest first


def test_the_log_shows_who_by_email(world, login, client):
    _seed(world.A.people)
    login(world.A.people["site_admin"])
    page = client.get("/admin/audit?action=record+published").get_data(as_text=True)
    assert world.A.people["member"].email in page and world.A.people["headteacher"].email in page


def test_a_malformed_date_is_a_400(world, login, client):
    login(world.A.people["site_admin"])
    assert client.get("/admin/audit?since=last+week").status_code == 400


def test_only_site_admins_read_the_log(world, login, client):
    login(world.A.people["coordinator"])
    assert client.get("/admin/audit").status_code == 404


def test_the_log_is_paged(world):
    for n in range(admin.PER_PAGE + 1):
        db.session.add(AuditEvent(action="paged", target=f"n:{n}"))
    db.session.commit()
    only = admin.AuditFilter(action="paged")
    first, more = admin.audit_events(world.A.people["site_admin"], 1, only)
    second, last = admin.audit_events(world.A.people["site_admin"], 2, only)
    assert (len(first), more, len(second), last) == (admin.PER_PAGE, True, 1, False)
    assert second[0][0].target == "n:0" and first[0][0].target == f"n:{admin.PER_PAGE}"
