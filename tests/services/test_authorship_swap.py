"""Property: every list, count, ordering, facet, error message and API answer shown to someone
outside a school is the same whichever school of the crowd wrote an anonymous record.

Two worlds are built, each on its own copy of the migrated test database (so every id is
handed out alike), with its own search index and a process that has forgotten the other
world's caches. They are identical, row for row and in the same order, but for one thing: in
world "A" the headteacher of school A writes, submits and publishes an anonymous case study
and an anonymous lesson study to the whole network (through the services, as the routes do);
in world "B" the headteacher of school B writes and publishes the very same records at the
same moment of the build. A and B come from the national register with the same context bands
(phase, size, free school meals, region), in different local authorities, with the same
priority group, barriers and offers; fifteen more schools with those bands, in three more
clusters, make up the crowd on the platform. School A also publishes a named case study and a
named lesson study (which asks to link to the anonymous case study) and a cluster-only one;
the reader's school publishes its own, faces the barriers the anonymous case study is tagged
with, asks for support, keeps a search for a word in the anonymous records and asks to talk to
their authors (declined once by the author school's head, once pending).

Then people outside both schools (the headteacher, a senior leader, a leading teacher and a
member of a third cluster's school, that cluster's coordinator and its Local Leader of
Education, the coordinators of A's and of B's own clusters, and someone with no school yet)
walk every GET route of the application with every id the world holds (every record, contact
request, inbox message, evaluation and support request, the schools of the three clusters and
one of the crowd, an id beyond each), the search page and API with words and facets, the
partner pages and API, post the record forms with something missing (the error they answer
with), and get their email digest. Every answer (status, redirect, type, body) must be the same
in both worlds once what cannot be the same between two builds (CSRF tokens, one-time form
keys, CSP nonces, timestamps, the times of day, the dates of the days the test ran, the scores
of a search by date) is normalised. On failure the test prints every answer that differs and a
unified diff of each distinct difference.
"""

import difflib
import functools
import itertools
import json
import re
import sqlite3
import sys
from collections import defaultdict
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from flask import url_for
from sqlalchemy import select

from models import (
    Cluster,
    ContactRequest,
    InboxMessage,
    OfferOptIn,
    Rating,
    Record,
    RegisterSchool,
    School,
    SelfEvaluation,
    SupportRequest,
    User,
)
from network import create_app, indexing
from network.domain import terms
from network.domain.anonymity import context_bands
from network.extensions import db
from network.services import accounts, digests, profiles, records, search, support
from network.services.evaluations import all_standard_ids
from tests.conftest import _TEMPLATES, IsolatedClient, _config
from tests.factories import PASSWORD, api_token, case_body, csrf_token, data, lesson_body


def _address(endpoint: str) -> str:
    """A page's full address, as the email digest links to it."""
    return url_for(endpoint, _external=True)


WORD = "zqswapmarkerx"  # in the anonymous records' text only: what the searches look for
FACING = ["tracking-inconsistent", "low-maths"]  # the reader's school's barriers
SKIPPED_ENDPOINTS = {"static"}
CROWD_CLUSTER = 5  # schools in each of three more clusters with the same bands as A and B
# People outside both author schools whose every answer is compared.
READERS = ("head", "senior", "teacher", "member", "coordinator", "lle", "x_coordinator",
           "y_coordinator", "no_school")


# --- Two databases, alike to the row ------------------------------------------------------

def _sqlite_path(url: str) -> str:
    return url[len("sqlite:///"):]


def _copy_database(source_url: str, target) -> str:
    """A byte-for-byte copy of the migrated test database (register loaded, no rows)."""
    source = sqlite3.connect(_sqlite_path(source_url))
    copy = sqlite3.connect(str(target))
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


def _app(url: str, instance):
    config = _config(url, instance)
    config["RATELIMIT_ENABLED"] = False
    app = create_app(config)
    app.jinja_env.bytecode_cache = _TEMPLATES
    app.test_client_class = IsolatedClient
    return app


# --- The world ------------------------------------------------------------------------------

def _alike(count: int) -> list[RegisterSchool]:
    """`count` open primaries whose context bands are all the same (the first by URN of the
    first bands that many share), the first two in different local authorities: A and B."""
    by_bands = defaultdict(list)
    for entry in db.session.scalars(select(RegisterSchool).where(
            RegisterSchool.status.like("Open%"), RegisterSchool.phase == "Primary")
            .order_by(RegisterSchool.urn)):
        bands = context_bands(entry)
        if "Not known" in bands.values():
            continue
        found = by_bands[tuple(sorted(bands.items()))]
        found.append(entry)
        if len(found) >= count:
            first = found[0]
            second = next((e for e in found if e.la_name != first.la_name), None)
            if second is not None:
                return [first, second, *(e for e in found if e not in (first, second))]
    raise AssertionError(f"no {count} register schools share their context bands")


def _cluster(name: str, entries) -> Cluster:
    cluster = Cluster(name=name, region="", description=f"{name} schools")
    db.session.add(cluster)
    for entry in entries:
        db.session.add(School(urn=entry.urn, name=entry.name, cluster=cluster))
    db.session.commit()
    return cluster


def _person(school, role, name, coordinator=False, lle=False) -> User:
    user = User(name=name, email=f"{name.lower().replace(' ', '.')}@example.org",
                password_hash=accounts.hash_password(PASSWORD),
                school_id=school.id if school else None,
                school_role=role if school else None, is_coordinator=coordinator, is_lle=lle)
    db.session.add(user)
    db.session.commit()
    return user


def _evaluation(school, ratings: dict, default: int) -> None:
    year, term = terms.current_term()
    evaluation = SelfEvaluation(school_id=school.id, year=year, term=term, status="final")
    for sid in all_standard_ids():
        evaluation.ratings[sid] = Rating(standard_id=sid, rating=ratings.get(sid, default))
    db.session.add(evaluation)
    db.session.commit()


def _profile(head: User, school: School, facing=(), overcome=(), visibility="network") -> None:
    profiles.update(head, school.id, {
        "version": profiles.profile_of(school).version, "group_id": "3",
        "barriers": list(facing), "overcome": list(overcome), "barrier_notes": "",
        "open_to_partnering": "yes", "capacity": 2, "visibility": visibility},
        today=date(2024, 9, 2))


def _publish(writer: User, head: User, kind: str, title: str, body: dict,
             audience="network", attributed=False) -> Record:
    """Write, submit and publish through the services, as the routes do (the gate must be
    clear: the texts name nobody)."""
    record = records.create(writer, kind, data(title, body, audience=audience,
                                               attributed=attributed))
    records.submit(writer, record.id)
    record = records.publish(head, record.id, record.version, audience)
    search.alert_new_publication(record)
    return record


def build(app, author: str) -> SimpleNamespace:
    """The world, with the anonymous records written by school `author` ("A" or "B")."""
    a_entry, b_entry, x2, y2, r1, r2, *crowd = _alike(6 + 3 * CROWD_CLUSTER)
    x = _cluster("Xylem Learning Partnership", [a_entry, x2])
    y = _cluster("Yarrow Learning Partnership", [b_entry, y2])
    r = _cluster("Rowan Learning Partnership", [r1, r2])
    crowd_schools = []
    for n, name in enumerate(("Aspen", "Birch", "Cedar")):  # the rest of the crowd
        crowd_schools += _cluster(f"{name} Learning Partnership",
                                  crowd[n * CROWD_CLUSTER:(n + 1) * CROWD_CLUSTER]).schools
    school = {s.urn: s for s in db.session.scalars(select(School))}
    a, b, x_other, y_other = (school[e.urn] for e in (a_entry, b_entry, x2, y2))
    reader_school, reader_other = school[r1.urn], school[r2.urn]

    p = SimpleNamespace(
        a_head=_person(a, "headteacher", "Alma Head"),
        a_teacher=_person(a, "leading_teacher", "Alma Teacher"),
        x_coordinator=_person(x_other, "headteacher", "Xavier Coord", coordinator=True),
        b_head=_person(b, "headteacher", "Bryn Head"),
        b_teacher=_person(b, "leading_teacher", "Bryn Teacher"),
        y_coordinator=_person(y_other, "headteacher", "Yusuf Coord", coordinator=True),
        head=_person(reader_school, "headteacher", "Rhian Head"),
        senior=_person(reader_school, "senior_leader", "Rhian Senior"),
        teacher=_person(reader_school, "leading_teacher", "Rhian Teacher"),
        member=_person(reader_school, "member", "Rhian Member"),
        coordinator=_person(reader_other, "headteacher", "Rory Coord", coordinator=True),
        lle=_person(reader_other, "senior_leader", "Rory Lle", lle=True),
        no_school=_person(None, None, "Nadia Newcomer"),
    )

    # One crowd: A and B in the same group, having overcome the same barrier, offering the same
    # standard; the reader's school faces the barriers the anonymous records are tagged with.
    for head, sch in ((p.a_head, a), (p.x_coordinator, x_other), (p.b_head, b),
                      (p.y_coordinator, y_other)):
        _profile(head, sch, overcome=["tracking-inconsistent"])
        _evaluation(sch, {"CE2.A": 1, "CE5.B": 1}, 2)
        db.session.add_all([OfferOptIn(school_id=sch.id, standard_id="CE2.A"),
                            OfferOptIn(school_id=sch.id, standard_id="CE5.B")])
        db.session.commit()
    _profile(p.head, reader_school, facing=FACING)
    _profile(p.coordinator, reader_other, facing=["attendance"], visibility="cluster")
    _evaluation(reader_school, {"CE2.A": 4, "CE5.B": 3}, 2)
    _evaluation(reader_other, {}, 2)

    # The reader's school asks for support, once of its LLE and once of its coordinators, and
    # its member keeps a search for the marker word.
    support.ask(p.head, reader_school.id, str(p.lle.id), ["CE2.A"], FACING, "Help, please.")
    support.ask(p.head, reader_school.id, support.COORDINATORS, ["CE5.B"], [], "And this.")
    search.save(p.member, "Marker", {"q": [WORD]})

    writer = {"A": p.a_head, "B": p.b_head}[author]
    rec = SimpleNamespace()
    rec.own = _publish(p.teacher, p.head, "case_study", "Reading for pleasure in every class",
                       case_body(barriers=["low-maths"]))
    rec.cluster_only = _publish(p.a_teacher, p.a_head, "case_study", "For our cluster only",
                                case_body(), audience="cluster")
    rec.anonymous = _publish(
        writer, writer, "case_study", f"Progress meetings that work {WORD}",
        case_body(barrier_narrative=f"Each class tracked progress its own way {WORD}."))
    rec.lesson = _publish(
        writer, writer, "lesson_study", f"Bar models for fractions {WORD}",
        lesson_body([writer.id], related_case_studies=[rec.anonymous.id, rec.cluster_only.id],
                    focus=f"Reasoning about fractions {WORD}"))
    rec.attributed = _publish(p.a_teacher, p.a_head, "case_study", "Signed tracking story",
                              case_body(), attributed=True)
    rec.attributed_lesson = _publish(
        p.a_teacher, p.a_head, "lesson_study", "Signed lesson study on fractions",
        lesson_body([p.a_teacher.id], related_case_studies=[
            rec.anonymous.id, rec.attributed.id, rec.cluster_only.id]), attributed=True)

    # Contact without exposure: one request declined by the author school's head, one pending.
    declined = records.request_contact(p.member, rec.anonymous.id, "How do the meetings run?")
    records.decide_contact(writer, declined.id, False, "")
    records.request_contact(p.head, rec.lesson.id, "Could we visit?")
    tokens = {name: api_token(getattr(p, name)) for name in READERS}
    return SimpleNamespace(author=author, a=a, b=b, x=x, y=y, r=r, crowd=crowd_schools,
                           reader_school=reader_school, people=p, records=rec, tokens=tokens)


# --- What the readers are shown -------------------------------------------------------------

def _ids(model) -> list:
    return list(db.session.scalars(select(model.id).order_by(model.id)))


def _values(world) -> dict[str, list]:
    """Every value each URL parameter takes in the walk: every row the world holds, and one
    id beyond them (a missing row must answer as a hidden one does)."""
    record_ids = _ids(Record)
    schools = sorted([*world.x.schools, *world.y.schools, *world.r.schools, world.crowd[0]],
                     key=lambda s: s.id)
    school_ids = [s.id for s in schools]
    users = [getattr(world.people, n).id for n in
             ("a_head", "b_head", "head", "member", "coordinator", "no_school")]
    urns = [s.urn for s in schools]
    return {
        "record_id": record_ids + [max(record_ids) + 1],
        "number": [1, 2],
        "school_id": school_ids + [max(school_ids) + 1],
        "urn": urns + ["100000"],
        "cluster_id": _ids(Cluster),
        "contact_id": _ids(ContactRequest) + [99],
        "message_id": _ids(InboxMessage),
        "user_id": users,
        "evaluation_id": _ids(SelfEvaluation),
        "code": ["CE2"],
        "support_id": _ids(SupportRequest),
        "request_id": [1], "invitation_id": [1], "partnership_id": [1], "milestone_id": [1],
        "measure_id": [1], "grant_id": [1],
        "token": ["not-a-token"],
        "step": ["context", "team", "check"], "lesson": [1], "action": [1],  # records
    }


def _searches(world) -> list[str]:
    """Searches and facets: by the marker word, by the barrier, by phase and region, sorted by
    date, and the word and facets together."""
    region = context_bands(world.a.register_entry)["region"]
    asks = [{"q": WORD}, {"q": "tracking"}, {"q": "fractions"}, {"q": f"{WORD} OR tracking"},
            {"barrier": "tracking-inconsistent"}, {"barrier": "low-maths"},
            {"kind": "case_study"}, {"kind": "lesson_study"}, {"phase": "Primary"},
            {"region": region}, {"q": "progress", "sort": "date"},
            {"q": WORD, "barrier": "tracking-inconsistent", "region": region,
             "phase": "Primary"}, {"q": "progres"}, {"barrier": "not-a-barrier"},
            {"q": WORD, "page": "2"}, {"q": WORD, "page": "0"}]
    return [urlencode(ask) for ask in asks]


def urls(app, world) -> list[str]:
    """Every GET route with every parameter value, then the query variants."""
    values = _values(world)
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIPPED_ENDPOINTS or "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        missing = set(names) - set(values)
        assert not missing, f"teach test_authorship_swap.py the parameters {missing}"
        for combo in itertools.product(*(values[n] for n in names)):
            found.append(rule.build(dict(zip(names, combo, strict=True)),
                                    append_unknown=False)[1])
    for query in _searches(world):
        found += [f"/search?{query}", f"/api/v1/search?{query}"]
    for school in (world.reader_school, world.a):
        found += [f"/schools/{school.id}/partners?phase=Primary",
                  f"/api/v1/schools/{school.urn}/matches?limit=50",
                  f"/api/v1/schools/{school.urn}/matches?limit=0"]
    return found


def _sign_in(app, person):
    browser = app.test_client()
    response = browser.post("/login", data={"email": person.email, "password": PASSWORD,
                                            "csrf_token": csrf_token(browser, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return browser


TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
CLOCK = re.compile(r"\b(\d{1,2} [A-Z][a-z]+ \d{4}),? (at )?\d{1,2}:\d{2}(am|pm)?")


def normalise(url: str, answer: tuple, days: set[date]) -> str:
    """Status, where it redirects, its type and the body, less what two builds cannot share:
    CSRF tokens, one-time form keys, CSP nonces and a new two-factor secret with its QR code
    (random); timestamps, the times of day and the dates of the days the test ran, and the
    scores of a search by date (the clock)."""
    status, location, kind, disposition, body = answer
    if kind.startswith("application/json"):
        found = json.loads(body)
        if "sort=date" in url and isinstance(found, dict):
            for hit in found.get("results") or []:
                hit["score"] = "DATE"
        body = json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False)
    body = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1CSRF"', body)
    body = re.sub(r'(<meta name="csrf-token" content=")[^"]*"', r'\1CSRF"', body)
    body = re.sub(r'(name="form_key" value=")[^"]*"', r'\1KEY"', body)
    body = re.sub(r'nonce="[^"]*"', 'nonce="NONCE"', body)
    body = re.sub(r'(<svg role="img" aria-label="QR code)[^\n]*</svg>', r"\1 QR</svg>", body)
    body = re.sub(r'(id="secret" data-secret=")[^"]*("><code>)[^<]*', r"\1SECRET\2SECRET", body)
    body = TIMESTAMP.sub("TIMESTAMP", body)
    body = CLOCK.sub(r"\1 TIME", body)
    for day in days:
        for written in (f"{day.day} {day:%B %Y}", f"{day.day} {day:%b %Y}", day.isoformat()):
            body = body.replace(written, "TODAY")
    head = [f"status {status}", f"location {location}", f"type {kind}",
            f"disposition {disposition}"]
    return "\n".join(head) + "\n" + body


def refused_posts(world) -> list[tuple[str, dict]]:
    """Forms a reader may post about any record or contact request that must be refused
    (every one lacks what it needs, so nothing changes): the error each answers with."""
    values = _values(world)
    posts = []
    for record_id in values["record_id"]:
        posts += [(f"/records/{record_id}/contact", {"message": ""}),
                  (f"/records/{record_id}/override", {"kind": "known", "text": "x",
                                                      "reason": ""}),
                  (f"/records/{record_id}/return", {"comment": ""}),
                  (f"/records/{record_id}/publish", {"version": "", "audience": "network"})]
    for contact_id in values["contact_id"]:
        posts.append((f"/contact-requests/{contact_id}", {"decision": "", "message": ""}))
    return posts


def _answer(response) -> tuple:
    return (response.status_code, response.headers.get("Location", ""),
            response.headers.get("Content-Type", ""),
            response.headers.get("Content-Disposition", ""), response.get_data(as_text=True))


def collect(app, world) -> dict[tuple[str, str], tuple]:
    """Every reader's answer to every URL and refused form, and their email digest, in one
    fixed order."""
    addresses, posts = urls(app, world), refused_posts(world)
    answers = {}
    for name in READERS:
        browser = _sign_in(app, getattr(world.people, name))
        bearer = {"Authorization": f"Bearer {world.tokens[name]}"}
        for url in addresses:
            response = browser.get(url, headers=bearer if url.startswith("/api/") else {})
            answers[name, url] = _answer(response)
        token = csrf_token(browser, "/inbox")
        for url, form in posts:
            answers[name, f"POST {url}"] = _answer(browser.post(
                url, data={"csrf_token": token, **form}))
    with app.test_request_context():
        for name in READERS:
            person = db.session.get(User, getattr(world.people, name).id)
            answers[name, "email digest"] = (200, "", "text/plain", "",
                                             digests.digest_text(person, None, _address) or "")
    return answers


def _cold_process() -> None:
    """Forget what this process cached while building the other world (caches kept per
    database engine go with the engine), so that both worlds are built by a fresh process:
    a cache filled or not changes when the session flushes, and so rows' version counters."""
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] not in ("network", "search"):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
    indexing._TITLES.clear()


def _summary(world) -> dict:
    """The ids the two worlds must share for their answers to be comparable."""
    rec = world.records
    return {"records": _ids(Record), "users": _ids(User), "schools": _ids(School),
            "messages": _ids(InboxMessage), "contacts": _ids(ContactRequest),
            "ids": {k: getattr(rec, k).id for k in vars(rec)},
            "schools_ab": (world.a.id, world.b.id)}


@pytest.fixture
def worlds(database_url, tmp_path):
    """Each world built on its own copy of the database, walked, and closed."""
    if not database_url.startswith("sqlite:///"):
        pytest.skip("the two worlds are copies of the SQLite test database")
    built = {}
    days = {date.today()}
    copies = {author: _copy_database(database_url, tmp_path / f"world-{author}.db")
              for author in ("A", "B")}
    for author, url in copies.items():
        _cold_process()
        app = _app(url, tmp_path / f"instance-{author}")
        with app.app_context():
            world = build(app, author)
            assert world.records.anonymous.school_id == getattr(world, author.lower()).id
            built[author] = SimpleNamespace(world=world, summary=_summary(world),
                                            answers=collect(app, world), checks=_checks(world))
            db.session.remove()
            db.engine.dispose()
    days.add(date.today())
    for world in built.values():
        world.answers = {key: normalise(key[1], answer, days)
                         for key, answer in world.answers.items()}
    return built


def _checks(world) -> dict:
    """What the walk must have shown for the comparison to mean anything."""
    return {"anonymous": world.records.anonymous.id, "lesson": world.records.lesson.id,
            "reader_school": world.reader_school.id}


def _first_difference(one: str, other: str, limit: int = 40) -> str:
    lines = list(difflib.unified_diff(one.splitlines(), other.splitlines(), "author A",
                                      "author B", n=2, lineterm=""))
    return "\n".join(lines[:limit])


def test_who_wrote_an_anonymous_record_changes_nothing_shown_outside(worlds):
    """The same answers, page by page, for every reader outside both schools."""
    one, other = worlds["A"], worlds["B"]
    assert one.summary == other.summary, "the two worlds must hand out the same ids"
    assert one.answers.keys() == other.answers.keys()

    # The walk saw the anonymous work: the comparison is not of empty pages.
    ids, answers = one.checks, one.answers
    for record_id in (ids["anonymous"], ids["lesson"]):
        assert answers["head", f"/records/{record_id}/published"].startswith("status 200")
        assert answers["member", f"/records/{record_id}/contact"].startswith("status 200")
    partners = answers["head", f"/schools/{ids['reader_school']}/partners"]
    assert "Published work on your barriers" in partners
    assert f"/records/{ids['anonymous']}/published" in partners
    assert f"/records/{ids['anonymous']}" in answers["member", "/case-studies"]
    assert f"/records/{ids['lesson']}" in answers["member", "/lesson-studies"]
    found = answers["member", f"/api/v1/search?{urlencode({'q': WORD})}"]
    assert f'"id": {ids["anonymous"]}' in found

    differing = [key for key in one.answers if one.answers[key] != other.answers[key]]
    report = [f"{len(differing)} of {len(one.answers)} answers differ with the author school:"]
    report += [f"  {reader}: {url}" for reader, url in differing]
    shown = set()
    for reader, url in differing:
        first = _first_difference(one.answers[reader, url], other.answers[reader, url])
        seen = "\n".join(line for line in first.splitlines() if not line.startswith("@@"))
        if seen in shown:
            continue
        shown.add(seen)
        report += ["", f"--- {reader}: {url}", first]
    print("\n".join(report))
    assert not differing, "\n".join(report[:200])
