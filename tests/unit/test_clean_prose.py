"""Case-study pages that cite national bodies, as published case studies do, raise (almost) no
findings; a school's own address or its trust's website planted in one still does.

tests/fixtures/anonymity/clean_pages.json holds 36 anonymised pages written for this test:
context in bands, barriers, actions and impact, citing the web and e-mail addresses, phone
numbers and postal addresses of the DfE, Ofsted, the NHS and national education charities.
"""

import json
from pathlib import Path

import pytest

from network.domain.anonymity import scan
from network.domain.public_bodies import BUILT_IN

PAGES = json.loads((Path(__file__).parent.parent / "fixtures" / "anonymity" / "clean_pages.json")
                   .read_text(encoding="utf-8"))
TRUST = "www.rivermead-learning-trust.org.uk"


def test_the_pages_are_enough_and_page_sized():
    assert len(PAGES) >= 35
    for page in PAGES:
        assert 150 <= len(page["text"].split()) <= 300, page["title"]
    cited = " ".join(page["text"] for page in PAGES)
    for detail in ("gov.uk", "0300 123 1231", "0370 000 2288", "0845 60 222 60", "0800 1111",
                   "SW1P 3BT", "M1 2WD", "@", "nhs.uk"):
        assert detail in cited, detail


def test_at_most_one_finding_on_each_page():
    findings = [(page["title"], f.kind, f.text) for page in PAGES for f in scan(page["text"])]
    print(f"\nfindings on {len(PAGES)} clean pages: {len(findings)}")
    for finding in findings:
        print(f"  {finding}")
    per_page = {page["title"]: len(scan(page["text"])) for page in PAGES}
    assert max(per_page.values()) <= 1, per_page


@pytest.mark.parametrize("planted, kind", [
    ("Write to office@brookfield.leeds.sch.uk for a copy.", "email"),
    ("Our plan is at www.brookfield-primary.sch.uk/plan.", "web_address"),
    ("Our plan is at brookfield.derbyshire.sch.uk.", "web_address"),
    (f"Our trust's plan is at {TRUST}/plan.", "web_address"),
    ("Ring the office on 01632 960123 for a copy.", "phone"),
])
def test_a_school_or_trust_address_planted_in_a_page_is_found(planted, kind):
    known = [TRUST.removeprefix("www.")]
    for page in PAGES[::6]:
        paragraphs = page["text"].split("\n\n")
        text = "\n\n".join([*paragraphs[:2], planted, *paragraphs[2:]])
        start = text.index(planted)
        allowed = BUILT_IN.extended(domains=["rivermead-learning-trust.org.uk",
                                             "derbyshire.sch.uk"])
        for findings in (scan(text, known), scan(text, known, allowed=allowed)):
            assert any(f.kind in (kind, "known") and start <= f.start < start + len(planted)
                       for f in findings), (page["title"], planted)
