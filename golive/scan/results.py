"""Reading a scan back, for ``golive check``: the ``golive.scan/1`` loader, `findings_for` and
`judge_rule`, which every LL-SEC check's ``judge`` calls.

For the author of the ``scan:`` evidence gatherer (engine redesign)::

    from golive.scan.results import load_scan_report
    report = load_scan_report(path)            # InputError (exit 2) on a missing/broken file
    bundle.put("scan", Evidence.ok(report.to_dict(), source=str(path)))

The checks accept either the `ScanReport` or its dict (what a saved bundle holds), so the gatherer
may store whichever it serialises. A rule that did not run in full (no tree-sitter, a detector
that failed) makes its check ``cannot_judge``, never ``pass``; a rule the scan did not select at
all does the same.

Which findings count for go-live (`findings_for` defaults): open and *baselined* ones -- a
baseline only quiets the CI gate; a known hard-coded key is still a defect at the launch review --
but not those suppressed inline with a justification and an unexpired date; those are listed as
evidence so LianLian's staff see every exception and its reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from golive.errors import InputError
from golive.model import Finding, Judgement, Location, Severity, Text
from golive.scan import SCAN_SCHEMA
from golive.scan.model import FindingState, Note, Origin, RuleRun, RuleState, ScanFinding, ScanReport, Suppression


class ScanFormatError(ValueError):
    """The document is not a usable ``golive.scan/1`` result (the message says where)."""


def _text(value: Any, where: str) -> Text:
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str) and isinstance(value.get("en"), str):
        return Text(value["zh"], value["en"])
    raise ScanFormatError(f"{where}: expected {{\"zh\": ..., \"en\": ...}}")


def _int(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ScanFormatError(f"{where}: expected an integer")


def _finding(data: Any, index: int) -> ScanFinding:
    where = f"findings[{index}]"
    if not isinstance(data, Mapping):
        raise ScanFormatError(f"{where}: expected an object")
    try:
        severity = Severity(data.get("severity"))
        state = FindingState(data.get("state", "open"))
    except ValueError as exc:
        raise ScanFormatError(f"{where}: {exc}") from None
    for key in ("rule", "file", "snippet", "hash"):
        if not isinstance(data.get(key), str):
            raise ScanFormatError(f"{where}.{key}: expected a string")
    origin: Mapping[str, Any] = data["origin"] if isinstance(data.get("origin"), Mapping) else {}
    suppression = data.get("suppression")
    return ScanFinding(
        rule=data["rule"], severity=severity, message=_text(data.get("message"), f"{where}.message"),
        file=data["file"], line=_int(data.get("line"), f"{where}.line"), column=_int(data.get("column"), f"{where}.column"),
        end_line=_int(data.get("end_line"), f"{where}.end_line"),
        end_column=_int(data.get("end_column"), f"{where}.end_column"),
        snippet=data["snippet"], hash=data["hash"], state=state,
        suppression=Suppression.from_dict(suppression) if isinstance(suppression, Mapping) else None,
        origin=Origin(str(origin.get("kind") or "tree"), origin.get("commit"), origin.get("date")),
        data=dict(data.get("data") or {}),
    )


def _rule(data: Any, index: int) -> RuleRun:
    where = f"rules[{index}]"
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
        raise ScanFormatError(f"{where}: expected an object with an id")
    try:
        state, severity = RuleState(data.get("state")), Severity(data.get("severity"))
    except ValueError as exc:
        raise ScanFormatError(f"{where}: {exc}") from None
    reason = data.get("reason")
    return RuleRun(data["id"], severity, str(data.get("item") or ""), _text(data.get("title"), f"{where}.title"), state,
                   _text(reason, f"{where}.reason") if reason is not None else None)


def report_from_dict(data: Any) -> ScanReport:
    """A `ScanReport` from its ``golive.scan/1`` dict. Raises `ScanFormatError`."""
    if not isinstance(data, Mapping):
        raise ScanFormatError("expected a JSON object")
    if data.get("schema") != SCAN_SCHEMA:
        raise ScanFormatError(f"not a golive scan result (expected \"schema\": \"{SCAN_SCHEMA}\", "
                              f"got {data.get('schema')!r})")
    rules, findings = data.get("rules"), data.get("findings")
    if not isinstance(rules, list) or not isinstance(findings, list):
        raise ScanFormatError("a scan result needs \"rules\" and \"findings\" lists")
    try:
        fail_on = Severity((data.get("summary") or {}).get("fail_on", "high"))
    except ValueError:
        fail_on = Severity.HIGH
    notes = tuple(Note(_text(n.get("message"), f"notes[{i}].message"), n.get("file"), str(n.get("kind") or "info"))
                  for i, n in enumerate(data.get("notes") or []) if isinstance(n, Mapping))
    return ScanReport(
        tool_version=str((data.get("tool") or {}).get("version") or ""),
        root=str(data.get("root") or ""),
        started=str(data.get("started") or ""),
        duration_s=float(data.get("duration_s") or 0.0),
        options=dict(data.get("options") or {}),
        engines=dict(data.get("engines") or {}),
        rules=tuple(_rule(r, i) for i, r in enumerate(rules)),
        findings=tuple(_finding(f, i) for i, f in enumerate(findings)),
        stats=dict(data.get("stats") or {}),
        notes=notes,
        fail_on=fail_on,
    )


def read_json(path: Path, what: str, key: str) -> Any:
    """A JSON file, or `InputError` naming it (missing, a directory, unreadable, not UTF-8, not JSON)."""
    from golive import safe_json
    from golive.config import _read_text

    text, _ = _read_text(path, what, key)
    try:
        return safe_json.loads(text)
    except safe_json.JSONInputError as exc:
        raise InputError(f"{what} is not JSON ({exc})", file=str(path), key=key) from None


def load_scan_report(path: str | Path) -> ScanReport:
    """Read a ``golive scan --format json`` result. Raises `InputError` naming the file."""
    data = read_json(Path(path), "scan result", "scan")
    try:
        return report_from_dict(data)
    except ScanFormatError as exc:
        raise InputError(str(exc), file=str(path), key="scan") from None


def as_report(scan_result: ScanReport | Mapping[str, Any]) -> ScanReport:
    return scan_result if isinstance(scan_result, ScanReport) else report_from_dict(scan_result)


def _as_finding(f: ScanFinding, default: Severity | None) -> Finding:
    data: dict[str, Any] = {"column": f.column, "end_line": f.end_line, "end_column": f.end_column,
                            "snippet": f.snippet, "hash": f.hash, "state": f.state.value, **dict(f.data)}
    if f.origin.kind == "history":
        data["commit"] = f.origin.commit
    return Finding(f.message, Location(file=f.file, line=f.line), severity=None if f.severity == default else f.severity,
                   data=data)


def findings_for(scan_result: ScanReport | Mapping[str, Any], rule_id: str, *, include_baselined: bool = True,
                 include_suppressed: bool = False) -> tuple[Finding, ...]:
    """The findings of one rule as check findings (file and line in `location`; column, snippet,
    hash, state and the commit of history findings in `data`). Pure: no I/O."""
    report = as_report(scan_result)
    rule = report.rule(rule_id)
    default = rule.severity if rule else None
    wanted = {FindingState.OPEN}
    if include_baselined:
        wanted.add(FindingState.BASELINED)
    if include_suppressed:
        wanted.add(FindingState.SUPPRESSED)
    return tuple(_as_finding(f, default) for f in report.findings if f.rule == rule_id and f.state in wanted)


def judge_rule(scan_result: ScanReport | Mapping[str, Any], rule_id: str) -> Judgement:
    """The judgement of an LL-SEC check from a scan: its findings, clean only when it ran in full."""
    try:
        report = as_report(scan_result)
    except ScanFormatError as exc:
        return Judgement.cannot_judge(Text(f"扫描结果无法读取：{exc}", f"the scan result is unusable: {exc}"))
    rule = report.rule(rule_id)
    if rule is None:
        return Judgement.cannot_judge(Text(f"扫描结果中没有 {rule_id}（未选择该规则，或 golive 版本较旧）",
                                           f"the scan did not run {rule_id} (deselected, or an older golive)"))
    findings = findings_for(report, rule_id)
    suppressed = [f for f in report.findings if f.rule == rule_id and f.state is FindingState.SUPPRESSED]
    evidence: list[Mapping[str, Any]] = [{
        "kind": "scan", "root": report.root, "started": report.started, "tool_version": report.tool_version,
        "files_scanned": report.stats.get("files_scanned", 0), "mode": report.options.get("mode"),
        "rule_state": rule.state.value}]
    for f in suppressed:
        evidence.append({"kind": "record", "file": f.file, "line": f.line, "suppressed_until": f.suppression.until if f.suppression else None,
                         "justification": f.suppression.justification if f.suppression else None,
                         "snippet": f.snippet})
    if rule.state is RuleState.NOT_RUN or (rule.state is RuleState.PARTIAL and not findings):
        reason = rule.reason or Text("规则未完整运行", "the rule did not run in full")
        return Judgement.cannot_judge(reason, evidence=tuple(evidence), findings=findings)
    files = report.stats.get("files_scanned", 0)
    checked = Text(f"仓库扫描 {report.root}（{files} 个文件，golive {report.tool_version}，{report.started}）",
                   f"repository scan of {report.root} ({files} files, golive {report.tool_version}, {report.started})")
    return Judgement.from_findings(findings, checked, evidence=tuple(evidence))
