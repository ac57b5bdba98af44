"""One `lecturegen` command in a process of its own, timed, with that process's peak resident memory."""

from __future__ import annotations

import subprocess
import sys
import time

# The child reports its own peak RSS once the command is done, so the figure is the build's alone.
_WRAPPER = ("import resource, runpy, sys; sys.argv = ['lecturegen', *sys.argv[1:]];"
            "code = 0\ntry:\n    runpy.run_module('generator', run_name='__main__')\n"
            "except SystemExit as e:\n    code = e.code or 0\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)")


def run_measured(arguments: list[str], what: str) -> tuple[float, float]:
    """(seconds, peak MiB) of `lecturegen ARGUMENTS`; exits naming ``what`` if the command fails."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *arguments], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024
