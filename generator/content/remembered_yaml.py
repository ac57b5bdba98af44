"""A content file's parse (yaml_source.parse_yaml), remembered between runs for the same text.

PyYAML's pure-Python reader is most of what loading an unchanged lecture costs (yaml_source.py keeps
its own composer for the line marks). What parse_yaml gave for a text (the data, its source map and the
problems it found) is kept in the memo (generator/memo.py) as JSON, for this PyYAML and this code, and
rebuilt as new objects on each load, so the loader may change them as before. A parse holding anything
JSON cannot say exactly (a binary scalar, a time with a zone) is not remembered: it is parsed each time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields
from functools import lru_cache
from typing import Any

from generator import memo
from generator.content import yaml_source
from generator.content.yaml_source import ParsedYaml, SourceMap, parse_yaml
from generator.errors import Location, Problem


class _Unsayable(Exception):
    """Something in the parse that this module does not write as JSON."""


def parse_yaml_remembered(text: str, file: str) -> ParsedYaml:
    key = memo.digest(text, file)
    stored = memo.get("yaml", _version(), key)
    if stored is not None:
        try:
            return _from_json(json.loads(stored), file)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            pass  # damaged: parsed again, and written over
    parsed = parse_yaml(text, file)
    try:
        encoded = _to_json(parsed)
    except _Unsayable:
        return parsed
    memo.put("yaml", _version(), key, json.dumps(encoded, allow_nan=True).encode())
    return parsed


@lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import version

    from generator.content import yaml_hints

    return memo.digest(version("PyYAML"), memo.source_digest(__file__, yaml_source.__file__, yaml_hints.__file__))


# --- to JSON and back: every value tagged, so that types and mapping keys come back as they were --------

def _value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"i": str(value)}  # as text: a YAML integer may be wider than JSON readers keep exactly
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise _Unsayable("a time with a zone")
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, list):
        return {"l": [_value(item) for item in value]}
    if isinstance(value, dict):
        return {"m": [[_value(k), _value(v)] for k, v in value.items()]}
    raise _Unsayable(type(value).__name__)


def _read(encoded: Any) -> Any:
    if encoded is None or isinstance(encoded, (bool, str)):
        return encoded
    (tag, content), = encoded.items()
    if tag == "i":
        return int(content)
    if tag == "f":
        return float(content)
    if tag == "dt":
        return dt.datetime.fromisoformat(content)
    if tag == "d":
        return dt.date.fromisoformat(content)
    if tag == "l":
        return [_read(item) for item in content]
    if tag == "m":
        return {_read(k): _read(v) for k, v in content}
    raise ValueError(f"unknown tag {tag!r}")


_SOURCE_FIELDS = ("file", "values", "keys", "folded")


def _to_json(parsed: ParsedYaml) -> dict:
    # Only the fields known here: a parse with more to it (yaml_source changed) is not remembered.
    if {field.name for field in fields(ParsedYaml)} != {"data", "source", "problems"} or set(
            vars(parsed.source)) != set(_SOURCE_FIELDS):
        raise _Unsayable("a parse with fields this module does not know")
    source = parsed.source

    def located(mapping: dict) -> list:
        return [[_path(path), _location(where)] for path, where in mapping.items()]

    return {
        "data": _value(parsed.data),
        "values": located(source.values),
        "keys": located(source.keys),
        "folded": [_path(path) for path in source.folded],
        "problems": [[_location(problem.location), problem.path, problem.message] for problem in parsed.problems],
    }


def _path(path) -> list:
    if not all(isinstance(part, (str, int)) and not isinstance(part, bool) for part in path):
        raise _Unsayable("a path part that is neither text nor a number")
    return list(path)


def _location(where: Location) -> list:
    if {field.name for field in fields(where)} != {"file", "line", "column"}:
        raise _Unsayable("a location with fields this module does not know")
    return [where.file, where.line, where.column]


def _from_json(encoded: dict, file: str) -> ParsedYaml:
    def place(item: list) -> Location:
        where_file, line, column = item
        if not (isinstance(where_file, str) and isinstance(line, int) and isinstance(column, int)):
            raise ValueError("not a location")
        return Location(where_file, line, column)

    source = SourceMap(file)
    source.values = {tuple(path): place(where) for path, where in encoded["values"]}
    source.keys = {tuple(path): place(where) for path, where in encoded["keys"]}
    source.folded = {tuple(path) for path in encoded["folded"]}
    problems = [Problem(place(where), str(path), str(message)) for where, path, message in encoded["problems"]]
    return ParsedYaml(_read(encoded["data"]), source, problems)
