"""A real `lecturegen preview` process on a free port, on a copy of a small lecture.

Each preview runs as a user starts it (``python -m generator preview``), so Ctrl-C, the terminal
lines and the exit code are the real ones. Lectures are copied into a temporary folder, where the
tests edit them.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import browser  # noqa: F401 - the browser tests' Chromium, one per session
from tests.conftest import MINIMAL, REPO

STARTUP_S = 120  # the first build of a copied lecture: demos from the shared test cache, figures drawn


class Preview:
    """A running preview: its URL, its lecture (to edit), what it printed, and how to stop it."""

    def __init__(self, content: Path, output: Path, cache: Path, *extra: str):
        self.content, self.output = content, output
        env = {**os.environ, "LECTUREGEN_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1"}
        env.pop("SOURCE_DATE_EPOCH", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "preview", str(content), "--port", "0", "--profile", "quick",
             "--device", "cpu", "-o", str(output), *extra],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        first = self.wait_for_line(r"http://\S+/slides\.html")
        self.url = re.search(r"http://\S+/slides\.html", first).group(0)
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"http://{parts.netloc}"

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, after: int = 0, timeout: float = STARTUP_S) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r}; the preview printed:\n" + "\n".join(self.lines))

    def wait_until_built(self) -> None:
        self.wait_for_line(r"^updated in ")

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        """One raw HTTP request: the path goes out exactly as given, nothing normalised."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            for name, value in sent.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def interrupt(self, timeout: float = 30) -> int:
        """Ctrl-C; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        self._reader.join(5)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.interrupt()
            except subprocess.TimeoutExpired:
                pass


def copy_minimal(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    shutil.copy(MINIMAL.parent / "neuron.png", folder / "neuron.png")
    return folder / "minimal.yaml"


def shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The session's shared cache (tests/conftest.py), named here for fixtures that outlive one test.
    return tmp_path_factory.getbasetemp() / "lecturegen-cache"


@pytest.fixture
def start_preview(tmp_path, tmp_path_factory):
    """start_preview(content=None, *options) -> a running Preview of a copy of the minimal lecture (or ``content``)."""
    started: list[Preview] = []

    def start(content: Path | None = None, *extra: str) -> Preview:
        content = content or copy_minimal(tmp_path / "lecture")
        preview = Preview(content, tmp_path / "out", shared_cache_dir(tmp_path_factory), *extra)
        started.append(preview)
        preview.wait_until_built()
        return preview

    yield start
    for preview in started:
        preview.close()


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One preview for tests that only read from it (and write slides.pptx)."""
    folder = tmp_path_factory.mktemp("shared-preview")
    preview = Preview(copy_minimal(folder / "lecture"), folder / "out", shared_cache_dir(tmp_path_factory))
    try:
        preview.wait_until_built()
        yield preview
    finally:
        preview.close()
