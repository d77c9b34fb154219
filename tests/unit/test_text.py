"""Light formatting of what people write: links and emphasis render, nothing unsafe survives,
and a passage stuffed with markup cannot make its page slow (Markdown's time grows with the
square of the links in a paragraph)."""

import time

from network.domain.text import MARKUP_LIMIT, render


def test_links_and_emphasis_render_and_scripts_do_not():
    html = str(render("Read *this* at [the guidance](https://www.gov.uk).\n\n"
                      "<script>alert(1)</script> [bad](javascript:alert(1))"))
    assert "<em>this</em>" in html
    assert 'href="https://www.gov.uk"' in html and 'class="govuk-link"' in html
    assert "<script>" not in html and "javascript:" not in html


def test_a_passage_stuffed_with_links_is_shown_as_plain_text_quickly():
    stuffed = "[a](https://example.org) " * 700          # 5,000 characters of links
    started = time.perf_counter()
    html = str(render(stuffed))
    assert time.perf_counter() - started < 0.5        # a guard, not a benchmark (was 0.76 s)
    assert "<a " not in html and "[a](https://example.org)" in html


def test_only_the_stuffed_paragraph_loses_its_formatting():
    ordinary = "See [the guidance](https://www.gov.uk) and *our plan*."
    stuffed = "<b>" * (MARKUP_LIMIT + 1)
    html = str(render(f"{ordinary}\n\n{stuffed}"))
    assert 'href="https://www.gov.uk"' in html and "<em>our plan</em>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
