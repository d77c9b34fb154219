"""The public "About the toolkit" page."""

from flask import Blueprint, render_template

from network.services import evaluations, profiles
from network.web.security import public

bp = Blueprint("toolkit", __name__, url_prefix="/toolkit")


@bp.get("")
@public
def about():
    """The priority groups, the rating scale, the six core elements and the barriers."""
    from models.toolkit_data import RATINGS

    return render_template("toolkit/about.html", groups=profiles.groups(), ratings=RATINGS,
                           elements=evaluations.elements(),
                           barriers=profiles.barrier_taxonomy())
