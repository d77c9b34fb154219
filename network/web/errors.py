"""Error pages in the house style; JSON for the API; never a stack trace."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from network.services.errors import Conflict, Forbidden, Invalid, NotFound

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("There is a problem with your request", "Check what you entered and try again."),
    401: ("Sign in to continue", "You need to sign in to use this."),
    403: ("You cannot do that", "Your role does not allow this. Ask your cluster coordinator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That action is not available here", "Go back and try again."),
    409: ("Someone else changed this", "Your changes have not been saved."),
    413: ("What you sent is too large", "Send less at once and try again."),
    429: ("Too many attempts", "Wait a minute and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}

def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(code: int, detail: str | None = None):
    """Answer with the error page (or JSON) for `code`."""
    title, hint = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    if _wants_json():
        return jsonify(error=detail or title), code
    return render_template("errors/error.html", code=code, title=title,
                           hint=detail or hint), code


def install(app: Flask) -> None:
    """Route every HTTP error and every unexpected exception to a friendly page."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, "The form had expired or was not sent from this site. "
                                 "Go back, reload the page and try again.")

    @app.errorhandler(NotFound)
    @app.errorhandler(Forbidden)
    @app.errorhandler(Invalid)
    @app.errorhandler(Conflict)
    def _refused(error: Exception):
        # A service's refusal answers as abort() did: the same page, the same JSON body.
        detail = None if isinstance(error, Conflict) else str(error) or None
        return render_error(error.code, detail)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        # abort(code, description="...") written by us is meant for the person; werkzeug's
        # stock descriptions are not.
        custom = error.description != type(error).description
        return render_error(code, error.description if custom and code < 500 else None)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        if app.testing:
            raise error  # let the test show the real failure
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
