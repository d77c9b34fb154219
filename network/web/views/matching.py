"""Find partner schools: ranked partners with reasons, for a school's own leaders."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from network.access import can
from network.services import matching as service
from network.services import pool, published_work
from network.services.vocabulary import vocabulary

bp = Blueprint("matching", __name__, url_prefix="/schools")


@bp.get("/<int:school_id>/partners")
def partners(school_id: int):
    """Partner schools strong where this school is weak, need first; filters by phase (the
    school's own by default, or any phase), region and standard."""
    school = service.allowed_school(current_user, school_id)
    standards = vocabulary().standards
    choices = pool.filter_choices()
    filters = {"phase": request.args.get("phase", ""), "region": request.args.get("region", ""),
               "standard": request.args.get("standard", "")}
    filters = {k: v for k, v in filters.items()
               if v in (standards if k == "standard" else choices[k])
               or (k == "phase" and v == service.ANY_PHASE)}
    found = service.matches_for(current_user, school.id, 10, filters)
    return render_template("matching/partners.html", school=school, found=found,
                           filters=filters, choices=choices, standards=standards,
                           work=published_work.on_barriers(current_user, school),
                           ask=can(current_user, "ask_support", school))
