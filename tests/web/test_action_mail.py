"""Mail people can act on: a proposal to decide, a join request, a contact request and a
returned record are emailed to the person who must act, with a link built from PUBLIC_URL and
a one-click unsubscribe (a signed link needing no sign-in: GET shows a button, POST acts)."""

import html
import logging
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import OutboxMail, Partnership, User
from network.extensions import db
from network.services import action_mail, clusters, partnerships, records, support
from network.web.links import public_url
from tests.factories import csrf_token, publish, write

UNSUBSCRIBE = re.compile(r"http://localhost/unsubscribe/[\w.\-]+")


def _mails(user) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.recipient == user.email).order_by(OutboxMail.id)))


def _one_mail(user, subject_part: str, link: str) -> OutboxMail:
    """The one email `user` got about `subject_part`: it links to `link` (from PUBLIC_URL,
    http://localhost in tests) and carries an unsubscribe link."""
    mail, = [m for m in _mails(user) if subject_part in m.subject]
    assert link.startswith("http://localhost/") and link in mail.body
    assert UNSUBSCRIBE.search(mail.body)
    return mail


def _return(world, title="Progress meetings that work"):
    record = write(world, title)
    records.submit(world.author, record.id)
    records.return_to_authors(world.head, record.id, "Please name the year group.")
    return record


def test_a_returned_record_mails_its_authors(app, records_world):
    world = records_world
    record = _return(world)
    link = public_url("records.show", record_id=record.id)
    for author in (world.author, world.coauthor):
        mail = _one_mail(author, "was returned", link)
        assert "Please name the year group." in mail.body
    assert _mails(world.head) == []  # the head acted; nobody mails them about it


def test_a_contact_request_mails_the_head_who_decides(app, records_world):
    world = records_world
    record = publish(world, write(world))
    contact = records.request_contact(world.reader, record.id, "Could we visit in spring?")
    _one_mail(world.head, "would like to talk about",
              public_url("records.contact_request", contact_id=contact.id))
    assert _mails(world.reader) == []


def test_a_join_request_mails_the_coordinators(app, records_world, make_user, free_urns):
    world = records_world
    newcomer = make_user(name="Nell Newcomer")
    join = clusters.request_to_join(newcomer, world.a.id, next(free_urns), "We are nearby.")
    _one_mail(world.head, "asks to join",  # the head of cluster A's first school coordinates it
              public_url("clusters.join_request", cluster_id=world.a.id, request_id=join.id))


def test_a_partnership_proposal_mails_both_headteachers(app, brokers):
    net = brokers
    asked = support.ask(net.head, net.seeker.id, str(net.lle.id), ["CE2.A", "CE2.D"],
                        ["tracking-inconsistent"], "Consistent tracking of pupil progress.")
    partnerships.propose(net.lle, asked.id, net.right.id, ["CE2.A", "CE2.D"],
                         ["tracking-inconsistent"], "Termly paired visits.", {
                             "supported_people": "Pat Morgan, headteacher",
                             "supporting_people": "Jo Reed, deputy headteacher",
                             "days_per_term": 3, "cost_pounds": 0, "funded_by": "trust",
                             "starts_on": date(2026, 9, 1), "ends_on": date(2027, 7, 20),
                             "success_criteria": {"CE2.A": "Tracking agrees",
                                                  "CE2.D": "Moderation agrees"},
                             "exit_criteria": "Both rated 2 or better."})
    partnership = db.session.scalar(select(Partnership))
    link = public_url("brokering.partnership", partnership_id=partnership.id)
    for head in (net.head, net.away_head):
        _one_mail(head, "a partnership is proposed", link)
    assert _mails(net.lle) == []


def test_unsubscribing_by_the_link_stops_the_next_such_mail(app, client, records_world):
    world = records_world
    _return(world)
    address = UNSUBSCRIBE.search(_mails(world.author)[0].body).group(0)
    path = address.removeprefix("http://localhost")

    page = client.get(path)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.author.id).email_actions is True

    answer = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert answer.status_code == 200 and "Emails stopped" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.author.id).email_actions is False

    _return(world, "A second record")
    assert len(_mails(world.author)) == 1  # no second email
    assert len(_mails(world.coauthor)) == 2  # the co-author did not unsubscribe
    assert "A second record" in " ".join(m.subject for m in _mails(world.coauthor))


def test_a_mail_client_unsubscribes_in_one_click(app, client, records_world):
    """RFC 8058: the client POSTs List-Unsubscribe=One-Click to the link, with no form."""
    world = records_world
    token = action_mail.unsubscribe_token(world.author)
    answer = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, world.author.id).email_actions is False


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxfQ.forged"])
def test_a_forged_unsubscribe_link_does_nothing(app, client, records_world, token):
    assert client.get(f"/unsubscribe/{token}").status_code == 400
    assert client.post(f"/unsubscribe/{token}").status_code == 400


def test_the_account_page_turns_the_emails_off_and_on(app, login, records_world):
    world = records_world
    browser = login(world.author)
    page = browser.get("/account/email").get_data(as_text=True)
    assert "Email me when I must act" in page
    for choice, expected in (("off", False), ("on", True)):
        answer = browser.post("/account/email", data={
            "choice": choice, "csrf_token": csrf_token(browser, "/account/email")})
        assert answer.status_code == 302
        db.session.expire_all()
        assert db.session.get(User, world.author.id).email_actions is expected
    browser.post("/account/email", data={
        "choice": "off", "csrf_token": csrf_token(browser, "/account/email")})
    _return(world)
    assert _mails(world.author) == [] and len(_mails(world.coauthor)) == 1
    wrong = browser.post("/account/email", data={
        "choice": "sometimes", "csrf_token": csrf_token(browser, "/account/email")})
    assert wrong.status_code == 400 and "govuk-error-summary" in wrong.get_data(as_text=True)


def test_smtp_mail_carries_the_unsubscribe_headers_and_the_log_no_body(
        config, request, monkeypatch, caplog):
    config["MAIL_BACKEND"] = "smtp://mail.invalid:2525"
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    request.getfixturevalue("app")
    world = request.getfixturevalue("records_world")
    with caplog.at_level(logging.INFO):
        _return(world)
    message = next(m for m in sent if m["To"] == world.author.email)
    body = message.get_content()
    unsubscribe = UNSUBSCRIBE.search(body).group(0)
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert world.author.email in logged and unsubscribe not in logged
    assert "Please name the year group." not in logged
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def test_nobody_is_mailed_twice_for_one_event_and_the_inactive_not_at_all(app, records_world):
    world = records_world
    world.coauthor.is_active = False
    db.session.commit()
    _return(world)
    assert len(_mails(world.author)) == 1 and _mails(world.coauthor) == []
    assert html.unescape(_mails(world.author)[0].subject).startswith("Your case study")
