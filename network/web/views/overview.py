"""The cluster overview for coordinators: a heat map of every school's latest final ratings."""

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template
from flask_login import current_user

from network.domain import heatmap
from network.services import overview

bp = Blueprint("overview", __name__)


@bp.get("/clusters/<int:cluster_id>/overview")
def show(cluster_id: int):
    """Schools x standards as a heat map and a table, and the needs and offers per standard."""
    grid = overview.grid(current_user, cluster_id)
    names = [school.name for school in grid.schools]
    chart = heatmap.svg(
        [school.id for school in grid.schools], names, grid.standard_ids, grid.standard_ids,
        grid.values, title=f"Latest final ratings in {grid.cluster.name}",
        description="One row per school and one column per standard, CE1.A to CE6.G. Each cell "
                    "shows the rating from 1, a strong feature, to 4, needs significant "
                    "development; a dash means the school has no final evaluation.",
        id_prefix="cluster-heatmap")
    return render_template("clusters/overview.html", grid=grid, chart=chart, names=names)


@bp.get("/clusters/<int:cluster_id>/overview.csv")
def download(cluster_id: int):
    """The overview as a spreadsheet (CSV); the download is recorded in the audit log."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(overview.csv_rows(current_user, cluster_id))
    filename = f"cluster-{cluster_id}-overview-{date.today().isoformat()}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
