"""Read a YAML file into plain data plus a map from document paths to lines.

PyYAML's composer gives a node tree with line/column marks; we turn that tree
into dicts, lists and scalars ourselves so that we can

* remember where every key and value was written (pydantic reports paths like
  ``("sections", 2, "slides", 4, "figure")``; the source map turns them into
  ``deep_learning.yaml:88:15``),
* report duplicate keys (PyYAML silently keeps the last one),
* refuse tags that would construct objects, and
* bound alias expansion and nesting so hostile files end quickly.

Scalars are built by PyYAML's SafeConstructor, so ``2021-09-10`` is a date,
``yes`` is a bool, and so on, exactly as ``yaml.safe_load`` would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.content import yaml_hints
from generator.errors import Location, Problem

DocPath = tuple[str | int, ...]

# Generous for any real lecture (the default one has a few thousand nodes),
# small enough that an alias bomb stops in milliseconds.
MAX_NODES = 200_000
MAX_DEPTH = 64
# The default lecture is under 100 kB; PyYAML reads about 1 MB a second, so this
# bounds a hostile file to seconds rather than minutes.
MAX_FILE_BYTES = 5_000_000

_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def format_path(path: DocPath) -> str:
    """``("sections", 2, "slides", 4, "figure")`` -> ``sections[2].slides[4].figure``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class SourceMap:
    """Where each node of a loaded document was written."""

    file: str
    values: dict[DocPath, Location] = field(default_factory=dict)
    keys: dict[DocPath, Location] = field(default_factory=dict)
    # Paths of text written as folded block scalars (">"), where a single
    # newline is what a blank line became: a paragraph break.
    folded: set[DocPath] = field(default_factory=set)

    def value(self, path: DocPath) -> Location:
        """Location of the value at ``path``, or of its nearest written ancestor."""
        for end in range(len(path), -1, -1):
            found = self.values.get(tuple(path[:end]))
            if found is not None:
                return found
        return Location(self.file)

    def key(self, path: DocPath) -> Location:
        """Location of the key that introduces ``path`` (for "unknown key" errors)."""
        return self.keys.get(tuple(path)) or self.value(path)


@dataclass
class ParsedYaml:
    data: Any
    source: SourceMap
    problems: list[Problem]


class _TooLarge(Exception):
    pass


def _location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader that notes which anchors were defined on text and which were used."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.text_anchors: dict[str, int] = {}  # anchor name -> where its `&` is (index into the text)
        self.aliased: set[str] = set()

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self.aliased.add(event.anchor)
        elif isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            self.text_anchors[event.anchor] = event.start_mark.index
        return super().compose_node(parent, index)


class _Converter:
    def __init__(self, file: str, text: str = ""):
        self.file = file
        self.source = SourceMap(file)
        self.problems: list[Problem] = []
        self.nodes_seen = 0
        self.constructor = yaml.constructor.SafeConstructor()
        self.text = text
        self.lines = text.split("\n")
        # Text that starts with `&word ` reads as an anchor never used: the word is lost from the text.
        self.lost_anchors: set[int] = set()

    def problem(self, mark: yaml.Mark | None, path: DocPath, message: str) -> None:
        self.problems.append(Problem(_location(self.file, mark), format_path(path), message))

    def convert(self, node: yaml.Node, path: DocPath) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _TooLarge(f"the document expands to more than {MAX_NODES:,} nodes (are aliases nested?)")
        if len(path) > MAX_DEPTH:
            raise _TooLarge(f"nesting is deeper than {MAX_DEPTH} levels")
        self.source.values.setdefault(path, _location(self.file, node.start_mark))
        if isinstance(node, yaml.MappingNode) and node.flow_style \
                and self.text.startswith("{{", node.start_mark.index):
            return self.expression_read_as_mapping(node, path)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in ("tag:yaml.org,2002:seq",):
                return self.unsupported_tag(node, path)
            return [self.convert(item, path + (index,)) for index, item in enumerate(node.value)]
        return self.scalar(node, path)

    def expression_read_as_mapping(self, node: yaml.MappingNode, path: DocPath) -> str:
        # `- {{ results.x | pct }}`: YAML reads the braces as a mapping in a mapping.
        hint = yaml_hints.unquoted_syntax(self.lines, node)
        self.problem(node.start_mark, path, hint or "text that starts with `{` must be quoted")
        return self.text[node.start_mark.index:node.end_mark.index]

    def scalar(self, node: yaml.ScalarNode, path: DocPath) -> Any:
        if node.tag not in _PLAIN_TAGS:
            return self.unsupported_tag(node, path)
        if node.start_mark.index in self.lost_anchors:
            hint = yaml_hints.unquoted_syntax(self.lines, node)
            if hint is not None:
                self.problem(node.start_mark, path, hint)
        if node.style == ">":
            self.source.folded.add(path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as error:
            self.problem(node.start_mark, path, f"cannot read this value: {error}")
            return None

    def unsupported_tag(self, node: yaml.Node, path: DocPath) -> None:
        if node.tag.startswith("!") and not node.tag.startswith("!!") and isinstance(node, yaml.ScalarNode):
            # `- !important read this`: text that YAML read as a tag
            hint = yaml_hints.unquoted_syntax(self.lines, node)
            if hint is not None:
                self.problem(node.start_mark, path, hint)
                return None
        self.problem(
            node.start_mark,
            path,
            f"the tag {node.tag!r} is not allowed; content files hold only plain text, numbers, lists and mappings",
        )
        return None

    def mapping(self, node: yaml.MappingNode, path: DocPath) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            self.unsupported_tag(node, path)
            return {}
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append((key_node, value_node))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark, path, "a key must be plain text, not a list or mapping")
                continue
            key = self.scalar(key_node, path)
            if not isinstance(key, str):
                # YAML reads `1:` or `yes:` as a number or bool; our keys are names.
                key = str(key_node.value)
            if key in first_seen:
                first_line = first_seen[key].start_mark.line + 1
                self.problem(
                    key_node.start_mark,
                    path + (key,),
                    f"duplicate key {key!r} (first given on line {first_line}); remove one of them",
                )
                continue
            first_seen[key] = key_node
            self.source.keys[path + (key,)] = _location(self.file, key_node.start_mark)
            result[key] = self.convert(value_node, path + (key,))
        for key_node, value_node in merged:
            self.merge_into(result, key_node, value_node, path)
        return result

    def merge_into(self, result: dict[str, Any], key_node: yaml.Node, value_node: yaml.Node, path: DocPath) -> None:
        # `<<: *defaults` copies keys not given explicitly (YAML 1.1 merge keys).
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.problem(key_node.start_mark, path, "'<<' must be followed by a mapping or a list of mappings")
                continue
            for key, value in self.mapping(source, path).items():
                result.setdefault(key, value)


def parse_yaml(text: str, file: str) -> ParsedYaml:
    """Parse ``text``; syntax problems come back as problems, not exceptions."""
    converter = _Converter(file, text)
    loader = None
    try:
        loader = _Loader(text)  # reads the first characters: a reader error can come from here too
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        converter.problems.append(_syntax_problem(error, text, file))
        return ParsedYaml(None, converter.source, converter.problems)
    except yaml.YAMLError as error:  # e.g. a reader error on control characters
        converter.problem(None, (), f"invalid YAML: {error}")
        return ParsedYaml(None, converter.source, converter.problems)
    except RecursionError:
        converter.problem(None, (), f"invalid YAML: nesting is deeper than this reader allows ({MAX_DEPTH} levels are)")
        return ParsedYaml(None, converter.source, converter.problems)
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        converter.problem(None, (), "the file is empty; a lecture needs at least `lecture:` and `sections:`")
        return ParsedYaml(None, converter.source, converter.problems)
    converter.lost_anchors = {where for name, where in loader.text_anchors.items() if name not in loader.aliased}
    try:
        data = converter.convert(root, ())
    except _TooLarge as error:
        converter.problem(root.start_mark, (), f"refusing to load: {error}")
        return ParsedYaml(None, converter.source, converter.problems)
    _colon_bullets(data, converter)
    return ParsedYaml(data, converter.source, converter.problems)


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """The error as a hint at the user's mistake where we know it, else PyYAML's own words where it stopped."""
    try:
        hint = yaml_hints.explain(error, text)
    except Exception:  # noqa: BLE001 - a hint is a courtesy: PyYAML's own words are still right
        hint = None
    if hint is not None:
        return Problem(Location(file, hint.line + 1, hint.column + 1), "", f"invalid YAML: {hint.message}")
    mark = error.problem_mark or error.context_mark
    message = error.problem or "invalid YAML"
    if error.context:
        message = f"{error.context}, {message}"
    return Problem(_location(file, mark), "", f"invalid YAML: {message}")


def _colon_bullets(data: Any, converter: _Converter) -> None:
    """`- Note: this breaks` is valid YAML, a mapping; in a list of bullets it was meant as text."""
    def line_of(path: DocPath) -> int | None:
        location = converter.source.values.get(path)
        return location.line - 1 if location is not None and location.line else None

    for path, hint in list(yaml_hints.colon_bullets(data, converter.lines, line_of)):
        converter.problems.append(Problem(converter.source.value(path), format_path(path), hint))
        container = data
        for part in path[:-1]:
            container = container[part]
        # As text, so that the schema has nothing more to say about it than this.
        (value,) = container[path[-1]].items()
        container[path[-1]] = f"{value[0]}: {value[1]}"


def read_text(path: Path) -> tuple[str | None, Problem | None]:
    """Read a content file as UTF-8 (a BOM is fine), or say what is wrong with it."""
    display = str(path)
    if not path.exists():
        return None, Problem(Location(display), "", "no such file; check the path (`lecturegen init DIR` creates a lecture to start from)")
    if path.is_dir():
        return None, Problem(Location(display), "", "this is a folder; name the lecture's .yaml file inside it")
    if not path.is_file():
        # A device or a pipe (a link to /dev/zero) has no end to read to.
        return None, Problem(Location(display), "", "this is not a regular file; name the lecture's .yaml file")
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # never more, whatever stat said
        if len(raw) > MAX_FILE_BYTES:
            size = max(path.stat().st_size, len(raw))
            return None, Problem(
                Location(display), "",
                f"the file is {size / 1e6:.1f} MB; a content file may be at most {MAX_FILE_BYTES / 1e6:.0f} MB "
                "(put large data in demos, not in the text)",
            )
    except OSError as error:
        return None, Problem(Location(display), "", f"cannot read the file: {error.strerror}")
    if b"\0" in raw[:8192]:
        return None, Problem(Location(display), "", "this is a binary file, not a YAML text file")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Problem(
            Location(display, line, column),
            "",
            f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
        )
