"""What a YAML mistake was, in the user's words: a one-line hint with their own line fixed.

PyYAML says where it stopped and what it found there (``found character '\\t' that cannot start any
token``, ``mapping values are not allowed here``), often some way after the mistake: an unclosed quote
is reported at the end of the file, an apostrophe inside single quotes at the letter after it. The
hints here read the text of the offending line (and the tokens before the error) to name the common
mistakes of people writing lectures, point at where they made them, and show the line as it should
be written:

* a tab used for indentation (YAML indents with spaces only);
* text that starts with a character YAML reads as syntax: ``*`` (an alias), ``&`` (an anchor),
  ``!`` (a tag), ``%`` (a directive), ``@`` and a backtick (reserved), ``[`` and ``{`` (a list, a
  mapping, as in ``{{ results... }}``);
* ``: `` inside unquoted text, which YAML reads as a key;
* a quote that is never closed, or that runs on to a later line;
* an apostrophe inside single quotes (it must be doubled), a double quote inside double quotes;
* lines of one level indented differently.

``explain`` diagnoses a syntax error; ``starts_with_syntax`` and ``colon_bullets`` the two mistakes
that are valid YAML but not what the user meant (a ``!tag``, an anchor or a ``{{ }}`` mapping at the
start of a bullet; ``- Note: text``, read as a mapping).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

# What YAML makes of a plain value's first character, for the hints.
SYNTAX_STARTS = "*&!%@`[{"
_KEY = re.compile(r"(?P<key>[A-Za-z_][\w.-]*)[ ]*:(?:[ ]+|$)")
_SHOWN = 80  # characters of the user's text quoted in a hint before it is shortened with "..."


@dataclass(frozen=True)
class Hint:
    line: int  # 0-based, as PyYAML's marks
    column: int
    message: str


@dataclass(frozen=True)
class _Line:
    """One line of the file, read as YAML's block structure would: indentation, list dashes, key."""

    text: str
    indent: int
    dashes: tuple[int, ...]  # columns of the "- " list markers at the start
    key: str | None  # a plain key ("title") after them, if any
    key_at: int  # its column
    value: int  # column where the value (text after the dashes and key) starts

    @classmethod
    def read(cls, text: str) -> _Line:
        text = text.rstrip("\r\n")
        indent = len(text) - len(text.lstrip(" "))
        column, dashes = indent, []
        while text.startswith("-", column) and (column + 1 == len(text) or text[column + 1] in " \t"):
            dashes.append(column)
            column += 1
            column += len(text[column:]) - len(text[column:].lstrip(" \t"))
        key, key_at = None, column
        match = _KEY.match(text, column)
        if match:
            key, column = match.group("key"), match.end()
        return cls(text, indent, tuple(dashes), key, key_at, column)

    @property
    def blank(self) -> bool:
        stripped = self.text.strip()
        return not stripped or stripped.startswith("#")

    @property
    def columns(self) -> tuple[int, ...]:
        """Columns where this line starts block nodes: each list item, then the mapping key."""
        if self.key is not None:
            return self.dashes + (self.key_at,)
        return self.dashes or (self.indent,)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _quote(text: str, keep: int = 0) -> str:
    """``text`` in single quotes, apostrophes doubled, shortened after ``keep`` characters if long."""
    text = text.rstrip()
    if len(text) > _SHOWN and len(text) > keep + 12:
        cut = max(_SHOWN - 20, keep + 12)
        text = text[:cut].rstrip() + " ..."
    return "'" + text.replace("'", "''") + "'"


def _fixed(line: _Line, start: int, inner: str) -> str:
    """The line without its indentation, its value from ``start`` replaced by ``inner``."""
    return line.text[line.indent:start] + inner


def _parent_key(lines: list[str], number: int, column: int) -> str | None:
    """The key that holds the list item at ``column`` of line ``number``: `bullets` for a bullet."""
    for index in range(number - 1, -1, -1):
        above = _Line.read(lines[index])
        if above.blank or above.indent > column:
            continue
        if above.indent == column and above.dashes:
            continue  # an item of the same list
        return above.key if above.value >= len(above.text.rstrip()) else None
    return None


def _subject(lines: list[str], number: int, line: _Line, what: str) -> str:
    """"a bullet that ...", "a list item that ...", or "text that ..." for the value of ``line``."""
    if line.key is None and line.dashes:
        parent = _parent_key(lines, number, line.indent)
        return f"a bullet that {what}" if parent == "bullets" else f"a list item that {what}"
    return f"text that {what}"


def _tokens(text: str) -> Iterator[yaml.Token]:
    """The file's tokens, up to where the scanner stops."""
    try:
        yield from yaml.scan(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return


def explain(error: yaml.MarkedYAMLError, text: str) -> Hint | None:
    """A hint for a syntax error PyYAML raised on ``text``, or None when it is not a mistake we know."""
    lines = _lines(text)
    for diagnose in (_tab, _quote_inside_quotes, _unclosed_quote, _starts_with_syntax, _colon, _indentation):
        hint = diagnose(error, text, lines)
        if hint is not None:
            return hint
    return None


def _tab(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    mark = error.problem_mark
    if mark is None or "'\\t'" not in (error.problem or ""):
        return None
    line = lines[mark.line]
    before = line[: mark.column]
    if not before.strip(" \t"):
        fixed = (line[: mark.column + 1].replace("\t", "  ") + line[mark.column + 1:]).rstrip()
        return Hint(mark.line, mark.column, f"a tab cannot indent a line; indent with spaces: `{fixed}`")
    fixed = (line[: mark.column] + " " + line[mark.column + 1:]).strip()
    return Hint(mark.line, mark.column, f"a tab cannot separate words here; write a space: `{fixed}`")


def _previous_token(text: str, index: int) -> tuple[yaml.Token | None, yaml.Token | None]:
    """The last token that ends at or before ``index``, and the token after it."""
    previous = following = None
    for token in _tokens(text):
        if isinstance(token, (yaml.BlockEndToken, yaml.StreamEndToken)):
            continue  # they mark no text
        if token.end_mark.index <= index:
            previous = token
            continue
        following = token
        break
    return previous, following


def _closing_quote(line: str, start: int, quote: str) -> int | None:
    """Where the text quoted at ``start`` was meant to end: the first quote followed by a separator."""
    index = start + 1
    while index < len(line):
        if line[index] == "\\" and quote == '"':
            index += 2
            continue
        if line[index] == quote:
            if quote == "'" and line.startswith("''", index):
                index += 2
                continue
            after = line[index + 1: index + 2]
            if after in ("", " ", "\t", ",", "]", "}", "#", ":"):
                return index
        index += 1
    return None


def _quote_inside_quotes(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    # The quoted text ended at a quote that is followed by more text: `'the sigmoid's slope'`.
    mark = error.problem_mark
    if mark is None or not isinstance(error, yaml.parser.ParserError):
        return None
    previous, _ = _previous_token(text, mark.index)
    if not isinstance(previous, yaml.ScalarToken) or previous.style not in ("'", '"'):
        return None
    end = previous.end_mark.index  # just after the closing quote
    after = text[end: end + 1]
    if not after or after in " \t\r\n,]}#:":
        return None
    quote = previous.style
    opening, closing = previous.start_mark, previous.end_mark
    inside_line = lines[closing.line]
    before = inside_line[closing.column - 2: closing.column - 1] if closing.column >= 2 else ""
    if opening.line != closing.line and (not before or before in " \t"):
        return None  # a quote that opened a later text: the first one was never closed
    line = _Line.read(inside_line)
    at = closing.column - 1  # the quote the user meant as part of the text
    if opening.line == closing.line:
        start = opening.column
        if start == line.value:  # the value is the quoted text: it was meant to end at the line's last quote
            last = inside_line.rstrip().rfind(quote)
            stop = last if last > at else _closing_quote(inside_line, start, quote)
        else:  # inside a [list]: at the first quote that a separator follows
            stop = _closing_quote(inside_line, start, quote)
        inner = inside_line[start + 1: stop] if stop is not None else inside_line[start + 1:].rstrip()
        tail = inside_line[stop + 1:].rstrip() if stop is not None else ""
    else:
        start = line.indent - 1  # the text continues from an earlier line: fix this line only
        stop = _closing_quote(" " + inside_line[line.indent:], 0, quote)
        inner = inside_line[line.indent: line.indent + stop - 1] if stop is not None else inside_line[line.indent:]
        tail = ""
    if quote == "'":
        doubled = inner.replace("''", "'").replace("'", "''")
        shown = _quote(inner.replace("''", "'"), keep=at - start)
        if opening.line != closing.line:
            shown = doubled + "'"
        fixed = line.text[line.indent: start] + shown + tail
        return Hint(closing.line, at, f"an apostrophe inside single quotes must be doubled: `{fixed}`")
    escaped = re.sub(r'(?<!\\)"', r'\\"', inner)
    shown = f'"{escaped}"' if opening.line == closing.line else escaped + '"'
    fixed = line.text[line.indent: max(start, line.indent)] + shown + tail
    return Hint(closing.line, at, f'a double quote inside double quotes must be written \\": `{fixed}`')


def _unclosed_quote(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    mark = error.problem_mark
    opening = None
    if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        opening = error.context_mark  # the text ran to the end of the file
        later = None
    elif isinstance(error, yaml.parser.ParserError) and mark is not None:
        # The text ran on to a later line's quote, which closed it; the next word is the error.
        previous, _ = _previous_token(text, mark.index)
        if not isinstance(previous, yaml.ScalarToken) or previous.style not in ("'", '"'):
            return None
        if previous.start_mark.line == previous.end_mark.line:
            return None
        opening, later = previous.start_mark, previous.end_mark.line
    if opening is None:
        return None
    quote = text[opening.index]
    line = _Line.read(lines[opening.line])
    fixed = line.text[line.indent:].rstrip() + quote
    if later is None:
        message = ("this quote is never closed, so the text runs to the end of the file; "
                   f"close it on its line: `{fixed}`")
    else:
        message = f"this quote is not closed on its line, so the text runs on to line {later + 1}; close it: `{fixed}`"
    return Hint(opening.line, opening.column, message)


def _syntax_start(lines: list[str], number: int) -> tuple[_Line, int, str] | None:
    """The line's value, if it starts with a character YAML reads as syntax."""
    line = _Line.read(lines[number])
    first = line.text[line.value: line.value + 1]
    if first and first in SYNTAX_STARTS:
        return line, line.value, first
    return None


def _starts_with_syntax(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    for mark in (error.context_mark, error.problem_mark):
        if mark is None:
            continue
        found = _syntax_start(lines, mark.line)
        if found is None:
            continue
        line, start, first = found
        if first in "[{":
            # A list or mapping that closed, and text went on after it: `- [Optional] a second pass`.
            closed = error.problem == "expected <block end>, but found '<scalar>'" and mark is error.problem_mark
            if not closed or mark.column <= start:
                continue
        elif mark.column != start:
            continue
        return Hint(mark.line, start, quoting_hint(lines, mark.line, start))
    return None


def _named(character: str) -> str:
    return "a backtick" if character == "`" else f"`{character}`"


def quoting_hint(lines: list[str], number: int, start: int) -> str:
    """"a bullet that starts with `*` must be quoted: `- '*Forward*: ...'`" for the value at ``start``."""
    line = _Line.read(lines[number])
    subject = _subject(lines, number, line, f"starts with {_named(line.text[start])}")
    return f"{subject} must be quoted: `{_fixed(line, start, _quote(line.text[start:]))}`"


def _colon(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    mark = error.problem_mark
    if mark is None or error.problem != "mapping values are not allowed here":
        return None
    line = _Line.read(lines[mark.line])
    if line.key is not None or line.dashes:
        if mark.column <= line.value:
            return None
        start = line.value
        if line.dashes and line.key not in (None, "text", "bullets") \
                and _parent_key(lines, mark.line, line.indent) == "bullets":
            start = line.key_at  # `- Result: the loss: falls` is one bullet, not a key
        subject = _subject(lines, mark.line, line, "holds `: `") if start == line.value else "a bullet that holds `: `"
        fixed = _fixed(line, start, _quote(line.text[start:], keep=mark.column - start))
        return Hint(mark.line, mark.column, f"{subject} must be quoted: `{fixed}`")
    # No key of its own: the line continues text from a line above, or is a key indented wrongly.
    if re.fullmatch(r"[A-Za-z_][\w.-]*", line.text[line.indent: mark.column].rstrip()):
        return None  # a key: _indentation says how to indent it
    previous, _ = _previous_token(text, mark.index)
    if not isinstance(previous, yaml.ScalarToken) or previous.style is not None:
        return None
    first = previous.start_mark.line
    opening = _Line.read(lines[first])
    whole = " ".join(part.strip() for part in text[previous.start_mark.index: mark.index].split("\n"))
    rest = line.text[mark.column:].rstrip()
    joined = whole + rest
    fixed = _fixed(opening, previous.start_mark.column, _quote(joined, keep=len(whole)))
    return Hint(mark.line, mark.column,
                f"the text that starts on line {first + 1} holds `: ` here, so it must be quoted: `{fixed}`")


def _indentation(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    mark = error.problem_mark
    if mark is None:
        return None
    problem = error.problem or ""
    if "<block mapping start>" in problem or "<block sequence start>" in problem:
        number = mark.line
    elif problem == "mapping values are not allowed here":
        number = mark.line
    else:
        return None
    line = _Line.read(lines[number])
    if line.blank:
        return None
    column = line.indent
    # The columns still open above this line: each line less indented than those below it.
    candidates: list[tuple[int, int]] = []  # (column, line number)
    limit = None
    for index in range(number - 1, -1, -1):
        above = _Line.read(lines[index])
        if above.blank:
            continue
        for start in above.columns:
            if limit is None or start < limit:
                candidates.append((start, index))
        limit = above.indent if limit is None else min(limit, above.indent)
        if limit == 0:
            break
    others = [(start, index) for start, index in candidates if start != column]
    if not others or any(start == column for start, _ in candidates):
        return None
    target, sibling = min(others, key=lambda item: (abs(item[0] - column), -item[0]))
    fixed = " " * target + line.text.strip()
    return Hint(number, column,
                f"this line is indented by {_spaces(column)}, but {_what_starts(lines[sibling], target)} on line "
                f"{sibling + 1}, at the same level, by {_spaces(target)}; indent them alike: `{fixed}`")


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _what_starts(text: str, column: int) -> str:
    """How to name what starts at ``column`` of a line: `title:`, `-`, or its first word."""
    match = _KEY.match(text, column)
    if match:
        return f"`{match.group('key')}:`"
    if text.startswith("-", column):
        return "`-`"
    return f"`{text[column:].split()[0]}`"


# Valid YAML that is not what the user meant -------------------------------------------------------

def unquoted_syntax(lines: list[str], node: yaml.Node) -> str | None:
    """For a node whose text starts with ``!``, ``&`` or ``{``: the hint that it must be quoted."""
    found = _syntax_start(lines, node.start_mark.line)
    if found is None:
        return None
    line, start, first = found
    if start != node.start_mark.column:
        return None
    return quoting_hint(lines, node.start_mark.line, start)


def colon_bullets(data: Any, lines: list[str], locate) -> Iterator[tuple[tuple, str]]:
    """Bullets written ``- Note: text`` that YAML read as a mapping; their path and hint.

    ``locate(path)`` gives the (0-based) line where the value at ``path`` was written.
    """
    def walk(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "bullets" and isinstance(item, list):
                    for index, bullet in enumerate(item):
                        yield from check(bullet, path + (key, index))
                else:
                    yield from walk(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, path + (index,))

    def check(bullet: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
        if isinstance(bullet, dict):
            ((key, value),) = bullet.items() if len(bullet) == 1 else ((None, None),)
            # Not a misspelt `text:` or `bullets:` (the schema names those), and text after the colon.
            if isinstance(key, str) and not difflib.get_close_matches(key.lower(), ["text", "bullets"], cutoff=0.75) \
                    and not isinstance(value, (dict, list)):
                number = locate(path)
                if number is not None:
                    line = _Line.read(lines[number])
                    if line.dashes:
                        fixed = _fixed(line, line.key_at, _quote(line.text[line.key_at:]))
                        yield path, f"a bullet that holds `: ` must be quoted, or YAML reads it as a key: `{fixed}`"
                        return
            yield from walk(bullet, path)

    yield from walk(data, ())
