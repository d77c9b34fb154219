"""The search page and saved searches."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from network.services import search
from network.web.forms.records import ActionForm
from network.web.views import attach_error

bp = Blueprint("search", __name__, url_prefix="/search")
FACET_LABELS = [("kind", "Type"), ("group", "Priority group"), ("barrier", "Barrier"),
                ("element", "Core element"), ("phase", "Phase"), ("region", "Region")]


def _checkboxes(values: dict, results, args) -> list[tuple[str, str, list[tuple]]]:
    """Per facet: its name, its legend and its boxes as (value, text, count, ticked): after a
    search, only the values with results or ticked (facets left with none are left out);
    before one, every value."""
    boxes = []
    for name, label in FACET_LABELS:
        counts = results.facets.get(name, {}) if results else {}
        ticked = set(args.getlist(name))
        boxes.append((name, label, [
            (value, text, counts.get(value, 0), value in ticked)
            for value, text in values[name].items()
            if counts.get(value) or value in ticked or not results]))
    return [facet for facet in boxes if facet[2]]  # no empty legends when nothing matched


def _chosen(values: dict, args) -> tuple[list[tuple[str, str, str]], str]:
    """The filters in force as (facet label, value text, link that removes just that one),
    and the link that clears them all (keeping the words typed and the order)."""
    kept = {key: args.getlist(key) for key in ("q", "sort") if args.get(key)}
    chosen = []
    for name, label in FACET_LABELS:
        for value in dict.fromkeys(args.getlist(name)):
            rest = {key: [v for v in args.getlist(key) if (key, v) != (name, value)]
                    for key in args if key != "page"}
            chosen.append((label, values[name].get(value, value),
                           url_for("search.index", **rest)))
    return chosen, url_for("search.index", **kept)


@bp.get("")
def index():
    """Search published work and school profiles; narrow with facets."""
    return _page(request.args)


def _page(args, save_error: str | None = None, name: str | None = None):
    """The search page for `args`; `save_error` says why the search was not saved."""
    values = search.facet_values()
    error, results, query = None, None, None
    try:  # no words: the newest work the person may read (with any filters chosen)
        query = search.parse(args, values)
        results = search.run(current_user, query)
    except search.SearchError as problem:
        error = str(problem)
    form = ActionForm()
    if error:
        attach_error(form, search.SearchError(error))
    pages = 0 if results is None else max(1, -(-results.total // 10))
    chosen, clear_url = _chosen(values, args)
    return render_template("search/index.html", values=values, results=results, query=query,
                           facets=_checkboxes(values, results, args),
                           chosen=chosen, clear_url=clear_url,
                           args=args, error=error, save_form=form, pages=pages,
                           save_error=save_error, name=name,
                           saved=search.saved_for(current_user)), \
        400 if error or save_error else 200


@bp.post("/saved")
def save():
    """Save the current search; matching new publications will reach the inbox. A search
    that does not parse, or one past the most a person may keep, is refused on the page."""
    fields = ("q", "sort", *search.FACETS)
    if ActionForm().validate_on_submit():
        try:
            search.save(current_user, request.form.get("name", ""),
                        {k: v for k, v in request.form.lists() if k in fields})
        except search.SearchError as error:
            args = MultiDict([(k, v) for k, values in request.form.lists() if k in fields
                              for v in values])
            return _page(args, save_error=str(error), name=request.form.get("name", ""))
        flash("Search saved. New matching work will appear in your inbox.", "success")
    return redirect(url_for("search.index", **{k: request.form.getlist(k) for k in fields}))
