"""A content-addressed store of demo results and drawn figures.

An entry's key is a hash of everything that changes its numbers: the demo
kind, its resolved parameters, the seed, the demo code's hash, the versions of
the libraries that compute, and the device type. Entries are folders written
under a temporary name and renamed into place, so a reader sees a whole entry
or none; each entry records the hashes of its files, so a damaged one is
detected, removed and recomputed. Failed runs never reach the store.

Builds may share one cache (two CI jobs, two terminals, the preview and a build). A demo that must
run is trained by one of them: the build that runs it holds its key's :class:`RunLock` until the
result is stored, and another build that needs it waits, then reads what the first stored. Entries
are read through their folder's descriptor and replaced by renaming, so a reader never mixes two
writers' files, and a whole entry is never replaced by the same key's again unless asked.

Location: ``--cache-dir``, else ``$LECTUREGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/lecturegen``, else ``~/.cache/lecturegen``.
"""

from __future__ import annotations

import errno
import fcntl
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
FORMAT_VERSION = 2  # 2: result values keep run()'s key order (1 sorted them)
STAGING_GRACE_S = 3600
LOCK_POLL_S = 0.2


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


def _read_in(folder: int, name: str) -> bytes:
    """The file ``name`` of the entry folder open as ``folder``; only plain names (the index is read from disk)."""
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"{name!r} is not a file name")
    with open(os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder), "rb") as file:
        return file.read()


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
        self.lockable = True

    # -- generic entries ----------------------------------------------------
    def _entry(self, area: str, key: str) -> Path:
        return self.root / area / key[:2] / key

    def _read(self, area: str, key: str) -> dict[str, bytes] | None:
        entry = self._entry(area, key)
        try:
            # Every file is read through the folder itself, not its path: an entry that another build
            # replaces meanwhile is renamed away whole, so this reads one writer's files, never two.
            folder = os.open(entry, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            try:
                index = json.loads(_read_in(folder, "index.json"))
            except FileNotFoundError:
                return None  # not finished; whoever finishes it replaces it
            if index.get("format") != FORMAT_VERSION:
                raise ValueError("old format")
            files = {}
            for name, digest in index["files"].items():
                data = _read_in(folder, name)
                if _sha256(data) != digest:
                    raise ValueError(f"{name} does not match its hash")
                files[name] = data
            return files
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A damaged entry is worth nothing; remove it so it is recomputed. Unless it is no longer the
            # entry there: then another build has just replaced it, and this one is left to it.
            try:
                if os.path.samestat(os.stat(entry), os.fstat(folder)):
                    self._discard(entry)
            except OSError:
                pass
            return None
        finally:
            os.close(folder)

    def _write(self, area: str, key: str, files: dict[str, bytes], replace: bool = False) -> None:
        if not self.writable:
            return
        try:
            self._write_entry(area, key, files, replace)
        except OSError as error:
            self.cannot_write(error)

    def cannot_write(self, error: OSError) -> None:
        """Go on without writing, said once: whatever failed first (storing a result, or its lock) says it."""
        if not self.writable:
            return
        self.writable = self.lockable = False
        reason = error.strerror.lower() if error.strerror else str(error)
        self.on_unwritable(f"cannot write the cache in {self.root} ({reason}); this build goes on without caching, so "
                           "the next one trains again, and without the locks that keep builds sharing this cache from "
                           "training one demo twice at once (see --cache-dir)")

    def _write_entry(self, area: str, key: str, files: dict[str, bytes], replace: bool) -> None:
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
            self._place(staging, entry, replace)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not (entry / "index.json").is_file():
                raise

    def _place(self, staging: Path, entry: Path, replace: bool) -> None:
        """Rename the staged entry into place. Another build may have stored the same key meanwhile (two builds
        drawing one figure, a demo whose lock could not be taken): the same key holds the same answer, so a
        whole entry there is kept and ours dropped, unless ``replace`` (--force) asks for the new one."""
        for attempt in range(3):
            try:
                os.rename(staging, entry)  # onto a folder that is not empty, this fails
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
            if (not replace and (entry / "index.json").is_file()) or attempt == 2:
                break  # kept; or others keep replacing it as fast, and what they place is whole
            self._discard(entry)  # incomplete, or to be replaced: renamed away whole, then removed
        shutil.rmtree(staging, ignore_errors=True)

    @staticmethod
    def _discard(entry: Path) -> None:
        # Renamed first, so a reader sees the whole entry or none, never one half removed.
        gone = entry.with_name(f".{entry.name[:8]}-gone-{os.urandom(4).hex()}")
        try:
            os.rename(entry, gone)
        except OSError:
            return  # already gone, or a cache that cannot be written
        shutil.rmtree(gone, ignore_errors=True)

    @staticmethod
    def _remove_abandoned_staging(folder: Path) -> None:
        # A killed build can leave a half-written ".<key>-xxxx" folder (or one it was removing); one older
        # than an hour belongs to no build still running.
        cutoff = time.time() - STAGING_GRACE_S
        for leftover in folder.glob(".*-*"):
            try:
                if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
                    shutil.rmtree(leftover, ignore_errors=True)
            except OSError:
                pass

    # -- who trains a demo --------------------------------------------------------
    def cannot_lock(self, error: OSError) -> None:
        if self.lockable:
            self.lockable = False
            reason = error.strerror.lower() if error.strerror else str(error)
            self.on_unwritable(f"cannot lock files in the cache in {self.root} ({reason}); demos run without the "
                               "lock, so another build sharing this cache may train the same demo at once")

    def run_lock(self, key: str) -> RunLock:
        """The lock a build holds while it trains the demo whose result goes under ``key`` (see RunLock)."""
        return RunLock(self, key)

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
        self._discard(self._entry(area, key))

    def put_result(self, key: str, result: DemoResult, provenance: dict[str, Any],
                   replace: bool = False) -> CachedResult:
        """Store a result; one already stored under ``key`` (by another build) is kept unless ``replace``.

        Returns the result as the cache holds it, as a later build will read it: values through JSON, arrays
        as their file. What is remembered of it (native charts, by the result's digest) is then found again
        by the next build, which reads it from here."""
        buffer = io.BytesIO()
        import numpy as np

        np.savez(buffer, **{name: np.asarray(array) for name, array in result.arrays.items()})
        # In the order run() gave them: a figure that pairs a mapping's keys with its arrays (configurations in
        # the order of the parameters) must read them in that order from the cache too.
        values = json.dumps(result.values, indent=1).encode()
        self._write(
            "results",
            key,
            {
                "values.json": values,
                "arrays.npz": buffer.getvalue(),
                "provenance.json": json.dumps(provenance, sort_keys=True, indent=1).encode(),
            },
            replace,
        )
        stored = self.get_result(key)
        if stored is not None:
            return stored
        # A cache that could not store it (read-only, full): the same form, from the bytes it would have held.
        return CachedResult(DemoResult(values=json.loads(values), arrays=ArraysFile(buffer.getvalue())),
                            json.loads(json.dumps(provenance)))

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


class RunLock:
    """Held by the build that trains the demo whose result goes under one key, until the result is stored.

    It is an ``flock`` on ``<cache>/locks/<key>``: the operating system releases it when the build ends,
    however it ends, so a build killed mid-training leaves no stale lock, and the next build runs the demo
    itself. The holder removes the file before it lets go, so the folder does not fill up; whoever locks
    a file that was removed meanwhile lets go and tries again. Only demos that must run take it: a result
    already in the cache is read without it.

    A cache that cannot be written cannot hold the file: the demo then runs without the lock (the cache
    says once that it cannot store new results). Nor does a file system without locks stop a build.
    """

    def __init__(self, cache: Cache, key: str):
        self.cache = cache
        self.path = cache.root / "locks" / key
        self.fd: int | None = None
        self.held = False  # True while this build may run the demo: locked, or run without a lock

    def try_acquire(self) -> bool:
        """Take the lock if no other build holds it; True when this build may run the demo now."""
        if self.held:
            return True
        if not self.cache.lockable:
            self.held = True
            return True
        while True:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except OSError as error:
                self.cache.cannot_write(error)
                self.held = True
                return True
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            except OSError as error:  # a file system without locks (some network mounts)
                os.close(fd)
                self.cache.cannot_lock(error)
                self.held = True
                return True
            try:
                if os.path.samestat(os.fstat(fd), os.stat(self.path)):
                    self.fd, self.held = fd, True
                    return True
            except FileNotFoundError:
                pass
            os.close(fd)  # the build before us removed this file as it let go: lock the one there now

    def acquire(self, check: Callable[[], None] = lambda: None) -> None:
        """Take the lock, waiting while another build holds it; ``check`` is called while it waits (it may raise
        to stop waiting: the preview's newer edit)."""
        while not self.try_acquire():
            check()
            time.sleep(LOCK_POLL_S)

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.unlink(self.path)  # while still held: no one can have locked the file we remove
            except OSError:
                pass
            os.close(self.fd)  # closing lets go
            self.fd = None
        self.held = False
