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

# File -> (hash of its text, names of the kinds it registered), for the files already run.
_LOADED: dict[Path, tuple[str, tuple[str, ...]]] = {}


def load_code_file(path: Path, shown: str) -> Problem | None:
    """Run the lecture's file ``path`` (``shown`` as the content wrote it) so its kinds register; a problem if it fails."""
    source = path.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    known = _LOADED.get(path)
    if known is not None and known[0] == digest:
        return None
    for name in known[1] if known is not None else ():
        registry.unregister(name)
    registry.demo_kinds()  # the built-in and installed kinds first, so a name taken by them is reported
    before = registry.registered_names()
    module_name = f"lecturegen_code_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: dataclasses, pydantic and "module:Class" references look modules up by name.
    sys.modules[module_name] = module
    try:
        with registry.registering_from(f"file {shown}"):
            spec.loader.exec_module(module)
    except SyntaxError as error:
        sys.modules.pop(module_name, None)
        return Problem(Location(shown, error.lineno or 0, error.offset or 0), "", f"SyntaxError: {error.msg}")
    except Exception as error:  # noqa: BLE001 - the user's code may raise anything; say where, in their file
        sys.modules.pop(module_name, None)
        for name in registry.registered_names() - before:
            registry.unregister(name)
        return Problem(Location(shown, line_in(error, path)), "", f"{type(error).__name__}: {error}")
    _LOADED[path] = (digest, tuple(sorted(registry.registered_names() - before)))
    _SHOWN[path.resolve()] = shown
    return None


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
