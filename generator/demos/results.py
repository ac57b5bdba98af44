"""Result schemas: every value a demo kind's text may quote, typed and described.

A kind declares its results once, as a mapping of names to :class:`Result`
(a type and a one-line description). The same declaration

- is what ``lecturegen demos`` prints, so authors know what they can cite;
- checks ``{{ results.<demo>.<name>... }}`` references before anything trains,
  including keys that follow the parameters (a depth, an activation, a weight
  scale), against the parameters a profile resolves to;
- checks the values a kind's ``run`` returns, so a kind cannot quietly break
  the text that quotes it;
- says why a value that can be missing is missing, so the text's error can.

Types compose: ``KeyedBy("activation", ..., KeyedBy("depth", ..., Optional(Fraction(), ...)))``.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.wording import did_you_mean

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Methods a template may call on a mapping (`.items()`); a reference through them is not followed further.
MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})


def key_path(path: str, key: object) -> str:
    """How a reference reads in text: results.sweep.test_acc.relu, then ["16"] for keys that are not names."""
    if isinstance(key, str) and _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f"{path}[{key!r}]".replace("'", '"')


def _reading_order(key: str) -> tuple:
    # Numbers by value ("2" before "16"), then names alphabetically: the same list whatever order a run stored.
    try:
        return (0, float(key), key)
    except ValueError:
        return (1, 0.0, key)


def no_such_key(path: str, key: object, available: list[str]) -> str:
    """The one message for a key that is not there, whether found by `validate` or while rendering."""
    available = sorted(available, key=_reading_order)
    listed = ", ".join(available) or "nothing"
    return f"{path} has no {str(key)!r}{did_you_mean(str(key), available)} (it has: {listed})"


class ValueType:
    """What one value is. Subclasses say how it reads, how it is checked and what lies below it."""

    def describe(self) -> str:
        raise NotImplementedError

    def problems(self, value: Any, params: Any, path: str) -> list[str]:
        """Why ``value`` (from a run with ``params``) is not of this type; empty when it is."""
        raise NotImplementedError

    def child(self, key: object, params: Any, path: str) -> ValueType | str:
        """The type of ``value[key]``, or the message saying there is no such key."""
        return f"{path} is {_article(self.describe())}; it has no {str(key)!r}"

    def missing_reason(self) -> str | None:
        return None


def _article(text: str) -> str:
    return f"an {text}" if text[:1] in "aeiou" else f"a {text}"


@dataclass(frozen=True)
class Number(ValueType):
    def describe(self) -> str:
        return "number"

    def problems(self, value, params, path):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return [f"{path} should be a number, got {value!r}"]
        return []


@dataclass(frozen=True)
class Integer(ValueType):
    def describe(self) -> str:
        return "whole number"

    def problems(self, value, params, path):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return [f"{path} should be a whole number, got {value!r}"]
        return []


@dataclass(frozen=True)
class Fraction(ValueType):
    """A share between 0 and 1, shown as a percentage with `| pct`."""

    def describe(self) -> str:
        return "fraction 0-1 (print with pct)"

    def problems(self, value, params, path):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
            return [f"{path} should be a fraction between 0 and 1, got {value!r}"]
        return []


@dataclass(frozen=True)
class Text(ValueType):
    def describe(self) -> str:
        return "text"

    def problems(self, value, params, path):
        return [] if isinstance(value, str) else [f"{path} should be text, got {value!r}"]


@dataclass(frozen=True)
class ListOf(ValueType):
    item: ValueType

    def describe(self) -> str:
        return f"list of {self.item.describe()}"

    def problems(self, value, params, path):
        if not isinstance(value, list):
            return [f"{path} should be a list, got {value!r}"]
        return [problem for i, item in enumerate(value) for problem in self.item.problems(item, params, f"{path}[{i}]")]

    def child(self, key, params, path):
        if isinstance(key, int) and not isinstance(key, bool):
            return self.item
        return f"{path} is a list; index it with a number, e.g. {path}[0] or {path}[-1]"


@dataclass(frozen=True)
class Optional(ValueType):
    """A value that can be missing; ``when`` says when, for the error that formatting it gives."""

    of: ValueType
    when: str

    def describe(self) -> str:
        return f"{self.of.describe()}, or missing when {self.when}"

    def problems(self, value, params, path):
        return [] if value is None else self.of.problems(value, params, path)

    def child(self, key, params, path):
        return self.of.child(key, params, path)

    def missing_reason(self) -> str | None:
        return self.when


@dataclass(frozen=True)
class Result:
    """One named value of a result: its type and a one-line description."""

    type: ValueType
    description: str


class _Mapping(ValueType):
    def entries(self, params: Any) -> dict[str, ValueType]:
        raise NotImplementedError

    def problems(self, value, params, path):
        if not isinstance(value, Mapping):
            return [f"{path} should be a mapping, got {value!r}"]
        expected = self.entries(params)
        problems = []
        if set(value) != set(expected):
            problems.append(f"{path} should have the keys {list(expected)}, got {list(value)}")
        for key, kind in expected.items():
            if key in value:
                problems.extend(kind.problems(value[key], params, key_path(path, key)))
        return problems

    def child(self, key, params, path):
        expected = self.entries(params)
        if isinstance(key, str) and key in expected:
            return expected[key]
        return no_such_key(path, key, list(expected))


@dataclass(frozen=True)
class Record(_Mapping):
    """A mapping with fixed names, each with its own type and description."""

    fields: Mapping[str, Result]

    def describe(self) -> str:
        return "mapping of " + ", ".join(self.fields)

    def entries(self, params):
        return {name: result.type for name, result in self.fields.items()}


def SeedRange(value: ValueType) -> Record:  # noqa: N802 - a type, named like the others
    """The lowest and highest value over the seeds, ``{"low": ..., "high": ...}``: the spread beside a mean."""
    return Record({
        "low": Result(value, "The lowest seed's value."),
        "high": Result(value, "The highest seed's value."),
    })


@dataclass(frozen=True)
class KeyedBy(_Mapping):
    """A mapping whose keys follow the parameters: one per activation, per depth, per weight scale.

    ``keys`` gives them from the run's parameters, as the text writes them ("16", "0.5").
    """

    what: str
    keys: Callable[[Any], Iterable[object]]
    of: ValueType

    def describe(self) -> str:
        return f"mapping by {self.what} of {self.of.describe()}"

    def entries(self, params):
        return {str(key): self.of for key in self.keys(params)}


@dataclass(frozen=True)
class MissingValue:
    """A value the run could not give (a diverged network); says why, for the text's error."""

    reason: str


@dataclass(frozen=True)
class ResultSchema:
    """Every value of a kind's result, by name."""

    results: Mapping[str, Result] = field(default_factory=dict)

    def problems(self, values: Mapping[str, Any], params: Any, demo: str) -> list[str]:
        """Where the values a run returned differ from this schema."""
        root = f"results.{demo}"
        problems = []
        extra = [name for name in values if name not in self.results]
        absent = [name for name in self.results if name not in values]
        if extra:
            problems.append(f"{root} has values its kind does not declare: {', '.join(extra)}")
        if absent:
            problems.append(f"{root} lacks declared values: {', '.join(absent)}")
        for name, result in self.results.items():
            if name in values:
                problems.extend(result.type.problems(values[name], params, key_path(root, name)))
        return problems

    def lookup(self, demo: str, chain: list[object], params: Any) -> str | None:
        """Check ``results.<demo>`` followed by ``chain`` of keys; the message if one is not there."""
        path = f"results.{demo}"
        kind: ValueType = Record({name: result for name, result in self.results.items()})
        for key in chain:
            if isinstance(key, str) and key in MAPPING_METHODS and isinstance(kind, _Mapping):
                return None  # .items() and friends: what follows depends on a loop, not on a name
            found = kind.child(key, params, path)
            if isinstance(found, str):
                return found
            kind, path = found, key_path(path, key)
        return None

    def mark_missing(self, values: Mapping[str, Any], params: Any) -> dict[str, Any]:
        """``values`` with each missing (None) value replaced by a :class:`MissingValue` saying why."""
        return {name: _marked(value, self.results[name].type if name in self.results else None, params)
                for name, value in values.items()}


def _marked(value: Any, kind: ValueType | None, params: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        reason = kind.missing_reason() if kind is not None else None
        return MissingValue(reason or "the demo gave no value here")
    if isinstance(value, Mapping):
        inner = kind.of if isinstance(kind, Optional) else kind
        entries = inner.entries(params) if isinstance(inner, _Mapping) else {}
        return {key: _marked(item, entries.get(key), params) for key, item in value.items()}
    return value
