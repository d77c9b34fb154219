"""Asking before an action that cannot be undone, the GOV.UK way: the form's button posts to
the action's route without `confirm=yes`, which answers with a page saying what will happen
and what cannot be undone, carrying what was typed; its "Yes, ..." button posts again with
`confirm=yes`, and only then is the action done."""

from flask import render_template, request

FIELD = "confirm"
NOT_CARRIED = {"csrf_token", FIELD, "submit", "form_key"}


def confirmed() -> bool:
    """Whether the person pressed the "Yes, ..." button of the confirmation page."""
    return request.form.get(FIELD) == "yes"


def ask(*, heading: str, happens: list[str], cannot_undo: str, yes: str, back: str,
        caption: str = "", warnings: list[str] | None = None, danger: bool = True):
    """The confirmation page for the route that was posted to: `happens` says what the action
    does, `warnings` what the person should know first, `cannot_undo` what is final; "Yes"
    posts the same fields again with confirm=yes, "No, go back" returns to `back`."""
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if name not in NOT_CARRIED]
    return render_template("confirm.html", heading=heading, caption=caption, happens=happens,
                           warnings=warnings or [], cannot_undo=cannot_undo, yes=yes,
                           back=back, action=request.path, carried=carried, danger=danger)
