"""Printing a self-evaluation for governors, walked in Chromium: the headteacher opens the
term's evaluation, follows "Print this self-evaluation" and prints it to PDF. The paper has
what changed since last term, the heat map across terms and each core element starting a page
of its own, and none of the site's header, menu, back link or buttons.

The PDF's text is read with the small reader below (Chromium writes each font with a ToUnicode
map): nothing in requirements.lock reads PDF text, and this is too little to add a dependency
for. Every page a person sees must pass axe-core, at 1280 and at 375 px.
"""

import re
import zlib

from network.domain import terms
from network.extensions import db
from network.services import evaluations
from tests.browser.conftest import (
    assert_accessible,
    click_to_page,
    fill_sign_in,
    playwright_or_skip,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect

OBJECT = re.compile(rb"(?:^|[\r\n])(\d+) 0 obj\b")
HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
SHOWN = re.compile(rb"/([^\s/\[<(]+)\s+[-\d.]+\s+Tf|\[((?:[^\]\\]|\\.)*)\]\s*TJ"
                   rb"|<([0-9A-Fa-f\s]*)>\s*Tj")


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each numbered object: its dictionary and its (inflated) stream, if any."""
    starts = list(OBJECT.finditer(pdf))
    found = {}
    for n, match in enumerate(starts):
        body = pdf[match.end():starts[n + 1].start() if n + 1 < len(starts) else len(pdf)]
        head, marker, rest = body.partition(b"stream")
        data = None
        if marker:
            raw = rest[2:] if rest.startswith(b"\r\n") else rest[1:]
            data = zlib.decompressobj().decompress(raw) if b"/FlateDecode" in head else raw
        found[int(match.group(1))] = (head, data)
    return found


def _unicode(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap: glyph code -> text."""
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                table[int(low, 16) + offset] = chr(int(first, 16) + offset)
    return table


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of a PDF Chromium printed, with all whitespace taken out
    (Chromium places words and even letters separately)."""
    objects = _objects(pdf)
    fonts = {}
    for number, (head, _) in objects.items():
        ref = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", head)
        if ref and objects.get(int(ref.group(1)), (b"", None))[1] is not None:
            fonts[number] = (_unicode(objects[int(ref.group(1))][1]),
                             4 if b"/Type0" in head else 2)
    pages = []
    for head, _ in objects.values():
        if not re.search(rb"/Type\s*/Page(?![a-zA-Z])", head):
            continue
        resources = re.search(rb"/Resources\s+(\d+)\s+0\s+R", head)
        block = re.search(rb"/Font\s*<<(.*?)>>", objects[int(resources.group(1))][0]
                          if resources else head, re.S)
        names = dict(re.findall(rb"/([^\s/]+)\s+(\d+)\s+0\s+R", block.group(1))) if block else {}
        contents = re.search(rb"/Contents\s+(?:\[([^\]]*)\]|(\d+)\s+0\s+R)", head)
        refs = re.findall(rb"(\d+)\s+0\s+R", contents.group(1)) if contents.group(1) \
            else [contents.group(2)]
        text, font = [], ({}, 4)
        for ref in refs:
            for match in SHOWN.finditer(objects[int(ref)][1] or b""):
                if match.group(1):
                    font = fonts.get(int(names.get(match.group(1), 0)), ({}, 4))
                    continue
                table, width = font
                strings = HEX.findall(match.group(2)) if match.group(2) is not None \
                    else [match.group(3)]
                for string in strings:
                    digits = re.sub(rb"\s", b"", string).decode()
                    text += [table.get(int(digits[i:i + width], 16), "")
                             for i in range(0, len(digits), width)]
        pages.append(re.sub(r"\s", "", "".join(text)))
    return pages


def _squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_a_head_prints_the_terms_self_evaluation_for_governors(page, two_clusters,
                                                               make_evaluation):
    world = two_clusters.A
    year, term = terms.recent_terms(2)[1]
    make_evaluation(world.school, ratings=3, status="final", year=year, term=term)
    evaluation = world.evaluation
    evaluation.ratings["CE2.A"].evidence = "Every class now tracks progress the same way."
    db.session.commit()
    elements = [f"{e.code} {e.title}" for e in evaluations.elements()]
    head_email, evaluation_id, label = (world.people["headteacher"].email, evaluation.id,
                                        evaluation.label)
    school_id, partnership_id = world.school.id, world.partnership.id
    released(evaluation_id)

    visit(page, "/login")
    fill_sign_in(page, head_email, PASSWORD)
    visit(page, f"/evaluations/{evaluation_id}")
    click_to_page(page, page.get_by_role("link", name="Print this self-evaluation"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{label} self-evaluation")
    button = page.get_by_role("button", name="Print this self-evaluation")
    expect(button).to_be_visible()  # shown by the script, which the CSP lets run
    expect(page.get_by_role("link", name="Back to the evaluation")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.locator(".app-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the evaluation")).to_be_hidden()
    pdf = page.pdf(format="A4")
    pages = pdf_pages(pdf)
    paper = "".join(pages)

    for words in (f"{label} self-evaluation", "What changed since the previous term",
                  "Ratings across terms", "Every class now tracks progress the same way.",
                  *elements):
        assert _squeezed(words) in paper, f"{words!r} is not on paper"
    for words in ("Sign out", "Search the network", "Back to the evaluation",
                  "Print this self-evaluation", "Skip to main content", "Lesson studies",
                  "Inbox"):
        assert _squeezed(words) not in paper, f"{words!r} is printed"
    # Every core element starts a page of its own, as does the heat map.
    starts = [text[:60] for text in pages]
    for heading in ["Ratings across terms", *elements]:
        assert any(s.startswith(_squeezed(heading)) for s in starts), \
            f"{heading!r} does not start a page: {starts}"
    assert _squeezed("Stronger") in paper  # 3 last term, 2 now: every standard moved

    # The profile and the impact review print the same way; on screen both are accessible.
    page.emulate_media(media="screen")
    for path, button in ((f"/schools/{school_id}/profile/print", "Print this profile"),
                         (f"/partnerships/{partnership_id}/impact-review/print",
                          "Print the impact review")):
        visit(page, path)
        expect(page.get_by_role("button", name=button)).to_be_visible()
        page.set_viewport_size({"width": 375, "height": 800})
        assert_accessible(page)
        page.set_viewport_size({"width": 1280, "height": 800})
