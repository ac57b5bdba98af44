"""Turn pydantic's validation errors into located, human problems.

pydantic reports ``loc=("sections", 0, "slides", 2, "titel")`` and
``type="extra_forbidden"``; a user wants
``deep_learning.yaml:41:9: sections[0].slides[2].titel: unknown key 'titel'; did you mean 'title'?``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.wording import did_you_mean
from generator.content.yaml_source import DocPath, SourceMap, format_path
from generator.errors import Problem

# Human descriptions of the schema's regular expressions.
PATTERN_MESSAGES = {
    r"^#[0-9A-Fa-f]{6}$": "expected a colour as #RRGGBB, e.g. '#0072B2'",
    r"^[A-Za-z_][A-Za-z0-9_]*$": "a name may hold only letters, digits and '_', and must not start with a digit",
    r"^[a-z0-9][a-z0-9-]*$": "expected lower-case letters, digits and '-', e.g. 'deep-learning'",
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "expected a language tag such as 'en', 'de' or 'zh-CN'",
}


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a number ({value:g})"
    if isinstance(value, str):
        return f"text ({value!r})" if len(value) <= 40 else "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value.isoformat()})"
    return type(value).__name__


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated / Optional so we can see the model or container inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class whose fields are valid at ``loc`` (for did-you-mean on keys)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _message(error: dict, root: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing" and isinstance(loc[-1], int) and isinstance(value, list):
        # A fixed-length list (channels: [16, 32]) given too few items.
        model = model_at(root, loc[:-2])
        field = model.model_fields.get(str(loc[-2])) if model else None
        default = field.get_default(call_default_factory=True) if field else None
        if isinstance(default, tuple):
            return f"the list needs {len(default)} items, got {len(value)}, e.g. {list(default)}"
        return f"the list needs more items, got {len(value)}"
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind == "extra_forbidden":
        model = model_at(root, loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        hint = did_you_mean(str(loc[-1]), allowed)
        known = f" (allowed: {', '.join(allowed)})" if allowed and not hint else ""
        return f"unknown key {loc[-1]!r}{hint}{known}"
    if kind == "string_type":
        return f"expected text, got {describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {describe(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {describe(value)}"
    if kind in ("model_type", "model_attributes_type") and len(loc) >= 2 and loc[-2] == "bullets":
        return f"expected text (or a mapping with `text:` and `bullets:`), got {describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {describe(value)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [part.strip(" '\"") for part in expected.replace(" or ", ", ").split(", ")]
        return f"expected one of {expected}, got {describe(value)}{did_you_mean(str(value), choices)}"
    if kind == "string_pattern_mismatch":
        return f"{PATTERN_MESSAGES.get(ctx.get('pattern'), 'does not match ' + str(ctx.get('pattern')))}, got {describe(value)}"
    if kind in ("too_short", "string_too_short") and ctx.get("min_length", 1) > 1:
        return f"needs at least {ctx['min_length']} items, got {ctx.get('actual_length')}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind == "too_long" and "max_length" in ctx:
        return f"takes at most {ctx['max_length']} items, got {ctx.get('actual_length')}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date as YYYY-MM-DD, got {describe(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{error['msg'][0].lower()}{error['msg'][1:]}, got {describe(value)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg'][0].lower()}{error['msg'][1:]}"


def problems_from_validation_error(
    error: ValidationError, root: type[BaseModel], source: SourceMap, prefix: DocPath = ()
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if loc and loc[-1] == "[key]":
            # A bad mapping key (e.g. a demo name): point at the key itself.
            doc_path = prefix + loc[:-1]
            location = source.key(doc_path)
        else:
            doc_path = prefix + loc
            if item["type"] == "extra_forbidden":
                location = source.key(doc_path)
            else:
                location = source.value(doc_path)
        message = _message(item, root, loc[:-1] if loc and loc[-1] == "[key]" else loc)
        problems.append(Problem(location, format_path(doc_path), message))
    return problems
