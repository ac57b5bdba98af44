"""``{{ results... }}`` expressions in content text, in a sandbox.

Content files are not trusted: a text field is a Jinja template evaluated in
an immutable sandbox with StrictUndefined, so an attribute trick fails with a
located error and a typo never renders as a blank. The only name a template
sees is ``results`` (plus a few number-formatting filters).

Two entry points: :func:`check_template` (before any demo runs: syntax, and
every ``results...`` reference against the cited kind's result schema and
resolved parameters) and :func:`render_text` (after: the values). Both word a
key that is not there the same way (results.no_such_key).

A value a run could not give (a diverged network) is *missing*: it renders as
an error that says why, never as "None". ``| default('n/a')`` or
``is defined`` lets text say something else instead.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.demos.results import MissingValue, key_path, no_such_key
from generator.wording import count, did_you_mean

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


def _formatting(function: Callable) -> Callable:
    """A number filter that, given a missing value, raises the error saying why it is missing."""

    @functools.wraps(function)
    def checked(value, *args, **kwargs):
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        return function(value, *args, **kwargs)

    return checked


class Missing(StrictUndefined):
    """A value the demo could not give; any use of it but `default` or `is defined` is an error saying why."""

    __slots__ = ()

    def __init__(self, path: str, reason: str):
        super().__init__(
            hint=f"{path} is missing: {reason}. To print something else, write `{path} | default('n/a')`, "
            f"or `{path} | pct if {path} is defined else 'n/a'`",
            name=path,
        )


@lru_cache(maxsize=1)
def _environment() -> _ContentSandbox:
    env = _ContentSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update({name: _formatting(function) for name, function in
                        dict(pct=pct, fixed=fixed, sci=sci, thousands=thousands, count=count).items()})
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


# What validate knows of a cited demo: a function checking a chain of keys below results.<demo>
# (None when fine, else the message), or None when its kind or parameters are themselves in error.
ReferenceCheck = Callable[[list], "str | None"]


_UNKNOWABLE = object()


def _reference_chains(tree: nodes.Template) -> list[tuple[str, list]]:
    """(demo, [keys...]) of every outermost ``results.<demo>.<key>["<key>"]...`` reference.

    A key computed by the template (a loop variable) ends the chain there: it cannot be known before rendering.
    """
    lookups = list(tree.find_all((nodes.Getattr, nodes.Getitem)))
    inner = {id(node.node) for node in lookups}
    chains = []
    for node in lookups:
        if id(node) in inner:
            continue
        keys: list = []
        current: nodes.Node = node
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                keys.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, (str, int)):
                keys.append(current.arg.value)
            else:
                keys.append(_UNKNOWABLE)
            current = current.node
        if not (isinstance(current, nodes.Name) and current.name == "results"):
            continue
        keys.reverse()
        if not keys or not isinstance(keys[0], str):
            continue
        known = []
        for key in keys[1:]:
            if key is _UNKNOWABLE:
                break
            known.append(key)
        chains.append((keys[0], known))
    return chains


def check_template(text: str, demos: Mapping[str, ReferenceCheck | None]) -> list[str]:
    """Problems with the expressions in ``text`` that can be seen before any demo runs.

    ``demos`` maps each demo name to the check of references into its results.
    """
    demo_names = list(demos)
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
    for name, chain in _reference_chains(tree):
        check = demos.get(name)
        if check is not None:
            message = check(chain)
            if message is not None and message not in problems:
                problems.append(message)
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
    """A result mapping whose absent keys are reported with what *is* there, as `validate` words it."""

    def __init__(self, data: Mapping[str, Any], path: str):
        super().__init__({key: _wrap(value, key_path(path, key)) for key, value in data.items()})
        self._path = path

    def __getitem__(self, key):
        if key not in self:
            raise UndefinedError(no_such_key(self._path, key, list(map(str, self.keys()))))
        return super().__getitem__(key)


def _wrap(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        return _Results(value, path)
    if isinstance(value, MissingValue):
        return Missing(path, value.reason)
    if value is None:
        return Missing(path, "the demo gave no value here")
    return value
