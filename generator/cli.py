"""The command line: parses options and calls the stages. No logic of its own.

Exit codes: 0 success, 1 the build failed, 2 bad usage or bad content.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import click

from generator import __version__, startup
from generator.errors import EXIT_BUILD_FAILED, ContentError, UsageError
from generator.render.formats import default_formats, output_formats


def _formats(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    # --format is repeatable: `--format html --format report` means both, not only the last one given.
    parts = (part.strip().lower() for value in values for part in value.split(","))
    names = tuple(dict.fromkeys(part for part in parts if part))
    choices = list(output_formats())
    unknown = [name for name in names if name not in choices]
    if unknown or not names:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing'}; choose from {', '.join(choices)} (comma-separated)")
    return names


class _FormatOption(click.Option):
    """--format, whose help lists the formats registered when help is shown (outside code may add some)."""

    def get_help_record(self, ctx):
        listed = ", ".join(f"{name} ({output_format.help})" for name, output_format in output_formats().items())
        self.help = f"Comma-separated or repeated outputs: {listed}."
        self.show_default = ",".join(default_formats())
        return super().get_help_record(ctx)


class _Group(click.Group):
    """Turns unexpected exceptions into one line (a traceback only with -v)."""

    def invoke(self, ctx):
        try:
            with startup.working():
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo(startup.INTERRUPTED, err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`lecturegen demos | head -1`): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            click.echo(f"error: internal error: {type(error).__name__}: {error} (run with -v for the traceback)", err=True)
            sys.exit(EXIT_BUILD_FAILED)


def _remember_verbose(ctx, param, value: bool) -> bool:
    # Read by _Group when an internal error needs its traceback, whichever command ran.
    ctx.find_root().ensure_object(dict)["verbose"] = value
    return value


def _verbosity(function):
    function = click.option("-v", "--verbose", is_flag=True, callback=_remember_verbose,
                            help="More detail; tracebacks on internal errors.")(function)
    function = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")(function)
    return function


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lecturegen")
@click.pass_context
def main(ctx):
    """Build lectures with live training results from one content YAML file.

    \b
    Examples:
      lecturegen build                      # the default Deep Learning lecture
      lecturegen build my.yaml -o out --profile quick
      lecturegen validate my.yaml
      lecturegen init my-lecture            # start from a copy of the default
    """
    ctx.ensure_object(dict)
    # Stopped by a CI runner or `kill`: unwind like Ctrl-C, so no browser or temporary folder is left behind.
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum, frame):
    # Said once: a SIGTERM that landed where it could not be raised is delivered again (startup.py).
    if startup.put_off(signum, frame):
        return
    if not getattr(_terminated, "said", False):
        _terminated.said = True
        click.echo(startup.TERMINATED, err=True)
    raise SystemExit(128 + signum)


@main.command(short_help="Run the demos; write the slides and report.")
@click.argument("content", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Folder for the results; the lecture goes into OUTPUT/<slug>/.")
@click.option("--format", "formats", cls=_FormatOption, multiple=True, default=lambda: [",".join(default_formats())],
              callback=_formats)
@click.option("--profile", default="default", show_default=True,
              help="Named parameter overrides from the content's `profiles:` (quick, default, full, ...).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda", "mps"]), default="auto", show_default=True,
              help="Where demos train; auto picks CUDA, then MPS, then CPU.")
@click.option("--force", is_flag=True, help="Rerun every demo even when its result is cached.")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. an unknown code language) as errors.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Where results are cached [default: $LECTUREGEN_CACHE_DIR or ~/.cache/lecturegen].")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where datasets are read from and downloaded to; MNIST goes in DATA_DIR/MNIST/raw "
                   "[default: $LECTUREGEN_DATA_DIR or CACHE_DIR/data].")
@click.option("--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="A folder of HTML templates searched before the built-in ones (trusted as code).")
@click.option("--revealjs-url", "revealjs_url", metavar="URL_OR_DIR", default=None,
              help="Where --format revealjs links reveal.js from: an http(s) URL, or a folder holding the reveal.js "
                   "package (absolute, or relative to the output file) for offline use "
                   "[default: reveal.js 6.0.2 on the jsDelivr CDN].")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Demos to run at once, each in a worker process with its share of the CPU cores.")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where demos run: on this machine, or as Ray tasks (pip install 'lecturegen[ray]').")
@click.option("--ray-address", metavar="ADDR", default=None,
              help="With --executor ray: the cluster's head (HOST:PORT, or auto) [default: start Ray on this machine].")
@click.option("--demos-per-gpu", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --jobs on CUDA: demos that share one GPU at a time.")
@click.option("--check", is_flag=True,
              help="Write nothing: rebuild in memory and exit 1, listing the files that differ, unless OUTPUT is "
                   "exactly what the sources produce (for repositories that commit their built slides).")
@_verbosity
@click.pass_context
def build(ctx, content, output_dir, formats, profile, device, force, strict, cache_dir, data_dir, template_dir,
          revealjs_url, jobs, executor, ray_address, demos_per_gpu, check, quiet, verbose):
    """Build a lecture: run its demos, draw figures, write PowerPoint, HTML slides and a report.

    CONTENT is the lecture's YAML file, or a course file (one with `course:`:
    every lecture it lists, and the course site OUTPUT/index.html); without
    it, the default Deep Learning lecture is built.

    \b
    Examples:
      lecturegen build
      lecturegen build content/examples/minimal.yaml --format html
      lecturegen build my.yaml -o site --profile quick --device cpu
      lecturegen build course.yaml -o site --jobs 2
      lecturegen build course.yaml -o site --check   # in CI: are the committed slides current?
    """
    from generator.build import BuildOptions
    from generator.course.build import build_content as run_build
    from generator.locations import default_lecture
    from generator.progress import Reporter

    options = BuildOptions(
        content=content or default_lecture(),
        output_dir=output_dir,
        formats=formats,
        profile=profile,
        device=device,
        force=force,
        strict=strict,
        cache_dir=cache_dir,
        data_dir=data_dir,
        template_dirs=(template_dir,) if template_dir else (),
        revealjs_url=revealjs_url,
        jobs=jobs,
        executor=executor,
        ray_address=ray_address,
        demos_per_gpu=demos_per_gpu,
        check=check,
    )
    run_build(options, Reporter(quiet=quiet, verbose=verbose))


@main.command(short_help="Check a content file without running it.")
@click.argument("content", type=click.Path(path_type=Path))
@click.option("--profile", default="default", show_default=True,
              help="Check `results` references against the demos' parameters under this profile.")
@_verbosity
def validate(content, profile, quiet, verbose):
    """Check a content file (or a course file and each of its lectures) without running anything; list every problem.

    Every `{{ results... }}` reference is checked against the cited demo's
    result names and the keys its parameters give (depths, activations, ...).

    \b
    Example:
      lecturegen validate content/deep_learning.yaml
      lecturegen validate content/deep_learning.yaml --profile full
    """
    from generator.content.loader import check_profile, load_lecture
    from generator.course.loader import is_course_file
    from generator.progress import Reporter
    from generator.wording import count as counted

    if is_course_file(content):  # the course's build module (and all it loads) only for a course
        from generator.course.build import validate_course

        validate_course(content, profile, Reporter(quiet=quiet, verbose=verbose))
        return
    try:
        loaded = load_lecture(content, profile)
    except ContentError as error:
        raise error.as_check() from None
    check_profile(loaded, profile, Reporter(quiet=quiet, verbose=verbose))
    if not quiet:
        lecture = loaded.lecture
        count = sum(len(section.slides) for section in lecture.sections)
        summary = ", ".join(counted(number, noun) for number, noun in (
            (len(lecture.sections), "section"), (count, "content slide"), (len(lecture.demos), "demo")))
        click.echo(f"{content}: OK ({summary})")
        for code in loaded.runs_code:
            click.echo(f"note: this lecture brings code, trusted as such: {code}")


@main.command(short_help="List the demo kinds: parameters, results and figures.")
@click.argument("content", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def demos(content, as_json):
    """List the demo kinds: where each comes from (built in, a lecture's
    own file, an installed package), their parameters (type, default), the
    results text can quote (type, meaning) and their figures. With CONTENT,
    the kinds that lecture's `code:` files define are listed too.

    \b
    Example:
      lecturegen demos
      lecturegen demos my-lecture/lecture.yaml
    """
    from generator.demos.catalogue import catalogue, catalogue_text

    if content is not None:
        from generator.content.loader import load_lecture

        try:
            load_lecture(content)
        except ContentError as error:
            raise error.as_check() from None

    if as_json:
        click.echo(json.dumps(catalogue(), indent=2))
    else:
        click.echo(catalogue_text(), nl=False)


@main.command(short_help="Start a lecture, a demo kind of your own, or a CI workflow.")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--demo", "demo_name", metavar="NAME", default=None,
              help="Instead: write a working demo kind NAME (DIRECTORY/demos/NAME.py), to change into your own "
                   "experiment, and add a demo and a slide that use it to the lecture in DIRECTORY (one lecture "
                   "there, or --content); with no lecture there, write one (DIRECTORY/NAME.yaml).")
@click.option("--ci", type=click.Choice(["github", "gitlab"]), default=None,
              help="Instead: write a CI file into DIRECTORY, the repository's root [default: this folder] that builds "
                   "its lectures on every push, keeps the demo cache and publishes the site "
                   "(.github/workflows/lectures.yml or .gitlab-ci.yml).")
@click.option("--content", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="With --ci: the course or lecture file CI builds [default: the one course file in DIRECTORY, "
                   "else its one lecture file]. With --demo: the lecture to add the demo to [default: the one "
                   "lecture in DIRECTORY].")
@click.option("--install", metavar="PIP_SPEC", default=None,
              help="With --ci: what pip installs as lecturegen: a requirement, a path or a git URL "
                   "[default: lecturegen==this version].")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in DIRECTORY.")
def init(directory, demo_name, ci, content, install, force):
    """Copy the default lecture into DIRECTORY to customize it; with --demo NAME,
    start a demo kind of your own there instead, with a slide that uses it
    (docs/DEMOS.md); with --ci, write only a CI file for the repository
    DIRECTORY (docs/CI.md).

    \b
    Examples:
      lecturegen init my-lecture && lecturegen build my-lecture/deep_learning.yaml
      lecturegen init my-lecture --demo lr_race      # adds to my-lecture's lecture, else writes lr_race.yaml
      lecturegen init --ci github                    # in the repository's root
      lecturegen init my-lecture --ci gitlab --content my-lecture/deep_learning.yaml
    """
    from generator.starter import write_default_lecture, write_demo_starter

    if ci is not None:
        from generator.ci_recipes import write_ci_recipe

        if demo_name is not None:
            raise UsageError("--ci writes only the CI file; run `lecturegen init DIRECTORY --demo NAME` first, "
                             "then `lecturegen init DIRECTORY --ci ...`")
        recipe = write_ci_recipe(ci, directory or Path("."), content, install, force)
        click.echo(f"wrote {recipe.path}: builds {recipe.content} on every push; commit it")
        if recipe.warning:
            click.echo(f"warning: {recipe.warning}", err=True)
        return
    if install is not None or (content is not None and demo_name is None):
        raise UsageError("--install goes with --ci, and --content with --ci or --demo")
    if directory is None:
        raise UsageError("name the folder to write into, e.g. lecturegen init my-lecture")
    if demo_name is None:
        written = write_default_lecture(directory, force)
        click.echo(f"wrote {written[0]}; edit it, then run: lecturegen build {written[0]}")
    else:
        started = write_demo_starter(directory, demo_name, force, content)
        if started.lecture_was == "added":
            click.echo(f"wrote {started.code} (the demo kind) and added demo '{started.demo}' with a slide that "
                       f"shows it to {started.lecture}; build it with: lecturegen build {started.lecture}")
        elif started.lecture_was == "unchanged":
            click.echo(f"wrote {started.code} (the demo kind); {started.lecture} uses it already as demo "
                       f"'{started.demo}'")
        else:
            click.echo(f"wrote {started.code} (the demo kind) and {started.lecture} (a lecture that uses it); "
                       f"build it with: lecturegen build {started.lecture}")


@main.command(short_help="Print the content format's JSON Schema.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write to this file instead of stdout.")
def schema(output):
    """Print the JSON Schema of the content format (for editor checking).

    \b
    Example:
      lecturegen schema -o lecture.schema.json
    """
    from generator.content.expressions import filter_docs
    from generator.content.schema import Lecture

    document = Lecture.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "lecturegen content file"
    document["description"] += (" Text may quote results as `{{ results.<demo>.<value> | filter(arguments) }}`; "
                                "x-lecturegen-filters lists every filter with its arguments.")
    document["x-lecturegen-filters"] = {
        doc.name: {"usage": doc.usage, "description": doc.description, "aliases": list(doc.aliases),
                   "from": "lecturegen" if doc.own else "Jinja"}
        for doc in filter_docs()
    }
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if output:
        try:
            output.write_text(text)
        except OSError as error:
            raise UsageError(f"cannot write {output}: {error.strerror or error}") from error
    else:
        click.echo(text, nl=False)


@main.command(short_help="Serve the slides and report; show each saved change at once.")
@click.argument("content", required=False, type=click.Path(path_type=Path))
@click.option("--lecture", default=None, metavar="FILE",
              help="With a course file: the lecture to show, as the course lists it (default: its first).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on. Only this machine can reach the default; another address lets other "
                   "machines see the lecture (and write slides.pptx).")
@click.option("--open", "open_browser", is_flag=True, help="Open the slides in the web browser.")
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Where the page's 'Write slides.pptx' (key P) and --format write: OUTPUT/<slug>/, as build does.")
@click.option("--format", "formats", multiple=True, metavar="FORMATS",
              callback=lambda ctx, param, values: _formats(ctx, param, values) if values else (),
              help="Also write these formats (comma-separated, as build takes them) after every change.")
@click.option("--profile", default="default", show_default=True,
              help="Named parameter overrides from the content's `profiles:` (quick, default, full, ...).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda", "mps"]), default="auto", show_default=True,
              help="Where demos train; auto picks CUDA, then MPS, then CPU.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Where results are cached [default: $LECTUREGEN_CACHE_DIR or ~/.cache/lecturegen].")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where datasets are read from [default: $LECTUREGEN_DATA_DIR or CACHE_DIR/data].")
@click.option("--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="A folder of HTML templates searched before the built-in ones (trusted as code).")
@_verbosity
def preview(content, lecture, port, host, open_browser, output_dir, formats, profile, device, cache_dir, data_dir,
            template_dir, quiet, verbose):
    """Serve the lecture's slides and report on this machine and show every saved change at once,
    on the same slide; only demos whose parameters changed run again. Problems show in the page.

    CONTENT is the lecture's YAML file, or a course file: then one of its lectures (--lecture, else
    the first) with the course's theme and assets; without it, the default Deep Learning lecture.

    \b
    Examples:
      lecturegen preview my.yaml --open
      lecturegen preview my.yaml --profile quick --format pptx
      lecturegen preview course.yaml --lecture week2/lecture.yaml
    """
    from generator.locations import default_lecture
    from generator.preview import PreviewOptions, run_preview

    from generator.course.loader import course_lecture, is_course_file

    content = content or default_lecture()
    course = None
    if is_course_file(content):
        course, content = content, course_lecture(content, lecture)
    elif lecture is not None:
        raise UsageError(f"--lecture picks a lecture of a course file, and {content} is a lecture")
    options = PreviewOptions(
        content=content, course=course, output_dir=output_dir, profile=profile, device=device,
        formats=formats, cache_dir=cache_dir, data_dir=data_dir, template_dirs=(template_dir,) if template_dir else (),
        host=host, port=port, open_browser=open_browser,
    )
    run_preview(options, quiet=quiet, verbose=verbose)
