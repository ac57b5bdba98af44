"""Slides are planned without python-pptx: the designed master's geometry computed from its table is the
geometry python-pptx reads from the master it writes, and a plan is what the renderer draws."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from pptx import Presentation

from generator.deck import Theme
from generator.render.pptx.frames import deck_geometry, designed_geometry, geometry_of
from generator.render.pptx.master import designed_presentation


@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
def test_designed_geometry_is_what_the_master_holds(aspect):
    theme = Theme(accent="#0072B2", font="Liberation Sans", font_east_asian="Noto Sans CJK SC",
                  font_code="DejaVu Sans Mono", aspect=aspect)
    computed = designed_geometry(aspect)
    read = geometry_of(designed_presentation(theme), template=False)
    assert computed == read
    assert deck_geometry(theme) == computed


def test_slide_placeholders_are_named_as_python_pptx_names_them():
    theme = Theme(accent="#0072B2", font="Liberation Sans", font_east_asian="Noto Sans CJK SC",
                  font_code="DejaVu Sans Mono", aspect="16:9")
    prs = designed_presentation(theme)
    for geometry, layout in zip(designed_geometry("16:9").layouts, prs.slide_layouts):
        slide = prs.slides.add_slide(layout)
        placeholders = [(ph.placeholder_format.type.name, ph.placeholder_format.idx, ph.name,
                         (ph.left, ph.top, ph.width, ph.height)) for ph in slide.placeholders]
        planned = [(p.kind, p.idx, p.name, (p.box.left, p.box.top, p.box.width, p.box.height))
                   for p in geometry.placeholders]
        assert planned == placeholders, geometry.name


def test_planning_and_paginating_load_neither_python_pptx_nor_matplotlib():
    code = (
        "import sys\n"
        "from generator.render.pptx import paginate_deck\n"
        "from generator.render.pptx.plan import picture_region\n"
        "from generator.deck import Theme\n"
        "theme = Theme(accent='#0072B2', font='Liberation Sans', font_east_asian='Noto Sans CJK SC',"
        " font_code='DejaVu Sans Mono', aspect='16:9')\n"
        "picture_region(theme, 'figure_bullets', two_columns=True, subtitle=False)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pptx', 'matplotlib', 'lxml'))\n"
        "print(loaded)\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"


def test_a_template_is_read_with_python_pptx(tmp_path):
    prs = Presentation()
    buffer = io.BytesIO()
    prs.save(buffer)
    theme = Theme(accent="#0072B2", font="Liberation Sans", font_east_asian="Noto Sans CJK SC",
                  font_code="DejaVu Sans Mono", aspect="4:3", pptx_template=buffer.getvalue())
    geometry = deck_geometry(theme)
    assert geometry.template
    assert [layout.name for layout in geometry.layouts] == [layout.name for layout in prs.slide_layouts]


def test_the_deck_is_zipped_once_with_the_bytes_python_pptx_would_save():
    import datetime as dt

    from generator.render.pptx import presentation

    theme = Theme(accent="#0072B2", font="Liberation Sans", font_east_asian="Noto Sans CJK SC",
                  font_code="DejaVu Sans Mono", aspect="16:9")
    prs = designed_presentation(theme)
    slide = prs.slides.add_slide(prs.slide_layouts[2])
    slide.notes_slide.notes_text_frame.text = "notes"
    stamp = dt.datetime(2021, 9, 10)
    direct = presentation._saved(prs, stamp)
    buffer = io.BytesIO()
    prs.save(buffer)
    assert direct == presentation._repack_with_fixed_time(buffer.getvalue(), stamp)
