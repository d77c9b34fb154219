"""case studies (being written)."""

from flask import Blueprint

bp = Blueprint("case_studies", __name__, url_prefix="/case-studies")


@bp.get("")
def index():
    """The list (placeholder until the editor lands)."""
    from flask import redirect, url_for

    return redirect(url_for("main.home"))
