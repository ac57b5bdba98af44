"""The Jinja templates under ``templates/html/`` (or a user's overrides), and static files found like them.

A mistake in a template becomes a BuildError that says "FILE:LINE: message",
and a static file that would end its own <style> or <script> element is refused.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.errors import BuildError
from generator.locations import templates_dir


def template_environment(template_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """Jinja environment searching ``template_dirs`` first, then the built-in templates."""
    search_path = [str(Path(d)) for d in template_dirs] + [str(templates_dir() / "html")]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search_path),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, object]) -> str:
    """Render ``name``; template mistakes become a BuildError saying "FILE:LINE: message"."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise BuildError(f"{where}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"template {exc.name!r} not found in {_search_path_text(env)}") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"{_template_position(env, exc) or name}: {_template_error_text(exc)}") from exc
    except Exception as exc:
        # A Python error raised by template code (a division by zero, a bad
        # filter argument) is the template author's to fix: say where it is.
        # One raised outside any template is a bug here and keeps its traceback.
        position = _template_position(env, exc)
        if position is None:
            raise
        raise BuildError(f"{position}: {type(exc).__name__}: {exc}") from exc


# What Jinja says when a template calls a macro that an imported template lacks.
MISSING_MACRO = re.compile(r"^'jinja2\.environment\.TemplateModule object' has no attribute '([^']+)'$")


def _template_error_text(exc: jinja2.TemplateError) -> str:
    missing = MISSING_MACRO.match(exc.message or "")
    if missing:
        # Most likely a user's partial that replaces a built-in one but left a macro out.
        return (
            f"an imported template has no macro {missing.group(1)!r}; a template that replaces a built-in one "
            "must define all of its macros (copy the built-in file and change it)"
        )
    return exc.message or type(exc).__name__


def stylesheet(env: jinja2.Environment, name: str) -> Markup:
    return static_text(env, name, closing_tag="</style")


def static_text(env: jinja2.Environment, name: str, closing_tag: str) -> Markup:
    """A static file (found like a template, so overrides work) to inline verbatim.

    Inlined CSS and JS sit in raw-text elements where nothing is escaped, so
    the one thing that could break the page -- the element's own closing tag --
    is refused rather than silently mangled.
    """
    try:
        source, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"static file {name!r} not found in {_search_path_text(env)}") from exc
    if closing_tag in source.lower():
        raise BuildError(f"{filename}: must not contain {closing_tag}>; it is inlined into the page")
    return Markup(source)


def _search_path_text(env: jinja2.Environment) -> str:
    return ", ".join(getattr(env.loader, "searchpath", []))


def _template_position(env: jinja2.Environment, exc: BaseException) -> str | None:
    """"file:line" of the innermost template frame of an error raised while rendering.

    Jinja rewrites tracebacks so that template code shows up as frames whose
    file name is the template's path and whose line is the template's line.
    """
    roots = [Path(p).resolve() for p in getattr(env.loader, "searchpath", [])]
    position = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if any(path.is_relative_to(root) for root in roots):
            position = f"{frame.filename}:{frame.lineno}"
    return position
