"""Brokering from a request for support to the impact review, through the web pages as the
people involved use them; the state machine's refusals; and what matching never reveals."""

import html
from datetime import UTC, date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, select

from models import (
    InboxMessage,
    Milestone,
    Partnership,
    Record,
    RecordBarrier,
    SupportRequest,
)
from network.extensions import db
from tests.factories import api_token

STRONG_AD = ("Strong in CE2.A Tracking steers improvement and CE2.D Each child tracked "
             "to their year-end goal")  # CE2.A and CE2.D, named


def _address(endpoint: str) -> str:
    """A page's full address, as the email digest links to it."""
    return url_for(endpoint, _external=True)



def _page(response) -> str:
    """The page's HTML with entities decoded, to find names such as "St Mary's"."""
    return html.unescape(response.get_data(as_text=True))


def _inbox(user) -> list[str]:
    return list(db.session.scalars(select(InboxMessage.subject).where(
        InboxMessage.user_id == user.id)))


def _ask(client, net, broker="lle"):
    return client.post(f"/schools/{net.seeker.id}/support", data={
        "broker": str(getattr(net, broker).id) if broker != "coordinators" else broker,
        "standards": ["CE2.A", "CE2.D"], "barriers": ["tracking-inconsistent"],
        "hopes": "Consistent tracking of pupil progress."})


def _as(app, login, user):
    browser = app.test_client()
    login(user, as_client=browser)
    return browser


# A support agreement as the proposal form sends it (dates as day, month and year boxes).
AGREEMENT = {
    "supported_people": "Pat Morgan, headteacher\nAsh Khan, maths lead",
    "supporting_people": "Jo Reed, deputy headteacher",
    "days_per_term": "4", "cost_pounds": "1200", "funded_by": "local_authority",
    "starts_on": ["1", "9", "2026"], "ends_on": ["31", "8", "2028"],
    "success_criteria": "CE2.A: every class tracks progress the same way\n"
                        "CE2.D: moderated books agree across both schools",
    "exit_criteria": "Both focus standards rated 2 or better in a final self-evaluation."}


def _proposed(app, login, net):
    head = _as(app, login, net.head)
    assert _ask(head, net).status_code == 302
    asked = db.session.scalar(select(SupportRequest))
    lle = _as(app, login, net.lle)
    response = lle.post(f"/support-requests/{asked.id}/propose", data={
        "supporting_school_id": str(net.right.id), "standards": ["CE2.A", "CE2.D"],
        "barriers": ["tracking-inconsistent"], "activities": "Termly paired visits.",
        **AGREEMENT})
    assert response.status_code == 302, _page(response)[:300]
    return head, lle, db.session.scalar(select(Partnership))


def test_from_request_to_impact_review_and_a_draft_case_study(no_csrf, app, login, brokers,
                                                              make_evaluation):
    net = brokers
    head, lle, partnership = _proposed(app, login, net)
    assert any("asks for support" in s for s in _inbox(net.lle))
    broker_page = _page(lle.get("/brokering"))
    assert net.seeker.name in broker_page
    request_page = _page(lle.get(f"/support-requests/{partnership.request_id}"))
    assert "CE2.A Tracking steers improvement: rated 4" in request_page
    assert f"{net.right.name}: a partnership with this school is awaiting decisions" \
        in request_page
    assert net.other_phase.name not in request_page  # a secondary, for a primary
    assert f"{net.same_head.name}: conflict of interest: same headteacher" in request_page
    for person in (net.head, net.away_head):
        assert f"{net.seeker.name} and {net.right.name}: a partnership is proposed: please " \
               "read the support agreement and accept or decline" in _inbox(person)
    decision_page = _page(head.get(f"/partnerships/{partnership.id}"))
    assert "every class tracks progress the same way" in decision_page
    assert "accepting the partnership signs it for your school" in decision_page

    make_evaluation(net.seeker, ratings={"CE2.A": 4, "CE2.D": 3}, status="final", year=2019,
                    term="autumn")  # an older evaluation: not the one read as "before"
    url = f"/partnerships/{partnership.id}"
    assert head.post(f"{url}/decision", data={"decision": "accept"}).status_code == 302
    assert db.session.get(Partnership, partnership.id).status == "proposed"
    away = _as(app, login, net.away_head)
    assert away.post(f"{url}/decision", data={"decision": "accept"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).status == "active"
    assert f"{net.seeker.name} and {net.right.name}: the support agreement is signed by both " \
        "heads and the partnership is active" in _inbox(net.lle)
    signed = db.session.get(Partnership, partnership.id).agreements[0]
    assert signed.supported_signed_by_id == net.head.id
    assert signed.supporting_signed_by_id == net.away_head.id

    term = _page(lle.get(url)).split('name="term"')[1]
    first_term = term.split('value="')[1].split('"')[0]
    assert lle.post(f"{url}/milestones", data={
        "title": "Moderate two books together", "term": first_term,
        "success_criteria": "Both schools' judgements agree"}).status_code == 302
    milestone = db.session.scalar(select(Milestone))
    away.post(f"/milestones/{milestone.id}", data={
        f"m{milestone.id}-status": "done", f"m{milestone.id}-note": "Books moderated.",
        f"m{milestone.id}-evidence": "Moderation record of 12 books."})
    page = _page(head.get(url))
    assert "Books moderated." in page and "Moderation record of 12 books." in page

    # The after-evaluation: finalised once the partnership started.
    after = make_evaluation(net.seeker, ratings={"CE2.A": 2, "CE2.D": 2}, status="final",
                            year=2030, term="autumn")
    after.finalised_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()
    review = _page(head.get(f"{url}/review"))
    assert "Better by 2" in review and "Better by 1" in review
    assert head.post(f"{url}/review", data={"summary": ""}).status_code == 400
    assert head.post(f"{url}/review", data={"summary": "Tracking is consistent now.",
                                            "confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).status == "active"  # one party alone
    assert away.post(f"{url}/close", data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    closed = db.session.get(Partnership, partnership.id)
    assert closed.status == "closed"
    assert closed.review["schools"]["supported"]["rows"][0] == {
        "standard": "CE2.A", "before": 4, "after": 2, "change": 2}
    started = head.post(f"{url}/case-study")
    assert started.status_code == 302 and "/case-studies/" in started.headers["Location"]
    draft = db.session.get(Record, db.session.get(Partnership, partnership.id).case_study_id)
    assert draft.status == "draft" and draft.school_id == net.seeker.id
    assert draft.body["impact"]["measures"][0] == {
        "measure": "CE2.A Tracking steers improvement: self-evaluation rating",
        "before": "4", "after": "2"}
    assert net.right.name not in str(draft.body) and net.right.name not in draft.title
    assert draft.title.startswith("Working with a") and "CE2" not in draft.title
    assert "partner school on tracking steers improvement" in draft.title
    opened = head.get(started.headers["Location"])  # the case study's task list
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/steps")
    assert head.get(opened.headers["Location"]).status_code == 200
    start, end = draft.body["group_name"], draft.body["end_group_name"]
    assert end and start  # from the group history on the partnership's start, and today
    assert draft.body["support"][0]["kind"] == "partner" and draft.body["timeline"]
    assert head.post(f"{url}/case-study").headers["Location"] == started.headers["Location"]


def test_only_the_two_heads_decide_once_and_a_decline_is_final(no_csrf, app, login, brokers,
                                                               make_user):
    net = brokers
    head, lle, partnership = _proposed(app, login, net)
    url = f"/partnerships/{partnership.id}/decision"
    senior = _as(app, login, net.senior)
    assert senior.get(f"/partnerships/{partnership.id}").status_code == 200
    assert senior.post(url, data={"decision": "accept"}).status_code == 403
    for outsider in (net.member, net.twin_head, net.other_lle):
        assert _as(app, login, outsider).post(url, data={"decision": "accept"}
                                              ).status_code == 404
    assert lle.post(url, data={"decision": "accept"}).status_code == 403
    assert head.post(url, data={"decision": "accept"}).status_code == 302
    assert head.post(url, data={"decision": "accept"}).status_code == 403
    away = _as(app, login, net.away_head)
    refused = away.post(url, data={"decision": "decline", "reason": ""})
    assert refused.status_code == 400 and "Say why your school declines" in _page(refused)
    assert "govuk-error-summary" in _page(refused)
    assert away.post(url, data={"decision": "decline", "reason": "No capacity this term.",
                                "confirm": "yes"}).status_code == 302
    db.session.expire_all()
    declined = db.session.get(Partnership, partnership.id)
    assert declined.status == "declined" and declined.started_at is None
    assert head.post(url, data={"decision": "accept"}).status_code == 403
    assert lle.post(f"/partnerships/{partnership.id}/milestones",
                    data={"title": "x", "term": "2026-autumn", "success_criteria": "y"}
                    ).status_code == 403
    # The declined pairing is left out of matching, with its reason for the broker.
    page = _page(lle.get(f"/support-requests/{declined.request_id}"))
    assert f"{net.right.name}: a pairing proposed on" in page
    again = lle.post(f"/support-requests/{declined.request_id}/propose", data={
        **AGREEMENT, "supporting_school_id": str(net.right.id), "standards": ["CE2.A"],
        "success_criteria": "CE2.A: tracking agrees", "activities": "Try again."})
    assert again.status_code == 400 and "cannot be proposed" in _page(again)
    assert db.session.scalar(select(func.count(Partnership.id))) == 1


def test_only_brokers_that_were_asked_propose(no_csrf, app, login, brokers):
    net = brokers
    head = _as(app, login, net.head)
    _ask(head, net)
    asked = db.session.scalar(select(SupportRequest))
    url = f"/support-requests/{asked.id}/propose"
    data = {**AGREEMENT, "supporting_school_id": str(net.right.id), "standards": ["CE2.A"],
            "success_criteria": "CE2.A: tracking agrees", "activities": "Visits."}
    assert head.get(f"/support-requests/{asked.id}").status_code == 200
    assert head.post(url, data=data).status_code == 403
    assert _as(app, login, net.other_lle).post(url, data=data).status_code == 404
    assert _as(app, login, net.away_head).post(url, data=data).status_code == 404
    lle = _as(app, login, net.lle)
    hidden = lle.post(url, data={**data, "supporting_school_id": str(net.hidden.id)})
    assert hidden.status_code == 400 and "Choose a supporting school from the candidates" in \
        _page(hidden)
    twin = lle.post(url, data={**data, "supporting_school_id": str(net.same_head.id)})
    assert "same headteacher" in _page(twin)
    assert db.session.scalar(select(func.count(Partnership.id))) == 0
    assert head.post(f"/support-requests/{asked.id}/withdraw",
                     data={"confirm": "yes"}).status_code == 302
    assert lle.post(url, data=data).status_code == 403


def test_asking_keeps_what_was_typed_on_an_error(no_csrf, app, login, brokers):
    head = _as(app, login, brokers.head)
    response = head.post(f"/schools/{brokers.seeker.id}/support", data={
        "broker": "coordinators", "hopes": "Keep this sentence."})
    body = _page(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Keep this sentence." in body
    assert "Choose at least one standard or barrier" in body
    bad = head.post(f"/schools/{brokers.seeker.id}/support", data={
        "broker": "999999", "standards": ["CE2.A"], "hopes": "x"})
    assert "Choose who to ask from the list" in _page(bad)
    member = _as(app, login, brokers.member)
    assert member.get(f"/schools/{brokers.seeker.id}/support").status_code == 403
    assert db.session.scalar(select(func.count(SupportRequest.id))) == 0


def test_coordinators_broker_requests_addressed_to_them(no_csrf, app, login, brokers,
                                                       make_user):
    net = brokers
    coordinator = make_user(net.closed, "headteacher", coordinator=True, name="Cam Coord")
    head = _as(app, login, net.head)
    assert _ask(head, net, "coordinators").status_code == 302
    assert any("asks for support" in s for s in _inbox(coordinator))
    coord = _as(app, login, coordinator)
    asked = db.session.scalar(select(SupportRequest))
    assert net.seeker.name in _page(coord.get("/brokering"))
    assert coord.get(f"/support-requests/{asked.id}").status_code == 200
    assert net.seeker.name not in _as(app, login, net.lle).get("/brokering").get_data(
        as_text=True)


def test_matches_api_for_brokers_that_were_asked(no_csrf, app, client, login, brokers):
    net = brokers
    url = f"/api/v1/schools/{net.seeker.urn}/matches?limit=3"
    lle_token = {"Authorization": f"Bearer {api_token(net.lle)}"}
    assert client.get(url, headers=lle_token).status_code == 404
    _ask(_as(app, login, net.head), net)
    answer = client.get(url, headers=lle_token)
    assert answer.status_code == 200
    assert answer.json["matches"][0]["urn"] == net.right.urn
    other = {"Authorization": f"Bearer {api_token(net.other_lle)}"}
    assert client.get(url, headers=other).status_code == 404


def test_matching_never_reveals_the_author_of_an_anonymised_record(no_csrf, app, client,
                                                                   login, brokers):
    """A school whose profile is cluster-only publishes anonymously to the network on the
    seeker's barrier: the record appears as published work, its school nowhere."""
    net = brokers
    author = net.hidden
    record = Record(kind="case_study", school_id=author.id, cluster_id=author.cluster_id,
                    author_id=net.lle.id, title="Draft title", body={}, status="published",
                    published_title="Tracking every pupil, every half term",
                    published_body={"context": "x"}, published_visibility="network",
                    published_context={}, published_at=datetime.now(UTC))
    db.session.add(record)
    db.session.flush()
    db.session.add(RecordBarrier(record_id=record.id, barrier_slug="tracking-inconsistent"))
    db.session.commit()
    head = _as(app, login, net.head)
    _ask(head, net)
    asked = db.session.scalar(select(SupportRequest))
    lle = _as(app, login, net.lle)
    token = {"Authorization": f"Bearer {api_token(net.head)}"}
    pages = [head.get(f"/schools/{net.seeker.id}/partners"),
             head.get(f"/schools/{net.seeker.id}/partners?standard=CE2.A"),
             lle.get(f"/schools/{net.seeker.id}/partners"),
             lle.get(f"/support-requests/{asked.id}"),
             lle.get(f"/support-requests/{asked.id}/propose"),
             client.get(f"/api/v1/schools/{net.seeker.urn}/matches?limit=50", headers=token)]
    for page in pages:
        assert page.status_code == 200
        text = _page(page)
        assert author.name not in text and author.urn not in text
        assert f"/schools/{author.id}\"" not in text
    partners = _page(pages[0])
    assert "Published work on your barriers" in partners
    listed = partners.split("Published work on your barriers")[1].split("</ul>")[0]
    assert "Tracking every pupil, every half term" in listed
    assert all(s.name not in listed for s in (net.right, net.elsewhere, net.other_phase,
                                              net.same_head, net.closed, net.seeker))


def test_partnered_schools_are_left_out_with_the_reason(no_csrf, app, login, brokers):
    net = brokers
    head, lle, partnership = _proposed(app, login, net)
    body = _page(head.get(f"/schools/{net.seeker.id}/partners"))
    assert f">{net.right.name}</a>" not in body
    found = _page(lle.get(f"/support-requests/{partnership.request_id}"))
    assert f"{net.right.name}: a partnership with this school is awaiting decisions" in found


def test_milestones_due_are_announced_once_and_digests_follow_each_choice(no_csrf, app,
                                                                          brokers, client,
                                                                          login):
    from models import OutboxMail
    from network.services import digests

    net = brokers
    partnership = Partnership(broker_id=net.lle.id, supported_school_id=net.seeker.id,
                              supporting_school_id=net.right.id, focus_standards=["CE2.A"],
                              status="active", started_at=datetime.now(UTC))
    partnership.milestones = [Milestone(title="Soon", due_on=date.today() + timedelta(days=5)),
                              Milestone(title="Later", due_on=date.today() + timedelta(days=90))]
    db.session.add(partnership)
    db.session.commit()
    with app.test_request_context():
        assert digests.remind_due_milestones() == 1
        assert digests.remind_due_milestones() == 0
    for person in (net.lle, net.head, net.away_head):
        assert any(f"{net.seeker.name} and {net.right.name}: milestone due on" in s
                   and s.endswith("Soon")
                   for s in _inbox(person))
    assert not any("Later" in s for s in _inbox(net.head))

    login(net.head)
    wrong = client.post("/inbox/settings", data={"digest": "hourly"})
    assert wrong.status_code == 200 and "govuk-error-summary" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert net.head.digest == "none"
    assert client.post("/inbox/settings", data={"digest": "daily"}).status_code == 302
    net.away_head.digest = "weekly"
    net.away_head.digest_sent_at = datetime.now(UTC) - timedelta(days=2)
    db.session.commit()
    with app.test_request_context():
        assert digests.send_digests(_address) == 1
        assert digests.send_digests(_address) == 0
        later = datetime.now(UTC) + timedelta(days=1, hours=1)
        assert digests.send_digests(_address, later) == 0  # nothing new and unread since
    mails = db.session.scalars(select(OutboxMail)).all()
    assert [m.recipient for m in mails] == [net.head.email]
    assert "Soon" in mails[0].body and "Daily digest" in mails[0].subject
    assert "Lee Broker" not in mails[0].body.split("\n", 1)[1]


def test_demo_has_partnerships_at_every_stage_and_their_pages_open(app, runner, client, login):
    """seed-demo: a proposal awaiting both heads, an active partnership with milestones and a
    closed one with its impact review; the people involved open them."""
    import json

    result = runner.invoke(args=["seed-demo", "--schools", "24", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    stages = {p["status"] for c in summary["clusters"] for p in c["partnerships"]}
    assert stages == {"proposed", "active", "closed"}
    closed = db.session.scalar(select(Partnership).where(Partnership.status == "closed"))
    assert closed.review["schools"]["supported"]["rows"]
    assert closed.supported_school_id != closed.supporting_school_id
    assert closed.broker.school_id not in (closed.supported_school_id,
                                           closed.supporting_school_id)
    head = db.session.scalar(select(type(closed.broker)).where(
        type(closed.broker).school_id == closed.supported_school_id,
        type(closed.broker).school_role == "headteacher"))
    login(head, password="improve-together")
    page = client.get(f"/partnerships/{closed.id}").get_data(as_text=True)
    assert "Impact review" in page and "Start a draft case study" in page
    assert client.get("/partnerships").status_code == 200


def test_a_request_for_support_sent_twice_is_made_once(no_csrf, app, login, brokers):
    """A double click on "Ask for support" makes one request; the repeat shows it."""
    head = _as(app, login, brokers.head)
    key = "k" * 32
    data = {"broker": "coordinators", "standards": ["CE2.A"], "hopes": "Help.",
            "form_key": key}
    first = head.post(f"/schools/{brokers.seeker.id}/support", data=data)
    second = head.post(f"/schools/{brokers.seeker.id}/support", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count(SupportRequest.id))) == 1


def test_candidates_are_ranked_on_what_the_request_names(no_csrf, app, login, brokers):
    net = brokers
    head = _as(app, login, net.head)
    assert head.post(f"/schools/{net.seeker.id}/support", data={
        "broker": str(net.lle.id), "standards": ["CE2.D"], "barriers": [],
        "hopes": "Moderation of writing."}).status_code == 302
    asked = db.session.scalar(select(SupportRequest))
    page = _page(_as(app, login, net.lle).get(f"/support-requests/{asked.id}"))
    termly = "CE2.D Each child tracked to their year-end goal"
    assert f"Ranked on what the request names: strength in {termly}." in page
    # The broker reads whose rating it is, not "you".
    assert f"Strong in {termly}, where {net.seeker.name} rates 3" in page
    assert "where you rate" not in page
    assert STRONG_AD not in page
    assert STRONG_AD in _page(head.get(f"/schools/{net.seeker.id}/partners"))


def test_no_second_proposal_while_a_partnership_is_under_way(no_csrf, app, login, two_clusters):
    """A request whose partnership is active offers no candidates to propose: the page says
    where it stands, and a proposal posted anyway is refused and nothing is created."""
    a = two_clusters.A
    coordinator = login(a.people["coordinator"])
    page = coordinator.get(f"/support-requests/{a.support.id}").get_data(as_text=True)
    assert "/propose" not in page
    assert coordinator.get(f"/support-requests/{a.support.id}/propose").status_code == 403
    answer = coordinator.post(f"/support-requests/{a.support.id}/propose", data={
        "supporting_school_id": str(a.partnership.supporting_school_id)})
    assert answer.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Partnership.id)).where(
            Partnership.request_id == a.support.id)) == 1
