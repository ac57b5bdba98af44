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
