"""The heat map drawing: what a sighted reader, a screen-reader user and the CSP rely on."""

import re

import pytest
from markupsafe import Markup

from network.domain import heatmap

ROWS, ROW_LABELS = [1, 2], ["Ash Grove Primary", "Beech Hill Juniors"]
COLUMNS = ["CE1.A", "CE1.B", "CE1.C", "CE1.D", "CE1.E"]


def _draw(values, row_labels=ROW_LABELS, title="Ratings", description="Schools by standard",
          id_prefix="map"):
    return heatmap.svg(ROWS, row_labels, COLUMNS, COLUMNS, values, title, description,
                       id_prefix=id_prefix)


def _cells(svg: str) -> list[str]:
    """The number drawn in each grid cell, in drawing order (legend excluded)."""
    grid = svg.split("</desc>", 1)[1]
    return re.findall(r'font-weight="bold">([^<]*)</text>', grid)


def test_every_rating_is_written_in_its_cell():
    """Colour never carries the meaning alone: each cell prints its number, or a dash."""
    values = {(1, c): n for c, n in zip(COLUMNS, [1, 2, 3, 4, None], strict=True)}
    values |= {(2, c): 4 for c in COLUMNS}
    drawn = _cells(str(_draw(values)))
    assert drawn[:10] == ["1", "2", "3", "4", "–", "4", "4", "4", "4", "4"]
    assert drawn[10:] == ["1", "2", "3", "4", "–"]  # the legend: every level, numbered


def test_missing_and_none_values_are_shown_as_not_rated():
    """A school with no final evaluation still gets a row, of grey cells marked with a dash."""
    svg = str(_draw({(1, "CE1.A"): None}))
    assert _cells(svg)[:10] == ["–"] * 10
    assert svg.count('fill="#f3f3f3"') == 11  # ten cells and the legend swatch
    assert "Beech Hill Juniors, CE1.E: not rated" in svg


def test_the_image_is_labelled_by_its_title_and_description():
    """Screen readers announce the map by its title and description, found by unique ids."""
    svg = str(_draw({}, title="Latest ratings", description="One row per school",
                    id_prefix="cluster-7"))
    assert 'role="img"' in svg
    assert 'aria-labelledby="cluster-7-title cluster-7-desc"' in svg
    assert '<title id="cluster-7-title">Latest ratings</title>' in svg
    assert '<desc id="cluster-7-desc">One row per school</desc>' in svg
    first = heatmap.svg([], [], [], [], {}, "a", "b")
    second = heatmap.svg([], [], [], [], {}, "a", "b")
    assert re.search(r'id="([^"]+)-title"', first)[1] != re.search(r'id="([^"]+)-title"',
                                                                     second)[1]


def test_all_text_is_escaped():
    """A school named like markup is drawn as text and cannot inject anything."""
    svg = _draw({}, row_labels=['<script>alert("x")</script>', "A & B"],
                title="</title><script>", description='"><img src=x>')
    assert isinstance(svg, Markup)
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in svg
    assert "A &amp; B" in svg


def test_no_inline_styles():
    """The Content-Security-Policy forbids inline styles; presentation attributes are used."""
    svg = str(_draw({(1, "CE1.A"): 1, (2, "CE1.B"): 4}))
    assert "style" not in svg
    assert 'fill="#0f385c"' in svg and 'fill="#aa2a16"' in svg


def test_colours_keep_the_number_readable():
    """Every level's number meets WCAG AA (4.5:1) against its fill."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for fill, ink, _ in heatmap.LEVELS.values():
        light, dark = sorted([luminance(fill), luminance(ink)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, fill


def test_long_labels_are_shortened_but_kept_in_the_tooltip():
    """A very long school name does not push the grid off the page; hovering shows it all."""
    name = "The Very Long Name Church of England Voluntary Aided Primary School"
    svg = str(_draw({}, row_labels=[name, "Short"]))
    assert f">{name[:39].rstrip()}…</text>" in svg
    assert f"<title>{name}, CE1.A: not rated</title>" in svg


@pytest.mark.parametrize("bad", [0, 5, "3", True])
def test_a_rating_outside_the_scale_is_refused(bad):
    """Only 1 to 4 (or nothing) is a rating; anything else is a bug upstream, not a colour."""
    with pytest.raises(ValueError):
        _draw({(1, "CE1.A"): bad})


def test_ids_must_be_safe():
    """The id prefix goes into attributes unescaped-by-design, so it must be a plain name."""
    with pytest.raises(ValueError):
        _draw({}, id_prefix='x" onload="alert(1)')
