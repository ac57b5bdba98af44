"""A content-addressed store of demo results and drawn figures.

An entry's key is a hash of everything that changes its numbers: the demo
kind, its resolved parameters, the seed, the demo code's hash, the versions of
the libraries that compute, and the device type. Entries are folders written
under a temporary name and renamed into place, so a reader sees a whole entry
or none; each entry records the hashes of its files, so a damaged one is
detected, removed and recomputed. Failed runs never reach the store.

Location: ``--cache-dir``, else ``$LECTUREGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/lecturegen``, else ``~/.cache/lecturegen``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.deck import FigureAsset
from generator.demos.registry import DemoResult

CACHE_ENV = "LECTUREGEN_CACHE_DIR"
FORMAT_VERSION = 1
STAGING_GRACE_S = 3600


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "lecturegen"
    if not has_home():
        # Not "/.cache" at the root of the file system: a folder of this user's in the temporary folder.
        return Path(tempfile.gettempdir()) / f"lecturegen-cache-{os.getuid()}"
    return Path.home() / ".cache" / "lecturegen"


def has_home() -> bool:
    home = os.environ.get("HOME", "")
    return bool(home) and home != "/"


def cache_falls_back_to_temporary_folder() -> bool:
    return not os.environ.get(CACHE_ENV) and not os.environ.get("XDG_CACHE_HOME") and not has_home()


# What matplotlib's SVG never holds: scripts, event handlers, foreign objects, references out of the file.
_UNSAFE_SVG = re.compile(rb"<script|<foreignObject|\son[a-z]+\s*=|(?:xlink:)?href\s*=\s*[\"'](?!#|data:image/)", re.I)


def drawn_svg_is_plain(svg: bytes) -> bool:
    """Whether _UNSAFE_SVG finds nothing in ``svg``. Asked the same way, 25 times faster (a warm build asks it of
    every cached figure): in lower case, the two tags are plain substrings, and an event handler is an
    `on<letters>=` whose `on` follows white space (no white space falls inside another such match, so looking
    at each match found alone misses none)."""
    lower = svg.lower()
    if b"<script" in lower or b"<foreignobject" in lower or _UNSAFE_HREF.search(lower):
        return False
    return not any(match.start() > 0 and lower[match.start() - 1:match.start()].isspace()
                   for match in _HANDLER.finditer(lower))


_UNSAFE_HREF = re.compile(rb"href\s*=\s*[\"'](?!#|data:image/)")
_HANDLER = re.compile(rb"on[a-z]+\s*=")


def content_key(parts: dict[str, Any]) -> str:
    """A stable hash of a JSON-able mapping."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ArraysFile(Mapping):
    """A result's arrays as the cache keeps them (one .npz file), read when first asked for: a build whose
    figures and charts come from the cache never reads them, and loads no numpy. ``digest`` names the file."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # BadZipFile, as np.load would raise, at once
            archive.namelist()
        self.data = data
        self.digest = _sha256(data)
        self._arrays: dict[str, Any] | None = None

    def _loaded(self) -> dict[str, Any]:
        if self._arrays is None:
            import numpy as np

            with np.load(io.BytesIO(self.data), allow_pickle=False) as archive:
                self._arrays = {name: archive[name] for name in archive.files}
        return self._arrays

    def __getitem__(self, name: str):
        return self._loaded()[name]

    def __iter__(self):
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


@dataclass(frozen=True)
class CachedResult:
    result: DemoResult
    provenance: dict[str, Any]


class Cache:
    """Results and figures by content key. A cache that cannot be written (read-only, full) is read
    as far as it can be and otherwise left alone: the build goes on without it, and says so once."""

    def __init__(self, root: Path, on_unwritable: Callable[[str], None] = lambda message: None):
        self.root = Path(root)
        self.on_unwritable = on_unwritable
        self.writable = True

    # -- generic entries ----------------------------------------------------
    def _entry(self, area: str, key: str) -> Path:
        return self.root / area / key[:2] / key

    def _read(self, area: str, key: str) -> dict[str, bytes] | None:
        entry = self._entry(area, key)
        index_file = entry / "index.json"
        if not index_file.is_file():
            return None
        try:
            index = json.loads(index_file.read_text())
            if index.get("format") != FORMAT_VERSION:
                raise ValueError("old format")
            files = {}
            for name, digest in index["files"].items():
                data = (entry / name).read_bytes()
                if _sha256(data) != digest:
                    raise ValueError(f"{name} does not match its hash")
                files[name] = data
            return files
        except (OSError, ValueError, KeyError, TypeError):
            # A damaged entry is worth nothing; remove it so it is recomputed.
            shutil.rmtree(entry, ignore_errors=True)
            return None

    def _write(self, area: str, key: str, files: dict[str, bytes]) -> None:
        if not self.writable:
            return
        try:
            self._write_entry(area, key, files)
        except OSError as error:
            self.writable = False
            reason = error.strerror.lower() if error.strerror else str(error)
            self.on_unwritable(f"cannot write the cache in {self.root} ({reason}); this build goes on without "
                               "caching, so the next one trains again (see --cache-dir)")

    def _write_entry(self, area: str, key: str, files: dict[str, bytes]) -> None:
        entry = self._entry(area, key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned_staging(entry.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:8]}-", dir=entry.parent))
        try:
            for name, data in files.items():
                (staging / name).write_bytes(data)
            index = {"format": FORMAT_VERSION, "files": {name: _sha256(data) for name, data in files.items()}}
            # The index is written last: an entry without one is incomplete.
            (staging / "index.json").write_text(json.dumps(index, sort_keys=True))
            if entry.exists():
                shutil.rmtree(entry, ignore_errors=True)
            os.rename(staging, entry)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not (entry / "index.json").is_file():
                raise

    @staticmethod
    def _remove_abandoned_staging(folder: Path) -> None:
        # A killed build can leave a half-written ".<key>-xxxx" folder; one older than an
        # hour belongs to no build still running.
        cutoff = time.time() - STAGING_GRACE_S
        for leftover in folder.glob(".*-*"):
            try:
                if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
                    shutil.rmtree(leftover, ignore_errors=True)
            except OSError:
                pass

    # -- demo results ---------------------------------------------------------
    def get_result(self, key: str) -> CachedResult | None:
        files = self._read("results", key)
        if files is None:
            return None
        try:
            arrays = ArraysFile(files["arrays.npz"])
            values = json.loads(files["values.json"])
            provenance = json.loads(files["provenance.json"])
        except (KeyError, ValueError, OSError, zipfile.BadZipFile):
            # Damaged in a way its hashes do not show (someone fixed them by hand): recomputed like any other.
            self._forget("results", key)
            return None
        if not isinstance(values, dict) or not isinstance(provenance, dict):
            self._forget("results", key)
            return None
        return CachedResult(DemoResult(values=values, arrays=arrays), provenance)

    def _forget(self, area: str, key: str) -> None:
        shutil.rmtree(self._entry(area, key), ignore_errors=True)

    def put_result(self, key: str, result: DemoResult, provenance: dict[str, Any]) -> None:
        buffer = io.BytesIO()
        import numpy as np

        np.savez(buffer, **{name: np.asarray(array) for name, array in result.arrays.items()})
        self._write(
            "results",
            key,
            {
                "values.json": json.dumps(result.values, sort_keys=True, indent=1).encode(),
                "arrays.npz": buffer.getvalue(),
                "provenance.json": json.dumps(provenance, sort_keys=True, indent=1).encode(),
            },
        )

    # -- figures ----------------------------------------------------------------
    def get_figure(self, key: str, name: str) -> FigureAsset | None:
        files = self._read("figures", key)
        if files is None:
            return None
        if not drawn_svg_is_plain(files.get("figure.svg", b"")):
            self._forget("figures", key)  # not what matplotlib writes: never copied into an output
            return None
        try:
            info = json.loads(files["figure.json"])
            return FigureAsset(
                name=name,
                png=files["figure.png"],
                svg=files["figure.svg"].decode(),
                width_px=int(info["width_px"]),
                height_px=int(info["height_px"]),
                alt=str(info["alt"]),
            )
        except (KeyError, ValueError, TypeError):
            self._forget("figures", key)
            return None

    def put_figure(self, key: str, asset: FigureAsset) -> None:
        info = {"width_px": asset.width_px, "height_px": asset.height_px, "alt": asset.alt}
        self._write(
            "figures",
            key,
            {"figure.png": asset.png, "figure.svg": asset.svg.encode(), "figure.json": json.dumps(info).encode()},
        )
