"""Operations from the command line: the register, the demo, users, tokens, backups."""

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Cluster, Record, RegisterSchool, User
from network.extensions import db
from tests.conftest import empty_tables
from tests.factories import api_token, without_ids

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_import_register_reads_a_current_extract_and_updates_by_urn(runner):
    """A 140-column edubasealldata extract updates existing schools and adds new ones."""
    before = db.session.get(RegisterSchool, "100000")
    assert before.name == "Sir John Cass's Foundation Primary School"
    result = runner.invoke(args=["import-register",
                                 str(FIXTURES / "gias-edubasealldata-sample.csv")])
    assert result.exit_code == 0, result.output
    assert "Added" in result.output and "updated" in result.output
    db.session.expire_all()
    renamed = db.session.get(RegisterSchool, "100000")
    assert renamed.name == "The Aldgate School" and renamed.laestab == "2013614"
    assert renamed.number_on_roll == 271 and renamed.pct_fsm_current == 18.1
    nursery = db.session.get(RegisterSchool, "100004")
    assert nursery.number_on_roll is None and nursery.status == "Closed"
    special = db.session.get(RegisterSchool, "101173")
    assert special.phase == "Special" and special.region == "London"
    overseas = db.session.get(RegisterSchool, "150516")
    assert overseas.la_name is None and overseas.region is None
    # Put the bundled register back for the tests that follow.
    from network.ops import register_import

    register_import.import_register(register_import.BUNDLED)


def test_import_register_refuses_an_unknown_format(runner, tmp_path):
    """A CSV that is not a register is refused with a clear message."""
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(args=["import-register", str(bad)])
    assert result.exit_code != 0 and "not recognised" in result.output


def test_bundled_register_accepts_na_for_missing_numbers(app):
    """The 25 schools whose roll is 'NA' load with no number rather than failing."""
    missing = db.session.scalar(select(func.count()).select_from(RegisterSchool)
                                .where(RegisterSchool.number_on_roll.is_(None)))
    assert missing >= 25
    assert db.session.scalar(select(func.count()).select_from(RegisterSchool)) >= 21190


def test_seed_demo_builds_a_deterministic_network(runner):
    """The same seed gives the same clusters; clusters are 4-15 schools of one authority."""
    result = runner.invoke(args=["seed-demo", "--schools", "30", "--seed", "7",
                                 "--password", "demo-pass-1", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    total = 0
    for cluster in summary["clusters"]:
        assert 4 <= len(cluster["schools"]) <= 15
        authorities = {db.session.get(RegisterSchool, s["urn"]).la_name
                       for s in cluster["schools"]}
        assert len(authorities) == 1
        roles = {u["role"] for u in cluster["users"]}
        assert {"headteacher", "senior_leader", "leading_teacher", "member",
                "coordinator", "lle"} <= roles
        for person in cluster["users"]:
            user = db.session.scalar(select(User).where(User.email == person["email"]))
            assert user.school.urn == person["school_urn"] and user.role == person["role"]
        total += len(cluster["schools"])
    assert total >= 30
    again = runner.invoke(args=["seed-demo", "--schools", "30", "--seed", "7", "--json"])
    assert again.exit_code != 0 and "already has clusters" in again.output
    db.session.commit()
    empty_tables()
    rerun = runner.invoke(args=["seed-demo", "--schools", "30", "--seed", "7",
                                "--password", "demo-pass-1", "--json"])
    assert without_ids(json.loads(rerun.output)) == without_ids(summary)


def test_seed_demo_people_can_sign_in(app, runner, client):
    """The printed sign-in details work."""
    result = runner.invoke(args=["seed-demo", "--schools", "8", "--password", "demo-pass-1"])
    assert result.exit_code == 0 and "Sign in at /login" in result.output
    email = result.output.split("coordinator")[1].split()[0]
    from tests.factories import csrf_token

    response = client.post("/login", data={"email": email, "password": "demo-pass-1",
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    # The person printed as having a case study half written opens its steps.
    writer = result.output.split("case study draft")[1].split()[0]
    other = app.test_client()
    assert other.post("/login", data={"email": writer, "password": "demo-pass-1",
                                      "csrf_token": csrf_token(other, "/login")}
                      ).status_code == 302
    draft = db.session.scalar(select(Record).join(User, User.id == Record.author_id).where(
        User.email == writer, Record.status == "draft", Record.kind == "case_study"))
    assert "Write your case study" in other.get(
        f"/case-studies/{draft.id}/steps").get_data(as_text=True)


def test_create_user_and_token_give_api_access(runner, client):
    """An operator creates an account and a token; the API then knows who is calling."""
    result = runner.invoke(args=["create-user", "--email", "ops@example.org", "--name", "Ops",
                                 "--password", "a long password", "--site-admin"])
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["create-token", "ops@example.org"]).output.split()[-1]
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json["user"]["email"] == "ops@example.org"
    assert answer.json["designations"] == ["site_admin"] and answer.json["school"] is None
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/me").json == {"error": "Sign in to continue"}


def test_api_me_names_school_cluster_and_role(two_clusters, client):
    """A member's token tells them their school, cluster and role."""

    person = two_clusters.A.people["coordinator"]
    token = api_token(person)
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert answer["role"] == "coordinator" and answer["school_role"] == "headteacher"
    assert answer["cluster"]["name"] == two_clusters.A.cluster.name
    assert answer["school"]["urn"] == person.school.urn


def test_create_token_for_unknown_email_fails(runner):
    """No token is made for an account that does not exist."""
    result = runner.invoke(args=["create-token", "ghost@example.org"])
    assert result.exit_code != 0 and "No account" in result.output


def test_backup_makes_a_consistent_copy(app, runner, tmp_path, make_cluster):
    """Backup writes a complete copy: on SQLite a database file that opens on its own, on
    PostgreSQL a pg_dump archive (tests/test_backup_restore.py restores both)."""
    make_cluster(name="Backed Up Partnership")
    dest = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name != "sqlite":
        assert dest.read_bytes()[:5] == b"PGDMP"
        assert runner.invoke(args=["backup", str(dest)]).exit_code != 0  # never overwrites
        return
    with sqlite3.connect(dest) as copy:
        assert copy.execute("select name from clusters").fetchall() == [("Backed Up Partnership",)]
    assert runner.invoke(args=["backup", str(dest)]).exit_code != 0  # never overwrites


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "", "Bearer " + "x" * 5000])
def test_api_refuses_bad_authorisation_headers(client, header):
    """Anything but a valid bearer token is a JSON 401."""
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and "error" in response.json


def test_seed_demo_if_empty_leaves_an_existing_network_alone(runner):
    """`make run` seeds the demo only once: a second run says the demo is there and adds
    nothing."""
    first = runner.invoke(args=["seed-demo", "--if-empty", "--schools", "8", "--seed", "2"])
    assert first.exit_code == 0, first.output
    clusters = db.session.scalar(select(func.count()).select_from(Cluster))
    again = runner.invoke(args=["seed-demo", "--if-empty", "--schools", "8", "--seed", "2"])
    assert again.exit_code == 0 and "already present" in again.output
    assert db.session.scalar(select(func.count()).select_from(Cluster)) == clusters > 0
