"""Blueprints, one per area: parse the request, validate a form, call one service, render."""

from collections.abc import Callable

from flask import abort, flash, redirect, request
from flask_login import current_user

from network.access import can, refuse
from network.services import records as record_service  # views/records.py is a sibling
from network.services.errors import Invalid
from network.web import once

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



def carry_out(form, act: Callable, then: str | Callable[[object], str],
              message: str | Callable[[object], str], remember: bool = False):
    """Do a valid form's action: a refusal goes back on the form (None: show it again);
    otherwise the person is told `message` on the page `then` (either may be worked out from
    what the action made). `remember` keeps the page for a repeat of this submission."""
    try:
        made = act()
    except Invalid as error:
        attach_error(form, error)
        return None
    target = then(made) if callable(then) else then
    if remember:
        once.done(target)
    flash(message(made) if callable(message) else message, "success")
    return redirect(target)


def submit_once(form, repeat_to: str, act: Callable, then: str | Callable[[object], str],
                message: str | Callable[[object], str]):
    """carry_out, once: a repeat of the same submission shows what the first made (or
    `repeat_to` while the first is still being carried out)."""
    again = once.repeated(repeat_to)
    if again is not None:
        return again
    return carry_out(form, act, then, message, remember=True)


def editable_record(kind: str, record_id: int):
    """The case study or lesson study whose working copy the person may change. Another
    cluster's people are told it does not exist; its own people are refused, and told so
    when it is with the headteacher for review."""
    record = record_service.get(current_user, record_id, kind)
    if not can(current_user, "edit", record):
        under_review = record.status == "submitted" and can(current_user, "see_draft", record)
        what = "case study" if kind == "case_study" else "lesson study"
        refuse(current_user, "edit", record, hidden=False, message=(
            f"This {what} is with the headteacher for review. It can be changed again once "
            "it is published or returned." if under_review else ""))
    return record
