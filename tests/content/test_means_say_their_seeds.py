"""Every text of the default lecture that quotes a mean over seeds says so, or quotes the spread.

A result whose description says it is a mean over the seeds ("mean over seeds", "mean over the
seeds that did not diverge", "geometric mean over the seeds") is a number an expert will ask about:
how many seeds, and how far apart were they? The bullet, caption or note that quotes one must
mention the seeds (for example "mean over {{ results.sweep.seeds | count('seed') }}") or carry the
range; a bullet may say it once for its sub-bullets, and a figure's caption or a table's headings once
for their slide.
"""

from __future__ import annotations

import re

import yaml

from generator.demos.registry import get_kind
from tests.conftest import REPO

LECTURE = REPO / "content" / "deep_learning.yaml"
QUOTE = re.compile(r"results\.(\w+)\.(\w+)")
MEAN = re.compile(r"mean over (the )?seeds", re.I)


def _means(demos: dict) -> set[tuple[str, str]]:
    """(demo name, result name) of every result described as a mean over seeds."""
    found = set()
    for demo, declared in demos.items():
        kind = get_kind(declared["kind"])
        for name, result in kind.results.items():
            if MEAN.search(result.description):
                found.add((demo, name))
    return found


def _slides(node):
    """Every slide mapping of the content (a mapping with a title among sections' slides)."""
    if isinstance(node, dict):
        if "title" in node and any(key in node for key in ("bullets", "caption", "figure", "table", "columns")):
            yield node
        for value in node.values():
            yield from _slides(value)
    elif isinstance(node, list):
        for item in node:
            yield from _slides(item)


def _shown(node, above: str = ""):
    """Each text a slide shows (bullets, their sub-bullets, table cells, its caption), with the texts of the
    bullets above it, which may speak for it. Speaker notes are left out: they are read, not shown."""
    if isinstance(node, str):
        yield node, above
    elif isinstance(node, dict):
        own = node.get("text", "") if isinstance(node.get("text"), str) else ""
        for key, value in node.items():
            if key == "notes":
                continue
            yield from _shown(value, above + " " + own if key == "bullets" else above)
    elif isinstance(node, list):
        for item in node:
            yield from _shown(item, above)


def test_every_quoted_mean_says_over_how_many_seeds_or_gives_the_range():
    content = yaml.safe_load(LECTURE.read_text(encoding="utf-8"))
    means = _means(content["demos"])
    assert ("sweep", "test_acc") in means and ("sweep", "grad_shrink") in means and ("cnn", "cnn_test_acc") in means
    quoting = 0
    silent = []
    for slide in _slides(content["sections"]):
        # The slide's caption or its table's headings may say it once for the whole slide ("mean over 2 seeds").
        caption = slide.get("caption", "") if isinstance(slide.get("caption"), str) else ""
        caption += " ".join(map(str, slide.get("table", {}).get("columns", [])))
        for text, above in _shown(slide):
            quoted = {match.groups() for match in QUOTE.finditer(text)} & means
            if not quoted:
                continue
            quoting += 1
            context = " ".join((text, above, caption))
            if "seed" not in context and "_range" not in context:
                silent.append(f"{slide['title']}: {sorted(quoted)}: {text.strip()[:100]}")
    assert quoting > 10
    assert silent == []
