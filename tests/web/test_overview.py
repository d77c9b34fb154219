"""The cluster overview: coordinators see every school's latest final ratings at a glance."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, select

from models import AuditEvent, Rating, RegisterSchool, School, SelfEvaluation
from network.extensions import db
from network.services import overview
from network.services.evaluations import all_standard_ids


def evaluate(school, year, term, ratings, status="final"):
    """Give `school` an evaluation; `ratings` is one rating for all standards, or a function
    of the standard id."""
    rate = ratings if callable(ratings) else (lambda _sid: ratings)
    evaluation = SelfEvaluation(school_id=school.id, year=year, term=term, status=status,
                                ratings={sid: Rating(standard_id=sid, rating=rate(sid))
                                         for sid in all_standard_ids()})
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


class _Tables(HTMLParser):
    """Every table on a page, by caption: a list of rows, each a list of cell texts."""

    def __init__(self, page: str):
        super().__init__()
        self.tables, self._caption, self._rows, self._cell, self._in = {}, None, None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in = "caption"
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in == "caption":
            self._caption += data
        elif self._cell is not None:
            self._cell += " " + data


def tables(response) -> dict[str, list[list[str]]]:
    assert response.status_code == 200, response.status_code
    return _Tables(response.get_data(as_text=True)).tables


def heatmap_row(response, school_name) -> list[str]:
    """The ratings the table under the heat map shows for one school."""
    rows = tables(response)["Latest final ratings by school and standard"]
    return next(row[1:] for row in rows if row and row[0] == school_name)


def csv_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def cluster(make_cluster):
    return make_cluster("Riverside Partnership", schools=3)


@pytest.fixture
def coordinator(cluster, make_user):
    return make_user(cluster.schools[0], "headteacher", coordinator=True)


def test_shows_the_latest_final_evaluation_not_a_later_draft(client, login, cluster,
                                                             coordinator):
    """The map shows what a headteacher last made final: older finals and newer drafts are not
    the school's agreed picture."""
    school = cluster.schools[0]
    evaluate(school, 2024, "autumn", 2)
    evaluate(school, 2024, "spring", lambda sid: 1 if sid == "CE1.A" else 3)
    evaluate(school, 2024, "summer", 4, status="draft")
    login(coordinator)
    page = client.get(f"/clusters/{cluster.id}/overview")
    assert heatmap_row(page, school.name) == ["1"] + ["3"] * 31
    body = page.get_data(as_text=True)
    assert 'role="img"' in body and "Latest final ratings in Riverside Partnership" in body
    rows = csv_of(client.get(f"/clusters/{cluster.id}/overview.csv"))
    mine = next(row for row in rows if row[0] == school.urn)
    assert mine[2] == "Spring 2024/25" and mine[3:] == ["1"] + ["3"] * 31


def test_schools_without_a_final_evaluation_have_empty_rows(client, login, cluster,
                                                            coordinator):
    """Every school of the cluster appears, so a coordinator sees who has not finished."""
    evaluate(cluster.schools[1], 2024, "autumn", 1, status="draft")
    login(coordinator)
    page = client.get(f"/clusters/{cluster.id}/overview")
    for school in cluster.schools:
        assert heatmap_row(page, school.name) == ["– not rated"] * 32
    assert "Not yet made final (3 of 3 schools)" in page.get_data(as_text=True)


def test_counts_needs_and_offers_per_standard(client, login, cluster, coordinator):
    """Needs (3 or 4) and offers (1) per standard tell a broker where to match schools."""
    first, second, third = cluster.schools
    evaluate(first, 2024, "autumn", lambda sid: 1 if sid == "CE2.A" else 3)
    evaluate(second, 2024, "autumn", lambda sid: 1 if sid in ("CE2.A", "CE6.G") else 4)
    evaluate(third, 2024, "autumn", 2)
    login(coordinator)
    rows = tables(client.get(f"/clusters/{cluster.id}/overview"))["Needs and offers per standard"]
    counts = {row[0].split()[0]: row[1:] for row in rows[1:]}
    assert len(counts) == 32
    assert counts["CE2.A"] == ["0", "2"]
    assert counts["CE6.G"] == ["1", "1"]
    assert counts["CE1.A"] == ["2", "0"]


def test_csv_has_a_header_and_a_row_per_school(client, login, cluster, coordinator):
    """The download opens as a spreadsheet with one row per school, ready to share."""
    evaluate(cluster.schools[1], 2025, "autumn", 2)
    login(coordinator)
    response = client.get(f"/clusters/{cluster.id}/overview.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = csv_of(response)
    assert rows[0] == ["urn", "school", "term", *all_standard_ids()]
    assert sorted(row[0] for row in rows[1:]) == sorted(s.urn for s in cluster.schools)
    graded = next(row for row in rows if row[0] == cluster.schools[1].urn)
    assert graded[1:4] == [cluster.schools[1].name, "Autumn 2025/26", "2"]
    empty = next(row for row in rows if row[0] == cluster.schools[2].urn)
    assert empty[2:] == [""] * 33


def test_csv_cannot_carry_a_formula(client, login, cluster, coordinator, free_urns):
    """A school name that looks like a formula opens as text, never runs in a spreadsheet."""
    urn = next(free_urns)
    assert db.session.get(RegisterSchool, urn)
    db.session.add(School(urn=urn, name='=HYPERLINK("http://evil.example","x")',
                          cluster_id=cluster.id))
    db.session.commit()
    login(coordinator)
    rows = csv_of(client.get(f"/clusters/{cluster.id}/overview.csv"))
    row = next(row for row in rows if row[0] == urn)
    assert row[1] == "'=HYPERLINK(\"http://evil.example\",\"x\")"


def test_export_is_audited(client, login, cluster, coordinator):
    """Who took the cluster's ratings away, and when, is on the record."""
    login(coordinator)
    client.get(f"/clusters/{cluster.id}/overview.csv")
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "cluster overview exported")).all()
    assert [(e.actor_id, e.target) for e in events] == [(coordinator.id, f"cluster:{cluster.id}")]


def test_school_names_are_escaped(client, login, cluster, coordinator):
    """A school name is shown as text everywhere on the page."""
    cluster.schools[1].name = "<b>Bold</b> Academy"
    db.session.commit()
    login(coordinator)
    body = client.get(f"/clusters/{cluster.id}/overview").get_data(as_text=True)
    assert "<b>Bold</b>" not in body and "&lt;b&gt;Bold&lt;/b&gt; Academy" in body


@pytest.mark.parametrize("role", ["headteacher", "senior_leader", "leading_teacher", "member",
                                  "lle", "site_admin"])
def test_only_coordinators_may_see_it(client, login, two_clusters, role):
    """Everyone else in the cluster is refused (403): it sums up every school's ratings."""
    login(two_clusters.A.people[role])
    cluster_id = two_clusters.A.cluster.id
    assert client.get(f"/clusters/{cluster_id}/overview").status_code == 403
    assert client.get(f"/clusters/{cluster_id}/overview.csv").status_code == 403
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "cluster overview exported")) is None


def test_another_clusters_overview_does_not_exist(client, login, two_clusters):
    """A coordinator of A cannot learn anything about B, not even that its overview exists."""
    login(two_clusters.A.people["coordinator"])
    cluster_id = two_clusters.B.cluster.id
    assert client.get(f"/clusters/{cluster_id}/overview").status_code == 404
    assert client.get(f"/clusters/{cluster_id}/overview.csv").status_code == 404


def test_queries_do_not_grow_with_the_number_of_schools(app, make_cluster, make_user):
    """The overview stays fast for a 20-school cluster: no query per school."""

    def queries_for(schools: int) -> int:
        cluster = make_cluster(f"Cluster of {schools}", schools=schools)
        for n, school in enumerate(cluster.schools):
            evaluate(school, 2023, "autumn", 2)
            evaluate(school, 2024, "autumn", 1 + n % 4)
        actor = make_user(cluster.schools[0], "headteacher", coordinator=True)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            grid = overview.grid(actor, cluster.id)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(grid.schools) == schools and len(grid.values) == schools * 32
        return len([s for s in statements if re.match(r"\s*SELECT", s)])

    assert queries_for(2) == queries_for(8)
