"""lesson studies (being written)."""

from flask import Blueprint

bp = Blueprint("lesson_studies", __name__, url_prefix="/lesson-studies")


@bp.get("")
def index():
    """The list (placeholder until the editor lands)."""
    from flask import redirect, url_for

    return redirect(url_for("main.home"))
