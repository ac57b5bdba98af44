"""The command's entry point: Ctrl-C and SIGTERM are handled from its first line, before any heavy import.

Python's own Ctrl-C handling raises KeyboardInterrupt wherever the interpreter happens to be. Where
that is code that cannot raise (the weakref callback of an import lock, a ``__del__``, an ``atexit``
function), Python prints "Exception ignored in ..." with a traceback and drops the interrupt, so a
build that was asked to stop goes on. So the signals are handled in two ways:

* before a command starts its work (imports, parsing the options) and after it has finished
  (exiting, interpreter shutdown), nothing is open and nothing half-written: a signal prints its
  one line and ends the process at once, with 130 for Ctrl-C and 143 for SIGTERM;
* while the command works (``working()``, entered by the command group), Ctrl-C raises
  KeyboardInterrupt as usual and SIGTERM raises SystemExit (``cli._terminated``), so that the build
  unwinds: locks released, staging folders removed, Chromium stopped. One that lands where it cannot
  be raised is delivered again at once instead of being printed and lost, and one that lands in an
  installed library (torch, pydantic, matplotlib: native code calling Python back, which mangles the
  exception or aborts) is raised once the library has returned to lecturegen's code (``put_off``);
* once the exit functions have run, the interpreter's own shutdown ignores them (Python no longer
  runs handlers then, so a signal would kill the process without a word), and a process that was
  interrupted ends with its own exit code (``_end``).

Only the processes this module starts (``main``) are handled so; code that imports lecturegen as a
library (the tests' CliRunner) keeps its own signal handling.

This module imports only the standard library, and little of it: it runs before everything else.
"""

from __future__ import annotations

import _thread
import atexit
import contextlib
import os
import signal
import sys
import sysconfig
import time

INTERRUPTED = "interrupted; the output folder holds the previous build, whole"
TERMINATED = "terminated; the output folder holds the previous build, whole"

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_in_entry_point = False
_raised_interrupt = False


def _exit_at_once(signum, frame) -> None:
    line = INTERRUPTED if signum == signal.SIGINT else TERMINATED
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed or busy stream: what it held is lost with the process
            pass
    try:
        os.write(2, f"{line}\n".encode())
    except OSError:
        pass
    os._exit(128 + signum)


def _deliver_again(unraisable) -> None:
    # A signal's exception raised where Python cannot raise it: the signal is asked for again.
    if _in_entry_point and signal.getsignal(signal.SIGINT) is not _exit_at_once:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _ask_again(signal.SIGINT)
            return
        if isinstance(unraisable.exc_value, SystemExit) and unraisable.exc_value.code == 128 + signal.SIGTERM:
            _ask_again(signal.SIGTERM)
            return
    sys.__unraisablehook__(unraisable)


def _ask_again(signum: int, delay: float = 0.0) -> None:
    # From another thread, so that the handler runs at the main thread's next check after this point,
    # not within the call (which would be inside the hook, where its exception is lost again).
    global _owed
    _owed += 1
    try:
        _thread.start_new_thread(_later, (signum, delay))
    except RuntimeError:  # no thread to be had: asking at once is the best left
        _thread.interrupt_main(signum)


def _later(signum: int, delay: float) -> None:
    if delay:
        time.sleep(delay)
    _thread.interrupt_main(signum)


# Where code comes from, to tell whether a signal interrupts an installed library.
_OWN = os.path.dirname(os.path.abspath(__file__)) + os.sep
_STANDARD = tuple({os.path.join(path, "") for name in ("stdlib", "platstdlib")
                   for path in (sysconfig.get_paths()[name], os.path.realpath(sysconfig.get_paths()[name]))})
_INSTALLED = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")
PATIENCE_S = 5.0  # how long a signal waits for a library to return before it is raised there all the same
_waiting_since: float | None = None
_owed = 0  # signals asked for again and not yet handled


def _in_library(frame) -> bool:
    """Whether an installed library's code runs at ``frame``, inside any of lecturegen's or the lecture's own.

    Libraries call Python back from native code (torch through pybind11, pydantic from Rust), and an
    exception raised in such a callback does not unwind as Python's do: pydantic turns a KeyboardInterrupt
    into a SchemaError, pybind11 can end the process with "terminate called after throwing ...". The
    standard library's frames (which native code calls back too: typing's __eq__) are looked through.
    """
    while frame is not None:
        file = frame.f_code.co_filename
        if file.startswith(_OWN):
            return False
        if any(part in file for part in _INSTALLED):
            return True
        if not (file.startswith("<") or file.startswith(_STANDARD)):
            return False  # the lecture's own code, a script
        frame = frame.f_back
    return False


def put_off(signum: int, frame) -> bool:
    """Whether a raising handler should put its signal off, to be raised a moment later; it is asked for again.

    So it is while the handler would raise inside ``_deliver_again`` (where its exception would be lost
    too) or inside an installed library (``_in_library``): for up to PATIENCE_S seconds, or until a
    second signal comes, which is raised where it lands.
    """
    global _owed, _waiting_since
    again = _owed > 0
    if again:
        _owed -= 1
    inner = frame
    while inner is not None:
        if inner.f_code is _deliver_again.__code__ or inner.f_code is _ask_again.__code__:
            _ask_again(signum)
            return True
        inner = inner.f_back
    if _in_library(frame) and (again or _waiting_since is None):
        now = time.monotonic()
        if _waiting_since is None:
            _waiting_since = now
        if now - _waiting_since < PATIENCE_S:
            _ask_again(signum, delay=0.02)
            return True
    _waiting_since = None
    return False


def _raise_interrupt(signum, frame) -> None:
    global _raised_interrupt
    if put_off(signum, frame):
        return
    _raised_interrupt = True
    raise KeyboardInterrupt


def _exit_on_signals() -> None:
    for signum in _SIGNALS:
        signal.signal(signum, _exit_at_once)


def _ignore_signals() -> None:
    # The last exit function: what follows is the interpreter's own shutdown, where Python stops
    # running signal handlers and a signal would kill the process without a word.
    for signum in _SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def _end(code: int) -> None:
    # Python remembers a KeyboardInterrupt that passed through code run by exec() (dataclasses
    # make their methods so) and, however it was handled, ends the process by SIGINT instead of
    # with its exit code. So a process that was interrupted does what the interpreter's shutdown
    # would (wait for threads, run the exit functions) and ends with its own code.
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - nothing more can be said
            pass
    os._exit(code)


@contextlib.contextmanager
def working():
    """While a command works, signals raise, so the work unwinds; before and after, they end the process.

    Called by the command group around every command. Outside ``main`` (lecturegen used as a
    library) it changes nothing.
    """
    if not _in_entry_point:
        yield
        return
    # SIGTERM's raising handler is the command group's (cli._terminated); until it installs it,
    # SIGTERM keeps ending the process at once.
    signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        yield
    finally:
        _exit_on_signals()


def main() -> None:
    """``lecturegen`` and ``python -m generator``."""
    global _in_entry_point
    _in_entry_point = True
    _exit_on_signals()
    atexit.register(_ignore_signals)  # registered first, run last
    sys.unraisablehook = _deliver_again
    try:
        from generator.cli import main as command_line

        command_line()
    except SystemExit as done:
        if not _raised_interrupt:
            raise
        code = done.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        _end(code)
