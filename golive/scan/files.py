"""Which files a scan reads, and reading one safely.

* In a git work tree the scan reads the files git tracks (``git ls-files -z``): what is committed
  is what leaks. ``--all-files`` walks the file system instead (untracked and ignored files too,
  e.g. a local ``.env``). Outside git, or without git installed, every file is read and a note
  says so.
* Paths are reported relative to the git top level (so SARIF locations match the repository code
  scanning sees), or to PATH outside git.
* Reading never raises: a file that is too large, binary, unreadable or gone becomes a skip
  reason that the report counts. Text that is not UTF-8 is decoded as UTF-16 (with a BOM) or
  GB18030 -- common in Chinese merchants' older Java and PHP code -- and noted.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from golive.errors import InputError
from golive.scan.source import SourceFile

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
# Directories a file-system walk never enters: tool caches and installed dependencies, not the
# merchant's code. (git mode reads whatever is tracked, these included.)
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                          ".mypy_cache", ".pytest_cache", ".ruff_cache", ".gradle", ".idea", ".vs"})
_BINARY_PROBE = 8192
GIT_TIMEOUT_S = 120


@dataclass(frozen=True)
class Target:
    """What to scan: `scope` (the PATH given) and `root`, the base of every reported path."""

    scope: Path
    root: Path
    mode: str  # git | all | walk | file
    note: str | None = None  # why the mode is not the default one

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def run_git(args: list[str], cwd: Path, *, timeout: float = GIT_TIMEOUT_S) -> subprocess.CompletedProcess[bytes] | None:
    """Run git quietly; None if git is not installed or did not answer in time."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def git_toplevel(directory: Path) -> tuple[Path | None, str | None]:
    """(top level, None) in a work tree; (None, why not) otherwise."""
    done = run_git(["rev-parse", "--show-toplevel"], directory)
    if done is None:
        return None, "git is not installed"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if message and "dubious ownership" in message[0]:
            return None, "git refused the repository (dubious ownership: see `git config safe.directory`)"
        return None, None
    return Path(done.stdout.decode("utf-8", "surrogateescape").strip()).resolve(), None


def resolve_target(path: str, *, all_files: bool) -> Target:
    scope = Path(path)
    if not scope.exists():
        raise InputError("no such file or directory", file=path, key="PATH")
    if not (scope.is_dir() or scope.is_file()):
        raise InputError("not a regular file or directory", file=path, key="PATH")
    scope = scope.resolve()
    directory = scope if scope.is_dir() else scope.parent
    top, why_not = git_toplevel(directory)
    if scope.is_file():
        return Target(scope, top or directory, "file")
    if top is None:
        note = f"{why_not}: every file under PATH was read" if why_not else None
        if note is None and not all_files:
            note = "not a git repository: every file under PATH was read"
        return Target(scope, scope, "walk", note)
    return Target(scope, top, "all" if all_files else "git")


def _excluded(relative: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if fnmatch.fnmatchcase(relative, pattern) or relative == bare or relative.startswith(bare + "/"):
            return True
    return False


def list_files(target: Target, excludes: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(absolute path, reported path) of the files to read, in a stable order."""
    if target.mode == "file":
        yield str(target.scope), target.relative(target.scope)
        return
    root = str(target.root)
    if target.mode == "git":
        done = run_git(["ls-files", "-z", "--cached", "--full-name", "--", "."], target.scope)
        if done is None or done.returncode != 0:
            raise InputError("git ls-files failed; scan with --all-files", file=str(target.scope), key="PATH")
        for raw in sorted(done.stdout.split(b"\0")):
            if not raw:
                continue
            relative = os.fsdecode(raw)
            if excludes and _excluded(relative, excludes):
                continue
            yield os.path.join(root, relative), relative
        return
    prefix = len(root.rstrip(os.sep)) + 1
    for directory, dirs, files in os.walk(target.scope):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = os.path.join(directory, name)
            relative = path[prefix:].replace(os.sep, "/")
            if excludes and _excluded(relative, excludes):
                continue
            yield path, relative


@dataclass(frozen=True)
class Skipped:
    reason: str  # too_large | binary | unreadable | symlink | not_a_file
    detail: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). UTF-8 first (BOM dropped); UTF-16 with a BOM; then GB18030; last, UTF-8
    with replacement characters (noted by the caller)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), "utf-8-replaced"


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_source(path: str, relative: str, max_size: int) -> SourceFile | Skipped:
    """The file as text, or why it was skipped. Never raises.

    One open (not following symbolic links, never blocking on a FIFO) and one fstat per file:
    the scan reads tens of thousands of them."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Skipped("symlink")
        return Skipped("unreadable", exc.strerror or type(exc).__name__)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Skipped("not_a_file")
        if info.st_size > max_size:
            return Skipped("too_large", f"{info.st_size} bytes")
        chunks, size = [], 0
        while size <= max_size:
            chunk = os.read(fd, max_size + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return Skipped("unreadable", exc.strerror or type(exc).__name__)
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > max_size:  # grew while we read it
        return Skipped("too_large", f">{max_size} bytes")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\0" in data[:_BINARY_PROBE]:
        return Skipped("binary")
    text, encoding = decode(data)
    return SourceFile.of(relative, text, encoding=encoding)
