"""The records API (who gets the working copy, who the anonymised live copy, who 404) and the
demo's case studies and lesson studies (every state, every published one clear of the gate)."""

import json

import pytest
from sqlalchemy import func, select

from models import Record, RecordVersion, School, User
from network.extensions import db
from network.services import contexts, gate, records
from tests.conftest import empty_tables
from tests.factories import api_token, case_body, lesson_body, publish, revise, write

PUBLISHED_KEYS = {"id", "kind", "status", "visibility", "title", "body", "context", "tags",
                  "published_at"}
ENDPOINT = {"case_study": "/api/v1/case-studies/{}", "lesson_study": "/api/v1/lesson-studies/{}"}


def _get(client, user, record, kind=None):
    token = _token(user)
    response = client.get(ENDPOINT[kind or record.kind].format(record.id),
                          headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.get_json(silent=True)


_tokens: dict[int, str] = {}


def _token(user: User) -> str:
    """One bearer token per person per test."""
    if user.id not in _tokens:
        _tokens[user.id] = api_token(user)
    return _tokens[user.id]


@pytest.fixture(autouse=True)
def _forget_tokens():
    _tokens.clear()
    yield
    _tokens.clear()


@pytest.fixture
def world(records_world):
    """Two clusters and the people of tests/test_records_workflow.py."""
    return records_world


@pytest.fixture
def shelf(world):
    """A draft, a cluster-only and a network case study, and a network lesson study."""
    team = [world.author.id, world.coauthor.id]
    return {
        "draft": write(world, title="Still being written"),
        "cluster": publish(world, write(world, title="For the cluster"), "cluster"),
        "network": publish(world, write(world, title="For everyone"), "network"),
        "lesson": publish(world, write(world, title="Bar models", kind="lesson_study",
                                       body=lesson_body(team)), "network"),
    }


# who -> record -> "working" | "published" | 404
TRUTH = {
    "author": {"draft": "working", "cluster": "working", "network": "working",
               "lesson": "working"},
    "head": {"draft": "working", "cluster": "working", "network": "working",
             "lesson": "working"},
    "neighbour": {"draft": 404, "cluster": "published", "network": "published",
                  "lesson": "published"},
    "reader": {"draft": 404, "cluster": 404, "network": "published", "lesson": "published"},
}


def _secret_words(world) -> list[str]:
    entry = world.entry
    return [world.school.name, entry.urn, entry.town, entry.la_name, entry.postcode,
            entry.street, world.author.name, world.coauthor.name, world.head.name]


@pytest.mark.parametrize("who", sorted(TRUTH))
def test_api_truth_table(world, shelf, client, who):
    """Authors and their head: the working copy. Readers: only the live, anonymised copy."""
    user = getattr(world, who)
    for name, expected in TRUTH[who].items():
        record = shelf[name]
        status, answer = _get(client, user, record)
        if expected == 404:
            assert status == 404, (who, name)
            continue
        assert status == 200, (who, name)
        assert answer["id"] == record.id and answer["kind"] == record.kind
        if expected == "working":
            assert answer["status"] == record.status and answer["title"] == record.title
            assert answer["body"] == record.body
            assert answer["versions"] >= 1 and answer["school"]["urn"] == world.school.urn
            assert answer["visibility"] == (record.published_visibility or record.audience)
        else:
            assert set(answer) == PUBLISHED_KEYS, (who, name)
            assert answer["status"] == "published"
            assert answer["visibility"] == record.published_visibility
            assert answer["title"] == record.published_title
            assert answer["context"] == record.published_context
            assert answer["tags"] == {"barriers": record.published_body["barriers"],
                                      "standards": record.published_body["standards"]}
            text = json.dumps(answer, ensure_ascii=False)
            for secret in _secret_words(world):
                assert secret not in text, (who, name, secret)
            if record.kind == "lesson_study":
                assert "member_ids" not in answer["body"]["team"]


def test_api_wrong_kind_unknown_id_and_no_token(world, shelf, client):
    """The kind must match; unknown ids are 404; no token is 401."""
    status, _ = _get(client, world.author, shelf["network"], kind="lesson_study")
    assert status == 404
    status, _ = _get(client, world.reader, shelf["lesson"], kind="case_study")
    assert status == 404
    response = client.get("/api/v1/case-studies/999999",
                          headers={"Authorization": f"Bearer {_token(world.reader)}"})
    assert response.status_code == 404
    assert client.get(f"/api/v1/case-studies/{shelf['network'].id}").status_code == 401
    assert client.get(f"/api/v1/lesson-studies/{shelf['lesson'].id}",
                      headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_api_readers_keep_the_live_copy_during_a_revision(world, shelf, client):
    """A revision is the authors' business: readers still get what was published."""
    record = shelf["network"]
    revise(world, record, "A revision in progress", case_body(offer="Something new."))
    _, mine = _get(client, world.author, record)
    assert mine["title"] == "A revision in progress" and mine["status"] == "draft"
    assert mine["published"]["title"] == "For everyone"
    _, theirs = _get(client, world.reader, record)
    assert theirs["title"] == "For everyone" and theirs["status"] == "published"
    assert theirs["body"]["offer"] == record.published_body["offer"] != "Something new."


def test_api_names_the_school_only_when_it_chose_attribution(world, client):
    """Attributed publications carry the school's name, and nothing more about it."""
    named = publish(world, write(world, title="Signed", attributed=True))
    _, answer = _get(client, world.reader, named)
    assert answer["school"] == {"name": world.school.name}
    assert world.entry.urn not in json.dumps(answer)


def test_api_links_never_lead_a_reader_to_the_schools_name(world, client):
    """An anonymous lesson study keeps links only to case studies the reader may open that do
    not name the school, judged when it is read: a linked case study published later with the
    school's name, or withdrawn, drops out."""
    anonymous = publish(world, write(world, title="Anonymous story"))
    later_named = publish(world, write(world, title="Named later"))
    named = publish(world, write(world, title="Named story", attributed=True))
    cluster_only = publish(world, write(world, title="Cluster story"), "cluster")
    gone = publish(world, write(world, title="Withdrawn later"))
    related = [anonymous.id, later_named.id, named.id, cluster_only.id, gone.id]
    lesson = publish(world, write(world, title="Linked lesson study", kind="lesson_study",
                                  body=lesson_body(related_case_studies=related)))
    records.withdraw(world.head, gone.id)
    revise(world, later_named, "Named later", case_body(), attributed=True)
    publish(world, later_named)
    assert db.session.get(Record, later_named.id).published_attributed

    _, theirs = _get(client, world.reader, lesson)
    assert theirs["body"]["related_case_studies"] == [anonymous.id]
    _, neighbours = _get(client, world.neighbour, lesson)
    assert anonymous.id in neighbours["body"]["related_case_studies"]
    assert set(neighbours["body"]["related_case_studies"]) <= {anonymous.id, cluster_only.id}
    _, mine = _get(client, world.author, lesson)
    assert mine["body"]["related_case_studies"] == related


def test_api_withdrawn_records_are_gone_for_readers(world, shelf, client):
    """After withdrawal only the authors and their leaders can still fetch the record."""
    record = shelf["network"]
    records.withdraw(world.head, record.id)
    assert _get(client, world.reader, record)[0] == 404
    assert _get(client, world.neighbour, record)[0] == 404
    status, answer = _get(client, world.author, record)
    assert status == 200 and answer["status"] == "withdrawn" and answer["published"] is None


# --- The demo ------------------------------------------------------------------------------

def _seed(runner, schools=12, seed=5) -> dict:
    result = runner.invoke(args=["seed-demo", "--schools", str(schools), "--seed", str(seed),
                                 "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _demo_records(summary: dict) -> list[dict]:
    return [entry for cluster in summary["clusters"] for entry in cluster["records"]]


def test_demo_lists_records_in_every_state(runner):
    """Both kinds, drafts to withdrawn, cluster and network, about four a cluster (on a demo
    as big as `make run`'s: on a smaller one, too few schools are alike for the network)."""
    summary = _seed(runner, schools=40, seed=1)
    listed = _demo_records(summary)
    assert {e["kind"] for e in listed} == {"case_study", "lesson_study"}
    assert {"draft", "submitted", "published", "withdrawn"} <= {e["status"] for e in listed}
    assert {e["visibility"] for e in listed} == {"cluster", "network"}
    assert {e["visibility"] for e in listed if e["status"] == "published"} == {"cluster",
                                                                               "network"}
    for cluster in summary["clusters"]:
        kinds = [e["kind"] for e in cluster["records"]]
        assert kinds.count("case_study") >= 2 and kinds.count("lesson_study") >= 2
        assert len(kinds) <= 5
    assert db.session.scalar(select(func.count(Record.id))) == len(listed)
    for entry in listed:
        record = db.session.get(Record, entry["id"])
        assert (record.kind, record.status) == (entry["kind"], entry["status"])
        assert entry["visibility"] == (record.published_visibility or record.audience)
        cluster = next(c for c in summary["clusters"] if entry in c["records"])
        school = db.session.get(School, record.school_id)
        assert school.urn in {s["urn"] for s in cluster["schools"]}
        assert db.session.scalar(select(func.count(RecordVersion.id)).where(
            RecordVersion.record_id == record.id)) >= 2
        assert {b.barrier_slug for b in record.barriers} == set(record.body["barriers"])
        assert {s.standard_id for s in record.standards} == set(record.body["standards"])


def test_demo_publications_pass_the_gate_as_published(runner):
    """Every published (and withdrawn) demo record is set as records.publish sets it and has
    no gate findings; drafts and submissions are clear too."""
    summary = _seed(runner, schools=20, seed=8)
    for entry in _demo_records(summary):
        record = db.session.get(Record, entry["id"])
        assert gate.flags(record) == [], (record.id, gate.flags(record))
        school = db.session.get(School, record.school_id)
        if record.status in ("draft", "submitted"):
            assert record.published_body is None and not record.is_live
            continue
        assert gate.flags(record, record.published_title, record.published_body) == []
        assert record.published_title == record.title
        assert record.published_body == record.body
        assert record.published_visibility == entry["visibility"]
        assert record.published_attributed == record.attributed
        assert record.published_context == contexts.for_publication(
            record, record.published_visibility, record.published_attributed,
            body=record.published_body)
        publisher = db.session.get(User, record.published_by_id)
        assert publisher.school_id == school.id and publisher.school_role == "headteacher"
        assert record.published_at and record.submitted_at <= record.published_at
        assert record.is_live == (record.status == "published")
        if record.status == "withdrawn":
            assert record.withdrawn_at >= record.published_at


def test_demo_records_obey_the_api_rules(runner, client):
    """A reader in another demo cluster gets network publications only, anonymised."""
    summary = _seed(runner, schools=20, seed=8)
    assert len(summary["clusters"]) >= 2
    first, second = summary["clusters"][:2]
    reader = db.session.scalar(select(User).where(User.email == second["users"][-1]["email"]))
    for entry in first["records"]:
        record = db.session.get(Record, entry["id"])
        status, answer = _get(client, reader, record)
        if entry["status"] == "published" and entry["visibility"] == "network":
            assert status == 200
            school = db.session.get(School, record.school_id)
            text = json.dumps(answer, ensure_ascii=False)
            if not record.published_attributed:
                assert school.name not in text and school.urn not in text
        else:
            assert status == 404, entry


def test_seed_demo_records_are_deterministic(runner):
    """The same seed again gives the same records (speed is measured in bench/, not here)."""
    summary = _seed(runner, schools=40, seed=3)
    first = [(e["kind"], e["status"], e["visibility"], db.session.get(Record, e["id"]).title)
             for e in _demo_records(summary)]
    db.session.commit()
    empty_tables()
    again = [(e["kind"], e["status"], e["visibility"], db.session.get(Record, e["id"]).title)
             for e in _demo_records(_seed(runner, schools=40, seed=3))]
    assert again == first
