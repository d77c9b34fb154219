"""Guidance pages, open to everyone: a first self-evaluation, writing a lesson study,
anonymisation, and brokering with support agreements."""

from flask import Blueprint, render_template

from network.web.security import public

bp = Blueprint("help", __name__, url_prefix="/help")

# (endpoint, title) of each guide, in the order the index lists them.
GUIDES = [("help.self_evaluation", "Your first self-evaluation"),
          ("help.lesson_study", "Writing up a lesson study"),
          ("help.anonymisation", "How records are kept anonymous"),
          ("help.brokering", "Brokering support and support agreements")]


@bp.get("")
@public
def index():
    """The list of guides."""
    return render_template("help/index.html", guides=GUIDES)


@bp.get("/self-evaluation")
@public
def self_evaluation():
    """How to rate the standards for the first time, and what the ratings lead to."""
    return render_template("help/self_evaluation.html")


@bp.get("/lesson-study")
@public
def lesson_study():
    """How a lesson study runs and what its write-up should say."""
    return render_template("help/lesson_study.html")


@bp.get("/anonymisation")
@public
def anonymisation():
    """What the anonymity check looks for before a record leaves the cluster, and why."""
    return render_template("help/anonymisation.html")


@bp.get("/brokering")
@public
def brokering():
    """How asking for support, brokering, proposals and support agreements fit together."""
    return render_template("help/brokering.html")
