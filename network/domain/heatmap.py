"""An accessible heat map of toolkit ratings, drawn as SVG on the server (no Flask, no database).

Every cell prints its rating, so colour never carries the meaning alone; each fill keeps the
number at WCAG AA contrast or better. No inline styles: the CSP forbids them.
"""

import re
import secrets
from collections.abc import Mapping, Sequence

from markupsafe import Markup

# rating -> (fill, text colour, legend label); contrast of text on fill in the comment.
LEVELS = {
    1: ("#0f385c", "#ffffff", "strong feature"),  # 12.1:1
    2: ("#8eb8dc", "#0b0c0c", "developing"),  # 9.4:1
    3: ("#f47738", "#0b0c0c", "needs some improvement"),  # 7.0:1
    4: ("#aa2a16", "#ffffff", "needs significant development"),  # 6.9:1
    None: ("#f3f3f3", "#0b0c0c", "not rated"),  # 17.7:1
}
CELL, HEADER, GAP, CHAR = 30, 56, 2, 7  # pixels; CHAR is a rough width of one 13px character
HALF = (CELL - GAP) // 2  # from a cell's corner to its middle
MAX_LABEL = 40
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,40}")


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1].rstrip() + "…"


def _level(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or value not in (1, 2, 3, 4):
        raise ValueError(f"A rating is 1, 2, 3, 4 or None, not {value!r}.")
    return int(value)


def _cell(x: int, y: int, value: int | None, tooltip: str) -> Markup:
    fill, ink, _ = LEVELS[value]
    return Markup(
        '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" fill="{}" text-anchor="middle" dominant-baseline="central" '
        'font-weight="bold">{}</text></g>').format(
        tooltip, x, y, CELL - GAP, CELL - GAP, fill, x + HALF, y + HALF, ink,
        "–" if value is None else value)


def _text(x: int, y: int, text: str, anchor: str = "start", turned: bool = False) -> Markup:
    """A dark label at (x, y), read upwards when `turned`."""
    turn = Markup(' transform="rotate(-90 {} {})"').format(x, y) if turned else ""
    return Markup('<text x="{}" y="{}" fill="#0b0c0c" text-anchor="{}" '
                  'dominant-baseline="central"{}>{}</text>').format(x, y, anchor, turn, text)


def _legend(y: int) -> tuple[list[Markup], int]:
    parts, x = [], 0
    for value, (_, _, label) in LEVELS.items():
        parts += [_cell(x, y, value, label), _text(x + CELL + 4, y + HALF, label)]
        x += CELL + 4 + CHAR * len(label) + 16
    return parts, x


def svg(row_ids: Sequence, row_labels: Sequence[str], column_ids: Sequence,
        column_labels: Sequence[str], values: Mapping[tuple, int | None], title: str,
        description: str, id_prefix: str | None = None) -> Markup:
    """A heat map: one row per `row_ids`, one column per `column_ids`, a cell per rating.

    `values` maps (row id, column id) to 1-4 or None (missing keys are None). `title` and
    `description` become the <title> and <desc> the image is labelled by; `id_prefix` (a
    letter, then letters, digits, - or _) keeps their ids unique on the page.
    """
    if len(row_ids) != len(row_labels) or len(column_ids) != len(column_labels):
        raise ValueError("Give one label for every row and every column.")
    prefix = id_prefix or f"heatmap-{secrets.token_hex(4)}"
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"{prefix!r} cannot start an SVG id.")
    labels = [_shorten(str(label)) for label in row_labels]
    left = max((len(label) for label in labels), default=0) * CHAR + 12
    # Column headings are turned upright, so the header is as tall as the longest of them.
    top = max(HEADER, max((len(str(c)) for c in column_labels), default=0) * CHAR + 14)
    parts = []
    for n, label in enumerate(column_labels):
        x, y = left + n * CELL + HALF, top - 6
        parts.append(_text(x, y, label, turned=True))
    for r, (row_id, label) in enumerate(zip(row_ids, labels, strict=True)):
        y = top + r * CELL
        parts.append(_text(left - 8, y + HALF, label, anchor="end"))
        for c, (column_id, column_label) in enumerate(zip(column_ids, column_labels,
                                                          strict=True)):
            value = _level(values.get((row_id, column_id)))
            shown = "not rated" if value is None else f"rated {value}"
            parts.append(_cell(left + c * CELL, y, value,
                               f"{row_labels[r]}, {column_label}: {shown}"))
    legend_y = top + len(row_ids) * CELL + 16
    legend, legend_width = _legend(legend_y)
    width = max(left + len(column_ids) * CELL, legend_width)
    height = legend_y + CELL + 4
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{0}" height="{1}" '
        'viewBox="0 0 {0} {1}" aria-labelledby="{2}-title {2}-desc" '
        'font-family="arial, sans-serif" font-size="13">'
        '<title id="{2}-title">{3}</title><desc id="{2}-desc">{4}</desc>{5}</svg>').format(
        width, height, prefix, title, description, Markup("").join(parts + legend))
