"""Watches what the lecture is made from, with watchfiles, and says which of those files changed.

The folders of the content file, its pictures, its code files and PowerPoint template are watched
(not recursively: the content's folder may hold a whole course or an output folder), and the template
folders with their subfolders. Only changes to the session's inputs count, so the preview's own
writes into an output folder beside the content wake nothing. A burst of events (an editor writing a
temporary file and renaming it over the content) arrives as one change once the files have been
quiet for STEP_MS. When the inputs change (a slide names a new picture), watching starts again on
the new folders.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from generator.preview.session import Inputs

STEP_MS = 30  # a change is reported once no other has come for this long
DEBOUNCE_MS = 600  # ... or, in a steady stream of changes, after this long
POLL_TIMEOUT_MS = 250  # how often the watch looks at its stop events


class _Either:
    """Set when either event is: watchfiles stops on ``is_set()``."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


class Watcher(threading.Thread):
    def __init__(self, inputs: Callable[[], Inputs], on_change: Callable[[set[Path]], None],
                 closing: threading.Event, on_failure: Callable[[str], None]):
        super().__init__(name="lecturegen-preview-watcher", daemon=True)
        self.inputs, self.on_change, self.closing, self.on_failure = inputs, on_change, closing, on_failure
        self.restart = threading.Event()

    def inputs_changed(self) -> None:
        self.restart.set()

    def run(self) -> None:
        from watchfiles import watch

        said = ""
        while not self.closing.is_set():
            self.restart.clear()
            inputs = self.inputs()
            try:
                for changes in watch(*inputs.folders(), watch_filter=None, debounce=DEBOUNCE_MS, step=STEP_MS,
                                     stop_event=_Either(self.closing, self.restart), rust_timeout=POLL_TIMEOUT_MS,
                                     recursive=False, raise_interrupt=False, ignore_permission_denied=True):
                    current = self.inputs()
                    touched = {Path(path) for _, path in changes}
                    relevant = {path for path in touched if current.concerns(path)}
                    if relevant:
                        self.on_change(relevant)
                    if current != inputs:
                        break  # watch the new set of folders
            except Exception as error:  # noqa: BLE001 - a folder that vanished, a watch limit: say so, try again
                message = f"cannot watch the lecture's files: {error}"
                if message != said:
                    self.on_failure(message)
                    said = message
                time.sleep(1.0)
