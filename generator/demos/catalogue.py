"""What `lecturegen demos` prints: every kind's parameters, quotable results and figures."""

from __future__ import annotations

from typing import Any

from generator.demos.registry import DemoKind, demo_kinds
from generator.demos.results import Record, Result


def catalogue() -> dict[str, Any]:
    return {name: describe_kind(kind) for name, kind in demo_kinds().items()}


def describe_kind(kind: DemoKind) -> dict[str, Any]:
    schema = kind.params.model_json_schema()
    params = {}
    for param, spec in schema.get("properties", {}).items():
        default = kind.params.model_fields[param].get_default(call_default_factory=True)
        if isinstance(default, tuple):
            default = list(default)  # written as YAML writes it: (16, 32) is not content syntax
        params[param] = {"type": _type_text(spec), "default": default, "description": spec.get("description", "")}
    return {
        "summary": kind.summary,
        "origin": kind.origin,
        "params": params,
        "results": dict(_result_lines(kind.results, "results.DEMO")),
        "figures": {figure.name: {"description": figure.description, "native_chart": figure.has_chart}
                    for figure in kind.figures},
    }


def _result_lines(results: dict[str, Result], prefix: str):
    for name, result in results.items():
        path = f"{prefix}.{name}"
        yield path, {"type": result.type.describe(), "description": result.description}
        if isinstance(result.type, Record):
            yield from _result_lines(dict(result.type.fields), path)


def catalogue_text() -> str:
    lines = []
    for name, info in catalogue().items():
        lines.append(f"{name} ({info['origin']}): {info['summary']}")
        lines.append("  params:")
        for param, spec in info["params"].items():
            lines.append(f"    {param} ({spec['type']}, default {spec['default']!r}): {spec['description']}")
        lines.append("  results (quote as {{ results.DEMO.NAME }}, DEMO being the demo's name in your file):")
        for path, spec in info["results"].items():
            lines.append(f"    {path.removeprefix('results.DEMO.')} ({spec['type']}): {spec['description']}")
        lines.append("  figures:")
        for figure, spec in info["figures"].items():
            chart = " [native chart]" if spec["native_chart"] else ""
            lines.append(f"    {figure}{chart}: {spec['description']}")
    return "\n".join(lines) + "\n"


def _type_text(spec: dict) -> str:
    if "enum" in spec:
        return " | ".join(map(str, spec["enum"]))
    if spec.get("type") == "array" and "prefixItems" in spec:
        return "[" + ", ".join(_type_text(item) for item in spec["prefixItems"]) + "]"
    if spec.get("type") == "array":
        return f"list of {_type_text(spec.get('items', {}))}"
    if "anyOf" in spec:
        return " | ".join(_type_text(option) for option in spec["anyOf"])
    return {"number": "float", "integer": "int", "string": "str", "boolean": "bool"}.get(spec.get("type"), spec.get("type", "any"))
