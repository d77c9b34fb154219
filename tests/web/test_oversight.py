"""Outcome measures stay with the two schools' leaders and the broker; advisers, trust leads
and governors follow one partnership read-only; the termly report, through the pages."""

import html
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import (
    InboxMessage,
    MilestoneNote,
    OutboxMail,
    OutcomeMeasure,
    OutcomeValue,
    OversightGrant,
    User,
)
from network.domain import terms
from network.extensions import db
from tests.db_state import unchanged
from tests.factories import PASSWORD, csrf_token, day


def _as(app, login, user):
    browser = app.test_client()
    login(user, as_client=browser)
    return browser


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_leaders_of_both_schools_and_the_broker_see_and_record_outcomes(
        no_csrf, app, login, two_clusters):
    """The supported school's head and senior leader, and the broker (who coordinates), see
    the measure on the partnership page and record values."""
    a = two_clusters.A
    for role in ("headteacher", "senior_leader", "coordinator"):
        browser = _as(app, login, a.people[role])
        page = _page(browser.get(f"/partnerships/{a.partnership.id}"))
        assert a.measure.name in page, role
        answer = browser.post(f"/outcome-measures/{a.measure.id}", data={
            "measured_on": day(2), "value": "70", "note": f"by {role}"})
        assert answer.status_code == 302, (role, _page(answer)[:400])
    notes = set(db.session.scalars(select(OutcomeValue.note).where(
        OutcomeValue.measure_id == a.measure.id)))
    assert {"by headteacher", "by senior_leader", "by coordinator"} <= notes


def test_a_leader_of_the_supporting_school_sees_but_records_only_for_their_own(
        no_csrf, app, login, two_clusters):
    """The LLE leads the supporting school: they see the supported school's measure, may not
    add values to it, and may add a measure for their own school."""
    a = two_clusters.A
    browser = _as(app, login, a.people["lle"])
    assert browser.get(f"/outcome-measures/{a.measure.id}").status_code == 200
    with unchanged():
        refused = browser.post(f"/outcome-measures/{a.measure.id}", data={
            "measured_on": day(2), "value": "70", "note": ""})
    assert refused.status_code == 403
    made = browser.post(f"/partnerships/{a.partnership.id}/outcomes", data={
        "school_id": str(a.partnership.supporting_school_id), "name": "Attendance",
        "unit": "percent", "standard_id": "CE2.A"})
    assert made.status_code == 302
    assert db.session.scalar(select(OutcomeMeasure).where(
        OutcomeMeasure.name == "Attendance")).school_id == a.partnership.supporting_school_id


def test_outcomes_are_private_from_everyone_else(no_csrf, app, login, make_user, two_clusters):
    """A coordinator who is not the broker and an overseer see the partnership but not its
    measures (403 on the measures page, 404 on a measure); another school's head sees
    neither (404); nobody of them changes anything."""
    a, b = two_clusters.A, two_clusters.B
    other_coordinator = make_user(a.cluster.schools[1], "member", coordinator=True)
    for person, page_status in ((other_coordinator, 403), (a.people["governor"], 403),
                                (b.people["headteacher"], 404)):
        browser = _as(app, login, person)
        partnership_page = _page(browser.get(f"/partnerships/{a.partnership.id}"))
        assert a.measure.name not in partnership_page
        assert browser.get(f"/partnerships/{a.partnership.id}/outcomes").status_code == \
            page_status
        assert browser.get(f"/outcome-measures/{a.measure.id}").status_code == 404
        with unchanged(ignore={"outbox_mail"}):
            assert browser.post(f"/outcome-measures/{a.measure.id}", data={
                "measured_on": day(1), "value": "1"}).status_code == 404
            assert browser.post(f"/partnerships/{a.partnership.id}/outcomes", data={
                "school_id": str(a.school.id), "name": "X", "unit": "percent"}
            ).status_code == page_status
        report = _page(browser.get(f"/partnerships/{a.partnership.id}/report"))
        assert a.measure.name not in report


def test_bad_values_come_back_with_the_errors(no_csrf, app, login, two_clusters):
    """A value that is not a number, or a date in the future, is refused with a message."""
    a = two_clusters.A
    browser = _as(app, login, a.people["headteacher"])
    future = date.today() + timedelta(days=3)
    for data, message in (
            ({"measured_on": day(1), "value": "lots"}, "as a number"),
            ({"measured_on": [str(future.day), str(future.month), str(future.year)],
              "value": "5"}, "cannot be in the future")):
        answer = browser.post(f"/outcome-measures/{a.measure.id}", data=data)
        assert answer.status_code == 400
        assert message in _page(answer)
        assert "lots" in _page(answer) or data["value"] == "5"


def test_before_and_after_come_from_the_dated_values_around_the_start(app, two_clusters):
    """The latest value on or before the start, the latest since, and the change."""
    from network.services import outcomes

    a = two_clusters.A
    p = a.partnership
    start = date.today() - timedelta(days=100)
    p.started_at = datetime(start.year, start.month, start.day, 9, tzinfo=UTC)
    m = a.measure
    m.values.clear()
    head = a.people["headteacher"]
    for days_ago, value in ((200, 50), (100, 55), (60, 58), (5, 67.5)):
        m.values.append(OutcomeValue(measured_on=date.today() - timedelta(days=days_ago),
                                     value=value, recorded_by_id=head.id))
    db.session.commit()
    row = next(r for r in outcomes.before_after(p) if r["measure_id"] == m.id)
    assert (row["before"], row["before_on"]) == (55, start)
    assert (row["after"], row["after_on"]) == (67.5, date.today() - timedelta(days=5))
    assert row["change"] == 12.5
    assert row["change_text"] == "+12.5 percentage points"
    assert row["side"] == "supported"
    carried = outcomes.case_study_measures(p)
    assert carried[0]["measure"] == m.name
    assert carried[0]["before"].startswith("55%") and carried[0]["after"].startswith("67.5%")


def test_overseers_read_the_partnership_and_nothing_else(no_csrf, app, login, two_clusters):
    """A governor reads the partnership (no forms) and its report; the cluster, its schools,
    members, evaluations and requests are 404; every change is refused and changes nothing."""
    a = two_clusters.A
    browser = _as(app, login, a.people["governor"])
    page = _page(browser.get(f"/partnerships/{a.partnership.id}"))
    assert a.partnership.activities in page
    assert 'name="csrf_token"' not in page.split("Sign out")[1]  # no form but signing out
    assert browser.get(f"/partnerships/{a.partnership.id}/report").status_code == 200
    for path in (f"/clusters/{a.cluster.id}", f"/schools/{a.school.id}",
                 f"/clusters/{a.cluster.id}/members", f"/evaluations/{a.evaluation.id}",
                 f"/support-requests/{a.support.id}", f"/records/{a.record.id}",
                 f"/clusters/{a.cluster.id}/join"):
        assert browser.get(path).status_code == 404, path
    assert browser.get(f"/partnerships/{a.partnership.id}/overseers").status_code == 403
    with unchanged(ignore={"outbox_mail"}):
        for path, data in (
                (f"/partnerships/{a.partnership.id}/milestones",
                 {"title": "x", "term": "2026-autumn"}),
                (f"/milestones/{a.milestone.id}", {"m1-status": "done", "m1-note": "x"}),
                (f"/partnerships/{a.partnership.id}/review", {"summary": "x"}),
                (f"/partnerships/{a.partnership.id}/decision", {"decision": "accept"}),
                (f"/partnerships/{a.partnership.id}/overseers",
                 {"email": "x@example.org", "role": "governor"}),
                (f"/oversight-grants/{a.grant.id}/revoke", {})):
            assert browser.post(path, data=data).status_code in (403, 404), path
    home = _page(browser.get("/"))
    assert f"/partnerships/{a.partnership.id}" in home
    assert "/following" in home


def test_a_head_grants_an_existing_account_at_once(no_csrf, app, login, make_user,
                                                   two_clusters):
    """Someone with an account has access as soon as a head gives it, hears in their
    inbox, and the grant is in the audit log."""
    from models import AuditEvent

    a = two_clusters.A
    adviser = make_user(None, name="Ada Adviser", email="ada@example.org")
    stranger = _as(app, login, adviser)
    assert stranger.get(f"/partnerships/{a.partnership.id}").status_code == 404
    head = _as(app, login, a.people["headteacher"])
    answer = head.post(f"/partnerships/{a.partnership.id}/overseers",
                       data={"email": "ADA@example.org ", "role": "la_adviser"})
    assert answer.status_code == 302, _page(answer)[:400]
    assert stranger.get(f"/partnerships/{a.partnership.id}").status_code == 200
    assert db.session.scalar(select(InboxMessage.subject).where(
        InboxMessage.user_id == adviser.id)).startswith("You can now follow")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "oversight granted"))
    assert "Ada Adviser" in _page(head.get(f"/partnerships/{a.partnership.id}/overseers"))


def test_an_invitation_creates_an_account_with_no_school(app, client, login, two_clusters):
    """Someone without an account is emailed a signed link; it makes an account in no school
    or cluster that reads the partnership; the link works once."""
    a = two_clusters.A
    head = _as(app, login, a.people["headteacher"])
    path = f"/partnerships/{a.partnership.id}/overseers"
    assert head.post(path, data={"email": "gov@example.org", "role": "governor",
                                 "csrf_token": csrf_token(head, path)}).status_code == 302
    db.session.commit()
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == "gov@example.org"))
    link = re.search(r"https?://[^/\s]+(/oversight/invitations/\S+)", mail.body).group(1)
    form = client.get(link)
    assert form.status_code == 200 and "gov@example.org" in _page(form)
    made = client.post(link, data={"name": "Gwen Governor", "password": PASSWORD,
                                   "confirm": PASSWORD, "csrf_token": csrf_token(client, link)})
    assert made.status_code == 302
    governor = db.session.scalar(select(User).where(User.email == "gov@example.org"))
    assert governor.school_id is None and governor.cluster_id is None
    assert client.get(f"/partnerships/{a.partnership.id}").status_code == 200
    assert "Gwen Governor" in _page(head.get(path))
    assert client.get(link).status_code == 400  # used


def test_revoking_ends_access_at_once(no_csrf, app, login, two_clusters):
    """Either head ends an overseer's access; their next request is a 404."""
    a = two_clusters.A
    adviser = _as(app, login, a.people["la_adviser"])
    assert adviser.get(f"/partnerships/{a.partnership.id}").status_code == 200
    head = _as(app, login, a.people["coordinator"])  # head of the supporting school
    assert head.post(f"/oversight-grants/{a.grant.id}/revoke").status_code == 302
    assert adviser.get(f"/partnerships/{a.partnership.id}").status_code == 404
    assert adviser.get(f"/partnerships/{a.partnership.id}/report").status_code == 404
    assert db.session.get(OversightGrant, a.grant.id).revoked_by_id == a.people["coordinator"].id


def test_the_report_prints_for_an_overseer_with_the_terms_notes(no_csrf, app, login,
                                                                two_clusters):
    """The termly report shows the notes written that term (not another term's), what is due
    next term, and a print button with a one-page print stylesheet."""
    a = two_clusters.A
    head = a.people["headteacher"]
    year, term = terms.current_term()
    db.session.add_all([
        MilestoneNote(milestone_id=a.milestone.id, author_id=head.id, school_id=head.school_id,
                      status="on_track", body="Moderation visit done"),
        MilestoneNote(milestone_id=a.milestone.id, author_id=head.id, school_id=head.school_id,
                      status="at_risk", body="An older note",
                      created_at=datetime.now(UTC) - timedelta(days=400))])
    db.session.commit()
    browser = _as(app, login, a.people["trust_lead"])
    page = _page(browser.get(f"/partnerships/{a.partnership.id}/report"))
    assert terms.label(year, term) in page
    assert "Moderation visit done" in page and "An older note" not in page
    assert "Print this report" in page and "report-print.css" in page
    assert a.measure.name not in page
    earlier = _page(browser.get(f"/partnerships/{a.partnership.id}/report?term={year - 1}-"
                                f"{term}"))
    assert "An older note" in earlier and "Moderation visit done" not in earlier
    assert browser.get(f"/partnerships/{a.partnership.id}/report?term=soon").status_code == 400
    leader = _as(app, login, a.people["senior_leader"])
    assert a.measure.name in _page(leader.get(f"/partnerships/{a.partnership.id}/report"))


def test_a_grant_is_refused_twice_or_to_oneself_with_the_form_kept(no_csrf, app, login,
                                                                    two_clusters):
    """Giving access again to someone who has it, or to oneself, comes back with a message
    and what was typed (400), and gives nothing."""
    a = two_clusters.A
    head = _as(app, login, a.people["headteacher"])
    path = f"/partnerships/{a.partnership.id}/overseers"
    for email, message in ((a.people["governor"].email, "already has access"),
                           (a.people["headteacher"].email, "give access to someone else"),
                           ("not-an-email", "correct format")):
        with unchanged():
            answer = head.post(path, data={"email": email, "role": "governor"})
        assert answer.status_code == 400
        assert message in _page(answer) and email in _page(answer)
        assert "There is a problem" in _page(answer)


def test_a_withdrawn_invitation_no_longer_opens(no_csrf, app, client, login, two_clusters):
    """Ending an invited person's access before they accept makes the link useless."""
    a = two_clusters.A
    head = _as(app, login, a.people["headteacher"])
    head.post(f"/partnerships/{a.partnership.id}/overseers",
              data={"email": "late@example.org", "role": "trust_lead"})
    db.session.commit()
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == "late@example.org"))
    link = re.search(r"https?://[^/\s]+(/oversight/invitations/\S+)", mail.body).group(1)
    assert client.get(link).status_code == 200
    grant = db.session.scalar(select(OversightGrant).where(
        OversightGrant.email == "late@example.org"))
    assert head.post(f"/oversight-grants/{grant.id}/revoke").status_code == 302
    assert client.get(link).status_code == 400
    assert client.post(link, data={"name": "Late", "password": PASSWORD,
                                   "confirm": PASSWORD}).status_code == 400
    assert db.session.scalar(select(User).where(User.email == "late@example.org")) is None
    assert client.get(link[:-3] + "abc").status_code == 400  # a forged link


def test_the_report_lists_what_is_due_next_term(no_csrf, app, login, two_clusters):
    """Milestones due by the end of next term are listed under it."""
    from models import Milestone

    a = two_clusters.A
    year, term = terms.current_term()
    n = terms.order(year, term) + 1
    nxt = (n // 3, terms.TERMS[n % 3])
    db.session.add(Milestone(partnership_id=a.partnership.id, title="Joint book look",
                             due_on=terms.term_end(*nxt)))
    db.session.commit()
    page = _page(_as(app, login, a.people["governor"]).get(
        f"/partnerships/{a.partnership.id}/report"))
    due = page.split(f"Due next term ({terms.label(*nxt)})")[1]
    assert "Joint book look" in due.split("</ul>")[0]


def test_overseers_hear_when_a_milestone_slips_or_is_met(no_csrf, app, login, two_clusters):
    """Those following the partnership get a notice naming both schools when a milestone is
    at risk and when both schools say it is done; not for an on-track note, and not once
    their access is revoked."""
    a = two_clusters.A
    milestone, key = a.milestone, f"m{a.milestone.id}"
    governor, adviser = a.people["governor"], a.people["la_adviser"]
    head = _as(app, login, a.people["coordinator"])  # head of the supporting school
    assert head.post(f"/oversight-grants/{a.grant.id}/revoke").status_code == 302  # adviser's

    def heard(person) -> list[str]:
        return list(db.session.scalars(select(InboxMessage.subject).where(
            InboxMessage.user_id == person.id).order_by(InboxMessage.id)))

    assert head.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "on_track", f"{key}-note": "Going well."}).status_code == 302
    assert heard(governor) == []
    assert head.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "at_risk", f"{key}-note": "A visit was cancelled."}).status_code == 302
    both = f"{a.partnership.supported.name} and {a.partnership.supporting.name}"
    assert heard(governor) == [f"{both}: milestone 'First visit' is at risk"]
    supported_head = _as(app, login, a.people["headteacher"])
    for browser in (head, supported_head):
        assert browser.post(f"/milestones/{milestone.id}", data={
            f"{key}-status": "done", f"{key}-note": "Visited.",
            f"{key}-evidence": "Notes of the visit."}).status_code == 302
    assert heard(governor)[-1] == f"{both}: milestone 'First visit' is met: both schools " \
                                  "say it is done"
    assert len(heard(governor)) == 2
    assert not any("milestone" in s for s in heard(adviser))  # revoked before any of it
