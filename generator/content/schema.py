"""The content format as typed models (pydantic v2).

These models are the single definition of what a content YAML file may say:
the loader validates against them, ``lecturegen schema`` exports them as JSON
Schema, and the docs describe them. Unknown keys are errors everywhere
(``extra="forbid"``) so a typo never passes silently.

Cross-references (demo kinds, figure names, image files, profile entries) are
checked by :mod:`generator.content.references`, which knows the registries.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from generator.interface_words import LabelOverrides
from generator.slide_blocks import block_kinds
from generator.slide_layouts import CONTENT_LAYOUTS, LAYOUT_ORDER

# Identifiers the content uses to name demos and profiles: they appear in
# expressions such as ``results.sweep.final_acc``, so they must be valid
# attribute names there.
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)



# Zip files (a .pptx is one) record dates from 1980 to 2107; the deck is stamped with the lecture's date.
LAST_STAMPABLE_YEAR = 2107


def _stampable(day: dt.date) -> dt.date:
    if day.year > LAST_STAMPABLE_YEAR:
        raise ValueError(f"the date must be in {LAST_STAMPABLE_YEAR} or before: the files are stamped with it, "
                         f"and a zip file (a .pptx is one) records no later year")
    return day

class LectureMeta(Strict):
    """Who gives the lecture, and what it is based on."""

    title: str = Field(min_length=1, description="The lecture's title, on the title slide and in the browser tab.")
    subtitle: str = Field("", description="A line under the title.")
    series: str = Field("", description="The series the lecture belongs to, e.g. 'AI Methods, Lecture 3'.")
    author: str = Field("", description="Who gives the lecture.")
    affiliation: str = Field("", description="The author's institution.")
    date: Annotated[dt.date, AfterValidator(_stampable)] | None = Field(
        None, description="The lecture's date (YYYY-MM-DD); also stamps the files.")
    source: str = Field("", description="Credit for the material the lecture is based on; shown on the title slide.")
    language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description="BCP 47 language tag.")
    notes: str = Field("", description="Speaker notes of the title slide.")
    slug: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Folder name under the output directory; derived from the title when omitted.",
    )


# Every kind of slide, as the PowerPoint master names its layouts (see docs/POWERPOINT.md).
SlideLayoutKind = Literal[LAYOUT_ORDER]


class Theme(Strict):
    """Look of the outputs."""

    accent: str = Field("#0072B2", pattern=HEX_COLOUR, description="Accent colour, #RRGGBB.")
    font: str = Field("DejaVu Sans", min_length=1, description="Font for Latin text.")
    font_east_asian: str = Field("Noto Sans CJK SC", min_length=1, description="Font for Chinese, Japanese, Korean text.")
    font_code: str = Field("DejaVu Sans Mono", min_length=1, description="Monospace font for code.")
    aspect: Literal["16:9", "4:3"] = Field("16:9", description="Slide aspect ratio.")
    templates: str | None = Field(
        None,
        min_length=1,
        description="A folder of HTML templates relative to the content file's folder, searched before the built-in "
        "ones (after `--templates`); templates run as code, see docs/TEMPLATES.md.",
    )
    pptx_template: str | None = Field(
        None,
        description="A PowerPoint template (.pptx or .potx) relative to the content file's folder; its layouts and "
        "look replace the built-in master (the slide size is the template's).",
    )
    pptx_layouts: dict[SlideLayoutKind, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description="Which PowerPoint layout each kind of slide uses, by name, e.g. {bullets: 'Title and Content'}; "
        "without it the usual names ('Title Slide', 'Section Header', 'Title and Content', 'Title Only', "
        "'Two Content') are looked for.",
    )
    labels: LabelOverrides = Field(
        default_factory=LabelOverrides,
        description="Words the outputs add around the content (figure labels, '(cont.)', the report's 'Contents', "
        "the presenter view), by name, replacing the built-in ones for `lecture.language`, e.g. "
        "{figure: 'Abb. {number}:', continued: '(Fortsetzung)'}.",
    )


class DemoInstance(Strict):
    """A named run of a registered demo kind, e.g. ``act: {kind: activations}``."""

    kind: str = Field(description="A registered demo kind; `lecturegen demos` lists them.")
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters of the kind (see `lecturegen demos`).")
    # numpy and torch seed generators with 32 bits; a larger seed would fail after the other demos trained.
    seed: int = Field(0, ge=0, lt=2**32, description="Random seed; the same seed gives the same numbers.")


def _bullet_from_string(value: Any) -> Any:
    # A bullet is usually a plain string; the mapping form exists for nesting.
    if isinstance(value, str):
        return {"text": value}
    return value


class BulletItem(Strict):
    text: str = Field(description="The bullet's text (inline markup and {{ results }} expressions allowed).")
    bullets: list[Bullet] = Field(default_factory=list, description="Sub-bullets, one level deeper.")


Bullet = Annotated[BulletItem, BeforeValidator(_bullet_from_string)]
BulletItem.model_rebuild()


class TableSpec(Strict):
    columns: list[str] = Field(min_length=1, description="Column headings.")
    rows: list[list[str | int | float]] = Field(description="Rows, each with one cell per column.")


def _code_from_string(value: Any) -> Any:
    if isinstance(value, str):
        return {"source": value}
    return value


class CodeSpec(Strict):
    source: str = Field(min_length=1, description="The code, verbatim.")
    language: str | None = Field(None, description="Pygments language name, e.g. 'python'.")


def _quote_from_string(value: Any) -> Any:
    if isinstance(value, str):
        return {"text": value}
    return value


class QuoteSpec(Strict):
    text: str = Field(min_length=1)
    attribution: str = ""


def _equations_from_string(value: Any) -> Any:
    # One equation is the common case; a list stacks several, one per line.
    if isinstance(value, str):
        return [value]
    return value


LayoutName = Literal[CONTENT_LAYOUTS]


class SlideSpec(Strict):
    """One slide. Give a title and at least one of the content keys."""

    title: str = Field(min_length=1)
    layout: LayoutName | None = Field(None, description="Force a layout; chosen from the content when omitted.")
    bullets: list[Bullet] = Field(default_factory=list)
    figure: str | None = Field(None, description="A demo figure, '<demo>.<figure>', e.g. 'act.derivatives'.")
    image: str | None = Field(None, description="A picture file, relative to the content file's folder.")
    alt: str | None = Field(None, description="Alt text for `image` (figures write their own).")
    caption: str | None = Field(None, description="Caption under the figure or image.")
    chart: Literal["image", "native"] = Field(
        "image",
        description="How PowerPoint shows the `figure`: a picture, or a native chart whose numbers can be edited "
        "(for line and bar figures; the HTML outputs always show the picture).",
    )
    table: TableSpec | None = None
    code: Annotated[CodeSpec, BeforeValidator(_code_from_string)] | None = None
    quote: Annotated[QuoteSpec, BeforeValidator(_quote_from_string)] | None = None
    equation: Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_equations_from_string)] = Field(
        default_factory=list,
        description="Display math: TeX without dollar signs (matplotlib mathtext syntax), or a list of them.",
    )
    notes: str = Field("", description="Speaker notes; the report uses them as prose.")
    pptx_layout: str | None = Field(
        None,
        min_length=1,
        description="A PowerPoint layout by name (the template's, or the built-in master's), overriding `layout`.",
    )
    # The values of block kinds registered from outside (generator/slide_blocks.py), by key, as written.
    _added_blocks: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _take_added_blocks(cls, data: Any, handler):
        added = {}
        if isinstance(data, dict):
            keys = block_kinds()
            added = {key: value for key, value in data.items() if key in keys}
            data = {key: value for key, value in data.items() if key not in added}
        spec = handler(data)
        # Their values are checked by the loader, which knows the YAML lines to point at.
        spec._added_blocks.update(added)
        return spec

    @property
    def added_blocks(self) -> dict[str, Any]:
        return dict(self._added_blocks)


class SectionSpec(Strict):
    title: str = Field(min_length=1)
    subtitle: str = ""
    notes: str = Field("", description="Speaker notes of the section's divider slide.")
    slides: list[SlideSpec] = Field(min_length=1)


class Lecture(Strict):
    """A whole lecture: metadata, look, demos, profiles and the slides."""

    lecture: LectureMeta
    theme: Theme = Field(default_factory=Theme)
    code: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Python files in the content file's folder that define demo kinds of the lecture's own "
        "(docs/DEMOS.md). They run as code, with the build's rights: trust them as such.",
    )
    demos: dict[Annotated[str, Field(pattern=IDENTIFIER)], DemoInstance] = Field(default_factory=dict)
    profiles: dict[
        Annotated[str, Field(pattern=IDENTIFIER)],
        dict[str, dict[str, Any]],
    ] = Field(
        default_factory=dict,
        description="Named parameter overrides: profile -> demo -> {param: value}.",
    )
    sections: list[SectionSpec] = Field(min_length=1)
    closing: SlideSpec | None = Field(None, description="A last slide (summary, references).")


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "lecture"
