"""A lecture's own demo kinds: the Python files its content names under `code:`.

They are code and run as code, with the build's rights, as `theme.templates` do: `validate` says
so. Each file is run once per process (again only when its text changes: the kinds it registered
then are replaced), as a module of its own, and registers its kinds with
``generator.demos.registry.register`` as built-in kinds do. What goes wrong in it is said in terms
of the file: its name, the line, the error, never lecturegen's own frames.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path

from generator.demos import registry
from generator.errors import Location, Problem

# File -> (hash of its text, names of the kinds it registered), for the files already run; and the files
# the lectures loaded since new_generation() name.
_LOADED: dict[Path, tuple[str, tuple[str, ...]]] = {}
_ACTIVE: set[Path] = set()


def load_code_file(path: Path, shown: str) -> Problem | None:
    """Run the lecture's file ``path`` (``shown`` as the content wrote it) so its kinds register; a problem if it fails."""
    source = path.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    known = _LOADED.get(path)
    if known is not None and known[0] == digest and all(lecture_file_of(name) == path for name in known[1]):
        _ACTIVE.add(path)
        return None
    _forget_inactive_files()  # this file's old kinds too, and those of files no lecture being loaded names
    registry.demo_kinds()  # the built-in and installed kinds first, so a name taken by them is reported
    module_name = module_name_of(path)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: dataclasses, pydantic and "module:Class" references look modules up by name.
    sys.modules[module_name] = module
    registered: list[str] = []
    try:
        with registry.registering_from(f"file {shown}") as registered:
            spec.loader.exec_module(module)
    except SyntaxError as error:
        sys.modules.pop(module_name, None)
        return Problem(Location(shown, error.lineno or 0, error.offset or 0), "", f"SyntaxError: {error.msg}")
    except Exception as error:  # noqa: BLE001 - the user's code may raise anything; say where, in their file
        sys.modules.pop(module_name, None)
        for name in registered:
            registry.unregister(name)
        return Problem(Location(shown, line_in(error, path)), "", f"{type(error).__name__}: {error}")
    _LOADED[path] = (digest, tuple(sorted(registered)))
    _ACTIVE.add(path)
    _SHOWN[path.resolve()] = shown
    return None


def new_generation() -> None:
    """Lectures start loading afresh (a build, a course, a refresh of the preview). Files run before stay
    remembered, so an unchanged one is not run again, but until a lecture being loaded names one again its
    kinds no longer hold their names: a file renamed or dropped under `preview`, or a lecture built earlier
    in the same process, does not clash with the files named now."""
    _ACTIVE.clear()


def _forget_inactive_files() -> None:
    for path in [path for path in _LOADED if path not in _ACTIVE]:
        for name in _LOADED.pop(path)[1]:
            kind = registry.registered_kind(name)
            if kind is not None and kind.run.__module__ == module_name_of(path):  # still this file's
                registry.unregister(name)
        _SHOWN.pop(path.resolve(), None)


def kinds_of(path: Path) -> tuple[str, ...]:
    """The kinds the file at ``path`` registered when it was run and that are still its; none if it has not
    run (or failed)."""
    known = _LOADED.get(path)
    return tuple(name for name in known[1] if lecture_file_of(name) == path) if known is not None else ()


def lecture_file_of(kind_name: str) -> Path | None:
    """The lecture file whose code the kind registered as ``kind_name`` now runs, if a lecture file's does."""
    kind = registry.registered_kind(kind_name)
    if kind is None:
        return None
    return next((path for path, (_, names) in _LOADED.items()
                 if kind_name in names and kind.run.__module__ == module_name_of(path)), None)


def module_name_of(path: Path) -> str:
    """The module name a lecture's file runs as: its own, so two lectures' `demos/x.py` never collide."""
    return f"lecturegen_code_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}_{path.stem}"


def line_in(error: BaseException, path: Path) -> int:
    """The line of ``path`` where ``error`` passed last on its way up; 0 if it did not pass there."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if Path(frame.filename).resolve() == path.resolve()]
    return lines[-1] if lines else 0


def shown_name(path: Path) -> str:
    """How the lecture names one of its files (as written under `code:`), else the path itself."""
    return _SHOWN.get(path.resolve(), str(path))


# File (resolved) -> how the content named it.
_SHOWN: dict[Path, str] = {}
