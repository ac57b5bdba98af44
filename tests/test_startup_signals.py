"""Ctrl-C at any moment of a command's life ends it with one line and exit code 130, never a traceback.

The moments a random kill can only sometimes hit (tests/test_interrupted_builds.py) are made certain
here: while the command line is still being imported, where Python cannot raise the interrupt (a
``__del__``, like the weakref callback of an import lock), and while the process exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

INTERRUPTED = "interrupted; the output folder holds the previous build, whole\n"

# On PYTHONPATH, Python imports this at start-up: importing `click` (the command line's first heavy
# import) then stops for a while, so the test knows that the signal lands mid-import.
SLOW_IMPORT = '''\
import sys, time
from pathlib import Path

class _SlowClick:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            Path({marker!r}).write_text("importing click")
            time.sleep(60)
        return None

sys.meta_path.insert(0, _SlowClick())
'''


def _script_entry() -> list[str]:
    # What the installed `lecturegen` script runs, read from pyproject.toml.
    target = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["lecturegen"]
    module, function = target.split(":")
    return ["-c", f"import sys; sys.argv[0] = 'lecturegen'; from {module} import {function}; {function}()"]


def _wait_for(marker: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.02)


@pytest.mark.parametrize("entry", [["-m", "generator"], _script_entry()], ids=["python -m generator", "lecturegen"])
def test_ctrl_c_while_the_command_line_is_imported(tmp_path, entry):
    marker = tmp_path / "marker"
    (tmp_path / "sitecustomize.py").write_text(SLOW_IMPORT.format(marker=str(marker)))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    process = subprocess.Popen([sys.executable, *entry, "--version"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker, process)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert (process.returncode, stderr, stdout) == (130, INTERRUPTED, "")


def _lecture_with_code(folder: Path, code: str) -> Path:
    (folder / "hooks.py").write_text(code)
    content = folder / "lecture.yaml"
    content.write_text("lecture: {title: Hooks}\ncode: [hooks.py]\n"
                       "sections:\n  - title: S\n    slides:\n      - title: A\n        bullets: [a]\n")
    return content


def test_ctrl_c_raised_where_python_cannot_raise_it_still_stops_the_command(tmp_path):
    # The interrupt lands inside __del__, where Python can only print "Exception ignored in ..." and
    # drop it; it is delivered again, and the command stops.
    content = _lecture_with_code(tmp_path, '''\
import signal, time

class Tripwire:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)
        for _ in range(100_000):
            pass

Tripwire()
for _ in range(500):
    time.sleep(0.01)
raise SystemExit("the interrupt was lost: the command went on")
''')
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(content)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (130, INTERRUPTED)


def test_ctrl_c_inside_code_run_by_exec_still_exits_with_130(tmp_path):
    # Python remembers a KeyboardInterrupt that passed through exec() (as dataclasses run theirs) and
    # would end the process by SIGINT, whatever the command made of it.
    content = _lecture_with_code(tmp_path, '''\
exec("import signal\\nsignal.raise_signal(signal.SIGINT)\\nfor _ in range(100_000):\\n    pass\\n")
''')
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(content)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (130, INTERRUPTED)


# An installed library (its path has site-packages in it) that works for a while in Python.
SLOW_LIBRARY = '''\
import time
from pathlib import Path

def work(folder):
    Path(folder, "started").write_text("")
    for _ in range(150):
        time.sleep(0.01)
    Path(folder, "finished").write_text("")
'''


def test_ctrl_c_inside_a_library_is_raised_once_the_library_returns(tmp_path):
    # Libraries call Python back from native code (torch, pydantic), where an exception does not unwind
    # as Python's do; the interrupt waits for the library to return to lecturegen's or the lecture's code.
    library = tmp_path / "lib" / "site-packages"
    library.mkdir(parents=True)
    (library / "slow_library.py").write_text(SLOW_LIBRARY)
    content = _lecture_with_code(tmp_path, f'''\
import time
import slow_library

slow_library.work({str(tmp_path)!r})
for _ in range(500):
    time.sleep(0.01)
raise SystemExit("the interrupt was lost: the command went on")
''')
    process = subprocess.Popen([sys.executable, "-m", "generator", "validate", str(content)], cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(library)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(tmp_path / "started", process)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert (process.returncode, stderr) == (130, INTERRUPTED)
    assert (tmp_path / "finished").exists()  # the library was not cut off in the middle


def test_ctrl_c_while_the_process_exits(tmp_path):
    marker = tmp_path / "marker"
    content = _lecture_with_code(tmp_path, f'''\
import atexit, time
from pathlib import Path

@atexit.register
def _linger():
    Path({str(marker)!r}).write_text("exiting")
    time.sleep(60)
''')
    process = subprocess.Popen([sys.executable, "-m", "generator", "validate", str(content)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker, process)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.endswith(INTERRUPTED)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
