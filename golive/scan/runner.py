"""One scan, end to end: list files, read each once, run the text detectors, parse the files a
code rule's triggers match, turn hits into findings (position, redacted snippet, hash,
suppression), walk git history if asked, apply the baseline, and build the `ScanReport`.

Files are streamed one at a time (memory stays flat on large trees); every pattern is compiled
once; a file is parsed at most once, and only if some code rule's triggers match its text. A
detector that raises on a strange file is isolated: the scan goes on, the rule is reported
``partial`` with the reason (so its LL-SEC check cannot pass), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from golive import __version__
from golive.model import Severity, Text
from golive.scan.baseline import apply_baseline, load_baseline, write_baseline
from golive.scan.files import DEFAULT_MAX_FILE_SIZE, Skipped, Target, list_files, read_source, resolve_target
from golive.scan.model import FindingState, Hit, Note, Origin, RuleRun, RuleState, ScanFinding, ScanReport
from golive.scan.rules import Rule, selected_rules
from golive.scan.source import SourceFile, content_hash
from golive.scan.suppress import find_suppression

NOTES_PER_REASON = 10  # list this many skipped files per reason; count the rest
PARALLEL_MIN_FILES = 2000  # below this, starting worker processes costs more than it saves
MAX_AUTO_JOBS = 8
TREE = Origin()  # findings in the working tree (history findings name their commit)

_SKIP_TEXT = {
    "too_large": ("文件过大，未扫描", "too large, not scanned"),
    "binary": ("二进制文件，未扫描", "binary, not scanned"),
    "unreadable": ("无法读取", "unreadable"),
    "symlink": ("符号链接，未跟随", "symbolic link, not followed"),
    "not_a_file": ("不是普通文件（已删除或子模块）", "not a regular file (deleted, or a submodule)"),
}


@dataclass
class ScanOptions:
    path: str = "."
    all_files: bool = False
    history: bool = False
    history_depth: int = 1000
    excludes: tuple[str, ...] = ()
    select: set[str] | None = None
    skip: set[str] | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    baseline: Path | None = None
    update_baseline: bool = False
    fail_on: Severity = Severity.HIGH
    today: dt.date | None = None
    jobs: int = 0  # worker processes; 0: one per core on large trees, 1: none


@dataclass
class ScanOutcome:
    """The report, plus what only this process may know: the secret values seen (to scrub every
    output as a last safety net) and the baseline entries written."""

    report: ScanReport
    secrets: set[str] = field(default_factory=set)
    baseline_written: int | None = None


@dataclass
class _RuleStatus:
    state: RuleState = RuleState.FULL
    reasons: list[str] = field(default_factory=list)

    def degrade(self, reason: str, *, not_run: bool = False) -> None:
        if not_run:
            self.state = RuleState.NOT_RUN
        elif self.state is RuleState.FULL:
            self.state = RuleState.PARTIAL
        if reason not in self.reasons:
            self.reasons.append(reason)


class Scanner:
    """Runs the selected rules over files; collects findings, stats and notes."""

    def __init__(self, rules: tuple[Rule, ...], today: dt.date, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.rules = rules
        self.today = today
        self.max_file_size = max_file_size
        self.text_rules = [r for r in rules if r.scan.text is not None]
        self.code_rules = [r for r in rules if r.scan.code is not None]
        self.status = {r.id: _RuleStatus() for r in rules}
        # Each distinct trigger once per file, against the lower-cased text with underscores
        # dropped (so "ret_code" and "retCode" are one needle): the prefilter runs on every
        # source file, so it must cost microseconds.
        self.needles: dict[str, set[str]] = {}
        for rule in self.code_rules:
            for trigger in rule.scan.triggers:
                self.needles.setdefault(trigger.replace("_", ""), set()).add(rule.id)
        self.findings: list[ScanFinding] = []
        self.secrets: set[str] = set()
        self.secret_ids: set[str] = set()
        self.notes: list[Note] = []
        self.stats: Counter[str] = Counter()
        self.skipped: dict[str, list[str]] = {}
        self.engine: Any = None
        self.code_languages_seen: set[str] = set()
        if self.code_rules:
            from golive.scan.syntax import load_engine

            self.engine = load_engine()
            if not self.engine.available:
                for rule in self.code_rules:
                    self.status[rule.id].degrade(self.engine.reason, not_run=rule.scan.text is None)

    # -- one file ---------------------------------------------------------------------------
    def scan_source(self, source: SourceFile, origin: Origin = TREE) -> list[tuple[Rule, Hit]]:
        hits: list[tuple[Rule, Hit]] = []
        for rule in self.text_rules:
            if origin.kind == "history" and not rule.scan.history:
                continue
            hits.extend((rule, hit) for hit in self._run(rule, "text", source))
        if origin.kind == "tree" and self.engine is not None and self.engine.available and source.is_code:
            text, path = source.lower.replace("_", ""), source.path.lower().replace("_", "")
            hit: set[str] = set()
            for needle, ids in self.needles.items():
                if not ids <= hit and (needle in text or needle in path):
                    hit |= ids
            wanted = [r for r in self.code_rules if r.id in hit and source.kind in r.scan.languages]
            if wanted:
                self.code_languages_seen.add(source.kind)
                syntax = self._parse(source, wanted)
                if syntax is not None:
                    self.stats["files_parsed"] += 1
                    for rule in wanted:
                        hits.extend((rule, hit) for hit in self._run(rule, "code", syntax))
        return hits

    def _parse(self, source: SourceFile, wanted: list[Rule]) -> Any:
        try:
            syntax = self.engine.parse(source)
        except Exception as exc:  # a grammar that crashes on this file: note it, keep going
            for rule in wanted:
                self.status[rule.id].degrade(f"{source.path}: parser failed ({type(exc).__name__})")
            return None
        if syntax is None:
            broken = self.engine.broken_languages().get(source.kind, source.kind)
            for rule in wanted:
                self.status[rule.id].degrade(f"no grammar for {source.kind}: {broken}")
        return syntax

    def _run(self, rule: Rule, part: str, subject: Any) -> list[Hit]:
        detector = rule.scan.text if part == "text" else rule.scan.code
        try:
            return list(detector(subject))  # type: ignore[misc]
        except Exception as exc:
            path = subject.path if part == "text" else subject.source.path
            self.status[rule.id].degrade(f"{path}: the {part} detector failed ({type(exc).__name__}: {exc})")
            return []

    def add(self, source: SourceFile, rule: Rule, hit: Hit, origin: Origin = TREE) -> ScanFinding:
        line, column = source.position(hit.start)
        end_line, end_column = source.position(max(hit.start, hit.end - 1))
        snippet = source.snippet(hit)
        for secret in hit.secrets:
            value = source.text[secret.start:secret.end]
            if value.strip():
                self.secrets.add(value)
        suppression = find_suppression(source, hit.start, rule.id, self.today)
        state = FindingState.SUPPRESSED if suppression and suppression.status == "active" else FindingState.OPEN
        finding = ScanFinding(
            rule=rule.id, severity=hit.severity or rule.meta.severity, message=hit.message, file=source.path,
            line=line, column=column, end_line=end_line, end_column=end_column + 1, snippet=snippet,
            hash=content_hash(rule.id, source.path, snippet), state=state, suppression=suppression,
            origin=origin, data=dict(hit.data))
        self.findings.append(finding)
        return finding

    def scan_files(self, files: Iterable[tuple[str, str]]) -> None:
        for path, relative in files:
            self.stats["files_listed"] += 1
            source = read_source(path, relative, self.max_file_size)
            if isinstance(source, Skipped):
                self.stats[f"skipped_{source.reason}"] += 1
                self.skipped.setdefault(source.reason, []).append(relative)
                continue
            self.stats["files_scanned"] += 1
            self.stats["chars_scanned"] += len(source.text)
            if source.encoding != "utf-8":
                self.stats[f"encoding_{source.encoding}"] += 1
                self.notes.append(Note(Text(f"非 UTF-8 文件，按 {source.encoding} 解码", f"not UTF-8: decoded as {source.encoding}"),
                                       relative, "encoding"))
            seen: set[tuple[str, int, int]] = set()
            for rule, hit in self.scan_source(source):
                key = (rule.id, hit.start, hit.end)
                if key in seen:  # a handler seen as both a lambda and its file: report once
                    continue
                seen.add(key)
                self.add(source, rule, hit)
                if hit.secret_id:
                    self.secret_ids.add(hit.secret_id)

    def scan_tree(self, target: Target, excludes: tuple[str, ...], jobs: int) -> None:
        """Every file of the target; on large trees in `jobs` worker processes (one core per
        process: the work is Python, and each file is independent)."""
        files = list_files(target, excludes)
        if jobs == 1:
            self.scan_files(files)
            return
        listed = list(files)
        if jobs == 0:
            jobs = min(os.cpu_count() or 1, MAX_AUTO_JOBS) if len(listed) >= PARALLEL_MIN_FILES else 1
        if jobs <= 1:
            self.scan_files(listed)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where it exists: workers inherit the imported rules instead of importing them again
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        size = max(200, min(2000, len(listed) // (jobs * 8) or 1))
        chunks = [listed[i:i + size] for i in range(0, len(listed), size)]
        ids = tuple(r.id for r in self.rules)
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method)) as pool:
            for part in pool.map(_scan_chunk, [(ids, self.today, self.max_file_size, chunk) for chunk in chunks]):
                self.merge(part)

    def merge(self, other: Scanner) -> None:
        """Take over a worker's results (findings, secrets seen, stats, notes, rule states)."""
        self.findings.extend(other.findings)
        self.secrets |= other.secrets
        self.secret_ids |= other.secret_ids
        self.notes.extend(other.notes)
        self.stats.update(other.stats)
        for reason, paths in other.skipped.items():
            self.skipped.setdefault(reason, []).extend(paths)
        self.code_languages_seen |= other.code_languages_seen
        for rule_id, status in other.status.items():
            for reason in status.reasons:
                self.status[rule_id].degrade(reason, not_run=status.state is RuleState.NOT_RUN)

    def __getstate__(self) -> dict[str, Any]:
        # A worker sends back its results, not its rules or engine (modules and C objects).
        state = dict(self.__dict__)
        state.update(rules=(), text_rules=[], code_rules=[], engine=None, needles={})
        return state

    def skip_notes(self) -> list[Note]:
        notes = []
        for reason, paths in sorted(self.skipped.items()):
            zh, en = _SKIP_TEXT.get(reason, (reason, reason))
            for path in paths[:NOTES_PER_REASON]:
                notes.append(Note(Text(zh, en), path, "skipped"))
            if len(paths) > NOTES_PER_REASON:
                more = len(paths) - NOTES_PER_REASON
                notes.append(Note(Text(f"另有 {more} 个文件：{zh}", f"{more} more files: {en}"), None, "skipped"))
        return notes

    def rule_runs(self) -> tuple[RuleRun, ...]:
        runs = []
        for rule in self.rules:
            status = self.status[rule.id]
            reason = None
            if status.reasons:
                joined = "; ".join(status.reasons[:3]) + (f"; +{len(status.reasons) - 3} more" if len(status.reasons) > 3 else "")
                reason = Text(f"规则未完整运行：{joined}", f"the rule did not run in full: {joined}")
            runs.append(RuleRun(rule.id, rule.meta.severity, rule.meta.item.value, rule.meta.title, status.state, reason))
        return tuple(runs)


def run_scan(options: ScanOptions) -> ScanOutcome:
    """Scan `options.path`. Raises `InputError` (exit 2) for a bad PATH, baseline or option."""
    from golive.errors import InputError

    started = dt.datetime.now().astimezone()
    clock = time.perf_counter()
    today = options.today or started.date()
    if options.update_baseline and options.baseline is None:
        raise InputError("--update-baseline needs --baseline FILE", key="--update-baseline")
    known = None
    if options.baseline is not None and not options.update_baseline:
        known = load_baseline(options.baseline)  # a broken baseline stops the scan before it starts
    target = resolve_target(options.path, all_files=options.all_files)
    rules = selected_rules(options.select, options.skip)
    scanner = Scanner(rules, today, options.max_file_size)
    if target.note:
        scanner.notes.append(Note(Text(_zh_mode_note(target.note), target.note), None, "mode"))
    scanner.scan_tree(target, options.excludes, options.jobs)

    history_info: dict[str, Any] = {"enabled": options.history}
    if options.history:
        from golive.scan.gitlog import scan_history

        history_info.update(scan_history(scanner, target, options.history_depth))

    findings = sorted(scanner.findings, key=lambda f: (f.origin.kind != "tree", f.file, f.line, f.column, f.rule))
    if known is not None:
        findings = apply_baseline(findings, known)
    engine = scanner.engine
    engines: dict[str, Any] = {"text": {"available": True, "engine": "python-re"}}
    if scanner.code_rules:
        engines["code"] = {
            "available": bool(engine and engine.available),
            "engine": f"tree-sitter {engine.version}".strip() if engine and engine.available else None,
            "reason": engine.reason if engine and not engine.available else None,
            "languages_parsed": sorted(scanner.code_languages_seen),
            "broken_grammars": engine.broken_languages() if engine and engine.available else {},
        }
        if engine is not None and not engine.available:
            scanner.notes.insert(0, Note(Text(f"代码规则未运行：{engine.reason}", f"code rules did not run: {engine.reason}"),
                                         None, "engine"))
    stats = dict(scanner.stats)
    stats.setdefault("files_listed", 0)
    stats.setdefault("files_scanned", 0)
    stats.setdefault("files_parsed", 0)
    report = ScanReport(
        tool_version=__version__,
        root=str(target.root),
        started=started.isoformat(timespec="seconds"),
        duration_s=time.perf_counter() - clock,
        options={"path": options.path, "mode": target.mode, "all_files": options.all_files,
                 "excludes": list(options.excludes), "max_file_size": options.max_file_size,
                 "select": sorted(options.select) if options.select else None,
                 "skip": sorted(options.skip) if options.skip else None,
                 "baseline": str(options.baseline) if options.baseline else None, "history": history_info},
        engines=engines,
        rules=scanner.rule_runs(),
        findings=tuple(findings),
        stats=stats,
        notes=tuple(scanner.notes + scanner.skip_notes()),
        fail_on=options.fail_on,
    )
    outcome = ScanOutcome(report, scanner.secrets)
    if options.update_baseline and options.baseline is not None:
        outcome.baseline_written = write_baseline(options.baseline, findings, __version__)
    return outcome


def _scan_chunk(args: tuple[tuple[str, ...], dt.date, int, list[tuple[str, str]]]) -> Scanner:
    """Worker: scan one chunk of files with the same rules; the parent merges the result."""
    ids, today, max_file_size, files = args
    scanner = Scanner(selected_rules(set(ids), None), today, max_file_size)
    scanner.scan_files(files)
    return scanner


def _zh_mode_note(note: str) -> str:
    if note.startswith("not a git repository"):
        return "不是 git 仓库：已扫描 PATH 下的所有文件"
    if note.startswith("git is not installed"):
        return "未安装 git：已扫描 PATH 下的所有文件"
    return "git 拒绝读取该仓库（dubious ownership）：已扫描 PATH 下的所有文件"

