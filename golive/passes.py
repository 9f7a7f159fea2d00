"""Independent evidence passes in parallel processes (issue 14).

A run reads each record stream (captures, ledger) once, and gathers the rest (payout exchanges, the
reconciliation, live probes); none of these passes reads what another one makes, so on a machine
with more than one CPU the engine (golive.engine) hands a stream to a forked child process, which
reads it, feeds every reducer of it, finishes them and sends back the judgements -- plain data,
pickled through a pipe -- while this process goes on with the other passes. The results are those
of a serial run: the same reducers judge the same records in the same order, only elsewhere.

``--jobs 1`` (RunOptions.jobs = 1) turns it off; so does ``GOLIVE_JOBS=1``. By default it is on on
Linux only (``--jobs N`` asks for it elsewhere). It is off where it could not be safe or useful:
one CPU, no ``fork`` (Windows), other threads running in this process (a fork copies their locks, not the threads), or evidence being saved (--save-evidence
writes records as the run reads them). A child that fails in any way -- killed, out of memory, a
result that cannot be pickled -- is not an error of the run: the engine reads that stream again
here, serially.

Ctrl-C: SIGINT from the terminal reaches the children too and ends them at once (they restore the
default action); this process, when interrupted, kills any child still running before it unwinds
(`ForkedPass.stop`), and waits for children in 0.1 s slices so the interruption is seen at once. A
child also dies with its parent (PR_SET_PDEATHSIG on Linux; elsewhere its next write to the closed
pipe ends it), so nothing keeps reading after golive has stopped.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["ForkedPass", "jobs_for"]

SLICE_S = 0.1  # the parent waits for a child in slices, so Ctrl-C is handled within a second


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs_for(option: int | None) -> int:
    """Processes the evidence passes may use: `option` (``--jobs``), else ``GOLIVE_JOBS``, else
    one per CPU; 1 when forking is impossible or unsafe right now."""
    jobs = option
    if jobs is None:
        given = os.environ.get("GOLIVE_JOBS", "").strip()
        # By default only on Linux, where fork is what golive is tested with (macOS forks badly once
        # system frameworks are loaded); --jobs N or GOLIVE_JOBS asks for it anywhere fork exists.
        jobs = int(given) if given.isdigit() else (_cpus() if sys.platform.startswith("linux") else 1)
    if jobs <= 1 or not hasattr(os, "fork") or sys.platform == "win32":
        return 1
    if threading.active_count() > 1:  # a fork would copy other threads' locks (OpenSSL's, logging's)
        return 1
    return jobs


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _child(work: Callable[[], Any], read_fd: int, write_fd: int, parent: int) -> None:
    """Run `work` in the forked child, send its pickled result, and exit -- never return."""
    code = 1
    try:
        import pickle
        import signal

        os.close(read_fd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once
        _die_with_parent(parent)
        try:
            payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result included: the parent reads the stream itself
            payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
        code = 0
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not return into the parent's code
        code = 1
    finally:
        os._exit(code)


class ForkedPass:
    """`work()` running in a forked child process; `collect()` its result."""

    def __init__(self, work: Callable[[], Any]) -> None:
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage cannot follow it)
            _child(work, read_fd, write_fd, parent)
        os.close(write_fd)
        self.pid: int | None = pid
        self._fd: int | None = read_fd

    def collect(self) -> tuple[bool, Any]:
        """(True, result) from the child, or (False, why) when it failed. Waits in short slices."""
        import pickle
        import select

        assert self._fd is not None and self.pid is not None
        chunks: list[bytes] = []
        while True:
            ready, _, _ = select.select([self._fd], [], [], SLICE_S)
            if not ready:
                continue
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(self._fd)
        self._fd = None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not chunks:
            return False, f"the child process ended with status {status}"
        try:
            ok, value = pickle.loads(b"".join(chunks))
        except Exception as exc:  # noqa: BLE001 - a garbled answer is a failed pass, read again serially
            return False, f"{type(exc).__name__}: {exc}"
        return bool(ok), value

    def stop(self) -> None:
        """Kill the child if it still runs (an interrupted or failed run), and reap it."""
        import signal

        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
