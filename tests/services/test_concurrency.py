"""Nothing is lost: four processes save the same case study and the same self-evaluation
element at the same moment, round after round. In each round exactly one save wins, the
others are told of the conflict (the web answers 409 with both versions), and what is stored
is the winner's. Runs on the test database: a SQLite file in WAL mode, or PostgreSQL when
TEST_DATABASE_URL is set."""

import multiprocessing
import traceback
from functools import partial

from sqlalchemy import func, select, text

from models import Record, RecordVersion, SelfEvaluation, User
from network import create_app
from network.extensions import db
from network.services import evaluations, records
from network.services.errors import Conflict

WRITERS = 4
ROUNDS = 3


def _case_data(title: str, coauthor_ids=()) -> dict:
    body = {"context": f"{title}: a two-form entry primary school.", "barriers": [],
            "standards": []}
    return {"title": title, "body": body, "barriers": [], "standards": [],
            "coauthor_ids": list(coauthor_ids), "audience": "cluster", "attributed": False}


def _entries(standard_ids: list[str], text: str) -> dict:
    return {sid: {"rating": 3, "evidence": text, "sef_ref": "", "actions": []}
            for sid in standard_ids}


def _try(save) -> str:
    """"saved" or "conflict"; anything else is the failure, for the test to show."""
    try:
        save()
    except Conflict:
        db.session.rollback()
        return "conflict"
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
        db.session.rollback()
        return traceback.format_exc()
    return "saved"


def writer(config: dict, n: int, user_id: int, record_id: int, coauthor_ids: list[int],
           evaluation_id: int, code: str, standard_ids: list[str], barrier, results) -> None:
    """One process: each round read the versions, wait for the others, then save."""
    app = create_app(config)
    for round_ in range(ROUNDS):
        with app.app_context():  # read, then let go: nobody holds a lock at the barrier
            record_version = db.session.get(Record, record_id).version
            evaluation_version = db.session.get(SelfEvaluation, evaluation_id).version
        words = f"round {round_} writer {n}"
        barrier.wait()
        with app.test_request_context(method="POST"):  # as a web request saves
            actor = db.session.get(User, user_id)
            saved_record = _try(partial(records.update, actor, record_id, record_version,
                                        _case_data(words, coauthor_ids)))
            saved_evaluation = _try(partial(evaluations.save_element, actor, evaluation_id,
                                            code, evaluation_version,
                                            _entries(standard_ids, words)))
        results.put((round_, n, saved_record, saved_evaluation))
        barrier.wait()  # the round is over for everyone before anyone reads again


def test_four_processes_never_overwrite_each_other(app, config, make_cluster, make_user,
                                                   make_evaluation, tmp_path):
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
    school = make_cluster(schools=1).schools[0]
    people = [make_user(school, "headteacher")] + [make_user(school, "senior_leader")
                                                   for _ in range(WRITERS - 1)]
    coauthor_ids = [p.id for p in people[1:]]
    record = records.create(people[0], "case_study", _case_data("The first draft", coauthor_ids))
    evaluation = make_evaluation(school, ratings=2)
    element = evaluations.elements()[0]
    standard_ids = [s.id for s in element.standards]
    versions = (record.version, evaluation.version)
    db.session.commit()

    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(WRITERS, timeout=120), spawn.Queue()
    processes = [spawn.Process(target=writer, args=(
        {**config, "INSTANCE_PATH": str(tmp_path / f"w{n}"),
         "SEARCH_INDEX_DIR": str(tmp_path / f"index{n}")},
        n, person.id, record.id, coauthor_ids, evaluation.id, element.code, standard_ids,
        barrier, results))
        for n, person in enumerate(people)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in range(WRITERS * ROUNDS)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    for column in (2, 3):
        failures = [o[column] for o in outcomes if o[column] not in ("saved", "conflict")]
        assert failures == [], failures[0] if failures else ""
        for round_ in range(ROUNDS):
            won = [o for o in outcomes if o[0] == round_ and o[column] == "saved"]
            assert len(won) == 1, (round_, column, outcomes)
    last_record = next(o for o in outcomes if o[0] == ROUNDS - 1 and o[2] == "saved")
    last_evaluation = next(o for o in outcomes if o[0] == ROUNDS - 1 and o[3] == "saved")

    db.session.commit()  # end the test's own read transaction: read what the writers stored
    stored = db.session.get(Record, record.id)
    assert stored.title == f"round {ROUNDS - 1} writer {last_record[1]}"
    assert stored.version > versions[0]
    saves = sum(o[2] == "saved" for o in outcomes)
    assert db.session.scalar(select(func.count()).select_from(RecordVersion).where(
        RecordVersion.record_id == record.id)) == saves + 1
    stored_evaluation = db.session.get(SelfEvaluation, evaluation.id)
    assert stored_evaluation.version > versions[1]
    assert {stored_evaluation.ratings[sid].evidence for sid in standard_ids} == {
        f"round {ROUNDS - 1} writer {last_evaluation[1]}"}
