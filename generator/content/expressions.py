"""``{{ results... }}`` expressions in content text, in a sandbox.

Content files are not trusted: a text field is a Jinja template evaluated in
an immutable sandbox with StrictUndefined, so an attribute trick fails with a
located error and a typo never renders as a blank. The only name a template
sees is ``results`` (plus a few number-formatting filters).

Two entry points: :func:`check_template` (before any demo runs: syntax and
which demos are cited) and :func:`render_text` (after: the values).
"""

from __future__ import annotations

import difflib
import inspect
import math
import numbers
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")

# Bounds on what a content file can make the sandbox compute.
MAX_POWER_EXPONENT = 1000
MAX_SEQUENCE_PRODUCT = 100_000


class ExpressionError(ValueError):
    pass


def pct(value: float, digits: int = 0) -> str:
    """0.25 -> '25%'."""
    return f"{float(value) * 100:.{int(digits)}f}%"


def fixed(value: float, digits: int = 2) -> str:
    """Fixed-point with ``digits`` decimals."""
    return f"{float(value):.{int(digits)}f}"


def thousands(value: float) -> str:
    """6090 -> '6,090' (whole numbers with a thousands separator)."""
    return f"{round(float(value)):,}"


def count(value: float, noun: str, plural: str | None = None) -> str:
    """3, 'seed' -> '3 seeds'; 1, 'seed' -> '1 seed'; an irregular plural is given: 2, 'child', 'children'.

    A profile that runs one seed or one epoch would otherwise print "1 seeds".
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"count needs a number, got {type(value).__name__} ({value!r})")
    if not float(value).is_integer():
        # Rounding 2.5 epochs to "2 epochs" would print a count that is not the value.
        raise ValueError(f"count needs a whole number, got {value!r}; round it first: `| round | count(...)`")
    for word in (noun, plural):
        if word is not None and (not isinstance(word, str) or not word.strip()):
            raise ValueError(f"count needs words for what is counted, e.g. count('seed'), got {word!r}")
    number = int(value)
    word = noun if number == 1 else (plural if plural is not None else f"{noun}s")
    return f"{number:,} {word}"


def sci(value: float, digits: int = 1) -> str:
    """9.5e-7 -> '9.5 × 10⁻⁷' (plain decimals between 0.01 and 10000)."""
    number = float(value)
    if number == 0 or not math.isfinite(number):
        return f"{number:g}"
    if 1e-2 <= abs(number) < 1e4:
        # Plain decimals with digits + 1 significant figures, never cutting integer digits: 652, 1.5, 0.25.
        magnitude = math.floor(math.log10(abs(number))) + 1
        decimals = max(0, int(digits) + 1 - magnitude)
        return f"{number:,.{decimals}f}"
    exponent = math.floor(math.log10(abs(number)))
    mantissa = number / 10**exponent
    if round(mantissa, int(digits)) >= 10:  # 9.96e-7 rounds to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{int(digits)}f} \u00d7 10{str(exponent).translate(SUPERSCRIPTS)}"


class _ContentSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER_EXPONENT:
            raise SecurityError(f"exponent {right} is larger than {MAX_POWER_EXPONENT}")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                    if len(sequence) * count > MAX_SEQUENCE_PRODUCT:
                        raise SecurityError("the repeated text would be too long")
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=1)
def _environment() -> _ContentSandbox:
    env = _ContentSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update(pct=pct, fixed=fixed, sci=sci, thousands=thousands, count=count)
    env.globals.clear()  # no range(), dict(), lipsum(), cycler()...: content needs none of them
    return env


def has_expression(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def _cited_demos(tree: nodes.Template) -> list[tuple[str, int]]:
    """(demo name, template line) of every ``results.NAME`` / ``results['NAME']``."""
    cited = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name == "results":
            if isinstance(node, nodes.Getattr):
                cited.append((node.attr, node.lineno))
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                cited.append((node.arg.value, node.lineno))
    return cited


def check_template(text: str, demo_names: list[str]) -> list[str]:
    """Problems with the expressions in ``text`` that can be seen before any demo runs."""
    if not has_expression(text):
        return []
    env = _environment()
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as error:
        return [f"expression syntax error: {error.message} (line {error.lineno} of the text)"]
    problems = []
    for name in sorted({n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - {"results"}):
        hint = did_you_mean(name, ["results"]) or "; expressions can only use `results.<demo>.<value>`"
        problems.append(f"unknown name {name!r} in an expression{hint}")
    for name, _line in _cited_demos(tree):
        if name not in demo_names:
            problems.append(f"results.{name}: no demo named {name!r}{did_you_mean(name, demo_names)}")
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            problems.append(f"unknown filter {node.name!r}{did_you_mean(node.name, ['pct', 'fixed', 'sci', 'thousands', 'count', 'round'])}")
        elif node.name in FILTER_USAGE:
            problems.extend(_filter_argument_problems(node, env.filters[node.name]))
    return problems


# How each of our own filters is written; its arguments are checked before the demos run, so
# `| count` without its noun is a `validate` error rather than a failure after training.
FILTER_USAGE = {
    "pct": "pct or pct(1)",
    "fixed": "fixed or fixed(3)",
    "sci": "sci or sci(2)",
    "thousands": "thousands",
    "count": "count('seed') or count('child', 'children')",
}


def _filter_argument_problems(node: nodes.Filter, function) -> list[str]:
    arguments = [None, *node.args]  # the filtered value comes first
    keywords = {keyword.key: keyword.value for keyword in node.kwargs}
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        return []
    try:
        inspect.signature(function).bind(*arguments, **keywords)
    except TypeError:
        given = len(node.args) + len(keywords)
        return [f"filter {node.name!r} cannot take {given} argument{'' if given == 1 else 's'}: "
                f"write `{FILTER_USAGE[node.name]}`"]
    return []


def render_text(text: str, results: Mapping[str, Any]) -> str:
    """Evaluate the expressions in ``text`` with the demos' results."""
    if not has_expression(text):
        return text
    env = _environment()
    try:
        return env.from_string(text).render(results=_Results(results, "results"))
    except UndefinedError as error:
        raise ExpressionError(str(error)) from None
    except SecurityError as error:
        raise ExpressionError(f"expression not allowed: {error}") from None
    except TemplateError as error:
        raise ExpressionError(f"expression error: {error}") from None
    except (TypeError, ValueError, ArithmeticError) as error:
        raise ExpressionError(f"expression error: {error}") from None


class _Results(dict):
    """A result mapping whose missing keys are reported with what *is* there."""

    def __init__(self, data: Mapping[str, Any], path: str):
        super().__init__({key: _wrap(value, f"{path}.{key}") for key, value in data.items()})
        self._path = path

    def __getitem__(self, key):
        if key not in self:
            available = ", ".join(sorted(map(str, self.keys()))) or "nothing"
            raise UndefinedError(
                f"{self._path} has no {key!r}{did_you_mean(str(key), list(map(str, self.keys())))} (it has: {available})"
            )
        return super().__getitem__(key)


def _wrap(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        return _Results(value, path)
    return value


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
