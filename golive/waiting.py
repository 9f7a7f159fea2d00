"""Waiting for worker threads without deafening the main thread to Ctrl-C.

A signal is delivered to whichever thread the kernel picks; CPython only runs the Python handler
when the main thread next executes bytecode. A main thread parked in one long lock wait
(`concurrent.futures.wait(fs, timeout=60)`) therefore may not see Ctrl-C until the wait ends.
Waiting in short slices keeps the promise that Ctrl-C stops everything within a second.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent import futures
from typing import Any

Futures = set[futures.Future[Any]]

SLICE_S = 0.1  # how often the main thread wakes to run pending signal handlers


def wait_all(fs: Iterable[futures.Future[Any]], timeout: float | None) -> tuple[Futures, Futures]:
    """`concurrent.futures.wait(fs, timeout)` (ALL_COMPLETED), woken every SLICE_S seconds."""
    pending = set(fs)
    done: Futures = set()
    deadline = None if timeout is None else time.monotonic() + timeout
    while pending:
        left = SLICE_S if deadline is None else min(SLICE_S, deadline - time.monotonic())
        if left <= 0:
            break
        finished, pending = futures.wait(pending, timeout=left)
        done |= finished
    return done, pending
