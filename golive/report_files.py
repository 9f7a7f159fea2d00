"""Writing one run's report files into `--output-dir`: the whole set or nothing, never a set mixed
from two runs, never a truncated file.

How (README "Reports"):

1. Every file is rendered in memory first, then written to a temporary file beside its target
   (``.report.html.<random>.tmp``) and flushed to disk. If any write fails -- a read-only or full
   disk, a missing permission, a file size limit -- every temporary file is removed, the files
   already in the directory are left as they were, and golive stops with exit code 2 and one line
   naming the directory.
2. Only when all temporary files are complete are they renamed onto their targets (a rename in one
   directory is atomic: a reader sees the old file or the new one, never half of one).
3. golive's report files in the directory that this run did not write are removed, unless they
   belong to the same run (they carry its run id, provenance.run_id: `golive report --from
   out/result.json --format html --output-dir out` keeps the result.json it reads). A file with a
   golive report name that golive did not write (it does not mention golive) is left alone.
4. Steps 1-3 hold an exclusive lock on the directory (flock, where the platform has it), so two
   runs sharing an output directory commit one after the other, each as a whole: the directory
   then holds the set of the run that finished last.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Iterator

from golive.errors import InputError

# Every file name a golive report format writes (golive.reporters.FORMATS), kept here so this module
# stays import-light; tests/test_report_files.py checks the two agree.
REPORT_NAMES = ("result.json", "junit.xml", "golive.sarif", "summary.md", "report.html")
_TEMP = re.compile(r"^\.(?:" + "|".join(re.escape(n) for n in REPORT_NAMES) + r")\.[0-9a-f]{12}\.tmp$")
_MARKER = b"golive"


class _DirectoryLock:
    """An exclusive flock on the directory itself (no lock file is left behind). Without fcntl
    (Windows), or on a file system that refuses it, golive writes without the lock."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.fd: int | None = None

    def __enter__(self) -> _DirectoryLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX
            return self
        try:
            self.fd = os.open(self.directory, os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            self._close()
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None


def _failure(directory: Path, what: str, exc: OSError, changed: bool = False) -> InputError:
    reason = exc.strerror or str(exc)
    outcome = "the report set in it is incomplete" if changed else "no report file was changed"
    return InputError(f"cannot {what}: {reason}; {outcome}", file=str(directory), key="--output-dir")


def _write_temp(directory: Path, name: str, data: bytes) -> Path:
    temp = directory / f".{name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL: never write through a file (or link) someone else put there; mode 0666 minus the
    # umask, like any file the user creates.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _same(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return a.samefile(b)
    except OSError:
        return False


def _stale(directory: Path, writing: set[str], run_id: str | None, source: Path | None) -> Iterator[Path]:
    """golive report files in `directory` that another run wrote and this one will not replace."""
    for name in REPORT_NAMES:
        path = directory / name
        if name in writing or not path.is_file() or _same(path, source):
            continue
        try:
            content = path.read_bytes()
        except OSError:
            continue
        if _MARKER not in content:
            continue  # not a golive report: not ours to remove
        if run_id and run_id.encode("utf-8") in content:
            continue  # the same run (an earlier `golive report` of this result)
        yield path


def write_reports(directory: Path, files: dict[str, str], *, run_id: str | None,
                  source: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Write `files` (name -> text) into `directory` as one set. Returns (written, removed): the
    paths written and the stale report files of another run that were removed. InputError (exit 2)
    naming the directory when it cannot be done; then no report file has changed."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failure(directory, "create the output directory", exc) from None
    if not directory.is_dir():
        raise InputError("not a directory", file=str(directory), key="--output-dir")
    written: list[Path] = []
    with _DirectoryLock(directory):
        for leftover in directory.iterdir():  # temporary files of a run that was killed mid-write
            if _TEMP.match(leftover.name):
                leftover.unlink(missing_ok=True)
        temps: dict[str, Path] = {}
        try:
            for name, text in files.items():
                try:
                    temps[name] = _write_temp(directory, name, text.encode("utf-8", errors="backslashreplace"))
                except OSError as exc:
                    raise _failure(directory, f"write {name}", exc) from None
            stale = list(_stale(directory, set(files), run_id, source))
            for name, temp in temps.items():
                try:
                    os.replace(temp, directory / name)
                except OSError as exc:
                    raise _failure(directory, f"replace {name}", exc, changed=bool(written)) from None
                written.append(directory / name)
        finally:
            for temp in temps.values():
                temp.unlink(missing_ok=True)  # after a failure; renamed ones are gone already
        removed: list[Path] = []
        for path in stale:
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise _failure(directory, f"remove {path.name}, a report of another run", exc, changed=True) from None
    return written, removed
