"""The checking half of ``{{ results... }}`` expressions (expressions.py), which loads no Jinja when it need not.

:func:`check_template` is what loading a lecture runs on each text. What it needs of a text (whether it
parses, what no value can make safe, which names, demos, key chains and filters it uses) is computed by
expressions.py with Jinja's parser, and remembered between runs (generator/memo.py) for this Jinja and
this code: a lecture whose texts did not change is checked without loading Jinja or parsing them again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

from generator import memo
from generator.wording import did_you_mean

# What validate knows of a cited demo: a function checking a chain of keys below results.<demo>
# (None when fine, else the message), or None when its kind or parameters are themselves in error.
ReferenceCheck = Callable[[list], "str | None"]
References = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, tuple], ...], tuple[str, ...]]


def has_expression(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def check_template(text: str, demos: Mapping[str, ReferenceCheck | None]) -> list[str]:
    """Problems with the expressions in ``text`` that can be seen before any demo runs.

    ``demos`` maps each demo name to the check of references into its results.
    """
    demo_names = list(demos)
    if not has_expression(text):
        return []
    problems, references = checked(text)
    if problems:
        return list(problems)
    names, cited, chains, filter_problems = references
    problems = []
    for name in names:
        hint = did_you_mean(name, ["results"]) or "; expressions can only use `results.<demo>.<value>`"
        problems.append(f"unknown name {name!r} in an expression{hint}")
    for name in cited:
        if name not in demo_names:
            problems.append(f"results.{name}: no demo named {name!r}{did_you_mean(name, demo_names)}")
    for name, chain in chains:
        check = demos.get(name)
        if check is not None:
            message = check(list(chain))
            if message is not None and message not in problems:
                problems.append(message)
    problems.extend(filter_problems)
    return problems


@lru_cache(maxsize=4096)
def checked(text: str) -> tuple[tuple[str, ...], References | None]:
    """What no value can make safe in ``text`` (its syntax error, or what _shape_problems finds), and, when
    nothing, its references (_references). Remembered between runs (generator/memo.py) for this Jinja and
    this code: a lecture whose texts did not change is checked without parsing them again."""
    return memo.remembered_json("expression-check", _checker_version(), memo.digest(text),
                                lambda: _check_afresh(text), _check_json, _check_from_json)


def _check_afresh(text: str) -> tuple[tuple[str, ...], References | None]:
    from generator.content.expressions import _analysed, _references

    tree, problems = _analysed(text)
    if tree is None or problems:
        return tuple(problems), None
    return (), _references(text)


def _check_json(checked: tuple[tuple[str, ...], References | None]) -> dict:
    problems, references = checked
    return {"problems": list(problems), "references": references}


def _check_from_json(data: dict) -> tuple[tuple[str, ...], References | None]:
    references = data["references"]
    if references is not None:
        names, cited, chains, filter_problems = references
        references = (tuple(names), tuple(cited), tuple((name, tuple(chain)) for name, chain in chains),
                      tuple(filter_problems))
    return tuple(data["problems"]), references


@lru_cache(maxsize=1)
def _checker_version() -> str:
    """Jinja's version and the code that computes a check: expressions.py (read, not imported), and what it uses."""
    from importlib.metadata import version

    from generator import wording
    from generator.demos import results

    expressions = Path(__file__).with_name("expressions.py")
    return memo.digest(version("jinja2"), memo.source_digest(str(expressions), __file__, wording.__file__,
                                                              results.__file__))
