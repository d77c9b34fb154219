"""Blueprints, one per area: parse the request, validate a form, call one service, render."""

from flask import abort, request

MAX_PAGE = 10_000


def page_number() -> int:
    """The `page` query argument, 1 by default; anything not a sensible page number is a 400."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, description="Page must be a whole number from 1 to 10000.")
    return int(raw)


def attach_error(form, error) -> None:
    """Show a service's refusal on the form field it concerns (or on the form as a whole)."""
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
