"""Registering a cluster, joining one, invitations, join requests and members."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from network.access import can, follows_any, refuse
from network.services import clusters, members, register
from network.services.errors import Invalid
from network.web import once
from network.web.confirm import ask, confirmed
from network.web.forms.clusters import (
    AcceptMemberInvitationForm,
    AcceptSchoolInvitationForm,
    DecisionForm,
    InvitationForm,
    JoinRequestForm,
    MemberRoleForm,
    RegisterClusterForm,
    RemoveMemberForm,
)
from network.web.links import public_url
from network.web.views import attach_error, carry_out, submit_once

bp = Blueprint("clusters", __name__)


def _school_finder(form) -> tuple[str, list, bool]:
    """Handle the in-form school search: (query, matches, whether this POST was a search).

    Searching, or picking a result, re-shows the same form with everything typed kept.
    """
    query = (request.form.get("school") or request.args.get("school") or "")[:100]
    searching = request.method == "POST" and ("find" in request.form or "pick" in request.form)
    if searching and request.form.get("pick", "").isdigit():
        form.urn.data = request.form["pick"][:6]
    return query, register.find_schools(query), searching


@bp.route("/register", methods=["GET", "POST"])
def register_cluster():
    """Register a new cluster, claiming your school by URN or by finding it by name."""
    if current_user.school_id is not None:
        again = once.repeated(url_for("main.home")) if request.method == "POST" else None
        if again:  # the same registration sent twice: show the cluster it registered
            return again
        flash("You already belong to a cluster.", "info")
        return redirect(url_for("main.home"))
    form = RegisterClusterForm()
    query, matches, searching = _school_finder(form)
    if not searching and form.validate_on_submit():
        answer = submit_once(
            form, url_for("main.home"),
            lambda: clusters.register_cluster(current_user, form.name.data,
                                              form.description.data or "", form.region.data,
                                              form.urn.data),
            lambda cluster: url_for("clusters.show", cluster_id=cluster.id),
            lambda cluster: f"{cluster.name} is registered. Invite the other schools next.")
        if answer:
            return answer
    return render_template("clusters/register.html", form=form, query=query, matches=matches,
                           chosen=register.entry((form.urn.data or "").strip()))


@bp.get("/clusters")
def directory():
    """The clusters on the platform, for someone whose school wants to join one."""
    if current_user.school_id is not None:
        return redirect(url_for("clusters.show", cluster_id=current_user.cluster_id))
    if follows_any(current_user):  # overseers see nothing of the clusters
        return redirect(url_for("main.home"))
    return render_template("clusters/directory.html", clusters=clusters.directory())


@bp.route("/clusters/<int:cluster_id>/join", methods=["GET", "POST"])
def join(cluster_id: int):
    """Ask for your school to join a cluster."""
    cluster = clusters.joinable_cluster(current_user, cluster_id)
    form = JoinRequestForm()
    query, matches, searching = _school_finder(form)
    if not searching and form.validate_on_submit():
        answer = submit_once(
            form, url_for("main.home"),
            lambda: clusters.request_to_join(current_user, cluster.id, form.urn.data,
                                             form.message.data or ""),
            lambda _request: url_for("main.home"),
            "Your request has been sent. You will hear in your inbox.")
        if answer:
            return answer
    return render_template("clusters/join.html", cluster=cluster, form=form, query=query,
                           matches=matches, chosen=register.entry((form.urn.data or "").strip()))


@bp.get("/clusters/<int:cluster_id>")
def show(cluster_id: int):
    """The cluster's schools and, for coordinators, what needs their attention."""
    cluster = clusters.cluster_for(current_user, cluster_id)
    manage = can(current_user, "manage", cluster)
    pending = [r for r in clusters.join_requests(current_user, cluster.id)
               if r.status == "pending"] if manage else []
    return render_template("clusters/show.html", cluster=cluster,
                           schools=clusters.schools_of(current_user), pending=pending)


@bp.get("/clusters/<int:cluster_id>/members")
def member_list(cluster_id: int):
    """Everyone in the cluster, by school."""
    cluster = clusters.cluster_for(current_user, cluster_id)
    return render_template("clusters/members.html", cluster=cluster,
                           people=members.members(current_user, cluster.id),
                           manage=can(current_user, "manage", cluster))


@bp.route("/clusters/<int:cluster_id>/members/<int:user_id>", methods=["GET", "POST"])
def member_edit(cluster_id: int, user_id: int):
    """A coordinator changes someone's role."""
    person = members.member(current_user, cluster_id, user_id)
    form = MemberRoleForm(data={"school_role": person.school_role,
                                "coordinator": "yes" if person.is_coordinator else "no"})
    if form.validate_on_submit():
        answer = carry_out(
            form, lambda: members.change_role(current_user, cluster_id, user_id,
                                              form.school_role.data,
                                              form.coordinator.data == "yes"),
            url_for("clusters.member_list", cluster_id=cluster_id),
            f"{person.name}'s role has been saved.")
        if answer:
            return answer
    return render_template("clusters/member_edit.html", person=person, form=form,
                           remove_form=RemoveMemberForm(), cluster_id=cluster_id)


@bp.post("/clusters/<int:cluster_id>/members/<int:user_id>/remove")
def member_remove(cluster_id: int, user_id: int):
    """A coordinator takes someone out of the cluster."""
    person = members.member(current_user, cluster_id, user_id)
    form = RemoveMemberForm()
    if form.validate_on_submit():
        if not confirmed():
            return _confirm_remove(cluster_id, person)
        try:
            members.remove(current_user, cluster_id, user_id)
        except Invalid as error:
            flash(str(error), "error")
            return redirect(url_for("clusters.member_edit", cluster_id=cluster_id,
                                    user_id=user_id))
        flash(f"{person.name} has been removed from the cluster.", "success")
    return redirect(url_for("clusters.member_list", cluster_id=cluster_id))


def _confirm_remove(cluster_id: int, person):
    school = person.school.name if person.school else "their school"
    return ask(heading=f"Are you sure you want to remove {person.name} from the cluster?",
               caption=school,
               happens=[f"{person.name} leaves {school} and so the cluster. They keep their "
                        "account, but are signed out everywhere, their API tokens stop working "
                        "and they can no longer see the cluster's schools, evaluations, "
                        "partnerships or records."],
               cannot_undo="You cannot undo this: to come back they need a new invitation.",
               yes=f"Yes, remove {person.name}",
               back=url_for("clusters.member_edit", cluster_id=cluster_id, user_id=person.id))


def _invitation_form(cluster) -> InvitationForm:
    form = InvitationForm()
    choices = []
    if can(current_user, "manage", cluster):
        choices.append(("new", "A new school joining the cluster"))
    choices += [(str(s.id), f"Someone at {s.name}") for s in clusters.schools_of(current_user)
                if can(current_user, "invite", s)]
    if not choices:
        refuse(current_user, "invite", cluster, hidden=False)
    form.school_id.choices = choices
    return form


@bp.route("/clusters/<int:cluster_id>/invitations", methods=["GET", "POST"])
def invitations(cluster_id: int):
    """Create invitation links and see the ones already made."""
    cluster = clusters.cluster_for(current_user, cluster_id)
    form = _invitation_form(cluster)
    link = None
    if form.validate_on_submit():
        here = url_for("clusters.invitations", cluster_id=cluster.id)
        again = once.repeated(here)
        if again:
            return again
        school_id = None if form.school_id.data == "new" else int(form.school_id.data)
        made, token = clusters.create_invitation(
            current_user, cluster.id, school_id, form.role.data, form.note.data or "",
            form.email.data or "", _invitation_link)
        once.done(here)  # a repeat lists the invitation; "Show the link" makes it again
        link = (made, _invitation_link(token), False)
    return _invitations_page(cluster, form, link, 400 if form.errors else 200)


def _invitation_link(token: str) -> str:
    """The address of an invitation link, as people reach the site (PUBLIC_URL)."""
    return public_url("clusters.accept_invitation", token=token)


def _invitations_page(cluster, form, link=None, status: int = 200):
    """The invitations page; `link` is (invitation, its address, whether it replaced an older
    link) when one is to be shown."""
    made = clusters.invitations(current_user, cluster.id)
    return render_template("clusters/invitations.html", cluster=cluster, form=form,
                           link=link, invitations=made,
                           showable={i.id for i in made if clusters.is_open(i)}), status


@bp.post("/clusters/<int:cluster_id>/invitations/<int:invitation_id>/link")
def invitation_link(cluster_id: int, invitation_id: int):
    """Show an open invitation's link again (the same link, or a new one if it cannot be
    derived again)."""
    cluster = clusters.cluster_for(current_user, cluster_id)
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        return redirect(url_for("clusters.invitations", cluster_id=cluster_id))
    try:
        made, token, renewed = clusters.link_again(current_user, cluster_id, invitation_id)
    except Invalid as error:
        flash(str(error), "error")
        return redirect(url_for("clusters.invitations", cluster_id=cluster_id))
    return _invitations_page(cluster, _invitation_form(cluster),
                             (made, _invitation_link(token), renewed))


@bp.post("/clusters/<int:cluster_id>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(cluster_id: int, invitation_id: int):
    """Withdraw an invitation link."""
    form = RemoveMemberForm()
    if form.validate_on_submit():
        clusters.revoke_invitation(current_user, cluster_id, invitation_id)
        flash("The invitation has been withdrawn.", "success")
    return redirect(url_for("clusters.invitations", cluster_id=cluster_id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Join a cluster (with a new school) or a school, through an invitation link."""
    try:
        invitation = clusters.usable_invitation(current_user, token)
    except Invalid as error:
        return render_template("clusters/invitation_unusable.html", message=str(error)), 410
    new_school = invitation.school_id is None
    form = AcceptSchoolInvitationForm() if new_school else AcceptMemberInvitationForm()
    query, matches, searching = _school_finder(form) if new_school else ("", [], False)
    if not searching and form.validate_on_submit():
        try:
            school = clusters.accept_invitation(current_user, token,
                                                form.urn.data if new_school else None)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash(f"Welcome to {school.cluster.name}.", "success")
            return redirect(url_for("main.home"))
    return render_template("clusters/accept_invitation.html", invitation=invitation, form=form,
                           new_school=new_school, query=query, matches=matches,
                           chosen=register.entry((getattr(form, "urn", None) and form.urn.data
                                                  or "").strip()))


@bp.get("/clusters/<int:cluster_id>/join-requests")
def join_requests(cluster_id: int):
    """A coordinator's list of schools asking to join."""
    cluster = clusters.cluster_for(current_user, cluster_id)
    return render_template("clusters/join_requests.html", cluster=cluster,
                           requests=clusters.join_requests(current_user, cluster.id))


@bp.route("/clusters/<int:cluster_id>/join-requests/<int:request_id>", methods=["GET", "POST"])
def join_request(cluster_id: int, request_id: int):
    """See one join request and, while it is pending, approve or decline it."""
    join = clusters.get_join_request(current_user, cluster_id, request_id)
    form = DecisionForm()
    if form.validate_on_submit():
        answer = carry_out(
            form, lambda: clusters.decide_join_request(current_user, cluster_id, request_id,
                                                       form.decision.data == "approve",
                                                       form.reason.data or ""),
            url_for("clusters.join_requests", cluster_id=cluster_id),
            lambda _: f"The request from {join.register_entry.name} was {join.status}.")
        if answer:
            return answer
    return render_template("clusters/join_request.html", join=join, form=form,
                           decide=can(current_user, "decide", join))
