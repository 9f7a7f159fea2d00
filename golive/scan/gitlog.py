"""``--history``: keys committed and later removed, found in ``git log -p``.

A key deleted from the tree is still in every clone (protocol.md §2.2, §2.3: whoever holds it can
forge notifications or sign as the merchant), so it must be rotated, not just deleted. The pass
streams ``git log -p -U0`` (added lines only), newest commit first, bounded by `--history-depth`
commits and `MAX_BYTES` of diff text, and runs the rules that opt in (``ScanRule.history``: the
key and credential rules) over each hunk's added lines.

A secret still present in the working tree is already reported there, so history findings are
only for secrets no longer in the tree, one per secret and rule, at the oldest commit in range
that added it. The secret is compared by an in-memory digest; nothing of it is written out.
"""

from __future__ import annotations

import re
import subprocess
from typing import TYPE_CHECKING, Any

from golive.errors import InputError
from golive.model import Text
from golive.scan.model import Hit, Note, Origin
from golive.scan.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.scan.files import Target
    from golive.scan.rules import Rule
    from golive.scan.runner import Scanner

MAX_BYTES = 512 * 1024 * 1024
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_COMMIT_MARK = "\x01"


def _unquote(path: str) -> str:
    """git quotes unusual paths C-style ("b/\\344\\270\\255.txt")."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1", "replace")
    return raw.decode("utf-8", "replace")


class _Hunks:
    """Collects one hunk's added lines; hands each finished hunk to the scanner."""

    def __init__(self, scanner: Scanner, limit: int) -> None:
        self.scanner = scanner
        self.limit = limit
        self.origin = Origin("history")
        self.path: str | None = None
        self.first = 0
        self.lines: list[str] = []
        self.size = 0
        self.found: dict[tuple[str, str], tuple[SourceFile, Rule, Hit, Origin]] = {}

    def add(self, text: str) -> None:
        if self.size <= self.limit:
            self.lines.append(text)
            self.size += len(text) + 1

    def flush(self) -> None:
        if self.path and self.lines:
            source = SourceFile.of(self.path, "\n".join(self.lines), first_line=self.first)
            for rule, hit in self.scanner.scan_source(source, self.origin):
                secret = hit.secret_id
                if secret is None or secret in self.scanner.secret_ids:
                    continue  # still in the tree: reported there
                # newest first: the last one kept is the oldest commit in range that added it
                self.found[(rule.id, secret)] = (source, rule, hit, self.origin)
        self.lines, self.size = [], 0


def scan_history(scanner: Scanner, target: Target, depth: int) -> dict[str, Any]:
    if target.mode not in ("git", "all"):
        raise InputError("--history needs a git repository", file=str(target.scope), key="--history")
    command = ["git", "-c", "core.quotepath=off", "log", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-renames",
               "--first-parent", f"--max-count={max(depth, 1)}", f"--format={_COMMIT_MARK}%H %aI", "--", "."]
    try:
        process = subprocess.Popen(command, cwd=target.scope, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
    except OSError:
        raise InputError("--history needs git installed", key="--history") from None
    hunks = _Hunks(scanner, scanner.max_file_size)
    commits = 0
    read = 0
    truncated = False
    in_hunk = False
    assert process.stdout is not None
    try:
        for raw in process.stdout:
            read += len(raw)
            if read > MAX_BYTES:
                truncated = True
                break
            line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
            if line.startswith(_COMMIT_MARK):
                hunks.flush()
                commits += 1
                sha, _, date = line[1:].partition(" ")
                hunks.origin = Origin("history", sha, date or None)
                hunks.path, in_hunk = None, False
            elif line.startswith("diff --git "):
                hunks.flush()
                hunks.path, in_hunk = None, False
            elif not in_hunk and line.startswith("+++ "):
                name = _unquote(line[4:])
                hunks.path = None if name == "/dev/null" else (name[2:] if name.startswith("b/") else name)
            elif line.startswith("@@"):
                hunks.flush()
                match = _HUNK.match(line)
                in_hunk = match is not None
                hunks.first = int(match.group(1)) if match else 0
            elif in_hunk and line.startswith("+"):
                hunks.add(line[1:])
        hunks.flush()
    finally:
        if truncated:
            process.kill()
        process.stdout.close()
        process.wait()
    for source, rule, hit, origin in hunks.found.values():
        message = Text(
            f"{hit.message.zh}（提交 {origin.commit[:12] if origin.commit else '?'} 引入，已从当前文件中删除，但仍在 git 历史中：必须更换）",
            f"{hit.message.en} (added in commit {origin.commit[:12] if origin.commit else '?'} and removed since, "
            "but still in git history: rotate it)")
        from dataclasses import replace

        scanner.add(source, rule, replace(hit, message=message), origin)
    if truncated:
        scanner.notes.append(Note(Text(f"git 历史过大，仅读取了前 {MAX_BYTES // (1024 * 1024)} MiB",
                                       f"git history too large: only the first {MAX_BYTES // (1024 * 1024)} MiB were read"),
                                  None, "history"))
    return {"commits": commits, "depth": depth, "truncated": truncated or commits >= depth,
            "findings": len(hunks.found)}

