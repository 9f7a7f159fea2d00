"""The scanner's vocabulary: what a rule file defines, what a detector returns, what a scan reports.

A rule file (``checks/sec/ll_sec_NNN_<slug>.py``) defines ``META`` (the catalogue entry, as for
every check) and ``SCAN``, a `ScanRule`: a *text* detector (plain Python over a file's text: keys,
credentials, config files; runs on the base install) and/or a *code* detector (over the
tree-sitter view of a source file; needs the ``[scan]`` extra). Detectors return `Hit`s; the
runner turns them into `ScanFinding`s with line, column, redacted snippet, content hash and
suppression state, and collects them in a `ScanReport` -- the ``golive.scan/1`` JSON document.

Secrets never leave a detector as text: a `Hit` names the *span* of a secret and a safe label
("RSA 2048-bit private key, sha256:…", "secret, 24 chars"); the snippet shows the label instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from golive.model import Severity, Text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.scan.source import SourceFile
    from golive.scan.syntax import Syntax


@dataclass(frozen=True)
class Secret:
    """A secret's place in the file text (character offsets) and what to show instead of it."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Hit:
    """What a detector found: a span of the file text (character offsets) and a message.

    `data` holds safe facts only (key size, public fingerprint, a length). `secret_id` identifies
    the secret in memory (a digest, never written out) so the history pass can tell a key still
    in the tree from one that was removed.
    """

    start: int
    end: int
    message: Text
    secrets: tuple[Secret, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    secret_id: str | None = None


TextDetector = Callable[["SourceFile"], Iterable[Hit]]
CodeDetector = Callable[["Syntax"], Iterable[Hit]]


@dataclass(frozen=True)
class ScanRule:
    """A rule's scanning definition (``SCAN`` in its rule file).

    * `text`: runs over every readable text file (the key pass; base install).
    * `code`: runs over the tree-sitter view of files in `languages` whose path or text contains
      one of `triggers` -- literal substrings, compared lower-case and with underscores dropped
      (``ret_code`` also finds ``retCode``): a prefilter that costs microseconds, so most files
      are never parsed.
    * `history`: the text detector also runs over added lines in ``git log -p`` (``--history``).
    """

    text: TextDetector | None = None
    code: CodeDetector | None = None
    languages: frozenset[str] = frozenset()
    triggers: tuple[str, ...] = ()
    history: bool = False

    def __post_init__(self) -> None:
        if self.text is None and self.code is None:
            raise ValueError("a ScanRule needs a text or a code detector")
        if self.code is not None and (not self.languages or not self.triggers):
            raise ValueError("a code detector needs its languages and its trigger substrings")
        if any(t != t.lower() for t in self.triggers):
            raise ValueError("triggers are matched against lower-cased text: write them in lower case")


class RuleState(str, Enum):
    """Whether a rule ran. Only a rule that ran in full can make its LL-SEC check pass."""

    FULL = "full"
    PARTIAL = "partial"  # its text part ran, its code part could not (no tree-sitter)
    NOT_RUN = "not_run"


class FindingState(str, Enum):
    OPEN = "open"
    BASELINED = "baselined"  # known: listed in --baseline; does not fail the scan
    SUPPRESSED = "suppressed"  # an inline golive-ignore with a justification and an unexpired date


@dataclass(frozen=True)
class Suppression:
    """An inline ``golive-ignore:`` comment that applies to a finding (valid or not)."""

    line: int
    status: str  # active | expired | invalid
    until: str | None = None
    justification: str | None = None
    problem: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "status": self.status, "until": self.until,
                "justification": self.justification,
                "problem": self.problem.to_dict() if self.problem else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Suppression:
        problem = data.get("problem")
        return cls(line=int(data["line"]), status=str(data["status"]), until=data.get("until"),
                   justification=data.get("justification"),
                   problem=Text(**problem) if isinstance(problem, Mapping) else None)


@dataclass(frozen=True)
class Origin:
    """Where a finding was seen: the working tree, or a commit (``--history``)."""

    kind: str = "tree"  # tree | history
    commit: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "commit": self.commit, "date": self.date}


@dataclass(frozen=True)
class ScanFinding:
    """One finding as reported: place (1-based lines, 1-based columns in Unicode code points),
    a redacted snippet, the content hash the baseline matches on, and its state."""

    rule: str
    severity: Severity
    message: Text
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    snippet: str
    hash: str
    state: FindingState = FindingState.OPEN
    suppression: Suppression | None = None
    origin: Origin = Origin()
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "severity": self.severity.value, "message": self.message.to_dict(),
            "file": self.file, "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column,
            "snippet": self.snippet, "hash": self.hash, "state": self.state.value,
            "suppression": self.suppression.to_dict() if self.suppression else None,
            "origin": self.origin.to_dict(), "data": dict(self.data),
        }


@dataclass(frozen=True)
class RuleRun:
    """A rule as the scan ran it (catalogue facts the report needs, and whether it ran)."""

    id: str
    severity: Severity
    item: str
    title: Text
    state: RuleState
    reason: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity.value, "item": self.item,
                "title": self.title.to_dict(), "state": self.state.value,
                "reason": self.reason.to_dict() if self.reason else None}


@dataclass(frozen=True)
class Note:
    """Something the user should know that is not a finding (a skipped file, a missing engine)."""

    message: Text
    file: str | None = None
    kind: str = "info"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "message": self.message.to_dict()}


def is_gating(finding: ScanFinding, threshold: Severity) -> bool:
    """Whether a finding makes `golive scan` exit 1: open and at or above the threshold."""
    return finding.state is FindingState.OPEN and finding.severity.at_least(threshold)


@dataclass(frozen=True)
class ScanReport:
    """A whole scan: the ``golive.scan/1`` document (`to_dict`) every output renders.

    `golive.scan.results.load_scan_report` reads it back from JSON, and
    `golive.scan.results.findings_for` gives one rule's findings to its LL-SEC check.
    """

    tool_version: str
    root: str
    started: str
    duration_s: float
    options: Mapping[str, Any]
    engines: Mapping[str, Any]
    rules: tuple[RuleRun, ...]
    findings: tuple[ScanFinding, ...]
    stats: Mapping[str, Any]
    notes: tuple[Note, ...] = ()
    fail_on: Severity = Severity.HIGH

    def rule(self, rule_id: str) -> RuleRun | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def gating(self) -> tuple[ScanFinding, ...]:
        return tuple(f for f in self.findings if is_gating(f, self.fail_on))

    def summary(self) -> dict[str, Any]:
        by_state = {state.value: 0 for state in FindingState}
        by_rule: dict[str, int] = {}
        for finding in self.findings:
            by_state[finding.state.value] += 1
            by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
        return {"findings": len(self.findings), **by_state, "by_rule": by_rule,
                "fail_on": self.fail_on.value, "gating": len(self.gating), "passed": not self.gating}

    def to_dict(self) -> dict[str, Any]:
        from golive.scan import SCAN_SCHEMA

        return {
            "schema": SCAN_SCHEMA,
            "tool": {"name": "golive", "version": self.tool_version},
            "root": self.root,
            "started": self.started,
            "duration_s": round(self.duration_s, 3),
            "options": dict(self.options),
            "engines": dict(self.engines),
            "rules": [r.to_dict() for r in self.rules],
            "stats": dict(self.stats),
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.findings],
            "notes": [n.to_dict() for n in self.notes],
        }
