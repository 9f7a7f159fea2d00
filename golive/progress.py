"""Progress on long runs: what golive is doing, with counts. Imported only by commands that run
checks (and by the engine for `Event`, which costs nothing: rich is imported only to draw).

What reports progress, and how (``RunOptions.progress`` receives a `Step`):

* a plain string is a step ("starting the demo merchant", "scanning repo/"): shown until the next;
* an `Event` is a counted task, keyed by ``task``: the engine counts the rows of a ledger and the
  records of the captures as the checks read them (``task`` is the evidence kind), the ledger
  reader counts the bytes it scans to check the rows' order, says how many rows to expect once it
  has (``total``) and counts the rows it re-sorts, the probes count the probes done of those planned, the requests sent and
  name the scenarios running now. ``finished`` ends the task.

On a terminal each task is one live line (rich): a spinner, what it does, "412,288 of 1,000,000
rows", a bar when the total is known, and the time spent on it. Without a terminal nothing is
shown unless asked with ``--progress``; then each step is printed once as a plain line on standard
error, and each task as a line of counts when it ends -- and, when it runs longer than
`PLAIN_FIRST_S`, once then and at most every `PLAIN_EVERY_S` seconds -- which keeps CI logs
readable. Nothing is ever written to standard output: that carries
the report. What is shown (file names, URLs from the config) has personal data masked
(golive.redact) and control characters escaped (golive.controls), as in the reports.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable, TextIO, Union

PLAIN_EVERY_S = 5.0  # without a terminal: a line of counts per task at most this often
PLAIN_FIRST_S = 1.0  # ... and its first line once it has run this long (a quick task prints only its end)


@dataclass(frozen=True)
class Event:
    """A counted task's news. A field left None keeps what the task had (``label``, ``total``)."""

    task: str  # a stable key: the evidence kind ("ledger", "captures"), "probes", "ledger.order" ...
    label: str | None = None  # what is being done: "reading ledger.csv"
    done: int | None = None  # how many so far
    total: int | None = None  # how many in all, when known
    unit: str | None = None  # "rows", "records", "probes", "bytes"
    detail: str | None = None  # what is under way now: the scenarios running
    finished: bool = False


Step = Union[str, Event]
Say = Callable[[Step], Any]


@dataclass
class _Task:
    label: str = ""
    done: int = 0
    total: int | None = None
    unit: str = ""
    detail: str = ""
    started: float = 0.0
    printed: float = 0.0  # plain mode: when its last line was printed
    live_id: Any = None


def _number(value: int, unit: str) -> str:
    if unit == "bytes":
        for size, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
            if value >= size:
                return f"{value / size:.1f} {name}"
        return f"{value} B"
    return f"{value:,}"


def describe(task: _Task) -> str:
    """One line: "reading ledger.csv: 412,288 of 1,000,000 rows · detail"."""
    text = task.label
    if task.unit:
        unit = "" if task.unit == "bytes" else f" {task.unit}"
        counts = _number(task.done, task.unit)
        if task.total is not None:
            counts += f" of {_number(task.total, task.unit)}"
        text += f": {counts}{unit}"
    if task.detail:
        text += f" · {task.detail}"
    return text


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None, color: bool | None = None) -> None:
        self.enabled = enabled
        self.color = color  # False: --no-color (NO_COLOR rich honours by itself)
        self.stream = stream or sys.stderr
        self._live: Any = None
        self._step_id: Any = None
        self._last = ""
        self._started = 0.0
        self._tasks: dict[str, _Task] = {}
        self._lock = threading.RLock()  # probes report from worker threads
        self._shown: dict[str, str] = {}  # text -> as shown (masking is not free; labels repeat)

    @classmethod
    def for_terminal(cls, enabled: bool | None = None, quiet: bool = False, color: bool | None = None) -> Progress:
        if quiet:
            return cls(False)
        return cls(sys.stderr.isatty() if enabled is None else enabled, color=color)

    @property
    def interactive(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.enabled and self.interactive:
            from rich.console import Console
            from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            class _Bar(BarColumn):
                """A bar only for a task that counts towards a known total."""

                def render(self, task: Any) -> Any:
                    if task.total is None:
                        from rich.text import Text

                        return Text("")
                    return super().render(task)

            self._live = RichProgress(SpinnerColumn(), TextColumn("golive: {task.description}"), _Bar(bar_width=20),
                                      TimeElapsedColumn(), transient=True,
                                      console=Console(file=self.stream, no_color=True if self.color is False else None))
            self._live.__enter__()
        return self

    # -- what is shown ------------------------------------------------------------------------------
    def _safe(self, text: str) -> str:
        shown = self._shown.get(text)
        if shown is None:
            from golive.controls import visible
            from golive.redact import mask_free_text, remove_secrets

            # Steps name files and URLs from the config: personal data in them is masked as in the
            # reports, and their control characters are shown, not sent to the terminal.
            shown = visible(mask_free_text(remove_secrets(text)))
            if len(self._shown) > 256:
                self._shown.clear()
            self._shown[text] = shown
        return shown

    def _print(self, text: str) -> None:
        print(f"golive: [{time.monotonic() - self._started:6.1f}s] {text}", file=self.stream, flush=True)

    def update(self, step: Step) -> None:
        """Show what golive is doing now: a step (a string) or a counted task's news (`Event`)."""
        if not self.enabled:
            return
        with self._lock:
            if isinstance(step, Event):
                self._event(step)
            else:
                self._step(step)

    def _step(self, text: str) -> None:
        if text == self._last:
            return
        self._last = text
        shown = self._safe(text)
        if self._live is not None:
            from rich.markup import escape

            # A new step restarts the elapsed clock, so the time shown is the current step's. Rich
            # reads "[...]" as markup: a file name like "x[/]" would otherwise raise.
            if self._step_id is None:
                self._step_id = self._live.add_task(escape(shown), total=None)
            else:
                self._live.reset(self._step_id, description=escape(shown), total=None)
        else:
            self._print(shown)

    def _event(self, event: Event) -> None:
        now = time.monotonic()
        task = self._tasks.get(event.task)
        if task is None:
            task = self._tasks[event.task] = _Task(started=now)
        if event.label is not None:
            task.label = self._safe(event.label)
        if event.unit is not None and event.unit != task.unit:
            task.unit, task.total = event.unit, None
        if event.done is not None:
            task.done = event.done
        if event.total is not None:
            task.total = event.total
        if task.total is not None and task.done > task.total:
            task.total = task.done  # an estimate (lines, not records) never shows "5 of 4"
        if event.detail is not None:
            task.detail = self._safe(event.detail)
        if self._live is not None:
            self._draw(event.task, task, event.finished)
        elif event.finished or (now - max(task.printed, task.started) >= (PLAIN_EVERY_S if task.printed else PLAIN_FIRST_S)):
            # A task that ends within PLAIN_FIRST_S is one line, with its counts; a longer one is
            # a line then, one every PLAIN_EVERY_S, and one at its end.
            task.printed = now
            self._print(describe(task) + (f" (done in {now - task.started:.1f} s)" if event.finished else ""))
        if event.finished:
            del self._tasks[event.task]

    def _draw(self, key: str, task: _Task, finished: bool) -> None:
        from rich.markup import escape

        if self._step_id is not None:  # a counted task says better what is under way than the last step
            self._live.remove_task(self._step_id)
            self._step_id = None
            self._last = ""
        if finished:
            if task.live_id is not None:
                self._live.remove_task(task.live_id)
            return
        description = escape(describe(task))
        if task.live_id is None:
            task.live_id = self._live.add_task(description, total=task.total, completed=task.done)
        else:
            self._live.update(task.live_id, description=description, total=task.total, completed=task.done)

    def tasks(self) -> dict[str, str]:
        """The tasks under way, each as its line (for tests)."""
        with self._lock:
            return {key: describe(task) for key, task in self._tasks.items()}

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)
            self._live = None


class Recorder:
    """A `Say` that keeps every step and event (tests; `golive check` never uses it)."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._lock = threading.Lock()

    def __call__(self, step: Step) -> None:
        with self._lock:
            self.steps.append(step)

    def events(self, task: str | None = None) -> list[Event]:
        return [s for s in self.steps if isinstance(s, Event) and (task is None or s.task == task)]
