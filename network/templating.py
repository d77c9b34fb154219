"""What every template may use: the menu, the inbox count, small filters."""

from flask import Flask, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_login import current_user

from models.toolkit_data import BARRIERS
from network import text


class Environment(FlaskEnvironment):
    """Flask's template environment with each template's globals as a plain dict (a snapshot
    taken when the template loads) instead of a ChainMap: every `{% from ... import %}` -
    two dozen a page with the GOV.UK templates - compares those keys with its caller's, which
    on a ChainMap costs a lookup through both maps per key. Globals are all set while the app
    is built, before any template loads."""

    def make_globals(self, d):
        """The environment's globals overlaid with the template's own, as one dict."""
        return {**self.globals, **(d or {})}


def _menu() -> list[dict]:
    """The header menu for the person looking at the page."""
    if not current_user.is_authenticated:
        return [{"text": "About", "href": url_for("main.about")},
                {"text": "Sign in", "href": url_for("auth.login")},
                {"text": "Create an account", "href": url_for("auth.signup")}]
    items = [{"text": "Home", "href": url_for("main.home")}]
    if current_user.cluster_id:
        items.append({"text": "Cluster", "href": url_for("clusters.show",
                                                          cluster_id=current_user.cluster_id)})
    if current_user.school_id:
        items.append({"text": "Case studies", "href": url_for("case_studies.index")})
        items.append({"text": "Lesson studies", "href": url_for("lesson_studies.index")})
    if current_user.school_id or current_user.is_lle:
        items.append({"text": "Partnerships", "href": url_for("brokering.partnerships")})
    if current_user.is_lle or current_user.is_coordinator:
        items.append({"text": "Brokering", "href": url_for("brokering.requests")})
    items.append({"text": "Search", "href": url_for("search.index")})
    items.append({"text": "Inbox", "href": url_for("inbox.index")})
    if current_user.is_site_admin:
        items.append({"text": "Admin", "href": url_for("admin.users")})
    items.append({"text": "Account", "href": url_for("auth.change_password")})
    for item in items:
        item["current"] = request.path == item["href"] or (
            item["href"] != "/" and request.path.startswith(item["href"]))
    return items


def _label(value: str | None) -> str:
    """A stored code word as people read it: senior_leader -> Senior leader."""
    return (value or "").replace("_", " ").capitalize()


def install(app: Flask) -> None:
    """Register the template globals and filters."""
    app.add_template_global(_menu, "menu")
    app.add_template_filter(_label, "label")
    app.add_template_filter(text.render, "formatted")
    titles = {slug: title for slug, title, _ in BARRIERS}
    app.add_template_filter(lambda slug: titles.get(slug, slug), "barrier_title")

    @app.template_filter("date")
    def _date(value, fmt: str = "%-d %B %Y") -> str:
        return value.strftime(fmt) if value else ""
