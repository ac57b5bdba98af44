"""Which of a user's template's layouts each kind of slide goes on, when the content does not say.

PowerPoint and python-pptx call their layouts "Title and Content", "Section Header" and so on;
LibreOffice calls them "Title, Content", and writes all of its layouts again under every master
(one master for each layout the presentation's slides used, the cover's first). A brand's template
may call them anything ("ML612 Cover", "ML612 Text"). So a kind's layout is looked for by its usual
names first (`template_names` in the layout table, generator/slide_layouts.py); among several
layouts of that name, and for a kind none of whose names the template has, layouts are judged by
what they hold: their placeholders' kinds and boxes, their OOXML type, and whether they look like a
cover (a centred title or a subtitle, or the first layout of its master with a background unlike
most layouts').

Each kind of slide scores every layout on traits it needs, likes and avoids; a content slide avoids
the cover above all, so it lands there only when nothing else has a title. A choice that lacks a
trait its kind needs, or has one it avoids, is a weak guess: the build warns and prints the
`theme.pptx_layouts` lines that pin the mapping down (`layout_report`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.render.pptx.frames import LATENT, TEXT_BODIES, DeckGeometry, LayoutGeometry, Placeholder
from generator.render.pptx.geometry import CONTENT, TITLES, Box
from generator.slide_layouts import LAYOUT_ORDER, LAYOUTS

LARGE_TEXT = 0.2  # a text placeholder over this share of the slide holds a list; a smaller one, a line or a caption
PART = 0.1  # a content placeholder over this share of the slide can hold a picture or a column
ROOM = 0.3  # a picture, table or block of code needs this share of the slide for itself
FULL_ROOM = 0.55  # more room than this share (a whole slide below its title) counts no more
FULL_BODY = 0.45  # likewise for a text placeholder
VERTICAL_TYPES = frozenset({"vertTx", "vertTitleAndTx", "vertTitleAndTxOverChart"})
LIST_TYPES = frozenset({"obj", "tx"})


@dataclass(frozen=True)
class KindChoice:
    """The layout a kind of slide goes on, how it was found, and why it is only a guess (if it is)."""

    kind: str
    layout: LayoutGeometry
    by_name: bool  # it has one of the kind's usual names
    weak: tuple[str, ...] = ()  # what the layout lacks or has that the kind avoids; () for a good choice


@dataclass(frozen=True)
class _Rule:
    trait: str
    weight: float
    weak_because: str = ""  # for needs: said when the layout lacks it; for avoids: when it has it


@dataclass(frozen=True)
class _Rules:
    needs: tuple[_Rule, ...]
    likes: tuple[_Rule, ...] = ()  # a weight times the trait's value (0 to 1, or a count); may be negative
    avoids: tuple[_Rule, ...] = ()


_TITLED = _Rule("titled", 3, "has no title placeholder")
_ROOMY = _Rule("big_room", 3, "leaves little room under its title")
_NOT_COVER = _Rule("cover", 5, "is styled as the title slide (a centred title or a subtitle)")
_NOT_OWN_LOOK = _Rule("own_look", 3, "has a background unlike most of the template's layouts, as a cover has")
_NOT_SIDE_BY_SIDE = _Rule("side_by_side", 2, "has two content placeholders side by side")
_NOT_VERTICAL = _Rule("vertical", 3, "sets its text vertically")
_NOT_SECTION = _Rule("type_section", 2, "is a section header layout")
_ONE_COLUMN_AVOIDS = (_NOT_COVER, _NOT_OWN_LOOK, _NOT_SIDE_BY_SIDE, _NOT_VERTICAL, _NOT_SECTION)
_LIST = _Rules(
    needs=(_TITLED, _Rule("one_body", 4, "has no single large text placeholder for bullets")),
    likes=(_Rule("type_list", 2), _Rule("body_room", 3), _Rule("extra", -1)),
    avoids=(*_ONE_COLUMN_AVOIDS, _Rule("picture", 1, "has a picture placeholder")),
)
_BLOCK = _Rules(
    needs=(_TITLED, _ROOMY),
    likes=(_Rule("no_content", 2), _Rule("room", 4), _Rule("extra", -1)),
    avoids=(*_ONE_COLUMN_AVOIDS, _Rule("picture", 1, "has a picture placeholder")),
)
RULES: dict[str, _Rules] = {
    "title": _Rules(
        needs=(_TITLED, _Rule("cover", 4, "does not look like a title slide (no centred title or subtitle)")),
        likes=(_Rule("own_look", 2), _Rule("first", 1), _Rule("type_title", 2)),
        avoids=(_Rule("big_body", 3, "has a large text placeholder"), _NOT_VERTICAL),
    ),
    "section": _Rules(
        needs=(_TITLED, _Rule("heading_only", 3, "holds more than a title and a line under it")),
        likes=(_Rule("type_section", 3), _Rule("plain_title", 1), _Rule("own_look", 1)),
        # Better a section on the cover's layout than on a layout with an empty body.
        avoids=(_Rule("cover", 1, "is styled as the title slide (a centred title or a subtitle)"), _NOT_VERTICAL),
    ),
    "bullets": _LIST,
    "closing": _LIST,
    "figure": _Rules(
        needs=(_TITLED, _ROOMY),
        likes=(_Rule("picture", 3), _Rule("no_content", 2), _Rule("room", 4), _Rule("extra", -1)),
        avoids=_ONE_COLUMN_AVOIDS,
    ),
    "figure_bullets": _Rules(
        needs=(_TITLED, _ROOMY),
        likes=(_Rule("side_by_side", 4), _Rule("picture", 1), _Rule("room", 2), _Rule("extra", -1)),
        avoids=(_NOT_COVER, _NOT_OWN_LOOK, _NOT_VERTICAL, _NOT_SECTION),
    ),
    "table": _Rules(needs=_BLOCK.needs, likes=(_Rule("table", 3), *_BLOCK.likes), avoids=_BLOCK.avoids),
    "code": _BLOCK,
    "quote": _BLOCK,
}
assert set(RULES) == set(LAYOUT_ORDER), "every layout kind needs its rules"
# How many content placeholders a kind fills; more are left empty (and removed from its slides).
_FILLS = {"figure_bullets": 2}


def traits(layout: LayoutGeometry, geometry: DeckGeometry, common_background: str) -> dict[str, float]:
    """What a layout is, as the rules read it: true or false (1 or 0), shares of the slide, counts."""
    slide = geometry.width * geometry.height

    def share(box: Box) -> float:
        return box.area / slide if slide else 0.0

    own = [placeholder for placeholder in layout.own if placeholder.kind not in LATENT]
    look = layout.look
    layout_type = look.type if look else ""
    titles = [placeholder for placeholder in own if placeholder.kind in TITLES and not placeholder.vertical]
    texts = [placeholder for placeholder in own if placeholder.kind in TEXT_BODIES]
    large_texts = [placeholder for placeholder in texts if share(placeholder.box) >= LARGE_TEXT]
    contents = [placeholder for placeholder in own if placeholder.kind in CONTENT]
    pictures = [placeholder for placeholder in own if placeholder.kind == "PICTURE" and share(placeholder.box) >= PART]
    side_by_side = _side_by_side([p for p in contents if share(p.box) >= PART])
    vertical = layout_type in VERTICAL_TYPES or any(placeholder.vertical for placeholder in own)
    own_look = look is not None and look.background != common_background
    subtitle = any(placeholder.kind == "SUBTITLE" for placeholder in own)
    cover = (
        any(placeholder.kind == "CENTER_TITLE" for placeholder in own)
        or layout_type == "title"
        or (subtitle and not large_texts)
        or (look is not None and look.position == 0 and own_look and bool(titles))
    )
    return {
        "titled": bool(titles),
        "plain_title": any(placeholder.kind == "TITLE" for placeholder in titles),
        "cover": cover,
        "own_look": own_look,
        "first": layout.index == 0,
        "type_title": layout_type == "title",
        "type_section": layout_type == "secHead",
        "type_list": layout_type in LIST_TYPES,
        "big_body": bool(large_texts),
        "one_body": len(large_texts) == 1 and not side_by_side and not vertical,
        # A title, and at most one line under it (a subtitle or a small text placeholder).
        "heading_only": all(placeholder.kind in TEXT_BODIES for placeholder in contents)
        and len(contents) <= 1 and not large_texts,
        "no_content": not contents,
        "picture": bool(pictures),
        "table": any(placeholder.kind == "TABLE" for placeholder in own),
        "side_by_side": side_by_side,
        "vertical": vertical,
        "big_room": share(layout.frame.content) >= ROOM,
        "room": min(share(layout.frame.content) / FULL_ROOM, 1.0),
        "body_room": min(max((share(p.box) for p in texts), default=0.0) / FULL_BODY, 1.0),
        "extra": float(len(contents)),  # less what the kind fills, in _score
    }


def _side_by_side(contents: Sequence[Placeholder]) -> bool:
    """Whether two of these placeholders sit side by side: apart left to right, level with each other."""
    return any(
        (a.box.right <= b.box.left or b.box.right <= a.box.left)
        and a.box.top < b.box.bottom and b.box.top < a.box.bottom
        for index, a in enumerate(contents) for b in contents[index + 1:]
    )


def _score(kind: str, found: Mapping[str, float]) -> tuple[float, tuple[str, ...]]:
    rules = RULES[kind]
    score, weak = 0.0, []
    for rule in rules.needs:
        if found[rule.trait]:
            score += rule.weight
        else:
            weak.append(rule.weak_because)
    for rule in rules.likes:
        value = found[rule.trait]
        if rule.trait == "extra":
            value = max(value - _FILLS.get(kind, 1), 0.0)
        score += rule.weight * value
    for rule in rules.avoids:
        if found[rule.trait]:
            score -= rule.weight
            weak.append(rule.weak_because)
    return score, tuple(weak)


def common_background(geometry: DeckGeometry) -> str:
    """The background most layouts have; on a tie, the one that comes later (a template's cover comes first)."""
    backgrounds = [layout.look.background if layout.look else "" for layout in geometry.layouts]
    counts = Counter(backgrounds)
    last = {background: index for index, background in enumerate(backgrounds)}
    return max(counts, key=lambda background: (counts[background], last[background]), default="")


def _best(kind: str, candidates: Sequence[LayoutGeometry], geometry: DeckGeometry, by_name: bool) -> KindChoice:
    common = common_background(geometry)
    scored = [(_score(kind, traits(layout, geometry, common)), layout) for layout in candidates]
    # The highest score; on a tie, the layout that comes first in the template.
    (_, weak), layout = max(scored, key=lambda item: (item[0][0], -item[1].index))
    return KindChoice(kind, layout, by_name, () if by_name else weak)


def best_for(kind: str, candidates: Sequence[LayoutGeometry], geometry: DeckGeometry) -> KindChoice:
    """Of several layouts with the name a slide asks for (one per master), the one that suits its kind."""
    return _best(kind, candidates, geometry, by_name=True)


def choose_layouts(geometry: DeckGeometry) -> dict[str, KindChoice]:
    """Each kind's layout: the first of its usual names the template has (the best of several so named),
    else the layout that suits it best."""
    choices = {}
    for kind in LAYOUT_ORDER:
        for name in LAYOUTS[kind].template_names:
            named = [layout for layout in geometry.layouts if layout.name == name]
            if named:
                choices[kind] = _best(kind, named, geometry, by_name=True)
                break
        else:
            choices[kind] = _best(kind, geometry.layouts, geometry, by_name=False)
    return choices


# --- what the build says --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayoutReport:
    note: str  # the mapping used, when any of it was worked out rather than found by a unique name; else ""
    warning: str  # the weak guesses among the kinds the deck uses, with the lines that pin them; else ""


def layout_report(geometry: DeckGeometry, named: Mapping[str, str], used: set[str], template: str) -> LayoutReport:
    """The note and the warning a build prints about a template's layouts.

    ``named`` is the content's theme.pptx_layouts, ``used`` the kinds of the deck's slides that name no layout."""
    choices = geometry.kind_choices
    masters = len({layout.look.master for layout in geometry.layouts if layout.look})
    counts = Counter(layout.name for layout in geometry.layouts)
    worked_out = [kind for kind in LAYOUT_ORDER if kind not in named
                  and (not choices[kind].by_name or counts[choices[kind].layout.name] > 1)]
    if not worked_out:
        return LayoutReport("", "")
    parts = []
    for kind in LAYOUT_ORDER:
        if kind in named:
            parts.append(f"{kind} → {named[kind]!r} (yours)")
            continue
        layout = choices[kind].layout
        master = f" of master {layout.look.master + 1}" if masters > 1 and layout.look else ""
        parts.append(f"{kind} → {layout.name!r}{master}")
    guessed = [kind for kind in worked_out if not choices[kind].by_name]
    how = []
    if guessed:
        how.append("by their placeholders, where it has no layout with the kind's usual name")
    if len(guessed) < len(worked_out):
        how.append("by their placeholders and background, where several layouts have the same name")
    note = (f"slides go on these layouts of the template {template!r}, chosen {' and '.join(how)}: "
            f"{', '.join(parts)}; theme.pptx_layouts names others")
    weak = [kind for kind in guessed if kind in used and choices[kind].weak]
    if not weak:
        return LayoutReport(note, "")
    reasons = "; ".join(f"{kind} on {choices[kind].layout.name!r}, which {' and '.join(choices[kind].weak)}"
                        for kind in weak)
    listed = ", ".join(repr(name) for name in counts)
    lines = "\n".join(
        f"    {kind}: {_yaml_scalar(choices[kind].layout.name)}{'   # a weak guess' if kind in weak else ''}"
        for kind in guessed
    )
    warning = (
        f"no layout of the template {template!r} suits {_listed(weak)} well, so these slides are on guessed "
        f"layouts: {reasons}. Its layouts are {listed}. To choose, put these lines under `theme:` and change "
        f"the guesses:\n  pptx_layouts:\n{lines}"
    )
    return LayoutReport(note, warning)


def _listed(kinds: Sequence[str]) -> str:
    shown = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    return f"{shown} slides"


def _yaml_scalar(name: str) -> str:
    """The layout name as a YAML value that reads back as that string: plain where it can be, else quoted."""
    import yaml

    try:
        plain = yaml.safe_load(f"key: {name}") == {"key": name}
    except yaml.YAMLError:
        plain = False
    return name if plain else json.dumps(name, ensure_ascii=False)
