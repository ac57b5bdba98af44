"""The only stage that touches the output folder.

Each file is written to a temporary name in its own folder and renamed over
the old one, so a reader (or a killed build) sees the complete old file or
the complete new one. Files the previous build wrote (its manifest lists
them) that this build no longer makes are removed; nothing else is.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import UsageError

MANIFEST = "manifest.json"


def check_output_dir(out_dir: Path, content_dir: Path) -> None:
    """Refuse output folders whose files a build must never replace."""
    target = out_dir.resolve()
    forbidden = {Path("/"): "the root folder", Path.home().resolve(): "your home folder",
                 content_dir.resolve(): "the content file's own folder"}
    if target in forbidden:
        raise UsageError(f"refusing to write the lecture into {forbidden[target]} ({target}); choose another -o folder")
    # Found now, before any demo runs, rather than as a failed write at the end.
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                raise UsageError(f"{folder} is a file, not a folder; choose another -o folder")
            break


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def previous_outputs(lecture_dir: Path) -> set[str]:
    try:
        manifest = json.loads((lecture_dir / MANIFEST).read_text())
        return {entry["path"] for entry in manifest.get("outputs", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def remove_abandoned_temporaries(lecture_dir: Path, names: set[str]) -> None:
    """Temporary files a killed build left beside the outputs it was replacing."""
    for relative in names:
        target = lecture_dir / relative
        if target.parent.is_dir():
            for leftover in target.parent.glob(f".{target.name}.*.tmp"):
                leftover.unlink(missing_ok=True)


def write_outputs(lecture_dir: Path, files: Mapping[str, bytes], manifest: bytes) -> None:
    """Write every file, then the manifest last (it vouches for the others)."""
    remove_abandoned_temporaries(lecture_dir, set(files) | {MANIFEST})
    stale = previous_outputs(lecture_dir) - set(files)
    for relative, data in files.items():
        write_atomically(lecture_dir / relative, data)
    write_atomically(lecture_dir / MANIFEST, manifest)
    for relative in sorted(stale):
        candidate = (lecture_dir / relative).resolve()
        # Only ever remove files inside this lecture's folder.
        if candidate.is_relative_to(lecture_dir.resolve()) and candidate.is_file():
            candidate.unlink()
