"""Boxes on the slide: the grid read back from the master, and how regions split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pptx.enum.shapes import PP_PLACEHOLDER

from generator.render.pptx.style import EMU_PER_PT


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


@dataclass(frozen=True)
class Grid:
    """Where things go, read from the (widened) master so layouts and slides agree."""

    title: Box
    body: Box
    footer: Box
    number: Box


def grid_of(prs) -> Grid:
    boxes = {ph.placeholder_format.type: box_of(ph) for ph in prs.slide_master.placeholders}
    return Grid(
        title=boxes[PP_PLACEHOLDER.TITLE],
        body=boxes[PP_PLACEHOLDER.BODY],
        footer=boxes[PP_PLACEHOLDER.FOOTER],
        number=boxes[PP_PLACEHOLDER.SLIDE_NUMBER],
    )


def box_of(shape) -> Box:
    return Box(shape.left, shape.top, shape.width, shape.height)


def move(shape, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = (
        box.left,
        box.top,
        box.width,
        box.height,
    )


def pt(points: float) -> int:
    return round(points * EMU_PER_PT)
