"""Shared fixtures: repository paths and an isolated result cache per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = REPO / "content" / "examples" / "minimal.yaml"
DEFAULT_LECTURE = REPO / "content" / "deep_learning.yaml"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    # Never read or fill the user's real cache from tests; share one per session for speed.
    cache = tmp_path_factory.getbasetemp() / "lecturegen-cache"
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(cache))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """A cache that starts empty, for tests about what runs and what is fetched."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(scope="session")
def built_lectures(tmp_path_factory) -> dict[str, Path]:
    """The default lecture (quick profile) and the minimal example built as slides.pptx, slides.html and
    report.html, once.

    Session-scoped fixtures run before the autouse cache fixture, so the
    session's isolated cache is named here rather than read from the environment.
    """
    from generator.build import BuildOptions, build

    output = tmp_path_factory.mktemp("built")
    cache = tmp_path_factory.getbasetemp() / "lecturegen-cache"
    folders = {}
    for name, content in (("deep_learning", DEFAULT_LECTURE), ("minimal", MINIMAL)):
        options = BuildOptions(
            content=content,
            output_dir=output,
            formats=("pptx", "html", "report"),
            profile="quick",
            device="cpu",
            cache_dir=cache,
        )
        folders[name] = build(options).lecture_dir
    return folders
