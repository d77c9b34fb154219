"""Rights come from current standing (issue 15, item 3): a right granted through authorship,
co-authorship, brokering or a designation lasts only while the membership or designation it
rests on does. The same actor, signed in afresh after removal or loss of a designation, is
refused on every route that reaches the record or partnership, through the API and in search.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from models import Milestone, Partnership, SupportRequest
from network.access import can
from network.extensions import db
from network.services import members, records, tokens
from tests.factories import case_body, data
from tests.routes import METHODS, own_url, rules

REFUSED = {403, 404}
GENERIC = {"decision": "accept", "school_role": "member", "coordinator": "no", "rating": "1",
           "title": "Changed", "status": "done", "notes": "Changed", "version": "1"}
RECORD_ARGS = {"record_id", "number"}
BROKER_ARGS = {"partnership_id", "milestone_id", "support_id"}
DRAFT_TITLE = "Quietly improving phonics catch-up"


@pytest.fixture
def world(no_csrf, two_clusters):
    """Two clusters, CSRF checks off (they are tested elsewhere)."""
    return two_clusters


def _with(world, **changes) -> SimpleNamespace:
    """The world with A's record, partnership, ... replaced (tests.routes builds A's URLs)."""
    return SimpleNamespace(A=SimpleNamespace(**{**vars(world.A), **changes}), B=world.B)


def _walk(app, browser, world, args, bearer, endpoints=(), form=None) -> dict[tuple, int]:
    """Every route (pages and API) whose URL names one of `args` (or is in `endpoints`),
    every method it takes: (method, url) -> status."""
    answers = {}
    for rule in rules(app):
        if not (set(rule.arguments) & args or rule.endpoint in endpoints):
            continue
        url = own_url(world, rule)
        assert url is not None, rule.rule
        headers = bearer if rule.endpoint.startswith("api.") else {}
        for method in METHODS:
            if method in rule.methods:
                answers[(method, url)] = browser.open(url, method=method, headers=headers,
                                                      data=form or GENERIC).status_code
    assert answers
    return answers


def _search(browser, bearer, word: str) -> tuple[str, list]:
    page = browser.get(f"/search?q={word}").get_data(as_text=True)
    api = browser.get(f"/api/v1/search?q={word}", headers=bearer).json
    return page, [hit["title"] for hit in api.get("results", [])]


def _bearer(person) -> dict:
    return {"Authorization": f"Bearer {tokens.create(person, 'Standing test')[1]}"}


@pytest.mark.parametrize("writer", ["author", "coauthor"])
def test_a_writer_removed_from_the_school_loses_the_draft_everywhere(world, app, login,
                                                                      writer):
    """A leading teacher's draft (or one they co-wrote) opens, prints, submits and shows in
    search and the API while they belong to the school, and nowhere once removed."""
    a = world.A
    author, colleague = a.people["leading_teacher"], a.people["member"]
    draft = records.create(author, "case_study", data(DRAFT_TITLE, case_body(),
                                                      coauthor_ids=[colleague.id]))
    actor = author if writer == "author" else colleague
    mine = _with(world, record=draft)

    before = login(actor, as_client=app.test_client())
    bearer = _bearer(actor)
    assert before.get(f"/records/{draft.id}").status_code == 200
    assert before.get(f"/records/{draft.id}/print").status_code == 200
    assert before.get(f"/api/v1/case-studies/{draft.id}", headers=bearer).status_code == 200
    assert DRAFT_TITLE in _search(before, bearer, "phonics")[1]
    assert DRAFT_TITLE in before.get("/case-studies").get_data(as_text=True)

    members.remove(a.people["coordinator"], a.cluster.id, actor.id)

    after = login(actor, as_client=app.test_client())
    bearer = _bearer(actor)
    answers = _walk(app, after, mine, RECORD_ARGS, bearer)
    leaks = {key: status for key, status in answers.items() if status not in REFUSED}
    assert not leaks, leaks
    page, hits = _search(after, bearer, "phonics")
    assert DRAFT_TITLE not in page and DRAFT_TITLE not in hits
    assert DRAFT_TITLE not in after.get("/case-studies").get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.status == "draft" and draft.title == DRAFT_TITLE
    assert not any(can(actor, action, draft) for action in
                   ("view", "see_draft", "edit", "submit"))


def _brokered(world, broker) -> SimpleNamespace:
    """An open request naming `broker` and an active partnership they brokered, in A."""
    a = world.A
    supported, supporting = a.cluster.schools[1], a.cluster.schools[0]
    asked = SupportRequest(school_id=supported.id, cluster_id=a.cluster.id,
                           requester_id=a.people["headteacher"].id, standards=["CE2.A"],
                           barriers=[], hopes="Help with phonics.",
                           broker_id=broker.id if broker.is_lle else None)
    db.session.add(asked)
    db.session.flush()
    partnership = Partnership(
        request_id=asked.id, broker_id=broker.id, supported_school_id=supported.id,
        supporting_school_id=supporting.id, focus_standards=["CE2.A"], focus_barriers=[],
        activities="Paired visits.", status="active", supported_decision="accepted",
        supporting_decision="accepted", started_at=datetime.now(UTC))
    partnership.milestones.append(Milestone(title="First visit", due_on=datetime.now(UTC).date()))
    db.session.add(partnership)
    db.session.commit()
    return _with(world, support=asked, partnership=partnership,
                 milestone=partnership.milestones[0])


@pytest.mark.parametrize("loss", ["lle withdrawn", "lle withdrawn and removed",
                                  "coordinator withdrawn"])
def test_a_broker_who_loses_the_standing_loses_the_partnership(world, app, login, make_user,
                                                               loss):
    """A broker opens the partnership, adds milestones and reviews it while they are an LLE
    (or coordinate the cluster); once that ends, every such route refuses them."""
    a, b = world.A, world.B
    if loss.startswith("lle"):  # an LLE from another cluster: LLEs broker across clusters
        broker = make_user(b.cluster.schools[1], "member", lle=True, name="Visiting Lle")
    else:  # a coordinator who leads neither school
        broker = make_user(a.cluster.schools[0], "member", coordinator=True,
                           name="Second Coordinator")
    brokered = _brokered(world, broker)
    partnership = brokered.A.partnership

    from network.web.forms.brokering import term_choices

    milestone = {**GENERIC, "title": "Second visit", "term": term_choices()[0][0],
                 "success_criteria": "Both schools visited"}
    before = login(broker, as_client=app.test_client())
    assert before.get(f"/partnerships/{partnership.id}").status_code == 200
    assert before.get(f"/partnerships/{partnership.id}/review").status_code == 200
    assert before.post(f"/partnerships/{partnership.id}/milestones",
                       data=milestone).status_code == 302
    assert can(broker, "track", partnership) and can(broker, "review", partnership)

    if loss.startswith("lle"):
        members.set_designations(a.people["site_admin"], broker.id, lle=False, site_admin=False)
        if loss.endswith("removed"):
            members.remove(b.people["coordinator"], b.cluster.id, broker.id)
    else:
        members.change_role(a.people["coordinator"], a.cluster.id, broker.id, "member", False)

    after = login(broker, as_client=app.test_client())
    answers = _walk(app, after, brokered, BROKER_ARGS, _bearer(broker),
                    endpoints={"api.school_matches"}, form=milestone)
    leaks = {key: status for key, status in answers.items() if status not in REFUSED}
    assert not leaks, leaks
    db.session.refresh(partnership)
    assert partnership.status == "active" and len(partnership.milestones) == 2
    assert not any(can(broker, action, partnership) for action in ("view", "track", "review"))


def test_standing_kept_keeps_the_rights(world, app, login):
    """Moving nothing: the author still in the school keeps every right (the rules are not
    simply closed)."""
    author = world.A.people["leading_teacher"]
    draft = records.create(author, "case_study", data(DRAFT_TITLE, case_body()))
    assert all(can(author, action, draft) for action in ("view", "see_draft", "edit",
                                                         "submit"))
