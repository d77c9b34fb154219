"""A school's profile: where it stands, what it faces, what it can offer."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from network.access import can, refuse, require
from network.domain.anonymity import context_bands
from network.services import evaluations, profiles, schools
from network.services.errors import Conflict, Invalid
from network.web import form_recovery
from network.web.forms.evaluations import OptInForm
from network.web.forms.profiles import ProfileForm
from network.web.views import attach_error

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.get("/<int:school_id>")
def show(school_id: int):
    """The profile: the full one inside the cluster, the shared part elsewhere in the network."""
    school, profile, level = profiles.load(current_user, school_id)
    offers, needs, final = evaluations.offers_and_needs(school.id)
    full = level == "full"
    shared = evaluations.opted_in(school.id)
    return render_template(
        "schools/show.html", school=school, profile=profile, full=full,
        entry=school.register_entry, bands=context_bands(school.register_entry),
        exact=current_user.school_id == school.id,
        group=profiles.current_group(school.id),
        history=profiles.group_history(school.id) if full else [],
        barriers=profiles.barriers_of(school.id) if full else [],
        people=schools.people(current_user, school) if full else [],
        offers=offers if full else evaluations.shown_to_network(offers, shared),
        shared=shared, needs=needs if full else [], final=final,
        edit=can(current_user, "edit_profile", school),
        read_evaluations=can(current_user, "read_evaluations", school),
        invite=can(current_user, "invite", school),
        standards=evaluations.standards_by_id(offers + needs))


def _editable(school_id: int):
    """The school and profile, for its headteacher and senior leaders (others: 404 or 403)."""
    school, profile, level = profiles.load(current_user, school_id)
    if level != "full":
        refuse(current_user, "edit_profile", school, hidden=True)
    require(current_user, "edit_profile", school)
    return school, profile


def _profile_form(school, profile, restored=None) -> ProfileForm:
    form = ProfileForm(formdata=restored, data=profiles.as_dict(profile, school.id)) \
        if restored is not None else ProfileForm(data=profiles.as_dict(profile, school.id))
    form.set_choices(profiles.groups(), profiles.barrier_taxonomy())
    return form


@bp.route("/<int:school_id>/profile", methods=["GET", "POST"])
def edit(school_id: int):
    """Headteachers and senior leaders say where the school stands; a stale save is a 409."""
    school, profile = _editable(school_id)
    restored = form_recovery.take() if request.method == "GET" else None
    form = _profile_form(school, profile, restored)
    if form.validate_on_submit():
        try:
            profiles.update(current_user, school.id, form.data)
        except Conflict as conflict:
            form.version.data = conflict.version
            return render_template("schools/profile_conflict.html", school=school, form=form,
                                   theirs=conflict.theirs, groups=profiles.groups(),
                                   taxonomy=profiles.barrier_taxonomy()), 409
        flash("The profile has been saved.", "success")
        return redirect(url_for("schools.show", school_id=school.id))
    return render_template("schools/profile_edit.html", school=school, form=form,
                           restored=restored is not None)


@bp.route("/<int:school_id>/offers", methods=["GET", "POST"])
def offers(school_id: int):
    """Choose, standard by standard, which strengths the network may see."""
    school, _ = _editable(school_id)
    offered, _, final = evaluations.offers_and_needs(school.id)
    form = OptInForm()
    if form.validate_on_submit():
        try:
            evaluations.set_opt_ins(current_user, school.id, request.form.getlist("standards"))
        except Invalid as error:
            attach_error(form, error)
        else:
            flash("What you share with the network has been saved.", "success")
            return redirect(url_for("schools.show", school_id=school.id))
    chosen = set(request.form.getlist("standards")) if request.method == "POST" \
        else evaluations.opted_in(school.id)
    return render_template("schools/offers.html", school=school, form=form, offered=offered,
                           chosen=chosen, final=final,
                           standards=evaluations.standards_by_id(offered))
