"""The motivated intruder (../shared/DOMAIN.md): for a reader in every cluster, and for an
account with no school, every anonymous record the network can read fits at least 10 schools
on the platform outside the reader's cluster, or is not shown to them at all.

"Fits" is counted as an intruder would count, from what the reader's API answer and page
show (the context bands and the priority group a case study started in), the public register
and network profiles (their group histories), knowing which schools are on the platform. It
does not use the rule the platform places schools by. Checked in three worlds (one cluster;
five clusters in five regions; every school in the register on the platform), and again after
schools join, leave and change what their profiles show.
"""

import itertools
from collections import defaultdict
from datetime import date

from sqlalchemy import delete, insert, select

from models import (
    Cluster,
    GroupMembership,
    InboxMessage,
    Record,
    RegisterSchool,
    School,
    SchoolProfile,
    User,
)
from network.domain.anonymity import context_bands
from network.extensions import db
from network.services import records
from tests.factories import PASSWORD, api_token, case_body, csrf_token, data, lesson_body
from tests.factories import cluster_of as workflow_cluster

MIN = 10
REGIONS = ("North East", "South West", "East Midlands", "London", "Yorkshire and The Humber")


# --- Building worlds -----------------------------------------------------------------------

def _local_authorities(region: str, wanted: int) -> list[list[str]]:
    """URNs of open schools in the region, by local authority, the largest authorities first."""
    by_la: dict[str, list[str]] = defaultdict(list)
    for urn, la in db.session.execute(select(RegisterSchool.urn, RegisterSchool.la_name).where(
            RegisterSchool.region == region, RegisterSchool.status.like("Open%"),
            RegisterSchool.urn.not_in(select(School.urn))).order_by(RegisterSchool.urn)):
        by_la[la].append(urn)
    return [urns[:wanted] for _, urns in sorted(by_la.items(), key=lambda i: -len(i[1]))]


def _cluster(name: str, urns: list[str], region: str = "") -> Cluster:
    cluster = workflow_cluster(name, urns)
    cluster.region = region
    db.session.commit()
    return cluster


def _people(make_user, school: School) -> tuple[User, User]:
    return (make_user(school, "headteacher", name="Head Teacher"),
            make_user(school, "leading_teacher", name="Lead Teacher"))


def _publish(head: User, author: User, kind: str, group: str = "3") -> Record | None:
    """An anonymous record published to the network, or None when the platform refuses."""
    body = case_body(group_id=group) if kind == "case_study" else lesson_body()
    title = "Tracking that every class trusts" if kind == "case_study" else "Bars for fractions"
    record = records.create(author, kind, data(title, body))
    records.submit(author, record.id)
    try:
        records.publish(head, record.id, record.version, "network")
    except ValueError as refused:  # the service's Invalid
        assert "Too few schools" in str(refused)
        return None
    return db.session.get(Record, record.id)


# --- What an intruder can see --------------------------------------------------------------

def _platform() -> list[tuple[int, int, dict, frozenset[int] | None]]:
    """Every school on the platform: id, cluster, public bands, group history if shown."""
    history = defaultdict(set)
    for school_id, group_id in db.session.execute(select(GroupMembership.school_id,
                                                         GroupMembership.group_id)):
        history[school_id].add(group_id)
    shown = set(db.session.scalars(select(SchoolProfile.school_id).where(
        SchoolProfile.visibility == "network")))
    return [(s.id, s.cluster_id, context_bands(s.register_entry),
             frozenset(history[s.id]) if s.id in shown and history[s.id] else None)
            for s in db.session.scalars(select(School))]


def _fits(shown: dict, group: int | None, bands: dict, groups) -> bool:
    return (shown["phase"] in ("Any", bands["phase"])
            and shown["region"] in ("England", bands["region"])
            and shown["size"] in ("Any", bands["size"])
            and shown["fsm"] in ("Any", bands["fsm"])
            and (group is None or groups is None or group in groups))


def _readers(make_user) -> list[tuple[User, str]]:
    """A senior leader in every cluster and an account with no school, each with a token."""
    people = [make_user(s, "senior_leader", name="Reading Head") for s in (
        db.session.scalars(select(School).where(School.cluster_id == c.id).limit(1)).first()
        for c in db.session.scalars(select(Cluster)))]
    people.append(make_user(None, name="Throwaway Account"))
    return [(p, api_token(p)) for p in people]


def crowd_sizes(app, readers) -> list[int]:
    """For each reader and each anonymous live record the reader's API shows: how many schools
    outside the reader's cluster fit what it shows. Asserts the page shows the same context."""
    platform = _platform()
    live = list(db.session.scalars(select(Record).where(
        Record.published_body.is_not(None), Record.withdrawn_at.is_(None),
        Record.published_attributed.is_(False))))
    sizes, pages_checked, client = [], set(), app.test_client()
    for reader, token in readers:
        for record in live:
            path = {"case_study": "case-studies", "lesson_study": "lesson-studies"}[record.kind]
            answer = client.get(f"/api/v1/{path}/{record.id}",
                                headers={"Authorization": f"Bearer {token}"})
            if record.published_visibility == "cluster":  # for the cluster's own readers
                assert (answer.status_code == 404) == (record.cluster_id != reader.cluster_id)
                continue
            assert answer.status_code == 200, record.id
            body = answer.get_json()
            if record.cluster_id == reader.cluster_id and "published" in body:
                continue  # the school's own leaders
            shown, group = body["context"], body["body"].get("group_id")
            group = int(group) if group else None
            size = sum(1 for school_id, cluster_id, bands, groups in platform
                       if cluster_id != reader.cluster_id and _fits(shown, group, bands, groups))
            assert size >= MIN, (record.id, reader.cluster_id, shown, size)
            sizes.append(size)
            if record.id not in pages_checked:
                pages_checked.add(record.id)
                _page_agrees(app, reader, record, shown)
    return sizes


def _page_agrees(app, reader, record, shown) -> None:
    """The reader's page shows the same bands as the API answer."""
    browser = app.test_client()
    browser.post("/login", data={"email": reader.email, "password": PASSWORD,
                                 "csrf_token": csrf_token(browser, "/login")})
    page = browser.get(f"/records/{record.id}/published").get_data(as_text=True)
    for value in shown.values():
        if isinstance(value, str) and value not in ("Any", "England"):
            assert value.replace("&", "&amp;") in page, (value, record.id)


# --- World 1: one cluster --------------------------------------------------------------------

def test_one_cluster_cannot_publish_anonymously_to_the_network(app, make_user):
    """With no schools outside the cluster, nothing can hide: the head is refused in plain
    words and may publish to the cluster; a throwaway account reads nothing."""
    urns = _local_authorities("North East", 8)[0]
    cluster = _cluster("Solo Learning Partnership", urns, "North East")
    head, author = _people(make_user, cluster.schools[0])
    for kind in ("case_study", "lesson_study"):
        assert _publish(head, author, kind) is None
    record = db.session.scalars(select(Record)).first()
    assert records.publish(head, record.id, record.version, "cluster").is_live
    sizes = crowd_sizes(app, _readers(make_user))
    print(f"\none cluster of {len(urns)}: crowds seen by outside readers {sizes}")
    assert sizes == []


# --- World 2: five clusters in five regions ------------------------------------------------

def _five_clusters(make_user):
    clusters = [_cluster(f"{region} Partnership", _local_authorities(region, 9)[0], region)
                for region in REGIONS]
    published = []
    for cluster in clusters:
        for school, kind in zip(cluster.schools[:2], ("case_study", "lesson_study"),
                                strict=True):
            head, author = _people(make_user, school)
            published.append(_publish(head, author, kind))
    return clusters, published


def test_five_clusters_every_reader_sees_a_crowd_of_ten(app, make_user):
    clusters, published = _five_clusters(make_user)
    live = [r for r in published if r is not None]
    assert live, "at least some records hide among five clusters"
    sizes = crowd_sizes(app, _readers(make_user))
    print(f"\nfive clusters of 9: {len(live)} of {len(published)} records published, "
          f"smallest crowd {min(sizes)}, largest {max(sizes)}")
    assert sizes


def test_the_crowd_holds_as_schools_join_leave_and_show_their_profiles(app, make_user):
    clusters, published = _five_clusters(make_user)
    before = {r.id: r.published_context for r in published if r}

    # Join: a sixth cluster registers. Contexts may narrow; every crowd still holds.
    joined = _cluster("West Midlands Partnership",
                      _local_authorities("West Midlands", 9)[0], "West Midlands")
    sizes = crowd_sizes(app, _readers(make_user))
    after_join = {r.id: db.session.get(Record, r.id).published_context for r in published if r}
    print(f"\nafter a cluster joins: smallest crowd {min(sizes)}; "
          f"{sum(before[i] != after_join[i] for i in before)} contexts changed")

    # Show: schools of the new cluster show network profiles whose group history lacks the
    # case studies' group, so a reader can rule them out.
    for school in joined.schools:
        db.session.add(SchoolProfile(school_id=school.id, visibility="network"))
        db.session.add(GroupMembership(school_id=school.id, group_id=1,
                                       started_on=date(2024, 9, 1)))
    db.session.commit()
    crowd_sizes(app, _readers(make_user))

    # Leave: schools without people leave; records no crowd hides go back to their cluster.
    quiet = [s.id for c in clusters for s in c.schools[4:]]
    db.session.execute(delete(SchoolProfile).where(SchoolProfile.school_id.in_(quiet)))
    db.session.execute(delete(GroupMembership).where(GroupMembership.school_id.in_(quiet)))
    for school_id in quiet:
        db.session.delete(db.session.get(School, school_id))
    db.session.commit()
    sizes = crowd_sizes(app, _readers(make_user))
    kept_back = [r for r in published if r and db.session.get(Record, r.id)
                 .published_visibility == "cluster"]
    print(f"after {len(quiet)} schools leave: {len(kept_back)} records kept to their cluster, "
          f"crowds {sorted(set(sizes))[:5]}...")
    for record in kept_back:
        told = db.session.scalars(select(InboxMessage.subject).where(
            InboxMessage.subject.contains(record.published_title))).all()
        assert any("cluster only" in subject for subject in told)


# --- World 3: every school in the register on the platform ---------------------------------

def test_national_scale_every_reader_sees_a_crowd_of_ten(app, make_user):
    """All 21,000 register schools in clusters of up to 12 by local authority; rare schools
    (special, all-through, very large) publish; readers in the authors' clusters' neighbours
    and a throwaway account check them."""
    entries = db.session.execute(select(RegisterSchool.urn, RegisterSchool.name,
                                        RegisterSchool.la_name, RegisterSchool.phase,
                                        RegisterSchool.number_on_roll)
                                 .order_by(RegisterSchool.la_name, RegisterSchool.urn)).all()
    names = itertools.count(1)
    clusters, schools = [], []
    for _, group in itertools.groupby(entries, key=lambda e: e.la_name):
        group = list(group)
        for start in range(0, len(group), 12):
            number = next(names)
            clusters.append({"id": number, "name": f"Cluster {number}", "region": "",
                             "description": ""})
            schools += [{"urn": e.urn, "name": e.name, "cluster_id": number}
                        for e in group[start:start + 12]]
    db.session.execute(insert(Cluster), clusters)
    db.session.execute(insert(School), schools)
    db.session.commit()
    rare = {}
    for e in entries:
        key = e.phase if e.phase in ("Special", "All-through") else \
            ("big" if (e.number_on_roll or 0) >= 1600 else None)
        if key and key not in rare:
            rare[key] = e.urn
    rare["common"] = next(e.urn for e in entries if e.phase == "Primary")
    for urn in rare.values():
        school = db.session.scalar(select(School).where(School.urn == urn))
        head, author = _people(make_user, school)
        _publish(head, author, "case_study")
        _publish(head, author, "lesson_study")
    readers = _readers_near(make_user, rare.values())
    sizes = crowd_sizes(app, readers)
    print(f"\nnational: {len(schools)} schools in {len(clusters)} clusters; "
          f"{len(sizes)} reader-record pairs; smallest crowd {min(sizes)}")
    assert sizes


def _readers_near(make_user, urns) -> list[tuple[User, str]]:
    """Readers in the authors' clusters and in the clusters next to them, and one with no
    school: the ones whose own cluster could hold most of an author's crowd."""
    people = []
    for urn in urns:
        cluster_id = db.session.scalar(select(School.cluster_id).where(School.urn == urn))
        for near in (cluster_id - 1, cluster_id, cluster_id + 1):
            school = db.session.scalars(select(School).where(School.cluster_id == near)
                                        .limit(1)).first()
            if school is not None:
                people.append(make_user(school, "senior_leader", name="Reading Head"))
    people.append(make_user(None, name="Throwaway Account"))
    return [(p, api_token(p)) for p in people]
