"""Light formatting for what people write: paragraphs, lists, emphasis and links only.

Markdown turns the text into HTML; nh3 (the Ammonia sanitiser) then keeps only the tags
below and only http, https and mailto links, so no raw HTML or javascript: link survives.
"""

import markdown
import nh3
from markupsafe import Markup

TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "br"}
SCHEMES = {"http", "https", "mailto"}


def render(text: str | None) -> Markup:
    """Safe HTML for a passage written with light formatting, in GOV.UK classes."""
    html = markdown.markdown(text or "", output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes={"a": {"href"}}, url_schemes=SCHEMES,
                      link_rel="noopener noreferrer nofollow")
    clean = (clean.replace("<p>", '<p class="govuk-body">')
             .replace("<ul>", '<ul class="govuk-list govuk-list--bullet">')
             .replace("<ol>", '<ol class="govuk-list govuk-list--number">')
             .replace("<a ", '<a class="govuk-link" '))
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
