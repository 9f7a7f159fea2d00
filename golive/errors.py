"""The one exception type that reaches the user: bad input, reported as one line and exit code 2.

Everything the user can get wrong (a config key, a key file, a capture line, a flag) raises
`InputError` naming *where* (file, line, key) and *what*; the CLI turns it into
``golive: error: FILE:LINE: KEY: message`` and exit code 2, never a traceback.
"""

from __future__ import annotations

EXIT_READY = 0
EXIT_NOT_READY = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


class InputError(Exception):
    """Bad input from the user. `where` parts are optional but should be given whenever known.

    A plain class, not a dataclass: the CLI imports this module on every start, and `dataclasses`
    alone would cost a tenth of bare Python's start-up.
    """

    def __init__(self, message: str, file: str | None = None, key: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.key = key
        self.line = line

    def __repr__(self) -> str:
        return f"InputError({self.message!r}, file={self.file!r}, key={self.key!r}, line={self.line!r})"

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)
