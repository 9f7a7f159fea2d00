"""Progress on long runs (probes, large captures): a rich status line on a terminal, silent in
CI (no TTY) unless asked with --progress. Imported only by commands that run checks.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._status: Any = None

    @classmethod
    def for_terminal(cls, enabled: bool | None = None, quiet: bool = False) -> Progress:
        if quiet:
            return cls(False)
        return cls(sys.stderr.isatty() if enabled is None else enabled)

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console

            self._status = Console(stderr=True).status("golive …")
            self._status.__enter__()
        return self

    def update(self, text: str) -> None:
        if self._status is not None:
            self._status.update(f"golive: {text}")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._status is not None:
            self._status.__exit__(exc_type, exc, tb)
