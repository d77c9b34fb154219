"""A school's page inside its cluster."""

from flask import Blueprint, render_template
from flask_login import current_user

from network.access import can
from network.services import schools

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.get("/<int:school_id>")
def show(school_id: int):
    """A school's register details and its people, for members of its cluster."""
    school = schools.school_for(current_user, school_id)
    return render_template("schools/show.html", school=school, entry=school.register_entry,
                           people=schools.people(current_user, school),
                           invite=can(current_user, "invite", school))
