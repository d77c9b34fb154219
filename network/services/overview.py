"""A cluster at a glance, for its coordinators: every school's latest final ratings.

Drafts never show: a school's picture is what its headteacher last made final.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import Cluster, Rating, School, SelfEvaluation, Standard, User
from network import audit
from network.access import get_visible_or_404, require
from network.extensions import db
from network.services import evaluations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Grid:
    """Schools x standards; `values` maps (school id, standard id) to a rating or None."""

    cluster: Cluster
    schools: list[School]
    standards: list[Standard]
    evaluations: dict[int, SelfEvaluation]  # school id -> its latest final evaluation
    values: dict[tuple[int, str], int | None]
    needs: dict[str, int]  # standard id -> schools rating it 3 or 4
    offers: dict[str, int]  # standard id -> schools rating it 1

    @property
    def standard_ids(self) -> list[str]:
        """The standards in toolkit order."""
        return [s.id for s in self.standards]


def _latest_finals(school_ids: list[int]) -> dict[int, SelfEvaluation]:
    """Each school's latest final evaluation, in one query for all of them."""
    query = (select(SelfEvaluation)
             .where(SelfEvaluation.school_id.in_(school_ids), SelfEvaluation.status == "final")
             .options(lazyload(SelfEvaluation.ratings)))
    latest: dict[int, SelfEvaluation] = {}
    for evaluation in db.session.scalars(query):
        current = latest.get(evaluation.school_id)
        if current is None or evaluation.order > current.order:
            latest[evaluation.school_id] = evaluation
    return latest


def grid(actor: User, cluster_id: int) -> Grid:
    """The cluster's schools x the 32 standards from each school's latest final evaluation.

    Schools without a final evaluation have empty cells. However many schools there are, the
    evaluations take two queries: every final one of the cluster's schools, then the ratings
    of the latest.
    """
    cluster = get_visible_or_404(actor, Cluster, cluster_id)
    require(actor, "overview", cluster)
    schools = list(db.session.scalars(
        select(School).where(School.cluster_id == cluster.id).order_by(School.name, School.id)))
    standards = [s for element in evaluations.elements() for s in element.standards]
    latest = _latest_finals([s.id for s in schools])
    school_of = {e.id: e.school_id for e in latest.values()}
    values: dict[tuple[int, str], int | None] = {}
    if school_of:
        rows = db.session.execute(
            select(Rating.evaluation_id, Rating.standard_id, Rating.rating)
            .where(Rating.evaluation_id.in_(list(school_of))))
        values = {(school_of[evaluation_id], sid): rating
                  for evaluation_id, sid, rating in rows}
    needs = {s.id: sum(1 for school in schools if (values.get((school.id, s.id)) or 0) >= 3)
             for s in standards}
    offers = {s.id: sum(1 for school in schools if values.get((school.id, s.id)) == 1)
              for s in standards}
    return Grid(cluster, schools, standards, latest, values, needs, offers)


def _cell(value) -> str:
    """A value as a spreadsheet cell that can never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(actor: User, cluster_id: int) -> list[list[str]]:
    """The overview as spreadsheet rows: urn, school, term, then one column per standard.

    The export is recorded in the audit log. Cells are neutralised against formula injection.
    """
    overview = grid(actor, cluster_id)
    rows = [["urn", "school", "term", *overview.standard_ids]]
    for school in overview.schools:
        final = overview.evaluations.get(school.id)
        rows.append([school.urn, school.name, final.label if final else "",
                     *(overview.values.get((school.id, sid)) for sid in overview.standard_ids)])
    audit.record(actor, "cluster overview exported", f"cluster:{overview.cluster.id}")
    db.session.commit()
    return [[_cell(value) for value in row] for row in rows]
