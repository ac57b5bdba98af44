"""The only stage that touches the output folder: a build lands whole, or not at all.

The lecture's folder is replaced in one step, never file by file:

    OUTPUT/<slug>/            the lecture: always one whole build, its manifest vouching for every output
    OUTPUT/.<slug>.lock       held while a build commits; a second build into the folder waits for it
    OUTPUT/.<slug>.staging/   the next build, assembled beside the folder (just after the swap: the previous one)
    OUTPUT/.<slug>.previous/  only where the file system cannot exchange two folders: the previous build

The new folder is assembled in full beside the old one: the new files, then everything of the old
folder that stays (other formats' outputs, files the user put there, and the user's hand-edited
copies, kept under a new name), hard-linked rather than copied. Every file and folder is synced,
then the two folders are exchanged atomically (Linux renameat2 RENAME_EXCHANGE) and the old one
is removed. A disk that fills, or a process killed at any point, leaves the complete previous
build or the complete new one in place; the leftover staging folder is removed by the next build,
under the same lock, before anything else. Why not a journal: the staging folder *is* the
journal, and it needs no replay, only removal.

Where the file system cannot exchange (it answers EINVAL or ENOSYS), the old folder is renamed
aside to .<slug>.previous and the new one renamed in; between the two renames the lecture's
folder is missing, and the next build completes (removes .previous) or rolls back (renames it
back) before doing anything else.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.errors import BuildError, UsageError

MANIFEST = "manifest.json"
# Folders of the operating system; writing a lecture into them could only do harm.
SYSTEM_FOLDERS = tuple(Path(name) for name in ("/etc", "/proc", "/sys", "/dev", "/usr", "/boot", "/bin", "/sbin", "/lib"))
# Room a first build needs at least (the default lecture's outputs take about 4 MB).
FIRST_BUILD_BYTES = 8 * 1024 * 1024
_RENAME_EXCHANGE = 2  # from linux/fs.h
_AT_FDCWD = -100


def check_output_dir(out_dir: Path, content_dir: Path, needed_bytes: int | None = None) -> None:
    """Refuse output folders whose files a build must never replace, or cannot write, before any demo trains."""
    target = out_dir.resolve()
    forbidden = {Path("/"): "the root folder", Path.home().resolve(): "your home folder",
                 content_dir.resolve(): "the content file's own folder"}
    if target in forbidden:
        raise UsageError(f"refusing to write the lecture into {forbidden[target]} ({target}); choose another -o folder")
    for system in SYSTEM_FOLDERS:
        if target == system or target.is_relative_to(system):
            raise UsageError(f"refusing to write the lecture into the system folder {system} ({target}); "
                             "choose another -o folder")
    existing = next((folder for folder in (out_dir, *out_dir.parents) if folder.exists()), Path("."))
    if not existing.is_dir():
        raise UsageError(f"{existing} is a file, not a folder; choose another -o folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write into {existing}: permission denied; choose another -o folder")
    free = shutil.disk_usage(existing).free
    needed = needed_bytes if needed_bytes is not None else _previous_build_bytes(out_dir) or FIRST_BUILD_BYTES
    if free < needed:
        raise UsageError(f"only {_megabytes(free)} free in {existing}, and a build needs about {_megabytes(needed)}; "
                         "free some space or choose another -o folder")


def _megabytes(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"


def _previous_build_bytes(folder: Path) -> int:
    """What the build last written to ``folder`` (a lecture's folder) took, by its manifest; 0 if unknown."""
    return sum(int(entry.get("bytes", 0)) for entry in _outputs(folder).values())


def _outputs(lecture_dir: Path) -> dict[str, dict[str, Any]]:
    """The outputs the folder's manifest lists, by path; {} when there is none to read."""
    try:
        manifest = written_manifest(lecture_dir)
        return {entry["path"]: entry for entry in manifest.get("outputs", []) if isinstance(entry.get("path"), str)}
    except (KeyError, TypeError, AttributeError):
        return {}


def written_manifest(lecture_dir: Path) -> dict[str, Any]:
    """The manifest the last build wrote into the folder; {} when there is none to read."""
    try:
        manifest = json.loads((lecture_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def write_outputs(
    lecture_dir: Path,
    files: Mapping[str, bytes],
    manifest: dict[str, Any],
    produced_by_this_build: Callable[[str], bool],
    on_wait: Callable[[str], None] = lambda message: None,
) -> list[str]:
    """Replace ``lecture_dir`` with the new build in one step; the notes the user should read.

    ``files`` are the new outputs; ``manifest`` gets their entries (and those of outputs kept from the
    previous build) under "outputs". ``produced_by_this_build(path)`` says whether an output of the
    previous build belongs to a format this build makes: if this build did not make it again it is
    stale and goes; other formats' outputs stay.
    """
    parent = lecture_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(parent, error, lecture_dir) from None
    with _locked(parent / f".{lecture_dir.name}.lock", lecture_dir, on_wait):
        recover(lecture_dir)
        staging = _staging(lecture_dir)
        try:
            notes = _assemble(staging, lecture_dir, files, manifest, produced_by_this_build)
            _swap_in(staging, lecture_dir)
        except _WriteFailed as failure:
            shutil.rmtree(staging, ignore_errors=True)
            raise _cannot_write(failure.path, failure.error, lecture_dir) from None
        shutil.rmtree(staging, ignore_errors=True)  # now the previous build
    return notes


def differences(lecture_dir: Path, files: Mapping[str, bytes], produced_by_this_build: Callable[[str], bool]) -> list[str]:
    """How ``lecture_dir`` differs from what :func:`write_outputs` would make it, one line per file; [] when it is that.

    For `build --check`, which writes nothing: a file of ``files`` that is absent is missing, one whose bytes
    differ is stale, and an output the folder's manifest lists that this build's formats make but this build
    did not make again is extra (the writer would remove it). Files the user put there and other formats'
    outputs stay in a build, so they are no difference. manifest.json records times and is not compared.
    """
    if not lecture_dir.is_dir():
        return [f"{lecture_dir}/: missing (never built, or built into another -o folder)"]
    found = []
    for relative, data in sorted(files.items()):
        path = lecture_dir / relative
        digest = _file_sha256(path)
        if digest is None:
            found.append(f"{path}: missing")
        elif digest != hashlib.sha256(data).hexdigest():
            found.append(f"{path}: stale (differs from what the sources produce)")
    for relative in sorted(_outputs(lecture_dir)):
        if relative not in files and produced_by_this_build(relative) and (lecture_dir / relative).exists():
            found.append(f"{lecture_dir / relative}: extra (the sources no longer produce it)")
    return found


def write_site(output_dir: Path, files: Mapping[str, bytes], manifest: dict[str, Any],
               on_wait: Callable[[str], None] = lambda message: None) -> list[str]:
    """Write a course's own files (index.html) and its manifest into ``output_dir``, beside its lectures' folders.

    The lectures' folders are written by :func:`write_outputs`, each in one step; these few files are each
    replaced in one step (written beside, synced, renamed over), the manifest last, under the course's lock.
    A file changed since lecturegen wrote it is kept beside the new one (index.edited-1.html), as in a lecture.
    """
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write_site(output_dir, error) from None
    notes: list[str] = []
    with _locked(output_dir / ".course.lock", output_dir, on_wait):
        previous = _outputs(output_dir)
        entries = []
        for relative, data in sorted(files.items()):
            path = output_dir / relative
            written = previous.get(relative)
            if path.is_file() and (written is None or written.get("sha256") != _file_sha256(path)) \
                    and _file_sha256(path) != hashlib.sha256(data).hexdigest():
                kept = _free_name(relative, set(files), output_dir)
                _replace_file(output_dir / kept, path.read_bytes(), output_dir)
                notes.append(f"{path} was changed since lecturegen wrote it; your version is kept as {output_dir / kept}")
            _replace_file(path, data, output_dir)
            entries.append(_entry(relative, data))
        manifest = {**manifest, "outputs": entries}
        _replace_file(output_dir / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(), output_dir)
        try:
            _fsync_folder(output_dir)
        except OSError as error:
            raise _cannot_write_site(output_dir, error) from None
    return notes


def _replace_file(path: Path, data: bytes, output_dir: Path) -> None:
    partial = path.parent / f".{path.name}.tmp"
    try:
        with open(partial, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except OSError as error:
        try:
            partial.unlink()
        except OSError:
            pass
        raise _cannot_write_site(path, error) from None


def _cannot_write_site(path: Path, error: OSError) -> BuildError:
    reason = error.strerror.lower() if error.strerror else str(error)
    return BuildError(f"cannot write {path}: {reason}; the lectures' folders are written, and the course's "
                      "previous index.html is intact")


def recover(lecture_dir: Path) -> None:
    """Settle a commit a killed build left half done: the folder ends up the previous or the new build."""
    previous, staging = _previous(lecture_dir), _staging(lecture_dir)
    if previous.exists():
        if lecture_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)  # the new build got in
        else:
            os.rename(previous, lecture_dir)  # it did not: roll back
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)  # never swapped in, or the previous build swapped out


def _staging(lecture_dir: Path) -> Path:
    return lecture_dir.parent / f".{lecture_dir.name}.staging"


def _previous(lecture_dir: Path) -> Path:
    return lecture_dir.parent / f".{lecture_dir.name}.previous"


@contextmanager
def _locked(lock_path: Path, lecture_dir: Path, on_wait: Callable[[str], None]):
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise _cannot_write(lock_path, error, lecture_dir) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(f"another build is writing {lecture_dir}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


class _WriteFailed(Exception):
    def __init__(self, path: Path, error: OSError):
        super().__init__(str(error))
        self.path, self.error = path, error


def _cannot_write(path: Path, error: OSError, lecture_dir: Path) -> BuildError:
    reason = error.strerror.lower() if error.strerror else str(error)
    return BuildError(f"cannot write {path}: {reason}; the previous build in {lecture_dir} is intact")


def _assemble(staging: Path, lecture_dir: Path, files: Mapping[str, bytes], manifest: dict[str, Any],
              produced_by_this_build: Callable[[str], bool]) -> list[str]:
    previous = _outputs(lecture_dir)
    shutil.rmtree(staging, ignore_errors=True)
    _guarded(staging, staging.mkdir)
    entries = [_entry(relative, data) for relative, data in files.items()]
    for relative, data in files.items():
        _write(staging / relative, data)
    notes: list[str] = []
    taken = set(files) | {MANIFEST}
    for relative, source in _current_files(lecture_dir):
        if relative == MANIFEST:
            continue
        written = previous.get(relative)
        if relative not in files and any(name.startswith(relative + "/") for name in files):
            continue  # a link where this build puts a folder of its own (figures/): replaced, never written through
        if relative in files:
            if written is None or written.get("sha256") != _file_sha256(source):
                # Changed since lecturegen wrote it (or never written by it): the user's, kept beside the new one.
                kept = _free_name(relative, taken, lecture_dir)
                taken.add(kept)
                _carry(source, staging / kept)
                notes.append(f"{lecture_dir / relative} was changed since lecturegen wrote it; "
                             f"your version is kept as {lecture_dir / kept}")
            continue
        if written is not None:
            if produced_by_this_build(relative):
                continue  # a stale output of a format this build makes: it goes
            entries.append(written)  # another format's output: it stays, as the manifest knew it
        taken.add(relative)
        _carry(source, staging / relative)
    manifest = {**manifest, "outputs": sorted(entries, key=lambda entry: entry["path"])}
    _write(staging / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    _sync_folders(staging)
    return notes


def _entry(relative: str, data: bytes) -> dict[str, Any]:
    return {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _current_files(lecture_dir: Path):
    """(relative path, path) of every file and link in the folder, links not followed; old temporaries left out."""
    if not lecture_dir.is_dir():
        return
    for folder, directories, names in os.walk(lecture_dir):
        here = Path(folder)
        for name in [*names, *(d for d in directories if (here / d).is_symlink())]:
            path = here / name
            if name.startswith(".") and name.endswith(".tmp"):
                continue  # a file an older lecturegen was writing when it was killed
            yield path.relative_to(lecture_dir).as_posix(), path


def _file_sha256(path: Path) -> str | None:
    if path.is_symlink() or not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _free_name(relative: str, taken: set[str], lecture_dir: Path) -> str:
    """slides.pptx -> slides.edited-1.pptx, the first number not taken and not in the folder."""
    path = Path(relative)
    number = 1
    while True:
        name = (path.parent / f"{path.stem}.edited-{number}{path.suffix}").as_posix()
        if name not in taken and not (lecture_dir / name).exists():
            return name
        number += 1


def _write(path: Path, data: bytes) -> None:
    _guarded(path.parent, lambda: path.parent.mkdir(parents=True, exist_ok=True))

    def write() -> None:
        with open(path, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())

    _guarded(path, write)


def _carry(source: Path, target: Path) -> None:
    """The same file in the new folder: a hard link (no copy, no second disk's worth), a copy where links fail."""
    _guarded(target.parent, lambda: target.parent.mkdir(parents=True, exist_ok=True))
    if source.is_symlink():
        _guarded(target, lambda: os.symlink(os.readlink(source), target))
        return
    try:
        os.link(source, target)
    except OSError:
        _guarded(target, lambda: shutil.copy2(source, target))


def _guarded(path: Path, action: Callable[[], object]) -> None:
    try:
        action()
    except OSError as error:
        raise _WriteFailed(path, error) from None


def _sync_folders(root: Path) -> None:
    # A renamed-in folder must not come back after a power cut without the entries written into it.
    for folder, _, _ in os.walk(root):
        _guarded(Path(folder), lambda: _fsync_folder(Path(folder)))


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _swap_in(staging: Path, lecture_dir: Path) -> None:
    if not lecture_dir.exists():
        _guarded(lecture_dir, lambda: os.rename(staging, lecture_dir))
    else:
        try:
            _exchange(staging, lecture_dir)
        except OSError as error:
            if error.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
                raise _WriteFailed(lecture_dir, error) from None
            previous = _previous(lecture_dir)
            _guarded(lecture_dir, lambda: os.rename(lecture_dir, previous))
            _guarded(lecture_dir, lambda: os.rename(staging, lecture_dir))
            shutil.rmtree(previous, ignore_errors=True)
    _guarded(lecture_dir.parent, lambda: _fsync_folder(lecture_dir.parent))


def _exchange(first: Path, second: Path) -> None:
    """Swap two folders' names in one atomic step (Linux 3.15+; most local file systems)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))
