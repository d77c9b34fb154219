"""Issue 19: the snippets under every demo record's search results read as plain text.

The demo network is seeded, and every published record is searched for by words of its own
title and of its longest passage, as a headteacher in its cluster would. Every snippet the
results show must have no markdown markers (emphasis, headings, list dashes, table pipes,
links in brackets) and no sentence twice.
"""

import html
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from models import Record, School, User
from models.record_bodies import read
from network.extensions import db
from network.services import pool
from network.services import search as search_service

MARKERS = {
    "emphasis": re.compile(r"\*\*|__|(?<![\w*])\*(?=\w)|(?<=\w)\*(?![\w*])"),
    "heading": re.compile(r"(?:^|\s)#{1,6}\s"),
    "list dash": re.compile(r"(?:^|[.:;]\s)[-+•]\s"),
    "table pipe": re.compile(r"\|"),
    "link": re.compile(r"\]\(|\[[^\]]*\]"),
    "code": re.compile(r"`"),
}
WORD = re.compile(r"[A-Za-z]{5,}")


@pytest.fixture
def demo(app, runner):
    pool._CACHE.clear()
    result = runner.invoke(args=["seed-demo", "--schools", "24", "--seed", "5"])
    assert result.exit_code == 0, result.output


def _reader(record: Record) -> User:
    """A headteacher at another school of the record's cluster: someone who reads it as
    published work."""
    school = db.session.get(School, record.school_id)
    return db.session.scalar(select(User).join(School, User.school_id == School.id).where(
        School.cluster_id == school.cluster_id, School.id != school.id,
        User.school_role == "headteacher").order_by(User.id).limit(1))


def _queries(record: Record) -> list[str]:
    """Two searches a person might type for the record: words of its title, and words of
    its longest passage."""
    body = read(record.kind, record.published_body)
    longest = max((text for _, text in body.texts()), key=len, default="")
    found = []
    for text in (record.published_title, longest):
        words = WORD.findall(text)[:3]
        if words:
            found.append(" ".join(words))
    return found


def _sentences(snippet: str) -> list[str]:
    text = html.unescape(re.sub(r"</?mark>", "", snippet))
    parts = re.split(r"(?<=[.!?])\s+| … ", text)
    return [p.strip(" .…").lower() for p in parts if len(p.strip(" .…")) > 25]


def test_every_demo_records_snippets_read_as_text(app, demo):
    records = list(db.session.scalars(select(Record).where(
        Record.published_body.is_not(None), Record.withdrawn_at.is_(None)).order_by(Record.id)))
    assert len(records) >= 4, "the demo publishes records in every cluster"
    problems, searched, shown = [], 0, 0
    for record in records:
        reader = _reader(record)
        for q in _queries(record):
            results = search_service.run(reader, search_service.parse(MultiDict({"q": q})))
            searched += 1
            for hit in results.hits:
                if not hit.snippet:
                    continue
                shown += 1
                plain = html.unescape(re.sub(r"</?mark>", "", hit.snippet))
                for name, marker in MARKERS.items():
                    if marker.search(plain):
                        problems.append(f"{q!r}: a {name} in {plain!r}")
                said = _sentences(hit.snippet)
                if len(said) != len(set(said)):
                    problems.append(f"{q!r}: a sentence twice in {plain!r}")
    assert searched >= 2 * len(records) - 2 and shown >= len(records)
    assert not problems, "\n".join(dict.fromkeys(problems))
