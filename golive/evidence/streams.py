"""Record sources: the value of a stream kind of evidence (captures, ledger).

A `RecordSource` names its files and reads them only when iterated -- once per run, by the engine,
which feeds every record to every check that reduces that stream. While it reads it counts, per
file, the records and the ones that could not be read, with the first such line: the report shows
the counts, and a file of which not one line could be read makes the stream's checks `error`
(judging only the other files could pass what that one would fail).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from golive.model import Text

Reader = Callable[[Path, str], Iterable[Any]]


@dataclass
class FileStats:
    file: str  # as written in the config or on the command line
    bytes: int
    records: int = 0
    unreadable: int = 0
    first_unreadable: str | None = None  # "file:line: why"

    def to_dict(self, kind: str) -> dict[str, Any]:
        return {"kind": kind, "file": self.file, "bytes": self.bytes, "records": self.records,
                "unreadable": self.unreadable, "first_unreadable": self.first_unreadable}


def _where(record: Any, written: str) -> str:
    line = getattr(record, "line", None)
    why = getattr(record, "error", None) or getattr(getattr(record, "problem", None), "en", None) or "unreadable"
    return f"{written}:{line}: {why}" if line else f"{written}: {why}"


class RecordSource:
    """The records of one stream kind, read from `files` by `reader` when iterated."""

    def __init__(self, kind: str, files: list[tuple[Path, str]], reader: Reader) -> None:
        self.kind = kind
        self.files = files
        self.reader = reader
        self.stats: list[FileStats] = []

    def __iter__(self) -> Iterator[Any]:
        self.stats = []
        for path, written in self.files:
            stats = FileStats(written, path.stat().st_size)
            self.stats.append(stats)
            records = broken = 0
            first = None
            for record in self.reader(path, written):
                records += 1
                if getattr(record, "broken", False):
                    broken += 1
                    if first is None:
                        first = _where(record, written)
                yield record
            stats.records, stats.unreadable, stats.first_unreadable = records, broken, first

    @property
    def source(self) -> str:
        return ", ".join(written for _, written in self.files)

    def unreadable_files(self) -> list[str]:
        """``file:line: why`` of each file read of which not one line could be read."""
        return [s.first_unreadable or s.file for s in self.stats if s.records and s.unreadable == s.records]

    def problem(self) -> Text | None:
        files = self.unreadable_files()
        if not files:
            return None
        shown = "; ".join(files[:3])
        return Text(f"文件的每一行都无法读取：{shown}", f"not one line of the file could be read: {shown}")

    def summary(self) -> dict[str, Any]:
        return {"files": [written for _, written in self.files], "records": sum(s.records for s in self.stats),
                "broken": sum(s.unreadable for s in self.stats)}
