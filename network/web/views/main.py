"""The home page, the about page and the health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from network.services import admin, clusters, inbox, oversight, schools, todo
from network.web.security import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home():
    """Signed-in people see what waits on them (site admins without a school, what needs
    them); visitors see what the service is."""
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    if current_user.school_id is None and current_user.is_site_admin:
        return render_template("main/admin_home.html", needs=admin.needs(current_user),
                               unread=inbox.unread_count(current_user))
    if current_user.school_id is None:
        followed = oversight.following(current_user)
        if followed:
            return render_template("main/overseer.html", followed=followed,
                                   unread=inbox.unread_count(current_user))
        return render_template("main/no_school.html",
                               requests=clusters.my_join_requests(current_user),
                               unread=inbox.unread_count(current_user))
    return render_template("main/dashboard.html", cluster=current_user.school.cluster,
                           school_count=schools.count_in_cluster(current_user),
                           unread=inbox.unread_count(current_user),
                           todos=todo.for_actor(current_user),
                           work=todo.new_on_barriers(current_user))


@bp.get("/about")
@public
def about():
    """What the platform is for and how it keeps schools' information private."""
    return render_template("main/about.html")


@bp.get("/healthz")
@public
def healthz():
    """Tell a load balancer whether this process can reach its database."""
    if not schools.database_reachable():
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
