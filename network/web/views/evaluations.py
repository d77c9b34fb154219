"""Termly self-evaluations: start, rate each core element, finalise, look back."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from network.access import can, require
from network.domain import terms
from network.services import evaluations, exports, profiles
from network.services.errors import Conflict, Invalid
from network.services.evaluations import NotReady
from network.web import form_recovery
from network.web.confirm import ask, confirmed
from network.web.forms.evaluations import (
    DeleteDraftForm,
    FinaliseForm,
    StartForm,
    element_data,
    element_form_class,
    entries_from,
    field_name,
    parse_button,
)
from network.web.templating import standard_name
from network.web.views import attach_error

bp = Blueprint("evaluations", __name__)


@bp.route("/schools/<int:school_id>/evaluations", methods=["GET", "POST"])
def index(school_id: int):
    """The school's terms, a heat map across them, and (for leaders) starting the current
    term's evaluation, or an earlier term's when they ask for one."""
    school, rows = evaluations.for_school(current_user, school_id)
    taken = [(e.year, e.term) for e in rows]
    earlier = request.values.get("earlier") == "yes"
    form = StartForm(offered=evaluations.offered_terms(taken, earlier))
    if form.validate_on_submit():
        try:
            year, term = form.parsed()
            evaluation = evaluations.start(current_user, school.id, year, term)
        except ValueError as error:
            attach_error(form, error if isinstance(error, Invalid)
                         else Invalid("Choose a term from the list", "term"))
        else:
            flash(_started(evaluation, first=not rows), "success")
            return redirect(url_for("evaluations.show", evaluation_id=evaluation.id))
    offers, needs, final = evaluations.offers_and_needs(school.id)
    current = terms.current_term()
    return render_template("evaluations/index.html", school=school, evaluations=rows, form=form,
                           start=can(current_user, "evaluate", school), earlier=earlier,
                           current=terms.label(*current), current_taken=current in taken,
                           earlier_open=bool(evaluations.offered_terms(taken, True)),
                           heat=exports.heat_map(school, list(reversed(rows)),
                                                 f"Ratings of {school.name} across terms",
                                                 f"school-{school.id}"),
                           offers=offers, needs=needs, final=final)


def _started(evaluation, first: bool) -> str:
    """What a new evaluation was started from, for the banner."""
    source = evaluations.copied_from(evaluation)
    if source is not None:
        return (f"Started from your {source.label} evaluation: ratings and evidence copied; "
                "change what has changed.")
    if first:
        return "Your school's first self-evaluation: every standard starts not rated."
    return (f"{evaluation.label} started with every standard not rated: no evaluation before "
            "it had ratings or evidence to copy.")


@bp.get("/evaluations/<int:evaluation_id>")
def show(evaluation_id: int):
    """One term's evaluation, grouped by core element, with what changed since last term."""
    evaluation = evaluations.get(current_user, evaluation_id)
    return render_template("evaluations/show.html", evaluation=evaluation,
                           school=profiles.load(current_user, evaluation.school_id)[0],
                           elements=evaluations.elements(),
                           changes=evaluations.changes(evaluation),
                           edit=can(current_user, "edit", evaluation),
                           finalise=can(current_user, "finalise", evaluation),
                           finalise_form=FinaliseForm(data={"version": evaluation.version}),
                           delete=can(current_user, "delete", evaluation),
                           delete_form=DeleteDraftForm())


@bp.route("/evaluations/<int:evaluation_id>/elements/<code>", methods=["GET", "POST"])
def edit_element(evaluation_id: int, code: str):
    """Rate one core element's standards. "Add an action", "Change" (a saved action) and
    "Remove" save what was typed and come back to the page with one more empty action, that
    action open to edit, or one fewer; a stale save shows both versions (409). Arriving from a
    refused finalise, each standard's problem shows beside it."""
    evaluation = evaluations.get(current_user, evaluation_id)
    require(current_user, "edit", evaluation)
    element = evaluations.element(code)
    ids = [s.id for s in element.standards]
    form_class = element_form_class(ids)
    adding = parse_button(request.args.get("add"), ids)
    data = element_data(evaluation, ids, add=adding[0] if adding else None)
    restored = form_recovery.take() if request.method == "GET" else None
    form = form_class(formdata=restored, data=data) if restored is not None \
        else form_class(data=data)
    check = "finalise" if request.args.get("check") == "finalise" else None
    if request.method == "GET" and check:
        _show_problems(form, evaluations.finalise_problems(evaluation, ids))
    opening = parse_button(request.values.get("open") or request.form.get("change"), ids)
    if request.method == "POST" and any(request.form.get(b) for b in ("add", "change", "remove")):
        for sid in ids:  # working on actions: a standard not rated yet may stay unrated
            getattr(form, field_name(sid)).form.partial = True
    if form.validate_on_submit():
        adding = parse_button(request.form.get("add"), ids)
        removing = parse_button(request.form.get("remove"), ids)
        try:
            evaluation = evaluations.save_element(
                current_user, evaluation.id, code, int(form.version.data),
                entries_from(form, ids, drop=removing))
        except Conflict as conflict:
            form.version.data = conflict.version
            _add_or_remove_unsaved(form, ids)
            return _element_page(evaluation, element, form, theirs=conflict.theirs,
                                 opening=opening), 409
        if adding:
            sid = adding[0]
            slot = f"{field_name(sid)}-actions-{len(evaluation.ratings[sid].actions)}-what"
            return redirect(url_for("evaluations.edit_element", evaluation_id=evaluation.id,
                                    code=code, add=field_name(sid), check=check, _anchor=slot))
        if opening and request.form.get("change"):
            name, number = field_name(opening[0]), opening[1]
            return redirect(url_for("evaluations.edit_element", evaluation_id=evaluation.id,
                                    code=code, open=f"{name}-{number}", check=check,
                                    _anchor=f"{name}-actions-{number}-what"))
        if removing:
            flash(f"Action removed from {standard_name(removing[0])}; the rest of {code} is "
                  "saved.", "success")
            return redirect(url_for("evaluations.edit_element", evaluation_id=evaluation.id,
                                    code=code, check=check,
                                    _anchor=f"{field_name(removing[0])}-actions"))
        flash(f"{element.code} {element.title} saved.", "success")
        if check:  # put right after a refused finalise: back to where the term is finalised
            return redirect(url_for("evaluations.show", evaluation_id=evaluation.id))
        return redirect(_next_page(evaluation, code))
    if request.method == "POST":
        _add_or_remove_unsaved(form, ids)
    return _element_page(evaluation, element, form, restored=restored is not None,
                         opening=opening)


def _element_page(evaluation, element, form, theirs=None, restored=False, opening=None):
    return render_template("evaluations/element.html", evaluation=evaluation, element=element,
                           form=form, field_name=field_name, theirs=theirs, restored=restored,
                           questions=evaluations.questions(element.code),
                           opened=f"{field_name(opening[0])}-{opening[1]}" if opening else "")


def _show_problems(form, problems: dict) -> None:
    """Put each standard's finalise problem beside the field to correct."""
    for sid, (field, message) in problems.items():
        getattr(getattr(form, field_name(sid)).form, field).errors = [message]


def _add_or_remove_unsaved(form, ids) -> None:
    """A form refused for its errors still gets the action block asked for (or loses the one
    removed), so nothing typed is lost and the person sees what they asked for."""
    adding = parse_button(request.form.get("add"), ids)
    removing = parse_button(request.form.get("remove"), ids)
    if adding:
        actions = getattr(form, field_name(adding[0])).form.actions
        if len(actions) < actions.max_entries:
            actions.append_entry()
    elif removing and removing[1] >= 0:
        actions = getattr(form, field_name(removing[0])).form.actions
        if removing[1] < len(actions.entries):
            actions.entries.pop(removing[1])


def _next_page(evaluation, code: str) -> str:
    codes = [e.code for e in evaluations.elements()]
    position = codes.index(code)
    if position + 1 < len(codes):
        return url_for("evaluations.edit_element", evaluation_id=evaluation.id,
                       code=codes[position + 1])
    return url_for("evaluations.show", evaluation_id=evaluation.id)


@bp.post("/evaluations/<int:evaluation_id>/finalise")
def finalise(evaluation_id: int):
    """Make the term final once the headteacher confirms; afterwards it is read-only and
    feeds offers and needs."""
    evaluation = evaluations.get(current_user, evaluation_id)
    require(current_user, "finalise", evaluation)
    form = FinaliseForm()
    back = url_for("evaluations.show", evaluation_id=evaluation.id)
    if form.validate_on_submit():
        version = int(form.version.data)
        try:
            if not confirmed():
                evaluations.check_finalisable(current_user, evaluation.id, version)
                return _confirm_finalise(evaluation, back)
            evaluations.finalise(current_user, evaluation.id, version)
        except NotReady as refusal:
            return _not_ready(evaluation, refusal.problems)
        except Conflict:
            flash("Someone saved this evaluation after you opened it. Check it, then finalise.",
                  "error")
        except Invalid as error:
            flash(str(error), "error")
        else:
            flash(f"{evaluation.label} is final.", "success")
    return redirect(back)


def _not_ready(evaluation, problems: dict):
    """The finalise page when ratings break the toolkit's rules: an error summary whose
    links open each standard, with its problem shown, on its element's page."""
    errors = [{"text": message, "href": url_for(
        "evaluations.edit_element", evaluation_id=evaluation.id, code=sid.split(".")[0],
        check="finalise", _anchor=f"{field_name(sid)}-{field}")}
        for sid, (field, message) in problems.items()]
    return render_template("evaluations/not_ready.html", evaluation=evaluation, errors=errors,
                           school=profiles.load(current_user, evaluation.school_id)[0])


def _confirm_finalise(evaluation, back: str):
    school = profiles.load(current_user, evaluation.school_id)[0]
    return ask(heading=f"Are you sure you want to finalise {evaluation.label}?",
               caption=school.name,
               happens=["Every standard is rated, every 1 has evidence and every 3 or 4 has "
                        "an action. Once final, the evaluation is read-only: "
                        "nobody can change its ratings, evidence or actions.",
                        f"It then sets what {school.name} can offer (standards rated 1) and "
                        "what it needs (rated 3 or 4), which brokers and partners see."],
               cannot_undo="You cannot undo this. A final evaluation cannot be changed or "
                           "deleted; next term's evaluation starts from it.",
               yes=f"Yes, finalise {evaluation.label}", back=back, danger=False)


@bp.post("/evaluations/<int:evaluation_id>/delete")
def delete(evaluation_id: int):
    """A leader deletes a draft started by mistake, once they confirm (never a final one)."""
    evaluation = evaluations.get(current_user, evaluation_id)
    require(current_user, "delete", evaluation)
    label, school_id = evaluation.label, evaluation.school_id
    if not confirmed():
        return ask(heading=f"Are you sure you want to delete the {label} draft?",
                   caption=profiles.load(current_user, school_id)[0].name,
                   happens=["The draft is deleted with every rating, piece of evidence and "
                            "action in it. You can then start this term's evaluation again."],
                   cannot_undo="You cannot undo this: a deleted draft cannot be brought back.",
                   yes=f"Yes, delete the {label} draft",
                   back=url_for("evaluations.show", evaluation_id=evaluation.id))
    evaluations.delete_draft(current_user, evaluation.id)
    flash(f"The {label} draft has been deleted.", "success")
    return redirect(url_for("evaluations.index", school_id=school_id))
