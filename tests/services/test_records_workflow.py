"""The workflow case studies and lesson studies share, through the services and the routes:
nothing leaves the school until the anonymisation gate is clear and its headteacher publishes;
readers elsewhere see only the live, anonymised copy; contact reveals the school only by consent.
"""

import copy
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from models import (
    AnonymityOverride,
    AuditEvent,
    ContactRequest,
    InboxMessage,
    RecordVersion,
)
from network.extensions import db
from network.services import gate, records
from network.services.errors import Conflict, Invalid
from tests.factories import (
    case_body,
    csrf_token,
    fresh,
    lesson_body,
    publish,
    revise,
    write,
)


@pytest.fixture
def world(records_world):
    """The people the tests walk through (see build_world), on a platform with enough other
    schools for anonymous records to hide among."""
    return records_world


@pytest.fixture
def signed_in(app, login):
    """signed_in(user): a browser of its own, signed in as `user`."""

    def open_as(user):
        return login(user, as_client=app.test_client())

    return open_as


def post(browser, path: str, **form):
    """A form POST with the browser's CSRF token (any signed-in page carries one)."""
    return browser.post(path, data={"csrf_token": csrf_token(browser, "/inbox"), **form})


def identity(world) -> list[str]:
    """What would identify the authors' school on a page meant for readers elsewhere."""
    entry = world.entry
    return [world.school.name, entry.urn, entry.town, entry.la_name, entry.postcode,
            entry.street, world.author.name, world.head.name, world.coauthor.name]


def assert_anonymous(page: str, world) -> None:
    for text in identity(world):
        assert text not in page, f"{text!r} shown to a reader elsewhere"


def identifying_context(world) -> str:
    return f"We are {world.school.name}, at {world.entry.postcode}."


# --- (a), (b): the gate cannot be bypassed --------------------------------------------------

def test_crafted_publish_with_findings_unresolved_is_refused(world, signed_in):
    """The headteacher's own POST is refused with 400 while the gate finds anything."""
    record = write(world, body=case_body(context=identifying_context(world)))
    records.submit(world.author, record.id)
    kinds = {f.kind for f in gate.flags(record)}
    assert {"known", "postcode"} <= kinds
    head = signed_in(world.head)
    response = post(head, f"/records/{record.id}/publish", version=str(record.version),
                    audience="network")
    assert response.status_code == 400
    assert "could still identify the school" in response.get_data(as_text=True)
    record = fresh(record)
    assert not record.is_live and record.published_body is None
    assert record.status == "submitted"
    with pytest.raises(records.GateClosed) as refused:
        records.publish(world.head, record.id, record.version, "network")
    assert len(refused.value.flags) >= 2
    assert not fresh(record).is_live
    # A reader elsewhere still cannot find it.
    assert signed_in(world.reader).get(f"/records/{record.id}/published").status_code == 404


def test_title_is_checked_by_the_gate_too(world):
    """An identifier in the title alone blocks publishing."""
    record = write(world, title=f"How {world.school.name} tracked progress")
    records.submit(world.author, record.id)
    assert [f.field for f in gate.flags(record)] == ["title"]
    with pytest.raises(records.GateClosed):
        records.publish(world.head, record.id, record.version, "cluster")


@pytest.mark.parametrize("who, refused", [("coauthor", (403,)), ("author", (403,)),
                                          ("neighbour_head", (404,)), ("reader_head", (404,))])
def test_only_the_schools_headteacher_can_publish(world, signed_in, who, refused):
    """A co-author (leading teacher), the author, another school's head: never published."""
    record = write(world)
    records.submit(world.author, record.id)
    assert not gate.flags(record)
    response = post(signed_in(getattr(world, who)), f"/records/{record.id}/publish",
                    version=str(record.version), audience="network")
    assert response.status_code in refused
    record = fresh(record)
    assert not record.is_live and record.status == "submitted"


def test_a_draft_cannot_be_published_without_being_submitted(world, signed_in):
    """Publishing needs a submitted record, even for the headteacher."""
    record = write(world)
    response = post(signed_in(world.head), f"/records/{record.id}/publish",
                    version=str(record.version), audience="network")
    assert response.status_code == 403
    assert not fresh(record).is_live


# --- (c): a revision does not reach the live copy -------------------------------------------

def test_a_revision_with_an_identifier_leaves_the_live_copy_alone(world, signed_in):
    """The live copy stays as published; re-publishing is blocked until the revision is clear."""
    record = publish(world, write(world))
    live_title, live_body = record.published_title, copy.deepcopy(record.published_body)
    revised = case_body(context=identifying_context(world))
    revise(world, record, "Progress meetings at our school", revised)
    record = fresh(record)
    assert record.status == "draft" and record.is_live
    assert record.published_body == live_body and record.published_title == live_title
    assert record.body == revised

    reader = signed_in(world.reader)
    page = reader.get(f"/records/{record.id}/published").get_data(as_text=True)
    assert live_title in page and "Progress meetings at our school" not in page
    assert_anonymous(page, world)
    printed = reader.get(f"/records/{record.id}/print")
    assert printed.status_code == 200
    assert_anonymous(printed.get_data(as_text=True), world)

    records.submit(world.author, record.id)
    response = post(signed_in(world.head), f"/records/{record.id}/publish",
                    version=str(fresh(record).version), audience="network")
    assert response.status_code == 400
    record = fresh(record)
    assert record.published_body == live_body and record.status == "submitted"
    with pytest.raises(records.GateClosed):
        records.publish(world.head, record.id, record.version, "network")

    # Returned, fixed and resubmitted, the revision goes live.
    records.return_to_authors(world.head, record.id, "Please take out the name and postcode.")
    revise(world, record, "Progress meetings, revised", case_body(context="A primary school."))
    publish(world, fresh(record))
    record = fresh(record)
    assert record.published_title == "Progress meetings, revised"
    assert record.published_body["context"] == "A primary school."


# --- (d): marking a passage as not identifying ----------------------------------------------

def test_marking_not_identifying_needs_a_reason_and_is_audited(world, signed_in):
    """No reason, no override; with one, an override and an audit event, then publish works."""
    body = case_body(barrier_narrative="Younger pupils loved the Mr Men books in the library.")
    record = write(world, body=body)
    records.submit(world.author, record.id)
    [flag] = gate.flags(record)
    assert (flag.kind, flag.text) == ("honorific_name", "Mr Men")
    head = signed_in(world.head)

    response = post(head, f"/records/{record.id}/override", kind=flag.kind, text=flag.text,
                    reason="")
    assert response.status_code == 400
    with pytest.raises(Invalid) as short:
        records.mark_not_identifying(world.head, record.id, flag.kind, flag.text, "ok")
    assert short.value.field == "reason"
    assert not db.session.scalar(select(func.count(AnonymityOverride.id)))
    with pytest.raises(records.GateClosed):
        records.publish(world.head, record.id, record.version, "network")

    # Someone other than the headteacher cannot override at all.
    response = post(signed_in(world.author), f"/records/{record.id}/override", kind=flag.kind,
                    text=flag.text, reason="A series of children's books, not a person.")
    assert response.status_code == 403

    reason = "A series of children's books, not a person."
    response = post(head, f"/records/{record.id}/override", kind=flag.kind, text=flag.text,
                    reason=reason)
    assert response.status_code == 302
    override = db.session.scalar(select(AnonymityOverride))
    assert (override.record_id, override.kind, override.text, override.reason,
            override.decided_by_id) == (record.id, flag.kind, flag.text, reason, world.head.id)
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "anonymisation override"))
    assert event.target == f"record:{record.id}" and event.actor_id == world.head.id
    assert reason in event.detail
    assert gate.flags(fresh(record)) == []

    response = post(head, f"/records/{record.id}/publish", version=str(fresh(record).version),
                    audience="network")
    assert response.status_code == 302
    record = fresh(record)
    assert record.is_live and record.published_visibility == "network"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "record published"))


def test_an_override_covers_only_the_passage_it_names(world):
    """Marking one passage leaves another finding in the way."""
    body = case_body(barrier_narrative="Pupils loved the Mr Men books.",
                     offer=f"Write to us at {world.entry.postcode}.")
    record = write(world, body=body)
    records.submit(world.author, record.id)
    records.mark_not_identifying(world.head, record.id, "honorific_name", "Mr Men",
                                 "A series of children's books.")
    assert [f.kind for f in gate.flags(fresh(record))] == ["postcode"]
    with pytest.raises(Invalid):
        records.mark_not_identifying(world.head, record.id, "honorific_name", "Mr Men",
                                     "Already resolved, so no longer flagged.")
    with pytest.raises(records.GateClosed):
        records.publish(world.head, record.id, fresh(record).version, "network")


# --- (e): who can read what ------------------------------------------------------------------

READER_PATHS = ("/records/{}", "/records/{}/published", "/records/{}/print",
                "/records/{}/versions")


@pytest.fixture
def shelf(world):
    """One record in each state, all by the authors' school."""
    draft = write(world, title="A draft about tracking")
    submitted = write(world, title="A submitted story")
    records.submit(world.author, submitted.id)
    cluster_only = publish(world, write(world, title="For the cluster only"), "cluster")
    network = publish(world, write(world, title="For the whole network"), "network")
    named = publish(world, write(world, title="Signed by the school", attributed=True),
                    "network")
    lesson = publish(world, write(world, title="Bar models", kind="lesson_study",
                                  body=lesson_body([world.author.id, world.coauthor.id])))
    return SimpleNamespace(draft=draft, submitted=submitted, cluster_only=cluster_only,
                           network=network, named=named, lesson=lesson)


def test_unpublished_and_cluster_only_records_are_not_found_elsewhere(world, shelf, signed_in):
    """Drafts, submitted and cluster-only records are 404 on every page outside the cluster."""
    reader = signed_in(world.reader)
    for record in (shelf.draft, shelf.submitted, shelf.cluster_only):
        for path in READER_PATHS:
            assert reader.get(path.format(record.id)).status_code == 404, (record.title, path)
    neighbour = signed_in(world.neighbour)
    for record in (shelf.draft, shelf.submitted):
        for path in READER_PATHS:
            assert neighbour.get(path.format(record.id)).status_code == 404, (record.title, path)
    page = neighbour.get(f"/records/{shelf.cluster_only.id}/published")
    assert page.status_code == 200
    assert_anonymous(page.get_data(as_text=True), world)


def test_network_records_are_read_elsewhere_without_the_schools_identity(world, shelf,
                                                                         signed_in):
    """Another cluster reads the live copy, never the school's name, URN, town or LA."""
    reader = signed_in(world.reader)
    for record in (shelf.network, shelf.lesson):
        response = reader.get(f"/records/{record.id}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/records/{record.id}/published")
        for path in ("/records/{}/published", "/records/{}/print"):
            response = reader.get(path.format(record.id))
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            assert record.published_title in page
            assert_anonymous(page, world)
        assert reader.get(f"/records/{record.id}/versions").status_code in (403, 404)
    page = reader.get(f"/records/{shelf.named.id}/published").get_data(as_text=True)
    assert world.school.name in page
    listed = records.list_for(world.reader, "case_study")
    assert {r.id for r in listed["published"]} == {shelf.network.id, shelf.named.id}
    assert listed["own"] == []


def test_authors_and_their_leaders_see_the_working_copy(world, shelf, signed_in):
    """The authors and their headteacher open every state; list_for shows them their own."""
    for person in (world.author, world.coauthor, world.head):
        browser = signed_in(person)
        for record in (shelf.draft, shelf.submitted, shelf.cluster_only):
            assert browser.get(f"/records/{record.id}").status_code == 200
            assert browser.get(f"/records/{record.id}/versions").status_code == 200
    own = records.list_for(world.author, "case_study")["own"]
    assert {r.id for r in own} >= {shelf.draft.id, shelf.submitted.id, shelf.cluster_only.id}


# --- (f): withdrawing ---------------------------------------------------------------------

def test_withdraw_removes_the_record_from_readers_and_lists(world, shelf, signed_in):
    """After withdrawal readers get 404 and list_for no longer offers it."""
    record = shelf.network
    reader = signed_in(world.reader)
    assert reader.get(f"/records/{record.id}/published").status_code == 200
    assert record.id in {r.id for r in records.list_for(world.reader, "case_study")["published"]}
    assert post(signed_in(world.author), f"/records/{record.id}/withdraw").status_code == 403
    assert fresh(record).is_live  # only the headteacher withdraws
    response = post(signed_in(world.head), f"/records/{record.id}/withdraw")
    assert response.status_code == 302
    record = fresh(record)
    assert record.status == "withdrawn" and not record.is_live
    for path in READER_PATHS:
        assert reader.get(path.format(record.id)).status_code == 404, path
    assert signed_in(world.neighbour).get(f"/records/{record.id}/published").status_code == 404
    for person in (world.reader, world.neighbour):
        assert record.id not in {r.id for r in records.list_for(person, "case_study")["published"]}
    assert signed_in(world.author).get(f"/records/{record.id}").status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "record withdrawn"))


# --- (g): versions --------------------------------------------------------------------------

def _versions(record) -> list[RecordVersion]:
    return list(db.session.scalars(select(RecordVersion).where(
        RecordVersion.record_id == record.id).order_by(RecordVersion.number)))


def test_every_saved_version_is_kept_and_can_be_opened(world, signed_in):
    """Each save adds a version; an old one still shows its old text."""
    record = write(world, title="The first title")
    assert len(_versions(record)) == 1
    revise(world, record, "The second title", case_body(offer="A changed offer."))
    revise(world, record, "The third title", case_body(offer="Another offer."),
           actor=world.coauthor)
    kept = _versions(record)
    assert [v.title for v in kept] == ["The first title", "The second title", "The third title"]
    assert len({v.number for v in kept}) == 3
    assert kept[2].saved_by_id == world.coauthor.id

    author = signed_in(world.author)
    listing = author.get(f"/records/{record.id}/versions").get_data(as_text=True)
    assert "3 saved versions" in listing
    old = author.get(f"/records/{record.id}/versions/{kept[0].number}")
    assert old.status_code == 200 and "The first title" in old.get_data(as_text=True)
    assert "The third title" not in old.get_data(as_text=True)
    assert author.get(f"/records/{record.id}/versions/9999").status_code == 404
    reader = signed_in(world.reader)
    assert reader.get(f"/records/{record.id}/versions/{kept[0].number}").status_code == 404

    # Publishing and revising keep adding versions; the published ones stay readable.
    publish(world, fresh(record))
    revise(world, record, "The fourth title", case_body())
    assert len(_versions(record)) == 4


def test_a_stale_edit_is_a_conflict_not_a_lost_version(world):
    """Saving over someone else's newer save is refused."""
    record = write(world)
    stale = record.version
    revise(world, record, "Newer", case_body(), actor=world.coauthor, version=stale)
    with pytest.raises(Conflict):
        revise(world, record, "Older", case_body(), version=stale)
    assert fresh(record).title == "Newer" and len(_versions(record)) == 2


# --- (h): contact without exposure ----------------------------------------------------------

def _inbox(browser) -> str:
    return browser.get("/inbox").get_data(as_text=True)


def _latest_message(user) -> InboxMessage:
    return db.session.scalar(select(InboxMessage).where(InboxMessage.user_id == user.id)
                             .order_by(InboxMessage.id.desc()))


def test_contact_without_exposure(world, shelf, signed_in):
    """Declined: the reader learns nothing. Replied: the reader learns the school."""
    record = shelf.network
    reader, head = signed_in(world.reader), signed_in(world.head)
    assert reader.get(f"/records/{record.id}/contact").status_code == 200
    response = post(reader, f"/records/{record.id}/contact", message="How do you run the "
                    "progress meetings?")
    assert response.status_code == 302
    first = db.session.scalar(select(ContactRequest))
    assert first.requester_id == world.reader.id and first.status == "pending"
    assert f"would like to talk about “{record.published_title}”" in _inbox(head)
    page = head.get(f"/contact-requests/{first.id}").get_data(as_text=True)
    assert world.reader.name in page and "How do you run the progress meetings?" in page

    # A third person, in either cluster, cannot open the request.
    for person in (world.third, world.neighbour, world.coauthor, world.reader_head):
        assert signed_in(person).get(f"/contact-requests/{first.id}").status_code == 404

    response = post(head, f"/contact-requests/{first.id}", decision="decline", message="")
    assert response.status_code == 302
    assert db.session.get(ContactRequest, first.id).status == "declined"
    declined = _latest_message(world.reader)
    assert "cannot talk just now" in declined.subject and "declined" in declined.body
    pages = [_inbox(reader), reader.get(f"/inbox/{declined.id}").get_data(as_text=True),
             reader.get(f"/contact-requests/{first.id}").get_data(as_text=True)]
    assert "declined" in pages[1].lower()
    for page in pages:
        assert_anonymous(page, world)
    # A decided request cannot be decided again.
    assert post(head, f"/contact-requests/{first.id}", decision="reply",
                message="Changed our minds").status_code == 403
    assert db.session.get(ContactRequest, first.id).status == "declined"

    # The authors' own school cannot ask itself.
    assert signed_in(world.author).get(f"/records/{record.id}/contact").status_code == 403

    post(reader, f"/records/{record.id}/contact", message="Could we visit next term?")
    second = db.session.scalar(select(ContactRequest).where(ContactRequest.id != first.id))
    response = post(head, f"/contact-requests/{second.id}", decision="reply",
                    message="Yes, do come.")
    assert response.status_code == 302
    replied = _latest_message(world.reader)
    assert world.school.name in replied.body and "Yes, do come." in replied.body
    assert world.school.name in reader.get(f"/inbox/{replied.id}").get_data(as_text=True)
    assert signed_in(world.third).get(f"/contact-requests/{second.id}").status_code == 404


def test_contact_is_only_for_records_a_reader_can_see(world, shelf, signed_in):
    """No contact form for a draft or a cluster-only record from another cluster."""
    reader = signed_in(world.reader)
    for record in (shelf.draft, shelf.cluster_only):
        assert reader.get(f"/records/{record.id}/contact").status_code == 404
        assert post(reader, f"/records/{record.id}/contact",
                    message="Hello").status_code == 404
    assert not db.session.scalar(select(func.count(ContactRequest.id)))


def test_the_schools_own_name_cannot_be_waved_through(world):
    """An anonymous record can never go out with its school's name, reason or not."""
    body = case_body(barrier_narrative=f"Staff at {world.school.name} met every half-term.")
    record = write(world, body=body)
    records.submit(world.author, record.id)
    flag = next(f for f in gate.flags(record) if f.text == world.school.name)
    with pytest.raises(Invalid, match="always identifies"):
        records.mark_not_identifying(world.head, record.id, flag.kind, flag.text,
                                     "Lots of schools share this name")
    with pytest.raises(records.GateClosed):
        records.publish(world.head, record.id, fresh(record).version, "network")
