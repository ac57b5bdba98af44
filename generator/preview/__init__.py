"""`lecturegen preview`: one long-lived process that serves the lecture's slides and report from memory
and shows each saved change in the open pages, on the same slide.

- ``session``: the lecture as it last built, and the build's stages run again on each change, redoing
  only what changed (demos by cache key, figures, slides to paginate and render);
- ``pages``: the slide deck and report from the HTML renderer, the slides that changed, and what a
  served page gets on top (its script, its policy widened for it; files on disk never get them);
- ``server``: the HTTP server (fixed paths from memory, an event stream, the PowerPoint link);
- ``watcher``: watchfiles on the content file, its pictures, code files and template folders;
- ``client.js``: the script in each served page (swaps changed slides, shows problems and progress).

Three threads besides the server's: the watcher, the worker that refreshes (one refresh at a time;
changes that arrive meanwhile are taken together after it), and, with --format, a writer. The main
thread waits for Ctrl-C.
"""

from __future__ import annotations

import os
import sys
import threading
import webbrowser
from pathlib import Path

import click

from generator.errors import UsageError
from generator.preview.session import PreviewOptions, PreviewReporter, PreviewSession

__all__ = ["PreviewOptions", "run_preview"]

STOPPED = "preview stopped"
STOP_WAIT_S = 10.0  # how long Ctrl-C waits for a training demo to reach its next check


def run_preview(options: PreviewOptions, quiet: bool = False, verbose: bool = False) -> None:
    """Serve and watch until Ctrl-C; then stop cleanly, say so in one line, and return."""
    from generator.preview.server import LOOPBACK_HOSTS, Hub, PreviewServer
    from generator.preview.watcher import Watcher
    from generator.writer import check_output_dir

    if not options.content.is_file():
        raise UsageError(f"{options.content}: no such file")
    if options.formats:
        check_output_dir(options.output_dir, options.content.parent)  # before anything trains, as build does
    reporter = PreviewReporter(quiet, verbose)
    hub = Hub()
    session = PreviewSession(options, reporter, hub.publish)
    loopback = options.host in LOOPBACK_HOSTS
    try:
        server = PreviewServer((options.host, options.port), session, hub, loopback)
    except OSError as error:
        raise UsageError(f"cannot serve on {options.host} port {options.port}: {error.strerror or error}; "
                         "choose another --port (0 picks a free one)") from None
    url = f"http://{_url_host(options.host)}:{server.port}/slides.html"
    if not loopback:
        reporter.warn(f"serving on {options.host}: anyone who can reach this machine on port {server.port} can see the "
                      f"lecture and write slides.pptx into {options.output_dir}; leave out --host to keep it to this "
                      "machine")
    of_course = f", a lecture of {options.course}," if options.course is not None else ""
    click.echo(f"previewing {options.content}{of_course} at {url} (Ctrl-C stops)", err=True)

    closing = threading.Event()
    wake = threading.Event()
    pending: set[Path] = set()
    pending_lock = threading.Lock()
    wanted_write = threading.Event()

    def changed(paths: set[Path]) -> None:
        with pending_lock:
            pending.update(paths)
        wake.set()
        running = session.running
        if running is not None and session.stale():
            reporter.info(f"the content changed: stopping demo {running.name}, whose parameters it no longer asks for")
            session.stop.set()

    def work() -> None:
        while not closing.is_set():
            with pending_lock:
                paths = set(pending)
                pending.clear()
            wake.clear()
            if session.refresh(paths) and options.formats:
                wanted_write.set()
            while not wake.wait(0.5):
                if closing.is_set():
                    return

    def write() -> None:
        while not closing.is_set():
            if wanted_write.wait(0.5):
                wanted_write.clear()
                try:
                    session.write(options.formats)
                except Exception as error:  # noqa: BLE001 - the loop outlives a failed write; said, not raised
                    message = getattr(error, "format_message", lambda: f"{type(error).__name__}: {error}")()
                    reporter.warn(f"{', '.join(options.formats)} not written: {message}")

    def unexpected(hook) -> None:
        # A bug in one of the preview's threads: one line, as the CLI says an internal error (-v: the traceback).
        if verbose:
            previous_hook(hook)
        elif not reporter.silenced:
            click.echo(f"error: internal error in {hook.thread.name if hook.thread else 'the preview'}: "
                       f"{hook.exc_type.__name__}: {hook.exc_value} (run with -v for the traceback)", err=True)

    previous_hook, threading.excepthook = threading.excepthook, unexpected
    watcher = Watcher(lambda: session.inputs, changed, closing, reporter.warn)
    session.on_inputs = watcher.inputs_changed
    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="lecturegen-preview-server",
                         daemon=True),
        threading.Thread(target=work, name="lecturegen-preview-worker", daemon=True),
        watcher,
    ]
    if options.formats:
        threads.append(threading.Thread(target=write, name="lecturegen-preview-writer", daemon=True))
    for thread in threads:
        thread.start()
    if options.open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        while not closing.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        reporter.silenced = True  # what a stopped demo or a last refresh would say is not news now
        _stop(closing, session, hub, server, threads[1])
        threading.excepthook = previous_hook
    click.echo(STOPPED, err=True)


def _stop(closing: threading.Event, session: PreviewSession, hub, server, worker: threading.Thread) -> None:
    closing.set()
    session.stop.set()  # a demo in training stops at its next check; nothing it returned is kept
    hub.close()
    server.shutdown()
    server.server_close()
    try:
        worker.join(STOP_WAIT_S)
    except KeyboardInterrupt:
        pass  # asked again: stop at once
    if worker.is_alive():
        # A demo that does not check ctx.should_stop() is still training: end the process here, not in the
        # middle of interpreter shutdown with its thread still running.
        click.echo(STOPPED, err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
