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
import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.content.expression_check import (  # noqa: F401 - the checking half, which loads no Jinja
    ReferenceCheck,
    check_template,
    has_expression,
    checked,
)
from generator.demos.results import MissingValue, key_path, no_such_key
from generator.wording import count, did_you_mean

SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")

# The budget of one expression: what a content file can make the sandbox compute. Each bound is far
# above what a lecture needs (the default lecture's largest number has 6 digits, its longest field
# 1,400 characters) and far below what would exhaust a machine. Loops, assignments and macros are
# refused outright, so no expression runs more steps than it has nodes.
MAX_POWER_EXPONENT = 1000
MAX_SEQUENCE_PRODUCT = 100_000  # characters (or items) all the `*` of one field may repeat text or lists to
MAX_INTEGER_BITS = 4096  # about 1,233 decimal digits
MAX_DIGITS = 20  # decimals pct, fixed and sci may print
MAX_OUTPUT_CHARS = 100_000  # what one field's text may become
MAX_NESTING = 30  # brackets, operators and calls inside one another
# Statements text has no use for, and the only ones that could run without bound ({% for %}) or
# reach beyond the field (imports, includes): only {{ ... }} and {% if %} are allowed.
REFUSED_STATEMENTS = {
    nodes.For: "for", nodes.Assign: "set", nodes.AssignBlock: "set", nodes.Macro: "macro", nodes.CallBlock: "call",
    nodes.FilterBlock: "filter", nodes.With: "with", nodes.Include: "include", nodes.Import: "import",
    nodes.FromImport: "from", nodes.Extends: "extends", nodes.Block: "block",
}
# Jinja's built-in filters that content may use: none of them can make text or numbers grow without bound,
# whatever arguments they are given (the padding and formatting ones are left out).
BUILT_IN_FILTERS = ("default", "d", "round", "int", "float", "abs", "max", "min", "sum", "length", "join", "string",
                    "upper", "lower", "title", "capitalize", "trim", "first", "last", "list", "sort", "unique",
                    "reverse", "escape", "e")
# Methods of text that pad or format it to a size the content chooses.
REFUSED_METHODS = frozenset({"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "join",
                             "replace", "encode", "translate", "maketrans"})


class ExpressionError(ValueError):
    pass


def _digits(digits: int) -> int:
    if not 0 <= int(digits) <= MAX_DIGITS:
        raise ValueError(f"give between 0 and {MAX_DIGITS} digits, not {digits}")
    return int(digits)


def pct(value: float, digits: int = 0) -> str:
    """A fraction as a percentage with ``digits`` decimals: 0.25 → 25%, ``pct(1)`` → 25.0%."""
    return f"{float(value) * 100:.{_digits(digits)}f}%"


def fixed(value: float, digits: int = 2) -> str:
    """A number with ``digits`` decimals: 3.14159 → 3.14, ``fixed(0)`` → 3."""
    return f"{float(value):.{_digits(digits)}f}"


def thousands(value: float) -> str:
    """A number rounded to a whole one, with thousands separators: 6090 → 6,090."""
    return f"{round(float(value)):,}"


def sci(value: float, digits: int = 1) -> str:
    """Scientific notation with ``digits`` decimals: 9.5e-7 → 9.5 × 10⁻⁷; from 0.01 to 10,000 plain decimals
    with ``digits`` + 1 significant figures: 0.25 → 0.25."""
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
    digits = _digits(digits)
    if round(mantissa, int(digits)) >= 10:  # 9.96e-7 rounds to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{int(digits)}f} \u00d7 10{str(exponent).translate(SUPERSCRIPTS)}"


# The filters lecturegen adds for numbers in text; each one's docstring is its documentation (filter_docs).
OWN_FILTERS: dict[str, Callable[..., str]] = dict(pct=pct, fixed=fixed, sci=sci, thousands=thousands, count=count)


@dataclass(frozen=True)
class FilterDoc:
    """One filter content may use, as `lecturegen schema` and the README describe it."""

    name: str
    arguments: str  # "(digits=0)"; "" for a filter that takes none
    description: str
    aliases: tuple[str, ...] = ()  # other names of the same filter ("d" for "default")
    own: bool = True  # lecturegen's, or one of Jinja's built-in filters

    @property
    def usage(self) -> str:
        return self.name + self.arguments


_NOT_ARGUMENTS = {"environment", "eval_ctx", "context"}  # what Jinja passes itself


def filter_docs() -> list[FilterDoc]:
    """Every filter content may use, with its arguments, from the functions' own signatures and docstrings."""
    own = [FilterDoc(name, _arguments(function), _summary(function)) for name, function in OWN_FILTERS.items()]
    functions = {name: _environment().filters[name] for name in BUILT_IN_FILTERS}
    built_in = []
    for name, function in functions.items():
        first = next(other for other in functions if functions[other] is function)
        if first != name:
            continue  # another name of a filter listed already
        aliases = tuple(other for other in functions if other != name and functions[other] is function)
        built_in.append(FilterDoc(name, _arguments(function), _summary(function), aliases, own=False))
    return own + built_in


def _arguments(function: Callable) -> str:
    parameters = [parameter for parameter in inspect.signature(function).parameters.values()
                  if parameter.name not in _NOT_ARGUMENTS][1:]  # the first is the value before the `|`
    if not parameters:
        return ""
    shown = (p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}" for p in parameters)
    return f"({', '.join(shown)})"


def _summary(function: Callable) -> str:
    paragraph = (inspect.getdoc(function) or "").split("\n\n")[0]
    text = " ".join(paragraph.split()).replace("``", "`").replace(":func:", "").replace(":class:", "")
    text = text.removesuffix(":").rstrip(".") + "."
    if "digits" in inspect.signature(function).parameters:
        text += f" `digits` may be 0 to {MAX_DIGITS}."
    return text


class _ContentSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*", "%"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER_EXPONENT:
            raise SecurityError(f"exponent {right} is larger than {MAX_POWER_EXPONENT}")
        if operator == "**" and _whole(left) and _whole(right) and left.bit_length() * right > MAX_INTEGER_BITS:
            raise SecurityError(f"a power of a {len(str(abs(left))):,}-digit number to {right} would have more than "
                                f"{_DIGITS_ALLOWED:,} digits")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                    _spend(_size(sequence) * count)
            if _whole(left) and _whole(right) and left.bit_length() + right.bit_length() > MAX_INTEGER_BITS:
                raise SecurityError(f"the product would have more than {_DIGITS_ALLOWED:,} digits")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("text formatting with % is not allowed; format numbers with pct, fixed, sci or thousands")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in REFUSED_METHODS:
            raise SecurityError(f"the text method {name}() is not allowed in content")
        return super().call(__context, __obj, *args, **kwargs)


_DIGITS_ALLOWED = int(MAX_INTEGER_BITS * 0.30103)
# What the field being rendered has repeated so far: every large text or list starts as a `*`, and
# counting them all (not each alone) bounds what joining or concatenating them can make.
_repeated: ContextVar[list[int] | None] = ContextVar("repeated", default=None)


def _size(sequence: str | list | tuple) -> int:
    if isinstance(sequence, str):
        return len(sequence)
    return sum(_size(item) if isinstance(item, (str, list, tuple)) else 1 for item in sequence)


def _spend(size: int) -> None:
    spent = _repeated.get()
    total = size + (spent[0] if spent is not None else 0)
    if total > MAX_SEQUENCE_PRODUCT:
        raise SecurityError(f"the repeated text would be too long (more than {MAX_SEQUENCE_PRODUCT:,} characters)")
    if spent is not None:
        spent[0] = total


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    built_in = {name: env.filters[name] for name in BUILT_IN_FILTERS}
    env.filters.clear()
    env.filters.update(built_in)
    env.filters.update({name: _formatting(function) for name, function in OWN_FILTERS.items()})
    env.globals.clear()  # no range(), dict(), lipsum(), cycler()...: content needs none of them
    return env


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


@lru_cache(maxsize=4096)
def _references(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, tuple], ...], tuple[str, ...]]:
    """What checking a text needs of its tree, read once: the names other than `results`, the demos it cites,
    its reference chains and what is wrong with its filters."""
    tree, _ = _analysed(text)
    env = _environment()
    names = tuple(sorted({n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - {"results"}))
    cited = tuple(name for name, _line in _cited_demos(tree))
    chains = tuple((name, tuple(chain)) for name, chain in _reference_chains(tree))
    filter_problems = []
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            hint = did_you_mean(node.name, list(env.filters)) or f" (the filters: {', '.join(sorted(env.filters))})"
            filter_problems.append(f"unknown filter {node.name!r}{hint}")
        elif node.name in FILTER_USAGE:
            filter_problems.extend(_filter_argument_problems(node, env.filters[node.name]))
    return names, cited, chains, tuple(filter_problems)


# A lecture's texts are checked when it loads and evaluated when it resolves, and `lecturegen preview`
# does both again on every save: each text is parsed, checked and compiled once per process. The trees
# are only read (compiling takes its own parse: Jinja's optimizer rewrites the tree it is given).
TEXTS_REMEMBERED = 8192


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _analysed(text: str) -> tuple[nodes.Template | None, tuple[str, ...]]:
    """The parsed text and what no value can make safe in it; (None, (the syntax error,)) if it does not parse."""
    try:
        tree = _parse(_environment(), text)
    except ExpressionError as error:
        return None, (str(error),)
    return tree, tuple(_shape_problems(tree))


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _compiled(text: str):
    return _environment().from_string(text)


def _parse(env: _ContentSandbox, text: str) -> nodes.Template:
    try:
        return env.parse(text)
    except TemplateSyntaxError as error:
        raise ExpressionError(f"expression syntax error: {error.message} (line {error.lineno} of the text)") from None
    except RecursionError:
        raise ExpressionError(_too_deep()) from None


def _too_deep() -> str:
    return f"an expression nests more than {MAX_NESTING} levels deep; split it into simpler ones"


def _shape_problems(tree: nodes.Template) -> list[str]:
    """What no value can make safe: statements, text methods that pad, nesting past the budget."""
    problems = []
    for kind, tag in REFUSED_STATEMENTS.items():
        if any(True for _ in tree.find_all(kind)):
            problems.append(f"{{% {tag} %}} is not allowed in content text: only {{{{ ... }}}} and {{% if %}}")
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Getattr) and call.node.attr in REFUSED_METHODS:
            problems.append(f"the text method {call.node.attr}() is not allowed in content")
    for modulo in tree.find_all(nodes.Mod):
        if isinstance(modulo.left, nodes.Const) and isinstance(modulo.left.value, str):
            problems.append("text formatting with % is not allowed; format numbers with pct, fixed, sci or thousands")
    for power in tree.find_all(nodes.Pow):
        if _constant_bits(power) > MAX_INTEGER_BITS:
            problems.append(f"a power in the expression would have more than {_DIGITS_ALLOWED:,} digits")
    if _depth(tree) > MAX_NESTING:
        problems.append(_too_deep())
    return list(dict.fromkeys(problems))


def _constant_bits(node: nodes.Node) -> float:
    """About how many bits a whole-number constant expression takes: log2 of its size; 0 when not constant."""
    if isinstance(node, nodes.Const) and _whole(node.value):
        return float(max(abs(node.value).bit_length(), 1))
    if isinstance(node, nodes.Pow):
        base, exponent = _constant_bits(node.left), node.right
        if base and isinstance(exponent, nodes.Const) and _whole(exponent.value):
            return base * abs(exponent.value)
        if base and isinstance(exponent, nodes.Pow) and _constant_bits(exponent):
            return float("inf") if _constant_bits(exponent) > 64 else base * 2 ** _constant_bits(exponent)
    if isinstance(node, (nodes.Mul,)):
        return _constant_bits(node.left) + _constant_bits(node.right)
    return 0.0


def _depth(node: nodes.Node) -> int:
    deepest, stack = 0, [(node, 0)]
    while stack:  # iterative: the tree may be deeper than Python's recursion allows
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in current.iter_child_nodes())
    return deepest


DIGIT_FILTERS = ("pct", "fixed", "sci")
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
    if node.name in DIGIT_FILTERS:
        for argument in (*node.args, *(keyword.value for keyword in node.kwargs)):
            if isinstance(argument, nodes.Const) and _whole(argument.value) and not 0 <= argument.value <= MAX_DIGITS:
                return [f"filter {node.name!r} takes 0 to {MAX_DIGITS} digits, not {argument.value}"]
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
    try:
        shape, _ = checked(text)
        if shape:
            raise ExpressionError(shape[0])
        budget = _repeated.set([0])
        try:
            rendered = _compiled(text).render(results=_wrapped(results))
        finally:
            _repeated.reset(budget)
        if len(rendered) > MAX_OUTPUT_CHARS:
            raise ExpressionError(f"the text would be {len(rendered):,} characters long, more than "
                                  f"the {MAX_OUTPUT_CHARS:,} one field may hold")
        return rendered
    except ExpressionError:
        raise
    except RecursionError:
        raise ExpressionError(_too_deep()) from None
    except UndefinedError as error:
        raise ExpressionError(str(error)) from None
    except SecurityError as error:
        raise ExpressionError(f"expression not allowed: {error}") from None
    except TemplateError as error:
        raise ExpressionError(f"expression error: {error}") from None
    except (TypeError, ValueError, ArithmeticError) as error:
        raise ExpressionError(f"expression error: {error}") from None


# The results of the last resolve, wrapped once for all its texts rather than once per text. Held strongly,
# so the identity check cannot match a new mapping that happens to reuse the old one's address.
_last_wrapped: list[tuple[Mapping[str, Any], _Results]] = []
_wrapping = threading.Lock()


def _wrapped(results: Mapping[str, Any]) -> _Results:
    with _wrapping:
        if _last_wrapped and _last_wrapped[0][0] is results:
            return _last_wrapped[0][1]
    wrapped = _Results(results, "results")
    with _wrapping:
        _last_wrapped[:] = [(results, wrapped)]
    return wrapped


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
