"""What makes a drawn figure readable from the back row, measured on its matplotlib artists.

Shared by the figure tests (every registered figure at every box) and the tests of single
Displays. Each check returns the problems it finds, in words, so a failure lists them all.

- text: every visible text, at the figure's scale in its box (the figure drawn for the box is
  scale 1; a figure of another size is fitted, keeping its shape), is at least MIN_TEXT_PT, lies
  inside the figure, and is not drawn over another text;
- contrast: every line, marker, data patch and opaque collection reaches 3:1 against the
  background it is drawn on (WCAG 1.4.11), every text 4.5:1 (WCAG 1.4.3), on the axes' colour,
  or on the colour of the image cell under it (a confusion matrix's counts). Exempt: gridlines
  (guides, faint on purpose), images (a colour scale, read with its numbers) and translucent
  shading (a range drawn behind the line that carries its data);
- series: two lines of different colours in one axes differ in line style or marker too, so
  they are told apart in greyscale and with a colour-vision deficiency.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import Collection
from matplotlib.container import ErrorbarContainer
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.spines import Spine
from matplotlib.text import Text

from generator.deck import FigureBox
from generator.figures.style import MIN_TEXT_PT
from generator.render.contrast import NON_TEXT_CONTRAST, TEXT_CONTRAST, contrast_ratio

RGB = tuple[int, int, int]


def fitted_scale(figure, box: FigureBox) -> float:
    """How much the figure is scaled to fit its box, keeping its shape (1 when drawn for the box)."""
    width, height = figure.get_size_inches()
    return min(box.width_in / width, box.height_in / height)


def _rgb(colour, background: RGB) -> RGB:
    """A matplotlib colour as drawn over ``background`` (its alpha blended in)."""
    red, green, blue, alpha = to_rgba(colour)
    return tuple(round((channel * alpha + (1 - alpha) * base / 255) * 255)
                 for channel, base in zip((red, green, blue), background))


def _ratio(colour, background: RGB) -> float:
    return contrast_ratio(_rgb(colour, background), background)


def _background(artist) -> RGB:
    axes = getattr(artist, "axes", None)
    owner = axes if axes is not None else artist.figure
    return _rgb(owner.get_facecolor(), (255, 255, 255))


def _texts(figure) -> list[Text]:
    """The texts a drawn figure shows (a tick beyond the axis' limits keeps a label that is not drawn)."""
    hidden = set()
    for axes in figure.get_axes():
        for axis in axes._axis_map.values():
            shown = axes.axison and axis.get_visible()  # set_axis_off() hides ticks, labels and all
            drawn = {id(tick) for tick in axis._update_ticks()} if shown else set()
            for tick in (*axis.majorTicks, *axis.minorTicks):
                if id(tick) not in drawn:
                    hidden.update((id(tick.label1), id(tick.label2)))
            if not shown:
                hidden.update((id(axis.label), id(axis.offsetText)))
    return [text for text in figure.findobj(Text)
            if text.get_visible() and text.get_text().strip() and id(text) not in hidden]


def _describe(artist) -> str:
    if isinstance(artist, Text):
        return f"text {artist.get_text()!r}"
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    return f"{type(artist).__name__}" + (f" {label!r}" if label and not label.startswith("_") else "")


def text_problems(figure, box: FigureBox) -> list[str]:
    """Text under MIN_TEXT_PT at the figure's scale in ``box``, or reaching outside the figure."""
    scale = fitted_scale(figure, box)
    bounds = figure.bbox
    problems = []
    for text in _texts(figure):
        shown = text.get_fontsize() * scale
        if shown < MIN_TEXT_PT - 1e-6:
            problems.append(f"{_describe(text)} shows at {shown:.1f} pt, under {MIN_TEXT_PT} pt")
        extent = text.get_window_extent()
        if (extent.x0 < bounds.x0 - 1 or extent.y0 < bounds.y0 - 1 or extent.x1 > bounds.x1 + 1
                or extent.y1 > bounds.y1 + 1):
            problems.append(f"{_describe(text)} reaches outside the figure")
    return problems


def overlap_problems(figure) -> list[str]:
    """Texts drawn over each other (a note run into a legend): neither can be read."""
    placed = [(text, text.get_window_extent()) for text in _texts(figure)]
    problems = []
    for index, (first, one) in enumerate(placed):
        for second, other in placed[index + 1:]:
            width = min(one.x1, other.x1) - max(one.x0, other.x0)
            height = min(one.y1, other.y1) - max(one.y0, other.y0)
            if width > OVERLAP_PX and height > OVERLAP_PX:
                problems.append(f"{_describe(first)} and {_describe(second)} are drawn over each other")
    return problems


# Text boxes include a little space around the glyphs: boxes that touch are not yet text on text.
OVERLAP_PX = 2


def smallest_text_pt(figure, box: FigureBox) -> float:
    return min(text.get_fontsize() for text in _texts(figure)) * fitted_scale(figure, box)


def _gridlines(figure) -> set[int]:
    lines = set()
    for axes in figure.get_axes():
        for axis in (axes.xaxis, axes.yaxis):
            lines.update(id(line) for line in axis.get_gridlines())
    return lines


def _image_colour_under(text: Text) -> RGB | None:
    """The colour of the image cell a text in data coordinates sits on (a count in a matrix)."""
    axes = text.axes
    if axes is None or text.get_transform() != axes.transData:
        return None
    x, y = text.get_position()
    for image in axes.images:
        data = image.get_array()
        left, right, bottom, top = image.get_extent()
        rows, columns = data.shape[:2]
        if not (min(left, right) <= x <= max(left, right) and min(bottom, top) <= y <= max(bottom, top)):
            continue
        column = min(int((x - left) / (right - left) * columns), columns - 1)
        row = min(int((y - top) / (bottom - top) * rows), rows - 1) if image.origin == "upper" else \
            min(int((y - bottom) / (top - bottom) * rows), rows - 1)
        value = data[row, column]
        if np.ma.is_masked(value):
            return None
        return _rgb(image.to_rgba(value), _background(image))
    return None


def contrast_problems(figure) -> list[str]:
    """Marks under 3:1 and text under 4.5:1 against what they are drawn on."""
    problems = []
    gridlines = _gridlines(figure)

    def check(artist, colour, needed: float, what: str, background: RGB | None = None) -> None:
        if colour is None or (isinstance(colour, str) and colour.lower() == "none"):
            return
        if to_rgba(colour)[3] == 0:
            return
        base = background or _background(artist)
        ratio = _ratio(colour, base)
        if ratio < needed:
            problems.append(f"{_describe(artist)}: {what} {_hex(colour)} is {ratio:.2f}:1 on {_hex_rgb(base)}, "
                            f"under {needed}:1")

    for line in figure.findobj(Line2D):
        if not line.get_visible() or id(line) in gridlines:
            continue
        if line.get_linestyle() not in ("None", "none", "", " ") and line.get_linewidth() > 0 and len(line.get_xdata()) > 1:
            check(line, line.get_color(), NON_TEXT_CONTRAST, "line")
        if line.get_marker() not in (None, "None", "none", "", " "):
            base = _background(line)
            face, edge = line.get_markerfacecolor(), line.get_markeredgecolor()
            ratios = [_ratio(c, base) for c in (face, edge) if c is not None and str(c).lower() != "none"
                      and to_rgba(c)[3] > 0]
            if ratios and max(ratios) < NON_TEXT_CONTRAST:
                problems.append(f"{_describe(line)}: marker {_hex(face)} is {max(ratios):.2f}:1, under {NON_TEXT_CONTRAST}:1")
    for axes in figure.get_axes():
        for patch in axes.patches:
            if patch.get_visible() and patch.get_fill():
                check(patch, patch.get_facecolor(), NON_TEXT_CONTRAST, "fill")
    for spine in figure.findobj(Spine):
        if spine.get_visible():
            check(spine, spine.get_edgecolor(), NON_TEXT_CONTRAST, "spine")
    for collection in figure.findobj(Collection):
        if not collection.get_visible():
            continue
        faces = collection.get_facecolors()
        if len(faces) and (collection.get_alpha() is not None and collection.get_alpha() < 1 or
                           np.all(np.asarray(faces)[:, 3] < 1)):
            continue  # translucent shading behind a line
        for face in faces:
            check(collection, tuple(face), NON_TEXT_CONTRAST, "fill")
    for text in _texts(figure):
        check(text, text.get_color(), TEXT_CONTRAST, "text", _image_colour_under(text))
    return problems


def series_problems(figure) -> list[str]:
    """Lines of different colours in one axes that share their line style and marker."""
    problems = []
    gridlines = _gridlines(figure)
    for axes in figure.get_axes():
        seen: dict[tuple, tuple] = {}
        # An error bar's caps go with its series' line, in its colour: not a series of their own.
        caps = {id(cap) for container in axes.containers if isinstance(container, ErrorbarContainer)
                for cap in container.lines[1]}
        for line in axes.get_lines():
            if not line.get_visible() or id(line) in gridlines or id(line) in caps or len(line.get_xdata()) < 2:
                continue
            marker = line.get_marker()
            marker = None if marker in (None, "None", "none", "", " ") else marker
            style = (line.get_linestyle(), marker)
            colour = _hex(line.get_color())
            if style in seen and seen[style][0] != colour:
                problems.append(f"{_describe(line)} and {seen[style][1]} differ only in colour "
                                f"({colour}, {seen[style][0]}; line style {style[0]!r}, marker {marker!r})")
            seen.setdefault(style, (colour, _describe(line)))
    return problems


def _hex(colour) -> str:
    red, green, blue, _ = to_rgba(colour)
    return "#%02X%02X%02X" % (round(red * 255), round(green * 255), round(blue * 255))


def _hex_rgb(rgb: RGB) -> str:
    return "#%02X%02X%02X" % rgb


def legibility_problems(figure, box: FigureBox) -> list[str]:
    figure.draw_without_rendering()  # lays the figure out: texts get their final places, ticks their labels
    return [*text_problems(figure, box), *overlap_problems(figure), *contrast_problems(figure),
            *series_problems(figure)]

