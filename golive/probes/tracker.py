"""Counting a probe run for the progress display (golive.progress): probes done of those planned,
requests sent, and the scenarios running now.

Scenarios run on a pool of worker threads and the same-card probes in a thread of their own, so a
single "current step" line cannot say what is under way (it showed whichever thread spoke last).
Each probe run is a task of its own instead, reported as `Event`s keyed by ``task``. The tracker
only counts: it observes nothing a check reads.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from golive.progress import Event

MAX_NAMES = 3  # running scenarios named on the line; more are counted


class ProbeTracker:
    def __init__(self, say: Callable[[Any], None], task: str, label: str, planned: int, client: Any = None) -> None:
        self.say = say
        self.task = task
        self.label = label
        self.planned = planned
        self.client = client
        self.done = 0
        self.running: list[str] = []
        self.note = ""
        self._lock = threading.Lock()
        self._emit(label=label, unit="probes", total=planned)

    def _detail(self) -> str:
        parts = []
        if self.client is not None:
            parts.append(f"{self.client.count:,} requests sent")
        if self.running:
            names = ", ".join(self.running[:MAX_NAMES])
            extra = len(self.running) - MAX_NAMES
            parts.append(f"running {names}" + (f" and {extra} more" if extra > 0 else ""))
        elif self.note:
            parts.append(self.note)
        return " · ".join(parts)

    def _emit(self, **fields: Any) -> None:
        self.say(Event(self.task, done=self.done, detail=self._detail(), **fields))

    def start(self, name: str) -> None:
        with self._lock:
            self.running.append(name)
            self._emit()

    def finish_one(self, name: str) -> None:
        with self._lock:
            if name in self.running:
                self.running.remove(name)
            self.done += 1
            self._emit()

    def sent(self) -> None:
        """A request went out (the HTTP client's hook): the count on the line moves."""
        with self._lock:
            self._emit()

    def phase(self, note: str) -> None:
        """What the run does between probes (waiting for late credits, reading the final counts)."""
        with self._lock:
            self.note = note
            self._emit()

    def close(self) -> None:
        with self._lock:
            self.running.clear()
            self.note = ""
            self._emit(finished=True)
