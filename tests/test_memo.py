"""The memo (generator/memo.py) remembers pure functions of a lecture's text: a remembered answer is the
computed one, a damaged entry is computed again, and nothing read back is trusted more than what it replaces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import memo
from generator.content import markup
from generator.content.markup import MarkupError, parse_inline
from generator.render.html import inline


@pytest.fixture
def memo_folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()  # the memo writes into a cache folder that exists
    memo.use_folder(None)
    parse_inline.cache_clear()
    inline._remembered.cache_clear()
    yield tmp_path / "cache" / "memo"
    parse_inline.cache_clear()
    inline._remembered.cache_clear()


def _entries(folder: Path, area: str) -> list[Path]:
    return [path for path in (folder / area).rglob("*") if path.is_file()]


TEXT = "**Depth** $L$ and a [link](https://example.org) with `code`"


def test_a_remembered_parse_is_the_parse(memo_folder):
    fresh = parse_inline(TEXT)
    (entry,) = _entries(memo_folder, "markup")
    parse_inline.cache_clear()
    assert parse_inline(TEXT) == fresh
    assert markup._parse(TEXT) == fresh


@pytest.mark.parametrize("damage", [b"not json", b'{"runs": 5, "error": null}', b'{"error": 3, "runs": []}', b"[]"])
def test_a_damaged_entry_is_parsed_again_and_written_over(memo_folder, damage):
    fresh = parse_inline(TEXT)
    (entry,) = _entries(memo_folder, "markup")
    entry.write_bytes(damage)
    parse_inline.cache_clear()
    assert parse_inline(TEXT) == fresh
    assert json.loads(entry.read_bytes())["error"] is None


def test_a_remembered_link_is_checked_again(memo_folder):
    parse_inline(TEXT)
    (entry,) = _entries(memo_folder, "markup")
    poisoned = json.loads(entry.read_bytes())
    poisoned["runs"] = [["click", False, False, False, False, "javascript:alert(1)"]]
    entry.write_bytes(json.dumps(poisoned).encode())
    parse_inline.cache_clear()
    with pytest.raises(MarkupError, match="javascript"):
        parse_inline(TEXT)


def test_remembered_mathml_is_rebuilt_from_the_allow_list(memo_folder):
    fresh = inline.tex_to_mathml("x^2")
    (entry,) = _entries(memo_folder, "mathml")
    entry.write_bytes(json.dumps({"mathml": '<math><script>alert(1)</script><mi onclick="x()">x</mi></math>',
                                  "error": None}).encode())
    inline._remembered.cache_clear()
    poisoned = str(inline.tex_to_mathml("x^2"))
    assert "<script" not in poisoned and "onclick" not in poisoned
    assert str(fresh).startswith("<math")


def test_no_memo_computes_afresh(memo_folder, monkeypatch):
    monkeypatch.setenv(memo.ENV_OFF, "1")
    assert parse_inline(TEXT) == markup._parse(TEXT)
    assert not (memo_folder / "markup").exists()


def test_nothing_is_written_before_the_cache_folder_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / "cache"))
    memo.use_folder(None)
    parse_inline.cache_clear()
    assert parse_inline(TEXT) == markup._parse(TEXT)
    assert not (tmp_path / "cache").exists()
    parse_inline.cache_clear()


def test_a_remembered_yaml_parse_is_the_parse(memo_folder):
    from generator.content.remembered_yaml import parse_yaml_remembered
    from generator.content.yaml_source import parse_yaml

    from tests.conftest import DEFAULT_LECTURE

    texts = [DEFAULT_LECTURE.read_text(),
             "lecture:\n  title: T\n  date: 2021-09-10\n  title: again\nnumbers: {1: 2.5, true: .nan, null: [1e400]}\n",
             "a: !!binary aGVsbG8=\n", "when: 2021-09-10T10:00:00+02:00\n"]
    for text in texts:
        fresh = parse_yaml(text, "lecture.yaml")
        assert parse_yaml_remembered(text, "lecture.yaml") == fresh  # computed, and remembered where it can be
        remembered = parse_yaml_remembered(text, "lecture.yaml")
        assert repr(remembered.data) == repr(fresh.data)  # nan != nan: compared as written
        assert (remembered.source, remembered.problems) == (fresh.source, fresh.problems)
    assert len(_entries(memo_folder, "yaml")) == 3  # a time with a zone is parsed each time
