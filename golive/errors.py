"""The one exception type that reaches the user: bad input, reported as one line and exit code 2.

Everything the user can get wrong (a config key, a key file, a capture line, a flag) raises
`InputError` naming *where* (file, line, key) and *what*; the CLI turns it into
``golive: error: FILE:LINE: KEY: message`` and exit code 2, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_READY = 0
EXIT_NOT_READY = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


@dataclass
class InputError(Exception):
    """Bad input from the user. `where` parts are optional but should be given whenever known."""

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)
