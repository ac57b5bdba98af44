"""What `lecturegen init --ci github|gitlab` writes: a CI file that builds the repository's lectures on every push.

The files are Jinja templates in ``templates/ci/`` (one per service), rendered with StrictUndefined, so a
value the template names and this module forgot is an error, not an empty string. Their delimiters are
``<< >>`` and ``<% %>`` because the files themselves are full of ``${{ }}`` (GitHub) and ``$VAR`` (GitLab).
Values reach YAML, a shell line and a GitHub expression string at once, so a content path is refused unless
it is plain (letters, digits, ``._/-``): then it needs no quoting in any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2

from generator import __version__
from generator.errors import UsageError
from generator.locations import templates_dir

# Service name -> (the template, where the file goes in the repository).
SERVICES = {
    "github": ("github.yml.j2", Path(".github") / "workflows" / "lectures.yml"),
    "gitlab": ("gitlab-ci.yml.j2", Path(".gitlab-ci.yml")),
}
OUTPUT = "site"  # the folder the recipes build into and publish
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")
_SKIPPED = {".git", ".github", ".venv", "node_modules", OUTPUT, "output", ".lecturegen-cache"}
_LECTURE_KEY = re.compile(r"(?m)^['\"]?lecture['\"]?\s*:")


@dataclass(frozen=True)
class Recipe:
    path: Path  # where it was written
    content: str  # the content file it builds, relative to the repository's root
    warning: str = ""  # what the user must still do for it to work, if anything


def write_ci_recipe(service: str, directory: Path, content: Path | None, install: str | None, force: bool) -> Recipe:
    """Write the ``service``'s CI file into ``directory`` (the repository's root), building ``content``."""
    from generator.starter import write_files

    template, relative = SERVICES[service]
    content_path, is_course = _content_in(directory, content)
    warning = ""
    if install is None:
        install, warning = install_spec(_direct_url(), __version__)
    text = render_recipe(template, content_path, is_course, install)
    target = directory / relative
    write_files({target: text.encode()}, directory, force)
    return Recipe(target, content_path, warning)


def install_spec(direct_url: dict | None, version: str) -> tuple[str, str]:
    """How CI installs the lecturegen that runs here, from how pip installed it (PEP 610's direct_url.json,
    None when it came from a package index); and a warning when CI cannot install it that way."""
    if direct_url is None:
        return f"lecturegen=={version}", ""
    url = str(direct_url.get("url", ""))
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and not url.startswith("file:"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision") or ""
        return f"git+{url}" + (f"@{commit}" if commit else ""), ""
    if url.startswith(("http://", "https://")):
        return url, ""  # a wheel or archive CI can download as this machine did
    return f"lecturegen=={version}", (
        f"lecturegen here is installed from {url or 'a local file'}, which CI cannot reach, so the file installs "
        f"lecturegen=={version} from the package index; if your lecturegen is not published there, run again "
        "with --force --install SPEC, SPEC being what pip installs it from in CI (e.g. "
        "git+https://github.com/you/lecturegen@v1, or a wheel's URL)")


def _direct_url() -> dict | None:
    import json
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        text = distribution("lecturegen").read_text("direct_url.json")
    except PackageNotFoundError:
        return {"url": "a source folder (lecturegen is not installed)"}
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def render_recipe(template: str, content: str, is_course: bool, install: str) -> str:
    folder = PurePosixPath(content).parent
    # The cache key changes when anything the build reads may have: the content file's folder holds its
    # lectures, assets and code (the path rules keep them inside it). At the root, the YAML and Python files.
    patterns = ["**/*.yaml", "**/*.yml", "**/*.py"] if folder == PurePosixPath(".") else [f"{folder}/**"]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "ci")),
        undefined=jinja2.StrictUndefined,
        variable_start_string="<<", variable_end_string=">>",
        block_start_string="<%", block_end_string="%>",
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        autoescape=False,  # YAML, not HTML; every value is checked plain above or quoted by `quoted`
    )
    environment.filters["quoted"] = _yaml_quoted
    return environment.get_template(template).render(
        version=__version__, install=install, torch=_torch_pin(), content=content, output=OUTPUT,
        hash_patterns=", ".join(f"'{pattern}'" for pattern in patterns), is_course=is_course)


def _yaml_quoted(value: str) -> str:
    """A double-quoted YAML scalar (JSON's string syntax is YAML's)."""
    import json

    return json.dumps(value)


def _torch_pin() -> str:
    # The torch this lecturegen runs with, without a local tag (+cu121): the demo cache's keys hold torch's
    # version, so CI computes the keys a local build with this torch computes.
    from importlib import metadata

    try:
        return "torch==" + metadata.version("torch").split("+")[0]
    except metadata.PackageNotFoundError:
        return "torch"


def _content_in(directory: Path, content: Path | None) -> tuple[str, bool]:
    """The content file, relative to ``directory`` and inside it (``content``, or the one course or lecture found),
    and whether it is a course."""
    from generator.course.loader import is_course_file

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file, not a folder; name the repository's root folder")
    root = directory.resolve()
    if content is None:
        found = _content_files(root)
        courses = [path for path in found if is_course_file(path)]
        chosen = courses or found
        if len(chosen) != 1:
            listed = ", ".join(str(path.relative_to(root)) for path in chosen[:6]) or "none"
            what = "course files" if courses else "lecture files"
            raise UsageError(f"found {len(chosen)} {what} in {directory} ({listed}); say which one CI builds with "
                             "--content FILE")
        target = chosen[0]
    else:
        target = content.resolve()
        if not target.is_file():
            raise UsageError(f"--content {content}: no such file")
        if not target.is_relative_to(root):
            raise UsageError(f"--content {content} is outside {directory}, the repository's root the CI file goes "
                             "into; name a file inside it")
    relative = target.relative_to(root).as_posix()
    if not _PLAIN_PATH.match(relative):
        raise UsageError(f"{relative}: a CI recipe needs a plain path (letters, digits, '.', '_', '-', '/'); "
                         "rename the file or its folders")
    return relative, is_course_file(target)


def _content_files(root: Path) -> list[Path]:
    """YAML files up to two folders down that are courses or lectures, sorted."""
    from generator.course.loader import is_course_file

    candidates = [*root.glob("*.y*ml"), *root.glob("*/*.y*ml"), *root.glob("*/*/*.y*ml")]
    found = []
    for path in sorted(set(candidates)):
        if _SKIPPED & set(path.relative_to(root).parts[:-1]) or not path.is_file():
            continue
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if is_course_file(path) or _LECTURE_KEY.search(text):
            found.append(path)
    return found
