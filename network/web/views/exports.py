"""Printable pages and spreadsheets of a school's own work: a self-evaluation, the school
profile and a partnership's impact review for governors; every term's evaluation as CSV."""

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template
from flask_login import current_user

from network.services import exports

bp = Blueprint("exports", __name__)


@bp.get("/evaluations/<int:evaluation_id>/print")
def evaluation(evaluation_id: int):
    """One term's self-evaluation laid out for paper: what changed, the heat map across
    terms, then every core element's standards with rating, evidence and actions."""
    return render_template("exports/evaluation.html",
                           sheet=exports.evaluation_sheet(current_user, evaluation_id),
                           today=date.today())


@bp.get("/schools/<int:school_id>/evaluations.csv")
def evaluations_csv(school_id: int):
    """Every term's self-evaluation as a spreadsheet, one row per standard."""
    school, rows = exports.evaluation_rows(current_user, school_id)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    filename = f"school-{school.urn}-self-evaluations-{date.today().isoformat()}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/schools/<int:school_id>/profile/print")
def profile(school_id: int):
    """The school profile for paper: priority group and its history, barriers, strengths
    and needs."""
    return render_template("exports/profile.html",
                           sheet=exports.profile_sheet(current_user, school_id), today=date.today())


@bp.get("/partnerships/<int:partnership_id>/impact-review/print")
def impact_review(partnership_id: int):
    """A partnership's impact review for paper: focus standards before and after, pupils'
    outcomes for those who may see them, and the milestones."""
    return render_template("exports/impact_review.html",
                           sheet=exports.impact_sheet(current_user, partnership_id),
                           today=date.today())
