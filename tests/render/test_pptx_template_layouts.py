"""Templates whose layouts have names of their own, and templates with unusable placeholder boxes.

Four templates, made by different means:

- a brand's template made with python-pptx (layouts renamed "ML612 ...", a navy cover first), generated here;
- the same kind of template saved by LibreOffice (committed: tests/fixtures/templates/libreoffice-masters.pptx,
  see make_templates.py): three masters, the navy cover's first, each with all of LibreOffice's usual layout
  names again;
- a hand-edited one: the committed LibreOffice template unzipped, its layouts given German names, their order
  reversed in the master's XML and their types removed, zipped again (generated here);
- a brand template with only a cover and a text layout, where a section's layout can only be guessed.
"""

from __future__ import annotations

import io
import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from lxml import etree
from PIL import Image as PILImage
from pptx import Presentation
from pptx.dml.color import RGBColor

from generator.cli import main
from tests.conftest import FIXTURES
from tests.office import page_texts, pptx_to_pdf

TEMPLATES = FIXTURES / "templates"
NAVY = RGBColor(0x1A, 0x23, 0x5E)
BRAND_NAMES = ("ML612 Cover", "ML612 Text", "ML612 Part", "ML612 Two Columns", "ML612 Compare", "ML612 Headline",
               "ML612 Empty", "ML612 Content and Caption", "ML612 Photo", "ML612 Vertical", "ML612 Vertical Title")
GERMAN_NAMES = {
    "Blank Slide": "Leer", "Title Slide": "Titelfolie", "Title, Content": "Titel und Inhalt",
    "Title, 2 Content": "Zwei Inhalte", "Title Only": "Nur Titel", "Centered Text": "Zentrierter Text",
    "Title, 2 Content and Content": "Zwei Inhalte und Inhalt", "Title Content and 2 Content": "Inhalt und zwei Inhalte",
    "Title, 2 Content over Content": "Zwei Inhalte über Inhalt", "Title, Content over Content": "Inhalt über Inhalt",
    "Title, 4 Content": "Vier Inhalte", "Title, 6 Content": "Sechs Inhalte",
}  # fmt: skip


def brand_template(path: Path, keep: int | None = None) -> None:
    """python-pptx's default template as a brand might make it: its own layout names, a navy cover first;
    only the first `keep` layouts where given."""
    prs = Presentation()
    for layout, name in zip(prs.slide_layouts, BRAND_NAMES):
        layout.name = name
    cover = prs.slide_layouts[0]
    cover.background.fill.solid()
    cover.background.fill.fore_color.rgb = NAVY
    for layout in list(prs.slide_layouts)[keep:] if keep else ():
        prs.slide_layouts.remove(layout)
    prs.save(path)


def hand_edited_template(path: Path) -> None:
    """The LibreOffice template with its layouts renamed and reordered by editing its XML, as a person might."""
    with zipfile.ZipFile(TEMPLATES / "libreoffice.pptx") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", item.filename):
                text = re.sub(r'<p:cSld name="([^"]*)"', lambda m: f'<p:cSld name="{GERMAN_NAMES[m[1]]}"',
                              data.decode())
                data = re.sub(r' type="\w+"', "", text, count=1).encode()  # the layout's type, on its root
            if item.filename == "ppt/slideMasters/slideMaster1.xml":
                text = data.decode()
                ids = re.findall(r"<p:sldLayoutId [^>]*/>", text)
                data = text.replace("".join(ids), "".join(reversed(ids))).encode()
            target.writestr(item, data)


@pytest.fixture(params=["python-pptx", "libreoffice", "hand-edited"])
def template(request, tmp_path) -> tuple[str, Path]:
    name = {"python-pptx": "brand.pptx", "libreoffice": "masters.pptx", "hand-edited": "marke.pptx"}[request.param]
    if request.param == "python-pptx":
        brand_template(tmp_path / name)
    elif request.param == "libreoffice":
        shutil.copy(TEMPLATES / "libreoffice-masters.pptx", tmp_path / name)
    else:
        hand_edited_template(tmp_path / name)
    return request.param, tmp_path / name


LECTURE = """\
lecture:
  title: Templates
  subtitle: Someone else's look
  author: Ada Lovelace
theme:
  pptx_template: {template}
{theme}sections:
  - title: Part one
    subtitle: The first part
    slides:
      - title: Some bullets
        bullets:
          - First point
          - text: Second point
            bullets: [a detail]
          - Third point
          - Fourth point, a little longer than the others
      - title: A picture
        image: photo.png
        alt: A navy rectangle
      - title: A picture and words
        image: photo.png
        alt: A navy rectangle
        bullets: [It is navy, It is a rectangle]
      - title: A table
        table:
          columns: [Activation, Accuracy]
          rows: [[relu, 97%], [sigmoid, 11%]]
      - title: Some code
        code: |
          print("hello")
      - title: A quotation
        quote:
          text: Simple things should be simple.
          attribution: Alan Kay
{extra}closing:
  title: Summary
  bullets: [Templates work]
"""
KINDS = ["title", "section", "bullets", "figure", "figure_bullets", "table", "code", "quote", "closing"]

# Each template's layout for each kind of slide, in the order of KINDS; for LibreOffice's, with its master.
EXPECTED = {
    "python-pptx": ["ML612 Cover", "ML612 Part", "ML612 Text", "ML612 Headline", "ML612 Two Columns",
                    "ML612 Headline", "ML612 Headline", "ML612 Headline", "ML612 Text"],
    "libreoffice": ["Title Slide of master 1", "Title Only of master 1", "Title, Content of master 2",
                    "Title Only of master 2", "Title, 2 Content of master 2", "Title Only of master 2",
                    "Title Only of master 2", "Title Only of master 2", "Title, Content of master 2"],
    "hand-edited": ["Titelfolie", "Nur Titel", "Titel und Inhalt", "Nur Titel", "Zwei Inhalte", "Nur Titel",
                    "Nur Titel", "Nur Titel", "Titel und Inhalt"],
}  # fmt: skip


def write_lecture(template: Path, theme: str = "", extra: str = "") -> Path:
    PILImage.new("RGB", (400, 300), "navy").save(template.parent / "photo.png")
    content = template.parent / "lecture.yaml"
    content.write_text(LECTURE.format(template=template.name, theme=textwrap.indent(theme, "  "),
                                      extra=textwrap.indent(extra, "      ")))
    return content


def build(content: Path):
    out = content.parent / "out"
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result, out / "templates" / "slides.pptx"


def layouts_of(deck: Path) -> list[str]:
    """Each slide's layout name, with its master's number where the deck has several masters."""
    prs = Presentation(str(deck))
    masters = list(prs.slide_masters)

    def shown(layout) -> str:
        return f"{layout.name} of master {masters.index(layout.slide_master) + 1}" if len(masters) > 1 else layout.name

    return [shown(slide.slide_layout) for slide in prs.slides]


def test_each_kind_of_slide_goes_on_the_layout_that_suits_it(template):
    made_by, path = template
    result, deck = build(write_lecture(path))
    assert layouts_of(deck) == EXPECTED[made_by]
    # A content slide never lands on the cover's layout; nor does a slide split in "(cont.)" parts.
    assert EXPECTED[made_by][0] not in layouts_of(deck)[1:]
    assert "continued" not in result.output and "does not fit" not in result.output


def test_the_mapping_used_is_printed_as_one_note(template):
    made_by, path = template
    content = write_lecture(path)
    result, _ = build(content)
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]

    def noted(layout: str) -> str:
        name, _, master = layout.partition(" of master ")
        return f"{name!r} of master {master}" if master else repr(name)

    parts = ", ".join(f"{kind} → {noted(layout)}" for kind, layout in zip(KINDS, EXPECTED[made_by]))
    how = ("by their placeholders and background, where several layouts have the same name"
           if made_by == "libreoffice" else "by their placeholders, where it has no layout with the kind's usual name")
    assert notes == [
        (f"note: {content}:6:18: theme.pptx_template: slides go on these layouts of the template {path.name!r}, "
         f"chosen {how}: {parts}; theme.pptx_layouts names others")
    ]
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:") and "theme.font" not in line]
    assert warnings == []


def test_a_weak_guess_is_a_warning_that_shows_the_lines_to_paste(tmp_path):
    brand_template(tmp_path / "brand.pptx", keep=2)  # the cover and the text layout, nothing else
    content = write_lecture(tmp_path / "brand.pptx")
    result, deck = build(content)
    assert layouts_of(deck) == ["ML612 Cover", "ML612 Cover", *["ML612 Text"] * 7]
    lines = "\n".join([
        "  pptx_layouts:",
        "    title: ML612 Cover",
        "    section: ML612 Cover   # a weak guess",
        *(f"    {kind}: ML612 Text" for kind in KINDS[2:]),
    ])  # fmt: skip
    assert (
        f"warning: {content}:6:18: theme.pptx_template: no layout of the template 'brand.pptx' suits section slides "
        "well, so these slides are on guessed layouts: section on 'ML612 Cover', which is styled as the title slide "
        "(a centred title or a subtitle). Its layouts are 'ML612 Cover', 'ML612 Text'. To choose, put these lines "
        f"under `theme:` and change the guesses:\n{lines}\n"
    ) in result.output
    # Pasted as they are, the lines pin the same layouts, and there is nothing left to guess or note.
    pasted = write_lecture(tmp_path / "brand.pptx", theme=textwrap.dedent(lines.replace("# a weak guess", "")) + "\n")
    assert yaml.safe_load(pasted.read_text())["theme"]["pptx_layouts"]["section"] == "ML612 Cover"
    result, deck = build(pasted)
    assert layouts_of(deck) == ["ML612 Cover", "ML612 Cover", *["ML612 Text"] * 7]
    assert "note:" not in result.output and "pptx_template" not in result.output


def test_layouts_the_content_names_still_win(tmp_path):
    brand_template(tmp_path / "brand.pptx")
    extra = "- title: Named directly\n  bullets: [here]\n  pptx_layout: ML612 Compare\n"
    content = write_lecture(tmp_path / "brand.pptx", theme="pptx_layouts:\n  table: ML612 Content and Caption\n",
                            extra=extra)
    result, deck = build(content)
    titles = [slide.shapes.title.text_frame.text for slide in Presentation(str(deck)).slides]
    used = dict(zip(titles, layouts_of(deck)))
    assert (used["A table"], used["Named directly"], used["Some bullets"]) == (
        "ML612 Content and Caption", "ML612 Compare", "ML612 Text")
    assert "table → 'ML612 Content and Caption' (yours)" in result.output


def test_a_name_libreoffice_repeats_in_every_master_picks_the_master_that_suits_the_slide(tmp_path):
    shutil.copy(TEMPLATES / "libreoffice-masters.pptx", tmp_path / "masters.pptx")
    extra = "- title: Named directly\n  bullets: [here]\n  pptx_layout: Title, Content\n"
    content = write_lecture(tmp_path / "masters.pptx", theme="pptx_layouts:\n  quote: Title, Content\n", extra=extra)
    _, deck = build(content)
    titles = [slide.shapes.title.text_frame.text for slide in Presentation(str(deck)).slides]
    used = dict(zip(titles, layouts_of(deck)))
    # Master 1 is the navy cover's: its "Title, Content" suits no content slide.
    assert used["Named directly"] == used["A quotation"] == "Title, Content of master 2"


@pytest.mark.slow
def test_libreoffice_renders_each_template_one_page_per_slide_without_continuations(template):
    made_by, path = template
    _, deck = build(write_lecture(path))
    pages = page_texts(pptx_to_pdf(deck, path.parent), layout=True)
    titles = ["Templates", "Part one", "Some bullets", "A picture", "A picture and words", "A table", "Some code",
              "A quotation", "Summary"]
    assert len(pages) == len(titles)
    for page, title in zip(pages, titles):
        words = " ".join(page.split()).casefold()  # a section header may set its title in capitals
        assert title.casefold() in words and "(cont.)" not in words, (made_by, title)
    assert "Fourth point, a little longer than the others" in " ".join(pages[2].split())


# --- placeholder boxes a template gets wrong -------------------------------------------------------------

A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def libreoffice_with_a_negative_title_height(path: Path) -> None:
    """What the new user's template did: LibreOffice's "Title, Content" with a title of height -130991 EMU."""
    with zipfile.ZipFile(TEMPLATES / "libreoffice.pptx") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "ppt/slideLayouts/slideLayout3.xml":
                assert b'<p:cSld name="Title, Content">' in data and b'cy="1142640"' in data
                data = data.replace(b'cy="1142640"', b'cy="-130991"', 1)
            target.writestr(item, data)


def python_pptx_with_broken_boxes(path: Path) -> None:
    """python-pptx's template with a master title of no width and a layout's body off the slide."""
    prs = Presentation()

    def give_box(placeholder, x: int, y: int, cx: int, cy: int) -> None:
        shape_properties = placeholder._element.spPr
        for old in shape_properties.findall(f"{{{A}}}xfrm"):
            shape_properties.remove(old)
        shape_properties.insert(0, etree.fromstring(
            f'<a:xfrm xmlns:a="{A}"><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'))

    give_box(prs.slide_master.placeholders[0], 457200, 274638, 0, 1143000)
    give_box(prs.slide_layouts[1].placeholders[1], 18288000, 1600200, 8229600, 4525963)
    prs.save(path)


def test_a_template_placeholder_of_negative_height_gets_the_grids_box_and_a_warning(tmp_path):
    libreoffice_with_a_negative_title_height(tmp_path / "brand.pptx")
    content = write_lecture(tmp_path / "brand.pptx")
    result, deck = build(content)  # used to end with "internal error: ValueError: value must be in range 0 to ..."
    assert (
        f"warning: {content}:6:18: theme.pptx_template: the template 'brand.pptx': the title placeholder "
        "'PlaceHolder 1' of layout 'Title, Content' has a height of -0.14 in, so it was given the box lecturegen's "
        "own master gives it (at 0.6, 0.3 in, 8.8 × 1 in); fix its size and position in the template's slide "
        "master view\n"
    ) in result.output
    assert "does not fit" not in result.output
    prs = Presentation(str(deck))
    layout = next(layout for layout in prs.slide_layouts if layout.name == "Title, Content")
    title = next(ph for ph in layout.placeholders if ph.placeholder_format.type.name == "TITLE")
    assert (title.left, title.top, title.width, title.height) == (548640, 274320, 8046720, 914400)
    bullets = next(slide for slide in prs.slides if slide.shapes.title.text_frame.text == "Some bullets")
    assert bullets.shapes.title.height > 0 and bullets.shapes.title.top + bullets.shapes.title.height < 1500000


def test_placeholders_of_no_width_or_off_the_slide_are_replaced_with_a_warning_each(tmp_path):
    python_pptx_with_broken_boxes(tmp_path / "brand.pptx")
    content = write_lecture(tmp_path / "brand.pptx")
    result, deck = build(content)
    warnings = [line for line in result.output.splitlines() if "theme.pptx_template:" in line]
    assert warnings == [
        (f"warning: {content}:6:18: theme.pptx_template: the template 'brand.pptx': the title placeholder "
         "'Title Placeholder 1' of slide master 1 has a width of 0 in, so it was given the box lecturegen's own "
         "master gives it (at 0.6, 0.3 in, 8.8 × 1 in); fix its size and position in the template's slide master view"),
        (f"warning: {content}:6:18: theme.pptx_template: the template 'brand.pptx': the content placeholder "
         "'Content Placeholder 2' of layout 'Title and Content' lies off the slide (from 20, 1.75 in to 29, 6.7 in "
         "on a 10 × 7.5 in slide), so it was given the box lecturegen's own master gives it (at 0.6, 1.69 in, "
         "8.8 × 5.11 in); fix its size and position in the template's slide master view"),
    ]
    prs = Presentation(str(deck))
    boxes = [(ph.left, ph.top, ph.width, ph.height) for master in prs.slide_masters
             for owner in (master, *master.slide_layouts) for ph in owner.placeholders]
    assert all(width > 0 and height > 0 and left < prs.slide_width for left, _, width, height in boxes)
    bullets = next(slide for slide in prs.slides if slide.shapes.title.text_frame.text == "Some bullets")
    body = next(ph for ph in bullets.placeholders if "First point" in ph.text_frame.text)
    assert 0 <= body.left < prs.slide_width and body.top + body.height <= prs.slide_height


def test_a_damaged_box_with_strict_stops_the_build_and_writes_nothing(tmp_path):
    libreoffice_with_a_negative_title_height(tmp_path / "brand.pptx")
    content = write_lecture(tmp_path / "brand.pptx")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", "pptx", "--strict"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "'PlaceHolder 1' of layout 'Title, Content'" in result.output
    assert not (out / "templates").exists()


def test_the_template_fixtures_are_what_make_templates_describes():
    # The committed LibreOffice file really is LibreOffice's: three masters, each with the same layout names.
    prs = Presentation(str(TEMPLATES / "libreoffice-masters.pptx"))
    names = [[layout.name for layout in master.slide_layouts] for master in prs.slide_masters]
    assert len(names) == 3 and names[0] == names[1] == names[2] and "Title, Content" in names[0]
    assert prs.slide_masters[0].background.fill.fore_color.rgb == NAVY
    assert b"LibreOffice" in zipfile.ZipFile(TEMPLATES / "libreoffice-masters.pptx").read("docProps/app.xml")
    buffer = io.BytesIO()
    hand_edited_template(buffer)
    edited = Presentation(io.BytesIO(buffer.getvalue()))
    assert [layout.name for layout in edited.slide_layouts][:2] == ["Sechs Inhalte", "Vier Inhalte"]
