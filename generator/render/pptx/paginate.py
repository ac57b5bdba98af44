"""Bullets too long for one slide continue on "(cont.)" slides; other text that will not fit is reported.

This is a stage of the build, between resolve and render: the Deck it returns is what every
output shows (slides.pptx, slides.html, slides.reveal.html and slides.pdf have the same slides,
titles and numbers). Text is measured with the real fonts in PowerPoint's geometry, the
strictest of the outputs; the HTML decks lay the same text out in at least as much room.

A pure function of the text's measurements: each slide is planned by the caller's `draft`
(plan.py, the same plan the renderer draws), which says what does not fit even at its floor
size. Planning is arithmetic on text measured once (text.py), so trying a part with fewer
bullets costs little and draws nothing; the plan decides every box, so the pass learns a
slide's room from it rather than by repeating the layout rules here.

A slide that has to continue keeps its figures, tables, notes and subtitle; the bullets that
do not fit move, in order, to following slides titled "<title> (cont.)". The parts share the
bullets evenly rather than leaving a stub on the last one, and a break goes between top-level
bullets where that does not leave a slide more than half empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from generator.deck import Bullet, Bullets, Deck, Inline, Run, Slide
from generator.errors import Location, Problem
from generator.interface_words import InterfaceWords
from generator.render.pptx.fonts import missing_font_messages
from generator.render.pptx.style import BODY_FLOOR_PT
from generator.render.pptx.text import BULLET_TEXT, Overflow, Para, fits_at_floor

Draft = Callable[[Slide], Sequence[Overflow]]  # what does not fit on the slide (plan.plan_slide's overflows)
# More one-line bullets than a 16:9 or 4:3 slide holds at the 16 pt floor (it holds about 20).
MOST_LINES_ON_A_SLIDE = 48


@dataclass(frozen=True)
class Paginated:
    deck: Deck  # slides renumbered, continuations included
    problems: tuple[Problem, ...]  # warnings: --strict makes them errors


@dataclass(frozen=True)
class _Line:
    """One bullet paragraph: its depth and text, the unit the bullets are split by."""

    level: int
    text: Inline


def paginate(deck: Deck, draft: Draft) -> Paginated:
    slides: list[Slide] = []
    problems: list[Problem] = []
    for slide in deck.slides:
        parts, overflows = _paginate_slide(slide, draft, deck.meta.labels)
        problems.extend(_problems(slide, len(parts) - 1, overflows, deck, number=len(slides) + 1))
        slides.extend(parts)
    if deck.slides:
        file = Location(_location(deck.slides[0], deck).file)
        problems.extend(
            Problem(deck.theme.origin(key.removeprefix("theme."), file), key, message)
            for key, message in missing_font_messages(deck.theme)
        )
    numbered = tuple(replace(slide, number=number) for number, slide in enumerate(slides, start=1))
    return Paginated(replace(deck, slides=numbered, paginated=True), tuple(problems))


def _overflows(slide: Slide, draft: Draft) -> list[Overflow]:
    return list(draft(slide))


def _paginate_slide(slide: Slide, draft: Draft, labels: InterfaceWords) -> tuple[list[Slide], list[Overflow]]:
    found = _overflows(slide, draft)
    index = next((i for i, block in enumerate(slide.blocks) if isinstance(block, Bullets)), None)
    if index is None or not any(overflow.what == "bullets" for overflow in found):
        return [slide], found
    lines = _flatten(slide.blocks[index])
    filled, _ = _split(slide, index, lines, draft, None, labels)
    # Filling each slide in turn can leave a stub on the last one; split again into as many
    # parts, each taking an even share of what is left, so the parts look alike.
    return _split(slide, index, lines, draft, len(filled), labels)


def _split(
    slide: Slide, index: int, lines: Sequence[_Line], draft: Draft, part_count: int | None, labels: InterfaceWords
) -> tuple[list[Slide], list[Overflow]]:
    parts: list[Slide] = []
    unfitted: list[Overflow] = []
    base = slide
    while lines:
        # Never draft more lines than a slide could hold: drafting all that is left, part after part,
        # made a long list cost the square of its length.
        share = min(len(lines), MOST_LINES_ON_A_SLIDE)
        if part_count is not None:
            share = min(share, -(-len(lines) // max(part_count - len(parts), 1)))
        count, overflows = _fitting_count(base, index, lines[:share], draft)
        if count < len(lines):
            count = _at_top_level_break(lines, count)
        parts.append(_with_lines(base, index, lines[:count]))
        unfitted.extend(overflows)
        lines = lines[count:]
        base, index = _continuation(slide, labels), 0
    return parts, unfitted


def _fitting_count(base: Slide, index: int, lines: Sequence[_Line], draft: Draft) -> tuple[int, list[Overflow]]:
    """How many of `lines` go on this slide, and what still overflows on it then."""
    found = _overflows(_with_lines(base, index, lines), draft)
    bullets = next((overflow for overflow in found if overflow.what == "bullets"), None)
    if bullets is None:
        return len(lines), found
    # The box the bullets were given tells how many fit; drafting again checks it, because
    # fewer bullets may be given a smaller box when they share the slide with other blocks.
    count = _fitting_in(bullets, lines)
    while count > 1:
        found = _overflows(_with_lines(base, index, lines[:count]), draft)
        if not any(overflow.what == "bullets" for overflow in found):
            break
        count -= 1
    else:
        count = 1  # one bullet alone too long for a slide: it stays, and is reported
        found = _overflows(_with_lines(base, index, lines[:1]), draft)
    return count, found


def _fitting_in(overflow: Overflow, lines: Sequence[_Line]) -> int:
    paras = [Para(line.text, level=line.level) for line in lines]
    count = 1
    while count < len(lines) and fits_at_floor(paras[: count + 1], overflow.box, BULLET_TEXT, overflow.theme):
        count += 1
    return count


def _at_top_level_break(lines: Sequence[_Line], count: int) -> int:
    """`count`, moved back so the next slide starts with a top-level bullet, unless that
    would move more than half of this slide's bullets."""
    for earlier in range(count, max(count // 2, 1) - 1, -1):
        if earlier < len(lines) and lines[earlier].level == 0:
            return earlier
    return count


def _continuation(slide: Slide, labels: InterfaceWords) -> Slide:
    # In the lecture's language: " (cont.)", " (Forts.)", "（续）" (a full-width bracket needs no space).
    title = (*slide.title, Run(labels.continued_suffix())) if slide.title else (Run(labels.continued),)
    return replace(
        slide,
        kind="content",
        layout="bullets",
        title=title,
        subtitle=(),
        blocks=(Bullets(()),),
        notes=(),  # the speaker's notes stay with the slide where the topic starts
        pptx_layout="",
    )


def _with_lines(slide: Slide, index: int, lines: Sequence[_Line]) -> Slide:
    blocks = list(slide.blocks)
    blocks[index] = Bullets(_tree(lines))
    return replace(slide, blocks=tuple(blocks))


def _flatten(bullets: Bullets) -> list[_Line]:
    lines: list[_Line] = []

    def visit(bullet: Bullet, level: int) -> None:
        lines.append(_Line(level, bullet.text))
        for child in bullet.children:
            visit(child, level + 1)

    for item in bullets.items:
        visit(item, 0)
    return lines


def _tree(lines: Sequence[_Line]) -> tuple[Bullet, ...]:
    """Bullets nested again from their levels. A part that starts inside a bullet's children
    has no parent for them; they move up to the shallowest level they can take."""
    roots: list[list] = []
    open_path: list[list] = []  # the last node at each level: [text, children]
    for line in lines:
        level = min(line.level, len(open_path))
        del open_path[level:]
        node: list = [line.text, []]
        (open_path[-1][1] if open_path else roots).append(node)
        open_path.append(node)

    def frozen(node: list) -> Bullet:
        return Bullet(node[0], tuple(frozen(child) for child in node[1]))

    return tuple(frozen(node) for node in roots)


def _named(what: str, number: int) -> str:
    """"the table"; a caption by its figure's number and its slide: "Figure 10's caption (slide 12)"."""
    figure = re.fullmatch(r"caption (\d+)", what)  # the shape "Caption 10" holds Figure 10's caption
    if figure:
        return f"Figure {figure.group(1)}'s caption (slide {number})"
    if what == "table caption":
        return f"the table's caption (slide {number})"
    return f"the {what}"


def _location(slide: Slide, deck: Deck) -> Location:
    return slide.source or Location(deck.meta.slug or "lecture")


def _problems(slide: Slide, extra_slides: int, overflows: Sequence[Overflow], deck: Deck, number: int) -> list[Problem]:
    """What did not fit on the slide that becomes slide ``number`` of the deck."""
    where, path = _location(slide, deck), slide.source_path
    messages: list[str] = []
    if extra_slides:
        noun = "slide" if extra_slides == 1 else "slides"
        messages.append(
            f"the text does not fit on one slide at {BODY_FLOOR_PT} pt; continued on {extra_slides} more {noun}"
        )
    for overflow in overflows:
        if overflow.what == "bullets" and any(not isinstance(block, Bullets) for block in slide.blocks):
            message = (
                f"a bullet does not fit in the room the slide's other blocks leave, even at {BODY_FLOOR_PT} pt; "
                "shorten it, or give the other blocks a slide of their own"
            )
        elif overflow.what == "bullets":
            message = f"a bullet is too long for a whole slide even at {BODY_FLOOR_PT} pt; shorten or split it"
        else:
            size = f"{overflow.size_pt:g} pt"
            message = f"{_named(overflow.what, number)} does not fit its box even at {size}; shorten it"
        if message not in messages:
            messages.append(message)
    return [Problem(where, path, message) for message in messages]
