"""Issue 17, item 2: wherever a person reads a toolkit standard, its short name is there too.

The demo network (seed-demo, 24 schools) is walked as a headteacher whose school is supported,
its cluster's coordinator and a Local Leader of Education: every GET page of the app's url_map,
with the ids the demo holds (their cluster's schools, evaluations, records, support requests
and partnerships with their milestones, measures and grants). In each page's visible text -
tags stripped, attributes (form values, ids, URLs) dropped, an <abbr> read as its title - a
standard's code such as CE2.A must be followed by its title ("CE2.A Tracking steers
improvement"), and a SEF reference is never shown as "SEF SEF 3.1".
"""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from models import (
    Partnership,
    School,
    User,
)
from models.toolkit_data import CORE_ELEMENTS
from network.extensions import db
from network.services import pool
from network.web.templating import standard_name
from tests.routes import DEMO_SKIP as SKIP
from tests.routes import demo_contexts as _contexts
from tests.routes import first as _first
from tests.routes import rules

TITLES = {f"{code}.{letter}": title for code, _, _, items in CORE_ELEMENTS
          for letter, title, _ in items}
CODE = re.compile(r"\bCE[1-6]\.[A-Z]\b")
# Not read as page text: typed values, and the heat maps' pictures (role="img": people read
# the picture, screen readers its title and description, and the table beside it has names).
HIDDEN = {"script", "style", "textarea", "template", "svg"}


class _VisibleText(HTMLParser):
    """The text a person reads (or hears) on a page: an <abbr> reads as its title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.abbr = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "abbr":
            self.abbr += 1
            self.parts.append(" " + (dict(attrs).get("title") or "") + " ")
        elif tag in ("br", "p", "li", "td", "th", "div", "option", "dt", "dd", "h1", "h2",
                     "h3", "h4", "caption", "label", "legend"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag == "abbr":
            self.abbr = max(self.abbr - 1, 0)

    def handle_data(self, data):
        if not self.hidden and not self.abbr:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _VisibleText()
    reader.feed(html)
    return " ".join("".join(reader.parts).split())


def bare_codes(text: str) -> list[str]:
    """Each standard code in `text` not followed by its title, with a little context."""
    found = []
    for hit in CODE.finditer(text):
        title = TITLES.get(hit.group())
        after = text[hit.end():].lstrip()
        if title is None or not after.lower().startswith(title.lower()):
            found.append(text[max(hit.start() - 40, 0):hit.end() + 40])
    return found


def test_the_checker_knows_a_named_code_from_a_bare_one():
    named = standard_name("CE2.A")
    assert named.startswith("CE2.A ") and len(named) > len("CE2.A ")
    assert not bare_codes(visible_text(f"<p>Focus: {named}</p>"))
    assert not bare_codes(visible_text(f'<abbr title="{named}">CE2.A</abbr>, next'))
    assert not bare_codes(visible_text('<input value="CE2.A"><a href="/x?s=CE2.A">Go</a>'))
    assert bare_codes(visible_text("<p>Focus: CE2.A, CE2.E</p>")) == [
        "Focus: CE2.A, CE2.E", "Focus: CE2.A, CE2.E"]
    assert bare_codes(visible_text('<abbr title="CE2.A">CE2.A</abbr>'))


def _urls(app, person: User) -> list[str]:
    contexts = _contexts(person)
    urls: dict[str, None] = {}
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        for values in contexts:
            if set(rule.arguments) <= set(values):
                urls[rule.build({a: values[a] for a in rule.arguments},
                                append_unknown=False)[1]] = None
    return list(urls)


@pytest.fixture
def demo(app, runner):
    pool._CACHE.clear()
    result = runner.invoke(args=["seed-demo", "--schools", "24", "--seed", "3"])
    assert result.exit_code == 0, result.output
    supported = db.session.scalar(select(Partnership).where(Partnership.status == "active"))
    head = _first(User, User.school_id == supported.supported_school_id,
                  User.school_role == "headteacher")
    coordinator = _first(User, User.is_coordinator.is_(True),
                         User.school_id.in_(select(School.id).where(
                             School.cluster_id == head.school.cluster_id)))
    lle = _first(User, User.is_lle.is_(True), User.school_id.in_(select(School.id).where(
        School.cluster_id == head.school.cluster_id)))
    return {"headteacher": head, "coordinator": coordinator, "lle": lle}


def test_every_page_names_the_standards_it_shows(app, demo, login):
    """Every page each person can open shows a standard's code with its name beside it."""
    problems, pages = [], 0
    for role, person in demo.items():
        browser = login(person, password="improve-together", as_client=app.test_client())
        for url in _urls(app, person):
            response = browser.get(url)
            assert response.status_code < 500, (role, url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            pages += 1
            text = visible_text(response.get_data(as_text=True))
            bare = bare_codes(text)
            if bare:
                problems.append(f"{role} {url}: {len(bare)} bare, first ...{bare[0]}...")
            if "SEF SEF" in text:
                problems.append(f"{role} {url}: SEF reference shown as 'SEF SEF'")
    assert pages > 60, pages  # the walk really opened the demo's pages
    assert not problems, "\n".join(dict.fromkeys(problems))
