"""Jobs off the request path (network/ops/jobs.py): saved-search alerts, digests and
notifications run as jobs, retried with backoff; a failing job never touches the request that
queued it. Saved searches are checked when saved, and a person keeps at most 50."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import InboxMessage, OutboxMail, SavedSearch
from network.extensions import db
from network.ops import jobs
from network.services import inbox, records
from network.services import search as search_service
from tests.factories import csrf_token, fresh, write


def _inbox(user) -> list[str]:
    return list(db.session.scalars(select(InboxMessage.subject).where(
        InboxMessage.user_id == user.id)))


def _publish_through_the_page(app, login, world, record):
    """The head publishes from the review page, as in the browser; returns the answer."""
    records.submit(world.author, record.id)
    browser = app.test_client()
    login(world.head, as_client=browser)
    return browser.post(f"/records/{record.id}/publish", data={
        "csrf_token": csrf_token(browser, f"/records/{record.id}/review"),
        "version": fresh(record).version, "audience": "network"})


def _later() -> datetime:
    """A moment past every retry's delay, as the queue's clock reads it (naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)


def test_a_failing_alert_job_is_retried_while_the_publication_answers_at_once(
        app, login, records_world, monkeypatch):
    world = records_world
    search_service.save(world.reader, "Progress", {"q": ["progress"]})
    real = search_service.alert_new_publication
    calls = []

    def broken(record):
        calls.append(record.id)
        raise RuntimeError("the search engine is down")

    monkeypatch.setattr(search_service, "alert_new_publication", broken)
    record = write(world, "Progress meetings that work")
    answer = _publish_through_the_page(app, login, world, record)

    assert answer.status_code == 302 and answer.location.endswith(
        f"/records/{record.id}/published")
    assert fresh(record).is_live and calls == [record.id]
    retry, = jobs.queue.scheduled()
    assert retry.name.endswith("alert_new_publication") and retry.retries == jobs.RETRIES - 1
    assert retry.retry_delay == jobs.RETRY_DELAY * jobs.BACKOFF  # the next wait is longer
    assert not any("matches your search" in s for s in _inbox(world.reader))

    # Another job is not held up by the failing one: a returned record still mails its authors.
    other = write(world, "A second record")
    records.submit(world.author, other.id)
    records.return_to_authors(world.head, other.id, "Please say which year group.")
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.recipient == world.author.email)) == 1

    monkeypatch.setattr(search_service, "alert_new_publication", real)  # the engine is back
    due, = jobs.queue.read_schedule(_later())  # what the consumer does once the wait is over
    assert jobs.queue.execute(due, _later()) == 1
    db.session.commit()
    assert any("matches your search “Progress”" in s for s in _inbox(world.reader))


def test_publishing_only_queues_the_alert_when_a_consumer_runs_the_jobs(
        config, tmp_path, request):
    """Outside immediate mode the page answers without running the alert; the consumer does."""
    config["JOBS_IMMEDIATE"] = False
    config["JOBS_DATABASE"] = str(tmp_path / "jobs.db")
    app, login = request.getfixturevalue("app"), request.getfixturevalue("login")
    world = request.getfixturevalue("records_world")
    try:
        search_service.save(world.reader, "Progress", {"q": ["progress"]})
        record = write(world, "Progress meetings that work")
        assert _publish_through_the_page(app, login, world, record).status_code == 302
        assert not any("matches your search" in s for s in _inbox(world.reader))
        queued, = jobs.queue.pending()
        assert queued.name.endswith("alert_new_publication")
        jobs.queue.execute(jobs.queue.dequeue())  # what `flask jobs` does
        db.session.commit()
        assert any("matches your search" in s for s in _inbox(world.reader))
    finally:
        jobs.queue.storage.flush_all()


def test_a_saved_search_with_open_brackets_is_kept_as_words(app, login, records_world):
    """Syntax the search page reads as plain words is saved like any other search."""
    world = records_world
    browser = login(world.reader)
    token = csrf_token(browser, "/search?q=tracking")
    answer = browser.post("/search/saved", data={"q": "(", "name": "Brackets",
                                                 "csrf_token": token})
    assert answer.status_code == 302
    search_service.save(world.reader, "Quote", {"q": ['"unclosed']})
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 2
    with pytest.raises(search_service.SearchError):
        search_service.save(world.reader, "Too long", {"q": ["x" * 501]})


def test_the_51st_saved_search_is_refused(app, login, records_world):
    world = records_world
    db.session.add_all(SavedSearch(user_id=world.reader.id, name=f"Search {n}",
                                   params={"q": [f"word{n}"]}) for n in range(50))
    db.session.commit()
    browser = login(world.reader)
    token = csrf_token(browser, "/search?q=tracking")
    answer = browser.post("/search/saved", data={"q": "tracking", "name": "One more",
                                                 "csrf_token": token})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "govuk-error-summary" in page
    assert "You already have 50 saved searches" in page
    assert db.session.scalar(select(func.count(SavedSearch.id)).where(
        SavedSearch.user_id == world.reader.id)) == 50
    # Someone else still saves theirs.
    search_service.save(world.third, "Tracking", {"q": ["tracking"]})


def test_digests_are_sent_by_the_job(app, runner, records_world):
    world = records_world
    world.reader.digest = "daily"
    inbox.notify(world.reader, "Something to read", "", "inbox.index")
    db.session.commit()

    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert "1 digests sent" in result.output
    digest, = db.session.scalars(select(OutboxMail).where(
        OutboxMail.recipient == world.reader.email)).all()
    assert digest.subject.startswith("Daily digest")
    assert "http://localhost/inbox" in digest.body  # from PUBLIC_URL, never a request

    jobs.send_notifications()  # queued again the same day: nothing new is due
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.recipient == world.reader.email)) == 1
