"""The in-app inbox."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from network.services import clusters, digests, inbox
from network.web.forms.brokering import DigestForm
from network.web.views import page_number

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PER_PAGE = 20


@bp.get("")
def index():
    """Your notices, newest first, and the outcome of any requests you made."""
    page = page_number()
    messages, total = inbox.messages_for(current_user, page, PER_PAGE)
    return render_template("inbox/index.html", messages=messages, page=page, total=total,
                           pages=max(1, -(-total // PER_PAGE)),
                           requests=clusters.my_join_requests(current_user))


@bp.get("/<int:message_id>")
def show(message_id: int):
    """One notice; opening it marks it read."""
    message = inbox.open_message(current_user, message_id)
    return render_template("inbox/show.html", message=message, href=href(message),
                           opens=OPENS.get(message.endpoint or "", "Open the page"))


# What the page a notice leads to is, said before its subject to screen-reader users.
OPENS = {"brokering.partnership": "Open the partnership",
         "brokering.support_request": "Open the request for support",
         "clusters.join_request": "Open the request to join",
         "records.review": "Review the record", "records.show": "Open the record",
         "records.published": "Read the record",
         "records.contact_request": "Open the request to talk", "main.home": "Go home"}


def href(message) -> str:
    """Where a notice's link leads: the page it names, made into a link as it is shown
    (notices written before pages were named keep the link stored with them)."""
    if not message.endpoint:
        return message.link
    try:
        return url_for(message.endpoint, **(message.args or {}))
    except BuildError:  # the page has since been renamed or removed
        return ""


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Choose how often unread notices are emailed: never, daily or weekly."""
    form = DigestForm(data={"digest": current_user.digest})
    if form.validate_on_submit():
        digests.choose(current_user, form.digest.data)
        flash("Your email digest setting is saved.", "success")
        return redirect(url_for("inbox.index"))
    return render_template("inbox/settings.html", form=form)
