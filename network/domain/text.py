"""Light formatting for what people write: paragraphs, lists, emphasis and links only.

Markdown turns the text into HTML; nh3 (the Ammonia sanitiser) then keeps only the tags
below and only http, https and mailto links, so no raw HTML or javascript: link survives.
"""

import re

import markdown
import nh3
from markupsafe import Markup, escape

TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "br"}
SCHEMES = {"http", "https", "mailto"}
# Markdown's time grows with the square of the links and tags in a paragraph (a 5,000-character
# field of links took 0.76 s a render): a paragraph with more than this many "[" and "<" is
# shown as the plain text it is. Nobody writes that many links in one paragraph.
MARKUP_LIMIT = 60
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def render(text: str | None) -> Markup:
    """Safe HTML for a passage written with light formatting, in GOV.UK classes."""
    text = text or ""
    if text.count("[") + text.count("<") > MARKUP_LIMIT:
        parts = "".join(_paragraph(part) for part in _PARAGRAPHS.split(text))
        return Markup(parts)  # noqa: S704 - each part sanitised by nh3 or escaped
    html = markdown.markdown(text, output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes={"a": {"href"}}, url_schemes=SCHEMES,
                      link_rel="noopener noreferrer nofollow")
    clean = (clean.replace("<p>", '<p class="govuk-body">')
             .replace("<ul>", '<ul class="govuk-list govuk-list--bullet">')
             .replace("<ol>", '<ol class="govuk-list govuk-list--number">')
             .replace("<a ", '<a class="govuk-link" '))
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def _paragraph(part: str) -> str:
    """One paragraph of a long passage: formatted, or plain if it holds too much markup."""
    if part.count("[") + part.count("<") > MARKUP_LIMIT:
        lines = "<br>".join(str(escape(line)) for line in part.strip().splitlines())
        return f'<p class="govuk-body">{lines}</p>' if lines else ""
    return str(render(part))
