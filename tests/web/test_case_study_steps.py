"""Writing a case study in steps: the worked example with ten actions, a timeline, support
received and next steps goes through every step, the gate and publishing; each step saves
only its part, a stale save shows both versions, and a partner school on the platform is
named only inside the school."""

import re
from datetime import date

from markupsafe import escape

from models import GroupMembership, Record
from network import indexing
from network.extensions import db
from network.services import gate, records
from tests.factories import (
    CASE_ACTIONS,
    CASE_STEPS,
    WORKED,
    api_token,
    post_step,
    version_on,
    write_case_study,
)


def _page(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


def test_the_worked_example_round_trips_through_the_steps_gate_and_publishing(
        app, login, make_cluster, make_user):
    """Ten actions, a timeline, what solved each barrier, support received, next steps and
    risks are saved step by step, shown back on check your answers, pass the gate and are
    published in a real case study's order."""
    cluster = make_cluster()
    head = make_user(cluster.schools[1], "headteacher")
    client = app.test_client()
    login(head, as_client=client)
    record_id = write_case_study(client, partner_id=cluster.schools[0].id)
    record = db.session.get(Record, record_id)
    body = record.body
    assert [a["text"] for a in body["actions"]] == [text for text, _ in CASE_ACTIONS]
    assert body["actions"][2]["standards"] == ["CE2.A", "CE2.D"]
    assert [s["when"] for s in body["timeline"]] == ["2019-09", "2020", "2022-07", "2024-04"]
    assert (body["group_name"], body["end_group_name"]) == ("Raise attainment", "Good to great")
    assert [s["barrier"] for s in body["barrier_solutions"]] == [
        b for b in body["barriers"]] and len(body["barriers"]) == 6
    assert [(s["kind"], s["school_id"]) for s in body["support"]] == [
        ("programme", 0), ("local_authority", 0), ("partner", cluster.schools[0].id)]
    assert body["next_steps"].startswith("Share the leadership")
    assert body["risks"] == "High pupil mobility will test our capacity."
    assert body["impact"]["measures"][1] == {"measure": "Value added", "before": "98.6",
                                             "after": "101.1"}
    assert "CE5.A" in body["standards"] and "CE4.D" in body["standards"]
    assert sorted(b.barrier_slug for b in record.barriers) == sorted(body["barriers"])

    tasks = _page(client, f"/case-studies/{record_id}/steps")
    assert tasks.count("Completed") == 8 and "You have completed 8 of 8 steps" in tasks
    check = _page(client, f"/case-studies/{record_id}/check")
    assert cluster.schools[0].name in check  # the school's own people see which partner
    assert "April 2024" in check and "High pupil mobility" in check
    assert check.count(">Change<") == 8 and "Send to the headteacher" in check
    # Every new text is seen by the gate: the school's name in any of them is flagged.
    name = cluster.schools[1].name
    for where, change in [
            ("risks", {"risks": f"Pupils at {name} move often."}),
            ("next_steps", {"next_steps": f"{name} will train a second lead."}),
            ("timeline.2.what", {"timeline": [body["timeline"][0], {
                "when": "2020", "what": f"{name} joined a programme."}]}),
            ("support.1.description", {"support": [{
                "kind": "other", "description": f"Governors of {name}.", "school_id": 0}]}),
            ("barrier_solutions.1.solution", {"barrier_solutions": [{
                "barrier": body["barriers"][0], "solution": f"{name} agreed one system."}]})]:
        flagged = {f.field for f in gate.flags(record, body={**body, **change})}
        assert where in flagged, where
    assert gate.flags(record) == []

    token = re.search(r'name="csrf_token" value="([^"]+)"', check).group(1)
    sent = client.post(f"/records/{record_id}/submit", data={"csrf_token": token})
    assert sent.status_code == 302
    db.session.refresh(record)
    assert record.status == "submitted"
    records.publish(head, record.id, record.version, "cluster")
    published = record.published_body
    assert [s["school_id"] for s in published["support"]] == [0, 0, 0]
    assert published["timeline"] == body["timeline"] and len(published["actions"]) == 10

    reader = make_user(cluster.schools[0], "member")
    other = app.test_client()
    login(reader, as_client=other)
    page = _page(other, f"/records/{record_id}/published")
    order = ["Context", "Priority group", "Timeline", "Barriers to improvement",
             "What needed to change", "What was done", "Support the school received",
             "Impact", "Next steps and risks", "What we can offer"]
    places = [page.index(f'<h2 class="govuk-heading-m">{title}</h2>') for title in order]
    assert places == sorted(places)
    assert "A partner school on the platform" in page and "September 2019" in page
    assert str(escape("High pupil mobility will test our capacity.")) in page


def test_a_partner_school_never_leaves_the_school(app, login, make_cluster, make_user):
    """The partner school's id is kept for the school's own people only: not in the
    published copy, the search index, the API or any page a reader elsewhere sees."""
    home, away = make_cluster(name="Home Partnership"), make_cluster(name="Away Partnership")
    head = make_user(home.schools[1], "headteacher")
    partner = away.schools[0]
    client = app.test_client()
    login(head, as_client=client)
    record_id = write_case_study(client)
    record = db.session.get(Record, record_id)
    body = dict(record.body)
    body["support"] = [{"kind": "partner", "description": "Shared training days.",
                        "school_id": partner.id}]
    record.body = body  # a partnership's draft names a partner in another cluster like this
    db.session.commit()
    records.submit(head, record_id)
    records.publish(head, record_id, record.version, "cluster")
    assert record.body["support"][0]["school_id"] == partner.id  # the working copy keeps it
    assert record.published_body["support"][0]["school_id"] == 0

    documents = indexing.documents(f"record:{record_id}")[1]
    assert documents and all(partner.name not in d.body_text for d in documents)
    record.body = {**record.body, "support": [{**record.body["support"][0],
                                               "school_id": home.schools[0].id}]}
    record.published_body = {**record.published_body, "support": [{
        **record.published_body["support"][0], "school_id": home.schools[0].id}]}
    db.session.commit()
    assert indexing.documents(f"record:{record_id}")[1] == documents  # the id plays no part
    record.body, record.published_body = body, {**record.published_body, "support": [{
        **record.published_body["support"][0], "school_id": 0}]}
    db.session.commit()
    reader = make_user(home.schools[0], "headteacher")
    other = app.test_client()
    login(reader, as_client=other)
    token = api_token(reader)
    answer = other.get(f"/api/v1/case-studies/{record_id}",
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    shown = answer.get_json()
    assert [s["school_id"] for s in shown["body"]["support"]] == [0]
    for path in (f"/records/{record_id}/published", f"/records/{record_id}/print"):
        page = _page(other, path)
        assert partner.name not in page and "Shared training days." in page, path
    assert partner.name not in _page(other, "/case-studies")


def test_each_step_saves_only_its_part_and_a_stale_save_shows_both(app, login, make_cluster,
                                                                   make_user):
    """Two people on different steps both keep their work; two on the same step get a 409
    showing both versions, with what the second typed kept in the form."""
    cluster = make_cluster()
    author = make_user(cluster.schools[1], "leading_teacher")
    coauthor = make_user(cluster.schools[1], "member")
    first, second = app.test_client(), app.test_client()
    login(author, as_client=first)
    login(coauthor, as_client=second)
    record_id = write_case_study(first, publication={"coauthor_ids": [str(coauthor.id)]})
    base = f"/case-studies/{record_id}/steps"
    stale = version_on(_page(second, f"{base}/next-steps"))
    assert post_step(first, f"{base}/next-steps", {
        **CASE_STEPS["next-steps"], "risks": "Staff turnover."}).status_code == 302
    answer = post_step(second, f"{base}/next-steps", {
        **CASE_STEPS["next-steps"], "risks": "Falling rolls.", "version": stale})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "Someone else saved this case study" in page
    assert "Staff turnover." in page and page.count("Falling rolls.") >= 2  # table and form
    record = db.session.get(Record, record_id)
    assert record.body["risks"] == "Staff turnover."
    again = post_step(second, f"{base}/next-steps", {**CASE_STEPS["next-steps"],
                                                     "risks": "Falling rolls.",
                                                     "version": version_on(page)})
    assert again.status_code == 302
    db.session.refresh(record)
    assert record.body["risks"] == "Falling rolls." and len(record.body["actions"]) == 10
    assert record.body["timeline"][0]["when"] == "2019-09"  # other steps untouched


def test_lists_grow_one_entry_at_a_time_and_keep_nothing_empty(client, login, make_cluster,
                                                               make_user):
    """"Add another" saves and offers one empty entry, an entry left empty is dropped,
    "Remove" takes one out; actions are added and removed one at a time."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    record_id = write_case_study(client)
    base = f"/case-studies/{record_id}/steps"
    added = post_step(client, f"{base}/support", {**CASE_STEPS["support"], "add": "1"})
    assert added.status_code == 302 and "add=1" in added.headers["Location"]
    page = _page(client, added.headers["Location"])
    assert 'name="support-3-details"' in page and 'name="support-4-details"' not in page
    assert post_step(client, f"{base}/support", CASE_STEPS["support"]).status_code == 302
    record = db.session.get(Record, record_id)
    assert len(record.body["support"]) == 3  # the empty one was not kept
    assert post_step(client, f"{base}/support", {**CASE_STEPS["support"],
                                                 "remove": "0"}).status_code == 302
    db.session.refresh(record)
    assert [s["kind"] for s in record.body["support"]] == ["local_authority", "partner"]

    answer = post_step(client, f"{base}/actions", {**CASE_STEPS["actions"], "remove": "1"})
    assert answer.status_code == 302
    db.session.refresh(record)
    assert len(record.body["actions"]) == 9
    assert record.body["actions"][1]["text"] == CASE_ACTIONS[2][0]
    change = post_step(client, f"{base}/actions/2", {"text": "Changed.", "standards": []})
    assert change.status_code == 302
    db.session.refresh(record)
    assert record.body["actions"][1] == {"text": "Changed.", "standards": []}
    assert client.get(f"{base}/actions/10").status_code == 404


def test_bad_input_on_a_step_is_refused_and_kept(client, login, make_cluster, make_user):
    """A refused step shows an error summary and everything typed, and saves nothing."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "headteacher"))
    record_id = write_case_study(client)
    base = f"/case-studies/{record_id}/steps"
    cases = [
        ("groups", {"timeline-0-year": "19", "timeline-0-what": "Kept words"},
         "Enter the year of step 1"),
        ("groups", {"end_group_id": "9", "timeline-0-what": "Kept words"},
         "Choose the priority group the school ended in"),
        ("support", {"support-0-kind": "bribe", "support-0-details": "Kept words"},
         "Choose the kind of support 1"),
        ("support", {"support-2-school_id": "999999", "support-0-details": "Kept words"},
         "Choose the partner school of support 3 from the list"),
        ("impact", {"measures-0-before": "9" * 201, "impact_narrative": "Kept words"},
         "A before figure must be 200 characters or fewer"),
        ("next-steps", {"offer_standards": ["CE9.Z"], "risks": "Kept words"},
         "Choose standards from the list"),
        ("barriers", {"barriers": ["made-up"], "barrier_narrative": "Kept words"},
         "Choose barriers from the list"),
        ("context", {"title": "T" * 201, "context": "Kept words"},
         "The title must be 200 characters or fewer"),
    ]
    record = db.session.get(Record, record_id)
    before = record.version
    for step, data, message in cases:
        answer = post_step(client, f"{base}/{step}", {**CASE_STEPS.get(step, {}), **data})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "There is a problem" in page, message
        assert message in page and "Kept words" in page, message
    db.session.refresh(record)
    assert record.version == before
    assert post_step(client, f"{base}/actions/new", {"text": ""}).status_code == 200


def test_the_start_group_comes_from_the_group_history(client, login, make_cluster, make_user):
    """With a timeline, the group at the start is the one the school was in when the work
    began, not its current group; the group at the end defaults to the current one."""
    cluster = make_cluster()
    school = cluster.schools[1]
    db.session.add_all([
        GroupMembership(school_id=school.id, group_id=1, started_on=date(2017, 9, 1),
                        ended_on=date(2023, 9, 1)),
        GroupMembership(school_id=school.id, group_id=5, started_on=date(2023, 9, 1))])
    db.session.commit()
    login(make_user(school, "headteacher"))
    record_id = write_case_study(client, groups={"group_id": "", "end_group_id": "5"})
    record = db.session.get(Record, record_id)
    assert (record.body["group_id"], record.body["group_name"]) == ("1", "Raise attainment")
    body = dict(record.body, group_id="", end_group_id="")
    record.body = body
    db.session.commit()
    page = _page(client, f"/case-studies/{record_id}/steps/groups")
    assert re.search(r'name="group_id" type="radio" value="1" checked', page)
    assert re.search(r'name="end_group_id" type="radio" value="5" checked', page)


def test_the_old_edit_page_leads_to_the_steps_and_others_are_kept_out(app, login,
                                                                      make_cluster,
                                                                      make_user):
    """The edit link opens the task list; a colleague who is not an author gets 403 on every
    step and someone in another cluster 404."""
    home, away = make_cluster(name="Home Partnership"), make_cluster(name="Away Partnership")
    own, other, outside = app.test_client(), app.test_client(), app.test_client()
    login(make_user(home.schools[1], "leading_teacher"), as_client=own)
    login(make_user(home.schools[1], "senior_leader"), as_client=other)
    login(make_user(away.schools[0], "headteacher"), as_client=outside)
    record_id = write_case_study(own)
    edit = own.get(f"/case-studies/{record_id}/edit")
    assert edit.status_code == 302 and edit.headers["Location"].endswith(
        f"/case-studies/{record_id}/steps")
    for path in ("steps", "steps/context", "steps/actions/1", "steps/actions/new", "check"):
        assert other.get(f"/case-studies/{record_id}/{path}").status_code == 403, path
        assert outside.get(f"/case-studies/{record_id}/{path}").status_code == 404, path
    assert own.get(f"/case-studies/{record_id}/steps/nonsense").status_code == 404
    assert WORKED["title"] not in _page(outside, "/case-studies")


def test_a_step_of_a_case_study_under_review_says_why_it_cannot_be_changed(
        no_csrf, client, login, make_cluster, make_user):
    """Once sent to the headteacher, its author is told it is with the head for review."""
    cluster = make_cluster()
    login(make_user(cluster.schools[1], "leading_teacher"))
    record_id = write_case_study(client)
    assert client.post(f"/records/{record_id}/submit", data={}).status_code == 302
    refused = client.get(f"/case-studies/{record_id}/steps/context")
    assert refused.status_code == 403
    assert "This case study is with the headteacher for review" in refused.get_data(
        as_text=True)
