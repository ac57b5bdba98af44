"""What `lecturegen init` writes: a copy of the default lecture, or a demo kind of the user's own to start from."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from string import Template

from generator.errors import UsageError
from generator.locations import content_dir

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def write_default_lecture(directory: Path, force: bool) -> list[Path]:
    target = directory / "deep_learning.yaml"
    write_files({target: (content_dir() / "deep_learning.yaml").read_bytes()}, directory, force)
    return [target]


def write_demo_starter(directory: Path, name: str, force: bool) -> tuple[Path, Path]:
    """DIRECTORY/demos/NAME.py (a working kind named NAME) and DIRECTORY/NAME.yaml (a lecture using it)."""
    if not _NAME.match(name):
        raise UsageError(f"--demo {name}: a kind's name is lower-case letters, digits and '_', starting with a "
                         "letter, e.g. lr_race")
    starter = content_dir() / "starter"
    code, lecture = directory / "demos" / f"{name}.py", directory / f"{name}.yaml"
    files = {path: Template((starter / source).read_text()).substitute(name=name).encode()
             for path, source in ((code, "demo_kind.py"), (lecture, "lecture.yaml"))}
    write_files(files, directory, force)
    return code, lecture


def write_files(files: dict[Path, bytes], directory: Path, force: bool) -> None:
    """Write every file into ``directory``, or none when one exists already (unless ``force``)."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file, not a folder; name a new or existing folder")
    existing = [str(path) for path in files if path.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                         "use --force to overwrite")
    for path, data in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from error
