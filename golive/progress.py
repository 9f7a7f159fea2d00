"""Progress on long runs (probes, large captures): a live line on a terminal, silent in CI (no TTY)
unless asked with --progress. Imported only by commands that run checks.

On a terminal the line shows a spinner, what golive is doing (the engine's short status lines:
"reading captures/integration.jsonl", the probe scenario running) and the time spent on that step,
so a long capture read or a 30-copy redelivery probe visibly moves. With ``--progress`` but no
terminal (a CI log), each step is printed once as a plain line on standard error instead of a
redrawn one, which keeps logs readable. Nothing is ever written to standard output: that carries the
report. A step (a file name, a URL from the config) is shown with personal data masked
(golive.redact) and control characters escaped (golive.controls), as in the reports.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._live: Any = None
        self._task: Any = None
        self._last = ""
        self._started = 0.0

    @classmethod
    def for_terminal(cls, enabled: bool | None = None, quiet: bool = False) -> Progress:
        if quiet:
            return cls(False)
        return cls(sys.stderr.isatty() if enabled is None else enabled)

    @property
    def interactive(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.enabled and self.interactive:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._live = RichProgress(SpinnerColumn(), TextColumn("golive: {task.description}"), TimeElapsedColumn(),
                                      console=Console(file=self.stream), transient=True)
            self._live.__enter__()
            self._task = self._live.add_task("…", total=None)
        return self

    def update(self, text: str) -> None:
        """Show what golive is doing now (a short line from the engine or a probe)."""
        if not self.enabled or text == self._last:
            return
        self._last = text
        from golive.controls import visible
        from golive.redact import mask_free_text, remove_secrets

        # Steps name files and URLs from the config: personal data in them is masked as in the
        # reports, and their control characters are shown, not sent to the terminal.
        shown = visible(mask_free_text(remove_secrets(text)))
        if self._live is not None:
            from rich.markup import escape

            # A new step restarts the elapsed clock, so the time shown is the current step's. Rich
            # reads "[...]" as markup: a file name like "x[/]" would otherwise raise.
            self._live.reset(self._task, description=escape(shown), total=None)
        else:
            print(f"golive: [{time.monotonic() - self._started:6.1f}s] {shown}", file=self.stream, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)
            self._live = None
