"""The JSON API, version 1: bearer tokens, JSON errors."""

from functools import wraps

from flask import Blueprint, abort, g, jsonify, request

from network.services import accounts

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    """Answer 401 unless the request carries a valid bearer token; the user is `g.api_user`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = accounts.user_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            abort(401)
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


@bp.get("/me")
@token_required
def me():
    """Who the token belongs to: the person, their school, cluster and role."""
    user = g.api_user
    school = user.school
    return jsonify(
        user={"id": user.id, "name": user.name, "email": user.email},
        school={"urn": school.urn, "name": school.name} if school else None,
        cluster={"id": school.cluster.id, "name": school.cluster.name} if school else None,
        role=user.role,
        school_role=user.school_role,
        designations=[d for d, on in (("lle", user.is_lle), ("site_admin", user.is_site_admin))
                      if on],
    )
