"""Boxes on the slide: where a layout puts things, and how regions split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.render.pptx.style import EMU_PER_PT, inches


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def area(self) -> int:
        return self.width * self.height

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )

    def split_top(self, height: int, gap: int) -> tuple[Box, Box]:
        """The top `height` of this box, and what is left below it after `gap`."""
        top = Box(self.left, self.top, self.width, height)
        rest = Box(
            self.left,
            self.top + height + gap,
            self.width,
            max(self.height - height - gap, 0),
        )
        return top, rest

    def columns(self, shares: Sequence[float], gap: int) -> list[Box]:
        usable = self.width - gap * (len(shares) - 1)
        boxes, left = [], self.left
        for share in shares:
            width = round(usable * share / sum(shares))
            boxes.append(Box(left, self.top, width, self.height))
            left += width + gap
        return boxes

    def rows(self, heights: Sequence[int], gap: int) -> list[Box]:
        boxes, top = [], self.top
        for height in heights:
            boxes.append(Box(self.left, top, self.width, height))
            top += height + gap
        return boxes

    def fit(self, width_px: int, height_px: int) -> Box:
        """The largest box of that aspect ratio inside this one, centred."""
        scale = min(self.width / width_px, self.height / height_px)
        width, height = round(width_px * scale), round(height_px * scale)
        return Box(
            self.left + (self.width - width) // 2,
            self.top + (self.height - height) // 2,
            width,
            height,
        )


# Placeholder kinds by python-pptx's PP_PLACEHOLDER member names ("TITLE", "BODY", ...), so that
# everything that plans a slide works without python-pptx (frames.py reads them from a template).
TITLES = frozenset({"TITLE", "CENTER_TITLE"})
CONTENT = frozenset({"BODY", "OBJECT", "PICTURE", "TABLE", "CHART"})
FOOTER_STRIP = inches(0.5)  # the bottom band kept for footer and number when a template has none


@dataclass(frozen=True)
class Frame:
    """Where things go on slides of one layout, read from its placeholders (inherited from
    the master where the layout does not place them), so generated slides and slides a user
    adds in PowerPoint line up."""

    title: Box | None
    content: Box  # the content placeholders together, or the space between title and footer
    columns: tuple[Box, ...]  # content placeholders side by side, left to right (two or more)
    footer: Box
    number: Box


def frame_from(
    width: int, height: int, placeholders: Sequence[tuple[str, Box]], masters: Sequence[tuple[str, Box]]
) -> Frame:
    """A layout's frame on a slide of that size, from its placeholders and its master's ((kind, box), in order)."""
    slide = Box(0, 0, width, height)

    def first(kinds, shapes) -> Box | None:
        return next((box for kind, box in shapes if kind in kinds), None)

    # A layout without a title ("Blank") gets the master's: the slide's title goes where the master keeps it.
    title = first(TITLES, placeholders) or first(TITLES, masters)
    margin = slide.width // 20
    strip_top = slide.height - FOOTER_STRIP
    footer = first({"FOOTER"}, placeholders) or first({"FOOTER"}, masters)
    number = first({"SLIDE_NUMBER"}, placeholders) or first({"SLIDE_NUMBER"}, masters)
    footer = footer or Box(margin, strip_top, slide.width - 2 * margin - inches(1.2), inches(0.35))
    number = number or Box(slide.width - margin - inches(1.0), strip_top, inches(1.0), inches(0.35))
    contents = sorted((box for kind, box in placeholders if kind in CONTENT), key=lambda box: (box.left, box.top))
    if contents and title is not None and _union(contents).overlaps(title):
        # A layout that puts its title between or beside its content placeholders ("Picture with
        # Caption", "Content with Caption"): their union would run over the title, so only the
        # largest is the content region.
        contents = [max(contents, key=lambda box: box.area)]
        content = contents[0]
    elif contents:
        content = _union(contents)
    else:
        left, width = (title.left, title.width) if title else (margin, slide.width - 2 * margin)
        top = (title.bottom if title else 0) + inches(0.25)
        bottom = min(footer.top, number.top) - inches(0.2)
        content = Box(left, top, width, max(bottom - top, inches(1)))
    side_by_side = len(contents) >= 2 and contents[0].left + contents[0].width <= contents[1].left
    return Frame(title, content, tuple(contents[:2]) if side_by_side else (), footer, number)


def _union(boxes: Sequence[Box]) -> Box:
    left = min(box.left for box in boxes)
    top = min(box.top for box in boxes)
    right = max(box.left + box.width for box in boxes)
    bottom = max(box.bottom for box in boxes)
    return Box(left, top, right - left, bottom - top)


def box_of(shape) -> Box:
    return Box(shape.left, shape.top, shape.width, shape.height)


def move(shape, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = (
        box.left,
        box.top,
        box.width,
        box.height,
    )


# A native chart has no aspect ratio of its own: it takes between 4:3 and 2:1 of its room (charts.py).
MIN_WIDTH_PER_HEIGHT, MAX_WIDTH_PER_HEIGHT = 4 / 3, 2


def chart_shape(room_width: int, room_height: int) -> tuple[int, int]:
    """The width and height a chart takes of the room it is given.

    Unlike a picture it has no aspect ratio of its own, so it fills the room, but within
    4:3 and 2:1: a taller chart stretches its lines, a wider one leaves its labels far apart."""
    width = min(room_width, room_height * MAX_WIDTH_PER_HEIGHT)
    height = min(room_height, round(width / MIN_WIDTH_PER_HEIGHT))
    return width, height


def pt(points: float) -> int:
    return round(points * EMU_PER_PT)
