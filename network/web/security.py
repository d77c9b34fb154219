"""Sign-in required by default, response headers, and the per-request CSP nonce."""

import secrets

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

from network.web import form_recovery


def public(view):
    """Mark a view as open to visitors who have not signed in."""
    view.is_public = True
    return view


def cross_cluster(view):
    """Mark a site-admin view that reaches every cluster (the tenancy test expects it)."""
    view.cross_cluster = True
    return view


def _endpoint_is_public(app: Flask) -> bool:
    if request.endpoint is None:
        return True  # no route matched: let the 404 handler answer
    view = app.view_functions.get(request.endpoint)
    return request.endpoint == "static" or bool(getattr(view, "is_public", False))


MAX_ID = 2**31 - 1  # the largest id a database row can have (PostgreSQL's integer)


def _refuse_impossible(app: Flask) -> None:
    """404 for an id no row can have (SQLite cannot even compare it); 413 for a urlencoded
    form of more fields than MAX_FORM_PARTS (werkzeug limits only multipart forms)."""
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        abort(404)
    limit = app.config.get("MAX_FORM_PARTS")
    if limit and request.mimetype == "application/x-www-form-urlencoded" and \
            sum(1 for _ in request.form.items(multi=True)) > limit:
        abort(413)


class _TrustedHostsOnly:
    """400 for a Host not in TRUSTED_HOSTS, answered before Flask routes the request (its own
    check leaves no URL adapter, so the error page could not even be drawn)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        hosts = self.app.config.get("TRUSTED_HOSTS")
        if hosts:
            try:
                get_host(environ, hosts)
            except SecurityError:
                response = Response("Bad request: this site does not answer to that host name.",
                                    400, mimetype="text/plain")
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


def install(app: Flask) -> None:
    """Require sign-in for every non-public view and add security headers to every answer;
    refuse a Host that is not trusted."""
    app.wsgi_app = _TrustedHostsOnly(app, app.wsgi_app)

    @app.before_request
    def _nonce_and_login():
        g.csp_nonce = secrets.token_urlsafe(16)
        _refuse_impossible(app)
        if _endpoint_is_public(app) or request.blueprint == "api":
            return None
        if not current_user.is_authenticated:
            if request.method == "POST":
                form_recovery.stash()  # the session ended mid-form: keep what was typed
                return redirect(url_for("auth.login", next=request.path))
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.context_processor
    def _nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
