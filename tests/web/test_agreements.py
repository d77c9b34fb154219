"""Support agreements both heads sign, milestones both schools report on, closing by agreement,
an LLE proposing their own school, and the ask page's LLEs nearest first: through the pages
as the people involved use them."""

import html
from datetime import timedelta

from sqlalchemy import func, select

from models import Agreement, AuditEvent, Milestone, Partnership, SupportRequest
from network.domain import terms
from network.extensions import db
from network.services import agreements
from network.web.forms.brokering import term_choices
from tests.web.test_brokering import AGREEMENT, _as, _ask, _inbox, _page, _proposed


def _active(app, login, net):
    """A partnership both heads accepted: (head, away head, LLE, partnership, its URL)."""
    head, lle, partnership = _proposed(app, login, net)
    url = f"/partnerships/{partnership.id}"
    away = _as(app, login, net.away_head)
    for person in (head, away):
        assert person.post(f"{url}/decision", data={"decision": "accept"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).status == "active"
    return head, away, lle, db.session.get(Partnership, partnership.id), url


def _fresh(partnership_id: int) -> Partnership:
    db.session.expire_all()
    return db.session.get(Partnership, partnership_id)


def _change(**changes):
    return {**AGREEMENT, "based_on": "1", **changes}


def test_a_changed_agreement_is_in_force_only_once_both_heads_sign_it(no_csrf, app, login,
                                                                       brokers):
    net = brokers
    head, away, lle, partnership, url = _active(app, login, net)
    form = _page(lle.get(f"{url}/agreement"))
    assert "Jo Reed, deputy headteacher" in form and 'value="1"' in form
    assert 'value="2028"' in form and "CE2.D: moderated books agree" in form
    assert lle.post(f"{url}/agreement", data=_change(days_per_term="6")).status_code == 302
    now = _fresh(partnership.id)
    assert [a.number for a in now.agreements] == [1, 2]
    assert agreements.in_force(now).days_per_term == 4
    for person in (net.head, net.away_head):
        assert f"{net.seeker.name} and {net.right.name}: please sign the changed support " \
               "agreement" in _inbox(person)
    page = _page(head.get(url))
    assert "In force now" in page and "Proposed" in page and "Changed" in page
    assert "waiting for the headteacher to sign" in page

    # The broker and a senior leader cannot sign; a head signs once for their school.
    assert lle.post(f"{url}/agreement/sign", data={"number": "2"}).status_code == 403
    senior = _as(app, login, net.senior)
    assert senior.post(f"{url}/agreement/sign", data={"number": "2"}).status_code == 403
    assert head.post(f"{url}/agreement/sign", data={"number": "2"}).status_code == 302
    assert head.post(f"{url}/agreement/sign", data={"number": "2"}).status_code == 403
    assert agreements.in_force(_fresh(partnership.id)).number == 1  # one signature is not enough
    assert f"signed by {net.head.name}" in _page(away.get(url))
    stale = away.post(f"{url}/agreement/sign", data={"number": "1"})
    assert stale.status_code == 400 and "replaced since you read it" in _page(stale)
    assert away.post(f"{url}/agreement/sign", data={"number": "2"}).status_code == 302
    in_force = agreements.in_force(_fresh(partnership.id))
    assert in_force.number == 2 and in_force.days_per_term == 6
    assert "Support agreement in force (version 2)" in _page(lle.get(url))


def test_a_stale_change_is_a_409_that_shows_both_versions(no_csrf, app, login, brokers):
    net = brokers
    head, away, lle, partnership, url = _active(app, login, net)
    assert head.post(f"{url}/agreement", data=_change(cost_pounds="1500")).status_code == 302
    stale = lle.post(f"{url}/agreement", data=_change(cost_pounds="2750"))
    page = _page(stale)
    assert stale.status_code == 409
    assert "Someone else proposed a version of the agreement" in page
    assert "£1,500" in page and "£2,750" in page
    assert 'name="based_on" type="hidden" value="2"' in page or 'value="2"' in page
    assert db.session.scalar(select(func.count(Agreement.id))) == 2
    # Sent again from the conflict page, it replaces theirs as the change awaiting signatures.
    assert lle.post(f"{url}/agreement", data=_change(cost_pounds="2750", based_on="2")
                    ).status_code == 302
    assert agreements.awaiting(_fresh(partnership.id)).cost_pounds == 2750
    same = lle.post(f"{url}/agreement", data=_change(cost_pounds="2750", based_on="3"))
    assert same.status_code == 400 and "Nothing is changed" in _page(same)
    backwards = lle.post(f"{url}/agreement", data=_change(based_on="3",
                                                          ends_on=["1", "8", "2026"]))
    assert backwards.status_code == 400
    assert "The end date must be after the start date" in _page(backwards)
    missing = lle.post(f"{url}/agreement", data=_change(
        based_on="3", success_criteria="CE2.A: tracking agrees"))
    assert "Write the success criteria for CE2.D" in _page(missing)
    assert db.session.scalar(select(func.count(Agreement.id))) == 3
    # Outsiders never see it; a member of the school may not change it.
    assert _as(app, login, net.other_lle).get(f"{url}/agreement").status_code == 404
    assert _as(app, login, net.member).get(f"{url}/agreement").status_code == 404


def test_a_proposal_needs_the_whole_agreement(no_csrf, app, login, brokers):
    net = brokers
    head = _as(app, login, net.head)
    _ask(head, net)
    asked = db.session.scalar(select(SupportRequest))
    lle = _as(app, login, net.lle)
    data = {**AGREEMENT, "supporting_school_id": str(net.right.id),
            "standards": ["CE2.A", "CE2.D"], "activities": "Visits."}
    for field, value, message in (
            ("supporting_people", "", "Name at least one person from the supporting school"),
            ("supported_people", "Pat Morgan", "a name, a comma and their role"),
            ("funded_by", "the moon", "Choose who funds the support"),
            ("success_criteria", "CE2.A: agreed", "Write the success criteria for CE2.D"),
            ("exit_criteria", "", "Say when the support ends")):
        refused = lle.post(f"/support-requests/{asked.id}/propose", data={**data, field: value})
        assert refused.status_code == 400 and message in _page(refused), field
        assert "govuk-error-summary" in _page(refused)
    assert db.session.scalar(select(func.count(Partnership.id))) == 0


def test_one_party_alone_cannot_close_and_the_broker_with_one_head_gives_a_reason(
        no_csrf, app, login, brokers):
    net = brokers
    head, away, lle, partnership, url = _active(app, login, net)
    review = _page(lle.get(f"{url}/review"))
    assert "has no final self-evaluation since the partnership started" in review
    assert _as(app, login, net.senior).get(f"{url}/review").status_code == 403
    assert lle.post(f"{url}/review", data={"summary": "Tracking is consistent.",
                                           "confirm": "yes"}).status_code == 302
    assert _fresh(partnership.id).status == "active"  # the broker alone does not close it
    assert lle.post(f"{url}/close", data={}).status_code == 403  # nor by agreeing twice
    for person in (net.head, net.away_head):
        assert any(s.startswith(f"{net.seeker.name} and {net.right.name}: ") and
                   s.endswith("please agree to close it") for s in _inbox(person))
    page = _page(head.get(url))
    assert f"{net.lle.name} (broker): agreed" in page
    assert f"{net.seeker.name}'s headteacher: awaited" in page
    assert "no final self-evaluation since" in page  # the review's ratings, to agree on
    refused = head.post(f"{url}/close", data={})
    assert refused.status_code == 400
    assert f"Say why the partnership closes without the agreement of {net.right.name}'s " \
           "headteacher" in _page(refused)
    assert _fresh(partnership.id).status == "active"
    assert head.post(f"{url}/close", data={"reason": "The partner school has no capacity.",
                                           "confirm": "yes"}).status_code == 302
    closed = _fresh(partnership.id)
    assert closed.status == "closed" and closed.review["reason"] == \
        "The partner school has no capacity."
    assert closed.review["schools"]["supported"]["rows"][0]["standard"] == "CE2.A"
    assert away.post(f"{url}/close", data={}).status_code == 403
    assert "The partner school has no capacity." in _page(away.get(url))


def test_a_milestone_is_met_only_when_both_schools_say_done_with_evidence(no_csrf, app, login,
                                                                          brokers):
    net = brokers
    head, away, lle, partnership, url = _active(app, login, net)
    choices = [value for value, _ in term_choices()]
    signed = agreements.in_force(partnership)
    signed.ends_on = terms.term_end(*terms.current_term()) + timedelta(days=1)
    db.session.commit()
    late = lle.post(f"{url}/milestones", data={"title": "Late", "term": choices[-1],
                                               "success_criteria": "x"})
    assert late.status_code == 400 and "outside the agreement's dates" in _page(late)
    assert lle.post(f"{url}/milestones", data={
        "title": "Moderate books", "term": choices[0],
        "success_criteria": "Judgements agree in both schools"}).status_code == 302
    milestone = db.session.scalar(select(Milestone))
    key = f"m{milestone.id}"
    no_evidence = away.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "done", f"{key}-note": "Done here."})
    assert no_evidence.status_code == 400
    assert "Give the evidence that the milestone is done" in _page(no_evidence)
    assert away.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "done", f"{key}-note": "Done here.",
        f"{key}-evidence": "Twelve books moderated."}).status_code == 302
    assert head.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "on_track", f"{key}-note": "Half our books so far."}).status_code == 302
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone.id)
    assert (milestone.supporting_status, milestone.supported_status, milestone.status) == \
        ("done", "on_track", "on_track")
    page = _page(lle.get(url))
    assert "Not yet: met when both schools say it is done" in page
    assert "Evidence: Twelve books moderated." in page
    assert "Judgements agree in both schools" in page
    # The broker reports for no school.
    assert lle.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "done", f"{key}-note": "x", f"{key}-evidence": "y"}).status_code == 403
    assert head.post(f"/milestones/{milestone.id}", data={
        f"{key}-status": "done", f"{key}-note": "All books.",
        f"{key}-evidence": "Moderation log."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).status == "done"
    assert "Yes: both schools say it is done" in _page(away.get(url))


def test_an_lle_proposes_their_own_school_once_a_coordinator_approves_the_conflict(
        no_csrf, app, login, brokers, make_user):
    net = brokers
    # The LLE coordinates their own cluster too: still not the one to approve their own.
    insider = make_user(net.right, "senior_leader", lle=True, coordinator=True,
                        name="Ina Insider")
    approver = make_user(net.right, "member", coordinator=True, name="Cleo Coord")
    head = _as(app, login, net.head)
    assert _ask(head, net).status_code == 302
    asked = db.session.scalar(select(SupportRequest))
    asked.broker_id = insider.id  # the school asked Ina
    db.session.commit()
    lle = _as(app, login, insider)
    shown = _page(lle.get(f"/support-requests/{asked.id}"))
    assert f"Propose {net.right.name}" in shown
    assert "another broker must propose it" not in shown
    assert "This is your own school: you may propose it, declaring the conflict" in shown
    url = f"/support-requests/{asked.id}/propose"
    data = {**AGREEMENT, "supporting_school_id": str(net.right.id),
            "standards": ["CE2.A", "CE2.D"], "activities": "Visits."}
    undeclared = lle.post(url, data=data)
    assert "declare the conflict of interest" in _page(undeclared)
    assert db.session.scalar(select(func.count(Partnership.id))) == 0
    assert lle.post(url, data={**data, "declaration": "I am deputy head of Riverside."}
                    ).status_code == 302
    partnership = db.session.scalar(select(Partnership))
    page_url = f"/partnerships/{partnership.id}"
    assert partnership.conflict_approval == "pending"
    assert not any("a partnership is proposed" in s for s in _inbox(net.head))
    assert any("please approve or refuse the conflict of interest" in s
               for s in _inbox(approver))
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "conflict of interest declared")).actor_id == insider.id

    away = _as(app, login, net.away_head)
    assert away.post(f"{page_url}/decision", data={"decision": "accept"}).status_code == 403
    assert lle.post(f"{page_url}/conflict", data={"decision": "approve"}).status_code == 403
    coordinator = _as(app, login, approver)
    assert "I am deputy head of Riverside." in _page(coordinator.get(page_url))
    assert coordinator.post(f"{page_url}/conflict", data={"decision": "approve"}
                            ).status_code == 302
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "conflict of interest approved")).actor_id == approver.id
    assert any("a partnership is proposed" in s for s in _inbox(net.head))
    assert any("approved the proposal of your own school" in s for s in _inbox(insider))
    for person in (head, away):
        assert person.post(f"{page_url}/decision", data={"decision": "accept"}
                           ).status_code == 302
    assert _fresh(partnership.id).status == "active"
    assert "Ina Insider proposes their own school: I am deputy head of Riverside. (Approved)" \
        in _page(head.get(page_url))


def test_a_refused_conflict_ends_the_proposal(no_csrf, app, login, brokers, make_user):
    net = brokers
    insider = make_user(net.right, "senior_leader", lle=True, name="Ina Insider")
    approver = make_user(net.right, "member", coordinator=True, name="Cleo Coord")
    head = _as(app, login, net.head)
    _ask(head, net)
    asked = db.session.scalar(select(SupportRequest))
    asked.broker_id = insider.id
    db.session.commit()
    assert _as(app, login, insider).post(f"/support-requests/{asked.id}/propose", data={
        **AGREEMENT, "supporting_school_id": str(net.right.id), "standards": ["CE2.A", "CE2.D"],
        "activities": "Visits.", "declaration": "My own school."}).status_code == 302
    partnership = db.session.scalar(select(Partnership))
    coordinator = _as(app, login, approver)
    url = f"/partnerships/{partnership.id}/conflict"
    assert coordinator.post(url, data={"decision": "refuse"}).status_code == 400
    assert coordinator.post(url, data={"decision": "refuse", "reason": "Too close."}
                            ).status_code == 302
    ended = _fresh(partnership.id)
    assert ended.status == "refused" and ended.request.status == "open"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "conflict of interest refused")) == 1
    assert _as(app, login, net.away_head).post(f"/partnerships/{partnership.id}/decision",
                                               data={"decision": "accept"}).status_code == 403


def test_the_ask_page_lists_lles_nearest_first_with_their_schools(no_csrf, app, login,
                                                                  brokers, make_user):
    net = brokers
    places = {net.seeker: ("Leeds", "LS6 1AB", "Yorkshire and the Humber"),
              net.right: ("Leeds", "LS2 9JT", "Yorkshire and the Humber"),
              net.elsewhere: ("Bradford", "LS29 8AA", "Yorkshire and the Humber"),
              net.other_phase: ("Wakefield", "WF1 2AA", "Yorkshire and the Humber"),
              net.lle.school: ("Manchester", "M1 1AA", "North West")}
    for school, (la, postcode, region) in places.items():
        entry = school.register_entry
        entry.la_name, entry.postcode, entry.region = la, postcode, region
    db.session.commit()
    near = make_user(net.right, "senior_leader", lle=True, name="Zed Nearby")
    area = make_user(net.elsewhere, "member", lle=True, name="Yan Area")
    region = make_user(net.other_phase, "member", lle=True, name="Xia Region")
    make_user(None, lle=True, name="Abe Unattached")
    page = _page(_as(app, login, net.head).get(f"/schools/{net.seeker.id}/support"))
    order = [page.index(name) for name in (
        "Zed Nearby", "Yan Area", "Xia Region", net.lle.name, "Abe Unattached")]
    assert order == sorted(order)
    hint = page[page.index("Zed Nearby"):page.index("Yan Area")]
    assert net.right.name in hint and "In the same local authority (Leeds)" in hint
    assert "Strengths: CE2.A Tracking steers improvement" in hint and "Primary" in hint
    assert "In the same postcode area (LS)" in page[page.index("Yan Area"):]
    assert "Not attached to a school on the network" in page[page.index("Abe Unattached"):]
    assert near.id and area.id and region.id


def test_the_summary_partials_need_only_the_partnership(no_csrf, app, login, brokers):
    """The printable report includes both partials with nothing but `p` to hand."""
    from flask import render_template_string

    net = brokers
    head, away, lle, partnership, url = _active(app, login, net)
    assert lle.post(f"{url}/milestones", data={
        "title": "Moderate books", "term": term_choices()[0][0],
        "success_criteria": "Judgements agree"}).status_code == 302
    assert lle.post(f"{url}/agreement", data=_change(days_per_term="6")).status_code == 302
    partnership = _fresh(partnership.id)
    with app.test_request_context():
        agreement = render_template_string(
            '{% include "brokering/_agreement_summary.html" %}', p=partnership)
        steps = render_template_string(
            '{% include "brokering/_milestones_summary.html" %}', p=partnership)
        old = Partnership(broker_id=net.lle.id, supported_school_id=net.seeker.id,
                          supporting_school_id=net.right.id, focus_standards=["CE2.A"])
        db.session.add(old)
        db.session.flush()
        bare = render_template_string(
            '{% include "brokering/_agreement_summary.html" %}', p=old)
        db.session.rollback()
    assert "Support agreement in force (version 1)" in agreement
    assert "Proposed change awaiting signatures (version 2" in agreement
    assert "every class tracks progress the same way" in agreement
    assert "Moderate books" in steps and "Judgements agree" in steps
    assert net.seeker.name in html.unescape(steps) and "Planned" in steps
    assert "No agreement recorded." in bare


def test_an_lle_whose_cluster_has_no_other_coordinator_cannot_propose_their_own_school(
        no_csrf, app, login, brokers, make_user):
    net = brokers
    insider = make_user(net.right, "senior_leader", lle=True, coordinator=True, name="Solo")
    head = _as(app, login, net.head)
    _ask(head, net)
    asked = db.session.scalar(select(SupportRequest))
    asked.broker_id = insider.id
    db.session.commit()
    refused = _as(app, login, insider).post(f"/support-requests/{asked.id}/propose", data={
        **AGREEMENT, "supporting_school_id": str(net.right.id), "standards": ["CE2.A", "CE2.D"],
        "activities": "Visits.", "declaration": "My own school."})
    assert refused.status_code == 400
    assert "but you can approve your conflict of interest" in _page(refused)
    assert db.session.scalar(select(func.count(Partnership.id))) == 0


def test_closing_can_be_stopped_with_a_reason_and_the_partnership_carries_on(
        no_csrf, app, login, brokers):
    """A head who does not want to close says why; the agreements given lapse, everyone hears
    it, the review can be started again, and people outside the partnership cannot stop it."""
    net = brokers
    head, away, lle, partnership, url = _active(app, login, net)
    assert head.post(f"{url}/closing/stop", data={"reason": "x"}).status_code == 403  # not yet
    assert lle.post(f"{url}/review", data={"summary": "Tracking is consistent.",
                                           "confirm": "yes"}).status_code == 302
    assert _as(app, login, net.senior).post(f"{url}/closing/stop",
                                            data={"reason": "x"}).status_code == 403
    refused = away.post(f"{url}/closing/stop", data={"reason": " "})
    assert refused.status_code == 400
    assert "Say why the partnership should carry on" in _page(refused)
    assert _fresh(partnership.id).closing["agreed"] == {"broker": net.lle.id}
    assert away.post(f"{url}/closing/stop", data={
        "reason": "Our moderation work is half done."}).status_code == 302
    carried_on = _fresh(partnership.id)
    assert carried_on.status == "active" and carried_on.closing is None
    for person in (net.head, net.lle):
        assert any(s.endswith("stopped closing the partnership: it carries on")
                   for s in _inbox(person))
    assert head.post(f"{url}/close", data={"confirm": "yes"}).status_code == 403
    assert "Review the impact and start closing" in _page(head.get(url))
    assert head.post(f"{url}/review", data={"summary": "Done now.",
                                            "confirm": "yes"}).status_code == 302
    assert _fresh(partnership.id).closing["summary"] == "Done now."
