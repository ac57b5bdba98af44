"""What `lecturegen init` writes: a copy of the default lecture, or a demo kind of the user's own to start from.

A new demo kind comes with the lines that use it: a ``code:`` entry, a ``demos:`` entry and a slide. When the
folder holds one lecture they are added to it, as text inserted after what is there, so the user's comments,
quoting and layout stay as they wrote them; otherwise they make a lecture of their own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import yaml

from generator.errors import UsageError
from generator.locations import content_dir

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def write_default_lecture(directory: Path, force: bool) -> list[Path]:
    target = directory / "deep_learning.yaml"
    write_files({target: (content_dir() / "deep_learning.yaml").read_bytes()}, directory, force)
    return [target]


@dataclass(frozen=True)
class DemoStarter:
    code: Path
    lecture: Path
    demo: str  # the demo's name in the lecture (the kind's name, or with a number where that was taken)
    # "written": ``lecture`` is new; "added": the lines went into a lecture that was there; "unchanged": that
    # lecture used the kind already (an overwrite with --force)
    lecture_was: str


def write_demo_starter(directory: Path, name: str, force: bool, lecture: Path | None = None) -> DemoStarter:
    """DIRECTORY/demos/NAME.py (a working kind named NAME) and the lines that use it: added to ``lecture``, or
    to the folder's one lecture, or else written as DIRECTORY/NAME.yaml, a lecture of their own."""
    if not _NAME.match(name):
        raise UsageError(f"--demo {name}: a kind's name is lower-case letters, digits and '_', starting with a "
                         "letter, e.g. lr_race")
    _refuse_built_in_name(name)
    if lecture is None:
        lecture = _the_one_lecture(directory)
    starter = content_dir() / "starter"
    code = directory / "demos" / f"{name}.py"
    files = {code: Template((starter / "demo_kind.py").read_text()).substitute(name=name).encode()}
    if lecture is None:
        lecture = directory / f"{name}.yaml"
        skeleton = Template((starter / "lecture.yaml").read_text()).substitute(name=name)
        text, demo = with_demo(skeleton, name, f"demos/{name}.py", str(lecture))
        files[lecture] = text.encode()
        write_files(files, directory, force)
        return DemoStarter(code, lecture, demo, "written")
    relative = _code_path(code, lecture)
    original = _read_lecture(lecture)
    text, demo = with_demo(original, name, relative, str(lecture))
    write_files(files, directory, force)
    if text != original:
        try:
            lecture.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {lecture}: {error.strerror or error}") from error
    return DemoStarter(code, lecture, demo, "added" if text != original else "unchanged")


def with_demo(text: str, kind: str, code_path: str, file: str) -> tuple[str, str]:
    """``text`` with the starter's code entry, a demo of ``kind`` and its slide section added; and the demo's name.

    A lecture that already names ``code_path`` and runs a demo of ``kind`` comes back unchanged. The result is
    checked to hold exactly the old lecture plus the additions, so a layout this cannot follow is refused
    rather than damaged.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"{file}: cannot add the demo, because the file is not valid YAML now "
                         f"({str(error).splitlines()[0]}); run lecturegen validate {file}") from None
    if not isinstance(root, yaml.MappingNode) or not isinstance(before, dict):
        raise UsageError(f"{file}: cannot add the demo to a file that is not a lecture (a mapping with `lecture:`)")
    entries = {key.value: (key, value) for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    demos = before.get("demos") or {}
    existing = [demo for demo, spec in demos.items() if isinstance(spec, dict) and spec.get("kind") == kind]
    if code_path in (before.get("code") or []) and existing:
        return text, existing[0]
    demo = _free_name(kind, demos)
    section = Template((content_dir() / "starter" / "section.yaml").read_text()).substitute(demo=demo)
    edit = _Insertions(text)
    if code_path not in (before.get("code") or []):
        edit.add_to_list(entries, "code", code_path, before_key=("demos", "sections"))
    edit.add_to_mapping(entries, "demos", f"{demo}:\n  kind: {kind}\n", before_key=("sections",))
    edit.add_to_list(entries, "sections", section, before_key=())
    changed = edit.apply()
    if not _only_added(before, changed, code_path, demo, kind, yaml.safe_load(section)):
        raise UsageError(f"{file}: cannot add the demo without changing the lecture's own lines; add these by hand "
                         f"(docs/DEMOS.md):\ncode: [{code_path}]\ndemos:\n  {demo}:\n    kind: {kind}")
    return changed, demo


def _only_added(before: dict, text: str, code_path: str, demo: str, kind: str, section: list) -> bool:
    try:
        after = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    expected = dict(before)
    code = list(before.get("code") or [])
    expected["code"] = code if code_path in code else [*code, code_path]
    expected["demos"] = {**(before.get("demos") or {}), demo: {"kind": kind}}
    expected["sections"] = [*(before.get("sections") or []), *section]
    return isinstance(after, dict) and after == expected


class _Insertions:
    """Text to insert into a YAML file at places found from PyYAML's marks, applied all at once."""

    def __init__(self, text: str):
        self.text = text if text.endswith("\n") or not text else text + "\n"
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", self.text)]
        self.pending: list[tuple[int, str]] = []

    def add_to_list(self, entries: dict, key: str, item: str, before_key: tuple[str, ...]) -> None:
        """Append ``item`` (a scalar, or a block written as list items at column 0) to the list under ``key``."""
        block = item if item.startswith("- ") else f"- {item}\n"
        # A block as a flow item: JSON is YAML's flow style.
        flow_item = json.dumps(yaml.safe_load(block)[0], ensure_ascii=False) if block is item else item
        if key not in entries:
            self.add_key(entries, f"{key}:\n" + _indented(block, 2) if block is item else f"{key}: [{item}]\n",
                         before_key)
            return
        key_node, node = entries[key]
        if isinstance(node, yaml.SequenceNode) and node.flow_style:
            self.add_to_flow(node, flow_item, "]")
        elif isinstance(node, yaml.SequenceNode) and node.value:
            first = node.value[0].start_mark
            dash = self.text.rfind("-", self.line_starts[first.line], first.index) - self.line_starts[first.line]
            self.pending.append((self.after(node.value[-1]), _indented(block, dash)))
        else:  # `key:` with nothing after it yet
            self.pending.append((self.line_starts[key_node.end_mark.line + 1], _indented(block, 2)))

    def add_to_mapping(self, entries: dict, key: str, block: str, before_key: tuple[str, ...]) -> None:
        """Add ``block`` (``name:`` and its value, written at column 0) to the mapping under ``key``."""
        if key not in entries:
            self.add_key(entries, f"{key}:\n" + _indented(block, 2), before_key)
            return
        key_node, node = entries[key]
        if isinstance(node, yaml.MappingNode) and node.flow_style:
            name, _, rest = block.partition(":\n")
            value = ", ".join(line.strip() for line in rest.splitlines())
            self.add_to_flow(node, f"{name}: {{{value}}}", "}")
        elif isinstance(node, yaml.MappingNode) and node.value:
            column = node.value[0][0].start_mark.column
            self.pending.append((self.after(node.value[-1][1]), _indented(block, column)))
        else:
            self.pending.append((self.line_starts[key_node.end_mark.line + 1], _indented(block, 2)))

    def add_to_flow(self, node: yaml.Node, item: str, closing: str) -> None:
        end = node.end_mark.index - 1
        if self.text[end] != closing:
            raise UsageError(f"cannot find the end of the `{closing}` list; add the demo's lines by hand")
        self.pending.append((end, f", {item}" if node.value else item))

    def add_key(self, entries: dict, block: str, before_key: tuple[str, ...]) -> None:
        for key in before_key:
            if key in entries:
                self.pending.append((self.line_starts[entries[key][0].start_mark.line], block))
                return
        self.pending.append((len(self.text), block))

    def after(self, node: yaml.Node) -> int:
        """The start of the line after ``node``'s last character (a block scalar's mark already sits there).

        The mark of its last scalar, not of the block itself: a block ends only at the next key, after any
        comments written above that key."""
        while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
            node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
        end = node.end_mark
        line = end.line if end.column == 0 else end.line + 1
        return self.line_starts[line] if line < len(self.line_starts) else len(self.text)

    def apply(self) -> str:
        pieces, start = [], 0
        for index, inserted in sorted(self.pending, key=lambda pending: pending[0]):
            pieces += [self.text[start:index], inserted]
            start = index
        return "".join(pieces) + self.text[start:]


def _indented(block: str, columns: int) -> str:
    return "".join(" " * columns + line if line.strip() else line for line in block.splitlines(keepends=True))


def _free_name(kind: str, demos: dict) -> str:
    name, number = kind, 2
    while name in demos:
        name, number = f"{kind}_{number}", number + 1
    return name


def _refuse_built_in_name(name: str) -> None:
    from generator.demos.registry import demo_kinds

    kind = demo_kinds().get(name)
    if kind is not None and kind.origin == "built-in":
        raise UsageError(f"--demo {name}: lecturegen has a built-in kind of that name; choose another name")


def _the_one_lecture(directory: Path) -> Path | None:
    """The folder's one lecture file, or None when it has none; several is a usage error naming them."""
    if not directory.is_dir():
        return None
    lectures = [path for path in sorted(directory.glob("*.y*ml")) if _is_lecture(path)]
    if len(lectures) > 1:
        names = ", ".join(path.name for path in lectures)
        raise UsageError(f"{directory} holds {len(lectures)} lectures ({names}); name the one to add the demo to "
                         f"with --content, e.g. --content {lectures[0]}")
    return lectures[0] if lectures else None


def _is_lecture(path: Path) -> bool:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(root, yaml.MappingNode) and any(
        isinstance(key, yaml.ScalarNode) and key.value == "lecture" for key, _ in root.value)


def _read_lecture(lecture: Path) -> str:
    try:
        return lecture.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {lecture}: {getattr(error, 'strerror', None) or error}") from None


def _code_path(code: Path, lecture: Path) -> str:
    """``code`` as the lecture names it: relative to its folder, which it must lie in."""
    try:
        return code.resolve().relative_to(lecture.resolve().parent).as_posix()
    except ValueError:
        raise UsageError(f"{lecture} is not in {code.parent.parent}; a lecture's code files lie in its folder, so "
                         "run init --demo on the lecture's own folder") from None


def write_files(files: dict[Path, bytes], directory: Path, force: bool) -> None:
    """Write every file into ``directory``, or none when one exists already (unless ``force``)."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file, not a folder; name a new or existing folder")
    existing = [str(path) for path in files if path.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                         "use --force to overwrite")
    for path, data in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from error
