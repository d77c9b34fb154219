"""Home is a to-do list: each person sees what waits on them, named, with a link to the page
where they do it; people who may not act see nothing of it."""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from models import (
    Agreement,
    Milestone,
    Partnership,
    Record,
    RecordBarrier,
    SchoolBarrier,
    SupportRequest,
)
from network.domain import terms
from network.extensions import db

TODO = re.compile(r'<a class="govuk-link govuk-link--no-visited-state" href="([^"]+)">([^<]+)</a>')


@pytest.fixture
def world(two_clusters):
    return two_clusters


def _home(app, login, user):
    """The person's home page (entities decoded) and their signed-in browser."""
    browser = app.test_client()
    login(user, as_client=browser)
    return html.unescape(browser.get("/").get_data(as_text=True)), browser


def _todos(page: str) -> dict[str, str]:
    """The to-do list's lines, each with where its link leads."""
    listed = page.split('id="todo-heading"', 1)[1].split("</ul>", 1)[0] \
        if "app-todo" in page else ""
    return {text: href for href, text in TODO.findall(listed)}


def _line(todos: dict[str, str], start: str) -> str | None:
    """The link of the line starting with `start`, or None."""
    return next((href for text, href in todos.items() if text.startswith(start)), None)


def _acts_there(browser, href: str, action: str) -> None:
    """The linked page opens and holds the control (a form's action) that does the thing."""
    path, _, anchor = href.partition("#")
    response = browser.get(path)
    assert response.status_code == 200, href
    page = html.unescape(response.get_data(as_text=True))
    assert action in page, (href, action)
    assert not anchor or f'id="{anchor}"' in page, href  # the link lands on its place


def _pair(p: Partnership) -> str:
    return f"{p.supporting.name} supporting {p.supported.name}"


def test_each_role_sees_its_own_waiting_work(app, login, world):
    a = world.A
    people, label = a.people, terms.label(*terms.current_term())

    page, coordinator = _home(app, login, people["coordinator"])
    todos = _todos(page)
    join = _line(todos, f"Approve or refuse A Outsider's request for "
                        f"{a.join_request.register_entry.name} to join {a.cluster.name}")
    assert join == f"/clusters/{a.cluster.id}/join-requests/{a.join_request.id}"
    _acts_there(coordinator, join, "Approve")
    # The world's request already has an active partnership: nothing to propose for it.
    assert _line(todos, f"Propose a partner for {a.school.name}'s request for support") is None
    with app.app_context():
        fresh = SupportRequest(school_id=a.support.school_id, cluster_id=a.cluster.id,
                               requester_id=people["headteacher"].id, standards=["CE2.A"],
                               barriers=[], hopes="Help with tracking again.")
        db.session.add(fresh)
        db.session.commit()
        fresh_id, asking = fresh.id, fresh.school.name
    todos = _todos(_home(app, login, people["coordinator"])[0])
    propose = _line(todos, f"Propose a partner for {asking}'s request for support")
    assert propose == f"/support-requests/{fresh_id}"
    _acts_there(coordinator, propose, f"<title>Request for support: {asking}")
    report = _line(todos, f"Report your school's progress on “First visit” "
                          f"({_pair(a.partnership)}), due today")
    assert report == f"/partnerships/{a.partnership.id}#milestone-{a.milestone.id}"
    _acts_there(coordinator, report, f"/milestones/{a.milestone.id}")
    start = _line(todos, f"Start this term's self-evaluation ({label})")
    _acts_there(coordinator, start, "Start")

    page, head = _home(app, login, people["headteacher"])
    todos = _todos(page)
    reply = _line(todos, "Reply to a request to talk about “Tracking story”")
    assert reply == f"/contact-requests/{a.contact.id}"
    _acts_there(head, reply, "Could we talk?")
    finalise = _line(todos, f"Finalise {label}'s self-evaluation")
    assert finalise == f"/evaluations/{a.evaluation.id}"
    _acts_there(head, finalise, f"/evaluations/{a.evaluation.id}/finalise")
    assert _line(todos, "Report your school's progress on “First visit”")
    assert not _line(todos, "Approve or refuse") and not _line(todos, "Propose a partner")

    todos = _todos(_home(app, login, people["senior_leader"])[0])
    assert _line(todos, f"Continue {label}'s self-evaluation") == \
        f"/evaluations/{a.evaluation.id}"
    assert not _line(todos, "Finalise") and not _line(todos, "Reply to a request")

    # The B cluster's coordinator sees B's work only.
    page = _home(app, login, world.B.people["coordinator"])[0]
    assert a.cluster.name not in page and a.school.name not in page
    assert _line(_todos(page), "Approve or refuse B Outsider's request")
    assert not _line(_todos(page), f"Propose a partner for {asking}'s request")


@pytest.mark.parametrize("role", ["member", "leading_teacher"])
def test_an_empty_home_says_nothing_is_waiting(app, login, world, role):
    page = _home(app, login, world.A.people[role])[0]
    assert _todos(page) == {}
    assert "Nothing is waiting for you." in page


def _proposed(world, **extra) -> Partnership:
    """A proposal by the A cluster's LLE: its own school supporting the other school."""
    a = world.A
    p = Partnership(broker_id=a.people["lle"].id, supported_school_id=a.school.id,
                    supporting_school_id=a.cluster.schools[0].id, focus_standards=["CE2.A"],
                    status="proposed", **extra)
    db.session.add(p)
    db.session.commit()
    return p


def test_both_heads_decide_a_proposal_until_their_school_has(app, login, world):
    p = _proposed(world)
    expected = f"Decide on the partnership proposed by A Lle: {_pair(p)}"
    for role in ("headteacher", "coordinator"):  # the coordinator heads the supporting school
        page, browser = _home(app, login, world.A.people[role])
        assert _todos(page).get(expected) == f"/partnerships/{p.id}#section-decision"
        _acts_there(browser, f"/partnerships/{p.id}", f"/partnerships/{p.id}/decision")
    for role in ("senior_leader", "lle", "member"):
        assert expected not in _todos(_home(app, login, world.A.people[role])[0])
    p.supported_decision = "accepted"
    db.session.commit()
    assert expected not in _todos(_home(app, login, world.A.people["headteacher"])[0])


def test_a_declared_conflict_waits_on_the_coordinator_not_the_heads(app, login, world):
    p = _proposed(world, conflict_declaration="My own school.", conflict_approval="pending")
    page, coordinator = _home(app, login, world.A.people["coordinator"])
    href = _line(_todos(page), f"Approve or refuse the conflict of interest: A Lle proposes "
                               f"their own school, {_pair(p)}")
    assert href == f"/partnerships/{p.id}#section-conflict"
    _acts_there(coordinator, href, f"/partnerships/{p.id}/conflict")
    assert not _line(_todos(page), "Decide on the partnership")
    for role in ("headteacher", "lle"):
        todos = _todos(_home(app, login, world.A.people[role])[0])
        assert not _line(todos, "Approve or refuse the conflict")
        assert not _line(todos, "Decide on the partnership")


def test_a_changed_agreement_waits_on_the_head_who_has_not_signed(app, login, world):
    a = world.A
    p, head = a.partnership, a.people["headteacher"]
    common = dict(days_per_term=2, cost_pounds=0, funded_by="supported",
                  starts_on=date.today(), ends_on=date.today() + timedelta(days=300),
                  drafted_by_id=head.id)
    p.agreements = [Agreement(number=1, supported_signed_by_id=head.id,
                              supporting_signed_by_id=a.people["coordinator"].id, **common),
                    Agreement(number=2, supported_signed_by_id=head.id, **common)]
    db.session.commit()
    page, coordinator = _home(app, login, a.people["coordinator"])
    href = _line(_todos(page), f"Sign the changed support agreement (version 2): {_pair(p)}")
    assert href == f"/partnerships/{p.id}#section-agreement"
    _acts_there(coordinator, href, f"/partnerships/{p.id}/agreement/sign")
    assert not _line(_todos(_home(app, login, head)[0]), "Sign the changed")


def test_closing_waits_on_those_who_have_not_agreed(app, login, world):
    a = world.A
    p, head = a.partnership, a.people["headteacher"]
    p.closing = {"summary": "Done.", "started_by": "supported", "agreed": {"supported": head.id},
                 "reasons": {}}
    db.session.commit()
    page, coordinator = _home(app, login, a.people["coordinator"])
    href = _line(_todos(page), "Agree to close the partnership, or say why not: "
                               f"{_pair(p)}")
    assert href == f"/partnerships/{p.id}#section-closing"
    _acts_there(coordinator, href, f"/partnerships/{p.id}/close")
    assert not _line(_todos(_home(app, login, head)[0]), "Agree to close")
    assert not _line(_todos(_home(app, login, a.people["senior_leader"])[0]), "Agree to close")


def test_a_milestone_leaves_the_list_once_the_school_reports_it_done(app, login, world):
    a = world.A
    a.milestone.supporting_status = "done"
    a.partnership.milestones.append(Milestone(title="Far off",
                                              due_on=date.today() + timedelta(days=60)))
    a.partnership.milestones.append(Milestone(title="Late",
                                              due_on=date.today() - timedelta(days=3)))
    db.session.commit()
    coordinator = _todos(_home(app, login, a.people["coordinator"])[0])  # supporting school
    head = _todos(_home(app, login, a.people["headteacher"])[0])  # supported school
    assert not _line(coordinator, "Report your school's progress on “First visit”")
    assert _line(head, "Report your school's progress on “First visit”")
    assert not any("Far off" in text for text in head)
    late = f"{date.today() - timedelta(days=3):%-d %B %Y}"
    assert _line(head, f"Report your school's progress on “Late” ({_pair(a.partnership)}), "
                       f"overdue since {late}")


def test_a_request_naming_an_lle_waits_on_that_lle_only(app, login, world):
    a = world.A
    a.support.status = "proposed"
    asked = SupportRequest(school_id=a.school.id, cluster_id=a.cluster.id,
                           requester_id=a.people["headteacher"].id,
                           broker_id=a.people["lle"].id, standards=["CE2.A"], barriers=[])
    db.session.add(asked)
    db.session.commit()
    expected = f"Propose a partner for {a.school.name}'s request for support"
    page, lle = _home(app, login, a.people["lle"])
    assert _todos(page).get(expected) == f"/support-requests/{asked.id}"
    _acts_there(lle, f"/support-requests/{asked.id}",
                f"<title>Request for support: {a.school.name}")
    assert expected not in _todos(_home(app, login, a.people["coordinator"])[0])


def test_a_submitted_record_waits_on_its_schools_head(app, login, world):
    a = world.A
    author = a.people["leading_teacher"]
    record = Record(kind="case_study", school_id=a.school.id, cluster_id=a.cluster.id,
                    author_id=author.id, title="Reading for pleasure", body={},
                    status="submitted", submitted_at=datetime.now(UTC))
    db.session.add(record)
    db.session.commit()
    expected = "Review the case study “Reading for pleasure”, submitted by A Leading"
    page, head = _home(app, login, a.people["headteacher"])
    assert _todos(page).get(expected) == f"/records/{record.id}/review"
    _acts_there(head, f"/records/{record.id}/review", f"/records/{record.id}/publish")
    for role in ("coordinator", "senior_leader", "leading_teacher"):
        assert expected not in _todos(_home(app, login, a.people[role])[0])


def test_new_work_on_the_schools_barriers_is_shown_under_the_list(app, login, world):
    a = world.A
    db.session.add(SchoolBarrier(school_id=a.school.id, barrier_slug="tracking-inconsistent",
                                 since=date(2024, 9, 1)))
    neighbour = a.cluster.schools[0]
    record = Record(kind="case_study", school_id=neighbour.id, cluster_id=a.cluster.id,
                    author_id=a.people["coordinator"].id, title="Draft", body={},
                    status="published", published_title="Tracking every pupil",
                    published_body={"context": "x"}, published_visibility="cluster",
                    published_context={}, published_at=datetime.now(UTC))
    record.barriers = [RecordBarrier(barrier_slug="tracking-inconsistent")]
    db.session.add(record)
    db.session.commit()
    page = _home(app, login, a.people["member"])[0]
    assert "New on your barriers" in page
    assert f'href="/records/{record.id}/published">Tracking every pupil</a>' in page
    other = _home(app, login, a.people["coordinator"])[0]  # its school faces no barrier
    assert "New on your barriers" not in other


def test_the_partnership_page_says_what_is_next_for_the_reader(app, login, world):
    """A head of either school sees, at the top of the partnership page, what waits on them
    there, each line leading to the part of the page where it is done; a governor who
    follows the partnership sees no such list."""
    a = world.A
    partnership, milestone = a.partnership, a.milestone
    browser = app.test_client()
    login(a.people["headteacher"], as_client=browser)
    page = html.unescape(browser.get(f"/partnerships/{partnership.id}").get_data(as_text=True))
    listed = page.split('id="next-heading"', 1)[1].split("</ul>", 1)[0]
    lines = {text: href for href, text in TODO.findall(listed)}
    line = "Report your school's progress on “First visit”, due today"
    assert lines.get(line) == f"/partnerships/{partnership.id}#milestone-{milestone.id}"
    assert f'id="milestone-{milestone.id}"' in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an anchor must not share its id with a form field"
    assert partnership.supported.name not in line  # the page already names both schools
    governor = app.test_client()
    login(a.people["governor"], as_client=governor)
    assert 'id="next-heading"' not in governor.get(
        f"/partnerships/{partnership.id}").get_data(as_text=True)


def test_a_draft_waits_on_its_author_until_it_is_sent(app, login, world):
    """A half-written case study is on its author's home, leading to its steps; once sent to
    the headteacher it leaves the author's list and joins the head's."""
    a = world.A
    author = a.people["leading_teacher"]
    draft = Record(kind="case_study", school_id=author.school_id, cluster_id=a.cluster.id,
                   author_id=author.id, status="draft", title="Moderation across two sites",
                   body={})
    db.session.add(draft)
    db.session.commit()
    todos, browser = _home(app, login, author)
    href = _line(_todos(todos), "Finish your case study “Moderation across two sites” and "
                                "send it to your headteacher")
    assert href == f"/case-studies/{draft.id}/steps"
    _acts_there(browser, href, "Check your answers")
    draft.status = "submitted"
    db.session.commit()
    assert not _line(_todos(_home(app, login, author)[0]), "Finish your case study")
    assert _line(_todos(_home(app, login, a.people["headteacher"])[0]),
                 "Review the case study “Moderation across two sites”")
