"""Fixtures: an app on a migrated database (SQLite, or TEST_DATABASE_URL), people and clusters.

The schema is built once per run by the real migrations and the register is loaded once;
after each test every non-reference table is emptied.
"""

import contextvars
import itertools
import os
import uuid
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy import SQLAlchemy
from jinja2 import BytecodeCache
from sqlalchemy import select, text
from werkzeug.routing import Rule

from models import (
    Base,
    Cluster,
    InboxMessage,
    JoinRequest,
    RegisterSchool,
    School,
    User,
)
from network import create_app
from network.extensions import db
from network.ops import register_import
from network.services import accounts, clusters
from tests.factories import (
    PASSWORD,
    build_world,
    csrf_token,
    plant_network,
    planted_school,
    register_entries,
)
from tests.snapshots import Snapshots

KEEP = {"register_schools", "alembic_version"}
RUN = uuid.uuid4().hex[:12]  # this test run, among others that may run beside it


# --- One engine per database, URL rules compiled once: each test still builds its own app ---

_ENGINES: dict[str, object] = {}
_make_engine = SQLAlchemy._make_engine


def _shared_engine(self, bind_key, options, app):
    """The run's one engine for these options: its pool and its cache of compiled SQL outlive
    each test's app, which otherwise compiled every statement afresh and, on SQLite, closed
    (and checkpointed) its connection at every teardown."""
    key = repr(sorted(options.items(), key=repr))
    if key not in _ENGINES:
        _ENGINES[key] = _make_engine(self, bind_key, options, app)
    return _ENGINES[key]


SQLAlchemy._make_engine = _shared_engine

_BUILDERS: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _known_builder(self, append_unknown=True):
    """A URL rule's builder, generated once per run: werkzeug writes and compiles Python for
    every rule of every new app (a quarter of a short test's set-up), and the code depends only
    on the rule's parts, defaults and converters, which it reads from the rule when called."""
    key = (self.rule, repr(self.defaults), tuple(self._trace), append_unknown,
           tuple(sorted((name, type(c)) for name, c in self._converters.items())))
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(self, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _known_builder


def _database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or \
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database migrated to the newest schema with the national register loaded."""
    url = _database_url(tmp_path_factory)
    app = create_app(_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        register_import.import_register(register_import.BUNDLED)
        db.session.remove()
        db.engine.dispose()
    return url


def _config(url: str, instance) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url if not url.startswith("postgresql://")
        else "postgresql+psycopg://" + url[len("postgresql://"):],
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOGIN_LIMIT": "1000 per minute",
        # SQLite's and PostgreSQL's runs go side by side and may share one Redis
        "THROTTLE_KEY_PREFIX": f"test-{RUN}:sign-in:",
        "SERVER_NAME": "localhost",
        "PUBLIC_URL": "http://localhost",
        "MAIL_BACKEND": "outbox",
        # The test's own session stays open beside the requests it makes; it must not hold
        # SQLite's write lock while it merely reads.
        "SQLITE_IMMEDIATE_OFF_REQUEST": False,
    }


@pytest.fixture
def config(database_url, tmp_path):
    """Overrides for create_app in this test; tests may change them before `app` is built."""
    return _config(database_url, tmp_path / "instance")


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context and database session,
    as in production; the test's own session then sees the request's committed changes."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.commit()  # end the test's transaction so its next read is fresh
        return response


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per test run, not once per app: each test builds its own app,
    and compiling every page's templates again was most of a short test's time. Entries are
    keyed by the template's source checksum, so an edited template is compiled afresh."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _CompiledTemplates()


@pytest.fixture
def app(config):
    """The application, on the shared database, emptied of everything but reference data after."""
    app = create_app(config)
    app.jinja_env.bytecode_cache = _TEMPLATES
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()


def empty_tables() -> None:
    """Delete every row but the register and the toolkit's reference data."""
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP and not table.info.get("reference"):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    """A browser without a session."""
    return app.test_client()


@pytest.fixture
def no_csrf(config):
    """Build the app without CSRF checks (for tests about something else)."""
    config["WTF_CSRF_ENABLED"] = False
    return config


@pytest.fixture
def runner(app):
    """Runs `flask` commands against the test app."""
    return app.test_cli_runner()


_people_made = itertools.count(1)  # e-mail addresses stay unique across copied-back worlds
SNAPSHOTS = Snapshots(KEEP)


def _unclaimed_urns():
    """Open register schools that no cluster has claimed or been asked to take, read when first
    needed."""
    claimed = select(School.urn).union(select(JoinRequest.urn))
    query = (select(RegisterSchool.urn).where(RegisterSchool.status.like("Open%"),
                                              RegisterSchool.urn.not_in(claimed))
             .order_by(RegisterSchool.urn))
    yield from db.session.scalars(query.limit(400)).all()


@pytest.fixture
def free_urns(app):
    """An iterator over open register schools that no cluster has claimed yet."""
    return _unclaimed_urns()


@pytest.fixture
def make_user(app):
    """make_user(school=None, role="member", coordinator=False, lle=False, site_admin=False)."""

    def make(school=None, role="member", coordinator=False, lle=False, site_admin=False,
             name=None, email=None, password=PASSWORD):
        n = next(_people_made)
        email = email or f"person{n}@example.org"
        user = User(name=name or f"Person {n}", email=email,
                    password_hash=accounts.hash_password(password),
                    school_id=school.id if school else None,
                    school_role=role if school else None, is_coordinator=coordinator,
                    is_lle=lle, is_site_admin=site_admin)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_cluster(app, free_urns, make_user):
    """make_cluster(name, schools=2): a cluster whose first school's head coordinates it."""

    def make(name="Riverside Partnership", schools=2, region="North West"):
        cluster = Cluster(name=name, region=region, description=f"{name} schools")
        db.session.add(cluster)
        for _ in range(schools):
            entry = db.session.get(RegisterSchool, next(free_urns))
            db.session.add(School(urn=entry.urn, name=entry.name, cluster=cluster))
        db.session.commit()
        return cluster

    return make


@pytest.fixture
def crowd(app):
    """Three more clusters of six schools each (the register's first unclaimed open ones), so
    that an anonymous record can hide among at least 10 schools on the platform outside any
    one cluster. Returns the clusters."""
    return SNAPSHOTS.world("crowd", _crowd)


@pytest.fixture
def records_world(app, request):
    """The people of tests.factories.build_world on a platform with a crowd (built once)."""
    def build():
        request.getfixturevalue("crowd")
        return build_world(request.getfixturevalue("make_user"))

    return SNAPSHOTS.world("records_world", build)


def _crowd():
    claimed = select(School.urn)
    urns = list(db.session.scalars(select(RegisterSchool.urn).where(
        RegisterSchool.status.like("Open%"), RegisterSchool.urn.not_in(claimed))
        .order_by(RegisterSchool.urn.desc()).limit(18)))
    made = []
    for n in range(3):
        cluster = Cluster(name=f"Crowd Partnership {n + 1}", region="England",
                          description="Schools that make up the crowd")
        db.session.add(cluster)
        for urn in urns[6 * n:6 * n + 6]:
            db.session.add(School(urn=urn, name=db.session.get(RegisterSchool, urn).name,
                                  cluster=cluster))
        made.append(cluster)
    db.session.commit()
    return made


@pytest.fixture
def login(client):
    """login(user, password=PASSWORD): sign the test client in (through the real form)."""

    def sign_in(user, password=PASSWORD, as_client=None):
        browser = as_client or client
        response = browser.post("/login", data={"email": user.email, "password": password,
                                                "csrf_token": csrf_token(browser, "/login")})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return browser

    return sign_in




def _people(cluster: Cluster, make_user, label: str) -> dict:
    first, second = cluster.schools[0], cluster.schools[1]
    people = {
        "coordinator": make_user(first, "headteacher", coordinator=True, name=f"{label} Coord"),
        "headteacher": make_user(second, "headteacher", name=f"{label} Head"),
        "senior_leader": make_user(second, "senior_leader", name=f"{label} Senior"),
        "leading_teacher": make_user(second, "leading_teacher", name=f"{label} Leading"),
        "member": make_user(second, "member", name=f"{label} Member"),
        "lle": make_user(first, "senior_leader", lle=True, name=f"{label} Lle"),
        "site_admin": make_user(first, "member", site_admin=True, name=f"{label} Admin"),
    }
    return people


@pytest.fixture
def make_evaluation(app):
    """make_evaluation(school, ratings=2 | {sid: n}, status="draft", year=None, term=None)."""
    from models import Rating, SelfEvaluation
    from network.domain import terms
    from network.services.evaluations import all_standard_ids

    def make(school, ratings=2, status="draft", year=None, term=None):
        if year is None:
            year, term = terms.current_term()
        values = ratings if isinstance(ratings, dict) else {}
        evaluation = SelfEvaluation(school_id=school.id, year=year, term=term, status=status)
        for sid in all_standard_ids():
            rating = values.get(sid, ratings if isinstance(ratings, int) else None)
            evaluation.ratings[sid] = Rating(standard_id=sid, rating=rating)
        db.session.add(evaluation)
        db.session.commit()
        return evaluation

    return make


def _records(cluster, people):
    """A published (cluster-only) case study with a version and a pending contact request."""
    from models import ContactRequest, Record, RecordVersion

    author = people["leading_teacher"]
    record = Record(kind="case_study", school_id=author.school_id, cluster_id=cluster.id,
                    author_id=author.id, title=f"{cluster.name} tracking story",
                    body={"context": "A two-form entry primary school.",  # and one action,
                          "actions": [{"text": "Progress meetings every term.",  # for the
                                       "standards": []}]},  # route walk's `action` 1
                    status="published",
                    published_title="Tracking story", published_body={"context": "x"},
                    published_visibility="cluster", published_context={})
    db.session.add(record)
    db.session.flush()
    db.session.add(RecordVersion(record_id=record.id, number=1, title=record.title,
                                 body=record.body, status="draft", saved_by_id=author.id))
    contact = ContactRequest(record_id=record.id, requester_id=people["member"].id,
                             message="Could we talk?")
    db.session.add(contact)
    db.session.commit()
    return record, contact


def _brokering(cluster, people):
    """A support request to the coordinators and an active partnership between the
    cluster's two schools, with a milestone."""
    from datetime import UTC, date, datetime

    from models import Milestone, Partnership, SupportRequest

    supported, supporting = cluster.schools[1], cluster.schools[0]
    asked = SupportRequest(school_id=supported.id, cluster_id=cluster.id,
                           requester_id=people["headteacher"].id, standards=["CE2.A"],
                           barriers=[], hopes="Help with tracking.")
    db.session.add(asked)
    db.session.flush()
    partnership = Partnership(
        request_id=asked.id, broker_id=people["coordinator"].id,
        supported_school_id=supported.id, supporting_school_id=supporting.id,
        focus_standards=["CE2.A"], focus_barriers=[], activities="Paired visits.",
        status="active", supported_decision="accepted", supporting_decision="accepted",
        started_at=datetime.now(UTC))
    partnership.milestones.append(Milestone(title="First visit", due_on=date.today()))
    db.session.add(partnership)
    db.session.commit()
    return asked, partnership, partnership.milestones[0]


def _oversight(partnership, people, make_user, label: str):
    """An outcome measure with a value before the start, and a person in each overseer role
    with a grant on the partnership (given by the supported school's head)."""
    from datetime import date, timedelta

    from models import OutcomeMeasure, OutcomeValue, OversightGrant

    head = people["headteacher"]
    measure = OutcomeMeasure(partnership_id=partnership.id, school_id=head.school_id,
                             name=f"{label} Year 6 reading at the expected standard",
                             unit="percent", standard_id="CE2.A", created_by_id=head.id)
    measure.values.append(OutcomeValue(measured_on=date.today() - timedelta(days=30),
                                       value=61, recorded_by_id=head.id))
    db.session.add(measure)
    grants = []
    for role, title in (("la_adviser", "Adviser"), ("trust_lead", "Trust Lead"),
                        ("governor", "Governor")):
        person = make_user(None, name=f"{label} {title}")
        people[role] = person
        grants.append(OversightGrant(partnership_id=partnership.id, email=person.email,
                                     role=role, user_id=person.id, school_id=head.school_id,
                                     granted_by_id=head.id, accepted_at=partnership.started_at))
    db.session.add_all(grants)
    db.session.commit()
    return measure, grants[0]


@pytest.fixture
def two_clusters(app, request):
    """Clusters A and B, each with two schools, a person in every role, an invitation,
    a pending join request and an inbox message: the world the tenancy tests walk (built once
    per run, copied back for each test)."""
    return SNAPSHOTS.world("two_clusters", lambda: _two_clusters(
        app, *map(request.getfixturevalue,
                  ("make_cluster", "make_user", "free_urns", "make_evaluation"))))


def _two_clusters(app, make_cluster, make_user, free_urns, make_evaluation):
    world = {}
    for label in ("A", "B"):
        cluster = make_cluster(name=f"Cluster {label} Partnership", schools=2)
        people = _people(cluster, make_user, label)
        outsider = make_user(name=f"{label} Outsider")
        join = JoinRequest(cluster_id=cluster.id, urn=next(free_urns), requester_id=outsider.id)
        db.session.add(join)
        db.session.add(InboxMessage(user_id=people["member"].id, subject=f"{label} notice"))
        db.session.commit()
        with app.test_request_context():
            invitation, token = clusters.create_invitation(people["coordinator"], cluster.id,
                                                           None, "headteacher")
        message = db.session.scalar(select(InboxMessage).where(
            InboxMessage.user_id == people["member"].id))
        evaluation = make_evaluation(cluster.schools[1], ratings=2)
        record, contact = _records(cluster, people)
        support, partnership, milestone = _brokering(cluster, people)
        measure, grant = _oversight(partnership, people, make_user, label)
        world[label] = SimpleNamespace(cluster=cluster, school=cluster.schools[1],
                                       people=people, join_request=join, invitation=invitation,
                                       token=token, message=message, outsider=outsider,
                                       evaluation=evaluation, record=record, contact=contact,
                                       support=support, partnership=partnership,
                                       milestone=milestone, measure=measure, grant=grant)
    return SimpleNamespace(**world)


@pytest.fixture
def network(app, request):
    """The planted matching network (tests.factories.plant_network), built once per run."""
    return SNAPSHOTS.world("network", lambda: plant_network(
        request.getfixturevalue("make_user"), request.getfixturevalue("make_evaluation")))


@pytest.fixture
def planted(network):
    """The planted matching network, under the name the cache tests use."""
    return network


@pytest.fixture
def brokers(request, make_user):
    """The planted network, with an LLE in a third cluster and one who was not asked."""
    net = request.getfixturevalue("network")
    elsewhere = Cluster(name="Hillside Trust", region="North West", description="x")
    db.session.add(elsewhere)
    school = planted_school(elsewhere, register_entries("Primary", 1)[0], visibility="cluster")
    db.session.commit()
    net.lle = make_user(school, "senior_leader", lle=True, name="Lee Broker")
    net.other_lle = make_user(school, "member", lle=True, name="Olu Other")
    return net
