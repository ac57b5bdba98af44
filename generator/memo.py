"""What pure functions of a lecture's text computed, remembered between runs.

A warm build or ``validate`` of a lecture that did not change then need not load the libraries that
compute them, nor pay for their start: matplotlib's mathtext (does an equation typeset, and its
picture), Jinja's parser and compiler (a text's expressions, checked and compiled), Pygments' lexers
(a code listing's colours). The answers are the same, whether computed or remembered.

Each entry is one small file, ``<cache>/memo/<area>/<version>/<key[:2]>/<key>``. ``version`` hashes
what the answer depends on besides its input (the library's version, the code that computes it), so
an upgrade starts afresh; ``key`` hashes the input. An entry is written whole (a temporary file renamed
into place), so a reader sees all of it or none. One that cannot be read or written is computed again,
silently: the memo only saves time, it never changes an answer. The cache folder is the build's
(``--cache-dir``, else ``$LECTUREGEN_CACHE_DIR``, else the user's cache folder; README, "The cache").
Nothing is written until that folder exists (the results cache makes it), so a run that fails on its
content leaves no folder behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_root: Path | None = None
ENV_OFF = "LECTUREGEN_NO_MEMO"  # set (to anything) to compute everything afresh, every time


def use_folder(cache_dir: Path | None) -> None:
    """Keep the memo in this cache folder (None: the default one)."""
    global _root
    _root = Path(cache_dir) / "memo" if cache_dir is not None else None


def memo_root() -> Path:
    if _root is not None:
        return _root
    # The default cache folder follows the environment (tests change it); worked out once per setting.
    environ = os.environ
    return _default_root(environ.get("LECTUREGEN_CACHE_DIR"), environ.get("XDG_CACHE_HOME"), environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _default_root(cache_env: str | None, xdg: str | None, home: str | None) -> Path:
    from generator.cache import default_cache_dir

    return default_cache_dir() / "memo"


def digest(*parts: str | bytes) -> str:
    """A key or version: the SHA-256 of the parts, each length-prefixed so no two lists of parts collide."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(f"{len(data)}:".encode())
        hashed.update(data)
    return hashed.hexdigest()


def source_digest(*files: str) -> str:
    """The hash of these source files (``__file__`` of the modules whose code computes an answer)."""
    return digest(*(Path(file).read_bytes() for file in files))


def _entry(area: str, version: str, key: str) -> str:
    return os.path.join(memo_root(), area, version[:16], key[:2], key)


def get(area: str, version: str, key: str) -> bytes | None:
    if os.environ.get(ENV_OFF):
        return None
    try:
        with open(_entry(area, version, key), "rb") as stored:
            return stored.read()
    except OSError:
        return None


# Answers computed before the cache folder existed (a first build checks its text before it stores any
# result), by the file they go to: written by keep_pending() once the run has succeeded.
_pending: dict[str, bytes] = {}


def put(area: str, version: str, key: str, data: bytes) -> None:
    if os.environ.get(ENV_OFF):
        return
    entry = _entry(area, version, key)
    if not os.path.isdir(os.path.dirname(memo_root())):
        _pending[entry] = data  # no cache folder yet: a run that fails on its content must leave none
        return
    _write(Path(entry), data)


def keep_pending() -> None:
    """Write the answers computed before the cache folder existed; a build calls it once it has succeeded, so
    that its first warm rebuild finds them too."""
    for entry, data in _pending.items():
        _write(Path(entry), data)
    _pending.clear()


def _write(entry: Path, data: bytes) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=f".{entry.name[:8]}-", dir=entry.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(staging, entry)
        except OSError:
            Path(staging).unlink(missing_ok=True)
    except OSError:
        pass  # a memo that cannot be written: the answer is computed again next time


def remembered_json(area: str, version: str, key: str, compute: Callable[[], T],
                    to_json: Callable[[T], Any] = lambda value: value,
                    from_json: Callable[[Any], T] = lambda value: value) -> T:
    """``compute()``, or what it gave before for the same key and version (stored as JSON)."""
    stored = get(area, version, key)
    if stored is not None:
        try:
            return from_json(json.loads(stored))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            pass  # damaged: computed again, and written over
    value = compute()
    put(area, version, key, json.dumps(to_json(value), sort_keys=True).encode())
    return value
