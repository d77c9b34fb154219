"""What every template may use: the menu, the inbox count, small filters."""

from datetime import date

from flask import Flask, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_login import current_user
from markupsafe import Markup

from models.toolkit_data import BARRIERS, CORE_ELEMENTS
from network import access
from network.domain import inspection, text
from network.domain.matching_reasons import strength_lines


class Environment(FlaskEnvironment):
    """Flask's template environment with each template's globals as a plain dict (a snapshot
    taken when the template loads) instead of a ChainMap: every `{% from ... import %}` -
    two dozen a page with the GOV.UK templates - compares those keys with its caller's, which
    on a ChainMap costs a lookup through both maps per key. Globals are all set while the app
    is built, before any template loads."""

    def make_globals(self, d):
        """The environment's globals overlaid with the template's own, as one dict."""
        return {**self.globals, **(d or {})}


def _can(action: str, obj: object = None) -> bool:
    """Whether the person looking at the page may do `action` (to `obj`, if given)."""
    return access.can(current_user._get_current_object(), action, obj)


# How a person's roles read: their school role, then what else they do on the platform.
_ROLE_WORDS = {
    "short": (("is_coordinator", "coordinator"), ("is_lle", "LLE")),
    "long": (("is_coordinator", "cluster coordinator"), ("is_lle", "Local Leader of Education")),
    "platform": (("is_lle", "LLE"), ("is_site_admin", "Site admin")),
}


def _roles(person, words: str = "short") -> str:
    """What a person does, as people read it: "Headteacher, coordinator, LLE"."""
    extra = [word for flag, word in _ROLE_WORDS[words] if getattr(person, flag)]
    if words == "platform":
        return ", ".join(extra)
    return "".join([_label(person.school_role)] + [f", {word}" for word in extra])


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
    if _can("see_partnerships"):  # overseers without a school: the ones they follow
        items.append({"text": "Partnerships", "href": url_for(
            "brokering.partnerships" if _can("list_partnerships") else "oversight.following")})
    if _can("broker"):
        items.append({"text": "Brokering", "href": url_for("brokering.requests")})
    items.append({"text": "Search", "href": url_for("search.index")})
    items.append({"text": "Inbox", "href": url_for("inbox.index")})
    if _can("administer"):
        items.append({"text": "Admin", "href": url_for("admin.users")})
    items.append({"text": "Account", "href": url_for("auth.change_password")})
    for item in items:
        item["current"] = request.path == item["href"] or (
            item["href"] != "/" and request.path.startswith(item["href"]))
    if request.path.startswith("/account/"):  # the account's own pages (two-factor, tokens)
        items[-1]["current"] = True
    return items


def _label(value: str | None) -> str:
    """A stored code word as people read it: senior_leader -> Senior leader."""
    return (value or "").replace("_", " ").capitalize()


def _long_date(value: str | date | None) -> str:
    """A date typed as 2025-03-04 as people read it, 4 March 2025; anything else as typed."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(value or "")
    except (TypeError, ValueError):
        return value or ""
    return f"{day.day} {day:%B %Y}"


def _paragraphs(value: str | None) -> list[str]:
    """Plain text split at blank lines, without empty paragraphs."""
    return [p for p in (value or "").split("\n\n") if p]


def _link(href: str, text: str, hidden: str | None = None) -> Markup:
    """A GOV.UK link, for a macro's html cell; `hidden` is read only by screen readers."""
    extra = Markup('<span class="govuk-visually-hidden">{}</span>').format(hidden) if hidden else ""
    return Markup('<a class="govuk-link" href="{}">{}{}</a>').format(href, text, extra)


def _inspection_words(school) -> str:
    """A school's latest inspection grade and date from the register, in words."""
    entry = school.register_entry
    return inspection.words(entry.ofsted_rating if entry else None,
                            entry.ofsted_inspection_date if entry else None)


# Every standard's short name by its code: the toolkit is fixed reference data (the
# migrations write the same table from models/toolkit_data.py), so it is read once here.
STANDARD_TITLES = {f"{code}.{letter}": title for code, _, _, items in CORE_ELEMENTS
                   for letter, title, _ in items}


def standard_name(code: str | None) -> str:
    """A standard as people read it, its code and short name: "CE2.A Tracking steers
    improvement"; anything that is not a known code as it came."""
    title = STANDARD_TITLES.get(code or "")
    return f"{code} {title}" if title else (code or "")


def install(app: Flask) -> None:
    """Register the template globals and filters."""
    app.add_template_global(_menu, "menu")
    app.add_template_global(_can, "can")
    app.add_template_global(_link, "link")
    app.add_template_global(_inspection_words, "inspection_words")
    app.add_template_filter(_roles, "roles")
    app.add_template_filter(_label, "label")
    app.add_template_filter(text.render, "formatted")
    app.add_template_filter(_long_date, "long_date")
    app.add_template_filter(_paragraphs, "paragraphs")
    titles = {slug: title for slug, title, _ in BARRIERS}
    app.add_template_filter(lambda slug: titles.get(slug, slug), "barrier_title")
    app.add_template_filter(standard_name, "standard_name")
    app.add_template_filter(strength_lines, "strength_lines")
    app.add_template_global(standard_name, "standard_name")
    app.add_template_filter(lambda code: STANDARD_TITLES.get(code or "", ""), "standard_title")

    @app.template_filter("date")
    def _date(value, fmt: str = "%-d %B %Y") -> str:
        return value.strftime(fmt) if value else ""
