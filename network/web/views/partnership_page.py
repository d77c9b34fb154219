"""The brokering blueprint and the partnership page it renders, shared by the brokering views
(views/brokering.py) and the actions on a partnership (views/partnership_actions.py)."""

from flask import Blueprint, render_template
from flask_login import current_user

from network.access import can
from network.services import agreements, closing, todo
from network.services import partnerships as service
from network.web.forms.brokering import (
    STATUS_CHOICES,
    ActionButton,
    CloseForm,
    ConflictForm,
    DecisionForm,
    MilestoneForm,
    ProgressForm,
    SignForm,
    StopClosingForm,
    term_choices,
)

bp = Blueprint("brokering", __name__)


def _partnership_page(partnership, progress=None, **forms):
    """The partnership page; a form that failed comes back with its errors (400)."""
    forms.setdefault("decision", DecisionForm(formdata=None))
    forms.setdefault("conflict", ConflictForm(formdata=None))
    forms.setdefault("close", CloseForm(formdata=None))
    forms.setdefault("stop_closing", StopClosingForm(formdata=None))
    pending = agreements.awaiting(partnership)
    forms.setdefault("sign", SignForm(formdata=None, number=pending.number if pending else ""))
    forms.setdefault("milestone", MilestoneForm(formdata=None))
    forms["milestone"].term.choices = term_choices()
    notes = {m.id: ProgressForm(formdata=None, prefix=f"m{m.id}")
             for m in partnership.milestones}
    if progress is not None:
        notes[progress[0]] = progress[1]
    failed = next((f for f in [*forms.values(), *notes.values()] if f.errors), None)
    force = agreements.in_force(partnership)
    measured = closing.impact(partnership) \
        if partnership.closing and partnership.status == "active" else None
    return render_template(
        "brokering/partnership.html", p=partnership, forms=forms, notes=notes, form=failed,
        side=service.side_of(current_user, partnership), status_choices=STATUS_CHOICES,
        decide=can(current_user, "decide", partnership),
        approve=can(current_user, "approve_conflict", partnership),
        track=can(current_user, "track", partnership),
        report=can(current_user, "report", partnership),
        review=can(current_user, "review", partnership),
        agree_close=can(current_user, "agree_close", partnership),
        stop_closing=can(current_user, "stop_closing", partnership),
        next_for_you=todo.for_partnership(current_user, partnership),
        change=can(current_user, "change_agreement", partnership),
        sign=can(current_user, "sign_agreement", partnership) and pending is not None,
        changes=agreements.compare(force, pending) if force and pending else None,
        closing=closing.standing(partnership) if partnership.closing else None,
        measured=measured, loose_ends=closing.loose_ends(partnership, measured)
        if measured else [],
        write=can(current_user, "write_case_study", partnership),
        impact=partnership.review["schools"] if partnership.review else None,
        button=ActionButton()), 400 if failed is not None else 200
