"""One file's text as the detectors see it: its kind (language or config format), line and
column arithmetic, and the redacted snippet and content hash of a hit.

Columns are 1-based Unicode code points (SARIF ``columnKind: unicodeCodePoints``). The snippet is
the hit's first line with every secret span replaced by its label, then with card, ID and phone
numbers masked (golive.redact), cut to `SNIPPET_MAX` characters. The content hash is over the rule
id, the path and that redacted line with whitespace collapsed -- not the line number -- so
editing code above a finding does not make it new, and the hash never derives from the secret
itself.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

from golive.redact import mask_free_text
from golive.scan.model import Hit

SNIPPET_MAX = 200

# Source languages the code pass parses (the key pass reads every text file whatever its kind).
LANGUAGE_BY_EXTENSION: dict[str, str] = {
    ".java": "java",
    ".php": "php",
    ".py": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".cs": "csharp",
}
# Config formats (issue 12): unquoted ``name=value`` lines count as assignments in these.
CONFIG_EXTENSIONS: dict[str, str] = {
    ".properties": "properties", ".env": "env", ".ini": "ini", ".cfg": "ini", ".conf": "ini",
    ".toml": "ini", ".yml": "yaml", ".yaml": "yaml", ".xml": "xml", ".config": "xml",
    ".json": "json",
}


def kind_of(path: str) -> str:
    """``java`` … ``csharp`` for source, ``config:<format>`` for config files, ``text`` otherwise."""
    name = path.rsplit("/", 1)[-1].lower()
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "config:env"
    dot = name.rfind(".")
    suffix = name[dot:] if dot > 0 else ""
    if suffix in LANGUAGE_BY_EXTENSION:
        return LANGUAGE_BY_EXTENSION[suffix]
    if suffix in CONFIG_EXTENSIONS:
        return "config:" + CONFIG_EXTENSIONS[suffix]
    return "text"


_SPACES = re.compile(r"\s+")


@dataclass
class SourceFile:
    """A decoded text file. `path` is the repository-relative POSIX path shown in every output;
    `first_line` shifts line numbers for history hunks (a hunk's text starts mid-file)."""

    path: str
    text: str
    kind: str
    first_line: int = 1
    encoding: str = "utf-8"
    _line_starts: list[int] | None = field(default=None, repr=False)
    _lower: str | None = field(default=None, repr=False)

    @property
    def lower(self) -> str:
        """The text lower-cased, computed once (prefilters test literal substrings against it)."""
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    @classmethod
    def of(cls, path: str, text: str, *, first_line: int = 1, encoding: str = "utf-8") -> SourceFile:
        return cls(path=path, text=text, kind=kind_of(path), first_line=first_line, encoding=encoding)

    @property
    def is_config(self) -> bool:
        return self.kind.startswith("config:")

    @property
    def is_code(self) -> bool:
        return self.kind in LANGUAGE_BY_EXTENSION.values()

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        return self._line_starts

    def line_index(self, offset: int) -> int:
        """0-based index of the line holding character `offset` (within this text)."""
        return bisect.bisect_right(self._starts(), offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of character `offset`; lines shifted by `first_line`."""
        index = self.line_index(offset)
        return index + self.first_line, offset - self._starts()[index] + 1

    def line_text(self, index: int) -> str:
        """The text of 0-based line `index` without its line break ('' past the end)."""
        starts = self._starts()
        if index < 0 or index >= len(starts):
            return ""
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.text)
        return self.text[starts[index]:end].rstrip("\r")

    def snippet(self, hit: Hit) -> str:
        """The hit's first line, secrets replaced by their labels, personal numbers masked."""
        index = self.line_index(hit.start)
        start = self._starts()[index]
        line = self.line_text(index)
        end = start + len(line)
        # Replace from the right so earlier offsets stay valid.
        for secret in sorted(hit.secrets, key=lambda s: s.start, reverse=True):
            if secret.end <= start or secret.start >= end:
                continue
            left, right = max(secret.start, start) - start, min(secret.end, end) - start
            line = line[:left] + f"[{secret.label}]" + line[right:]
        line = mask_free_text(line.strip())
        return line if len(line) <= SNIPPET_MAX else line[:SNIPPET_MAX - 1] + "…"


def content_hash(rule_id: str, path: str, snippet: str) -> str:
    """The baseline key of a finding: rule, file and redacted line, whitespace collapsed."""
    normal = _SPACES.sub(" ", snippet).strip()
    return hashlib.sha256(f"{rule_id}\x1f{path}\x1f{normal}".encode("utf-8")).hexdigest()
