"""What the LL-REC checks share: reading the ``reconciliation`` evidence and turning differences into
findings (re-exported by golive.check_api, so the checks stay pure and import nothing else)."""

from __future__ import annotations

from typing import Any, Mapping

from golive.model import Finding, Judgement, Location, Severity, Text

__all__ = ["reconciled", "difference_findings", "judge_differences"]

NOT_SET_UP = Text("未配置对账（见 LL-REC-001）", "reconciliation is not set up (see LL-REC-001)")


def reconciled(value: Mapping[str, Any]) -> Judgement | None:
    """None when the evidence holds a reconciliation to judge; else the judgement to return."""
    if not value.get("configured"):
        return Judgement.not_applicable(NOT_SET_UP)
    if not value.get("files"):
        return Judgement.cannot_judge(Text(
            f"对账来源（{value.get('source', {}).get('where')}）中没有本商户的对账文件", 
            f"the reconciliation source ({value.get('source', {}).get('where')}) holds no statement file of this "
            "merchant for the window"))
    if value.get("ledger_missing"):
        return Judgement.cannot_judge(Text("有对账文件，但没有台账可核对（evidence.ledger 或 reconciliation.ledger）",
                                           "statement files were found, but no ledger to reconcile them with "
                                           "(evidence.ledger or reconciliation.ledger)"))
    return None


def difference_findings(value: Mapping[str, Any], kinds: tuple[str, ...],
                        severities: Mapping[str, Severity] | None = None) -> list[Finding]:
    out = []
    for difference in (value.get("reconciliation") or {}).get("differences", []):
        if difference.get("kind") not in kinds:
            continue
        message = difference.get("message") or {}
        out.append(Finding(
            Text(str(message.get("zh", "")), str(message.get("en", ""))),
            Location(file=difference.get("file"), line=difference.get("line"), pointer=difference.get("kind")),
            severity=(severities or {}).get(difference["kind"]),
            data={"kind": difference["kind"], "day": difference.get("day"), "lianlian": difference.get("lianlian", []),
                  "ledger": difference.get("ledger", [])}))
    return out


def _unreadable(value: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for problem in (value.get("problems") or [])[:20]:
        findings.append(Finding(Text(f"对账文件无法读取：{problem['message']}", f"unreadable statement: {problem['message']}"),
                                Location(file=problem.get("file"), line=problem.get("line")), severity=Severity.MEDIUM))
    for problem in (value.get("ledger_problems") or [])[:20]:
        findings.append(Finding(Text(f"台账行无法读取：{problem['message']}", f"unreadable ledger row: {problem['message']}"),
                                Location(file=problem.get("file"), line=problem.get("line")), severity=Severity.MEDIUM))
    return findings


def judge_differences(value: Mapping[str, Any], kinds: tuple[str, ...], what: Text,
                      severities: Mapping[str, Severity] | None = None) -> Judgement:
    """Findings for `kinds`; with none, a clean judgement -- unless a statement line or a ledger row
    could not be read (it could hide one), which keeps the check from passing."""
    early = reconciled(value)
    if early is not None:
        return early
    result = value.get("reconciliation") or {}
    findings = difference_findings(value, kinds, severities)
    days = result.get("days") or []
    payout_days = result.get("payout_days") or []
    ledger = value.get("ledger") or {}
    checked = Text(
        f"{what.zh}：对账文件 {len(value.get('files', []))} 个（收款 {len(days)} 天、付款 {len(payout_days)} 天），"
        f"台账 {ledger.get('rows', 0)} 行，两边一致 {result.get('matched', 0)} 笔",
        f"{what.en}: {len(value.get('files', []))} statement files ({len(days)} payment days, {len(payout_days)} payout "
        f"days), {ledger.get('rows', 0)} ledger rows, {result.get('matched', 0)} movements matched")
    evidence = ({"source": value.get("source"), "days": days, "payout_days": payout_days,
                 "counts": {k: v for k, v in (result.get("counts") or {}).items() if k in kinds},
                 "settles_later": len(result.get("settles_later") or []), "not_listed": result.get("not_listed", 0),
                 "notes": result.get("notes", [])},)
    unreadable = _unreadable(value)
    if findings:
        return Judgement.violations(findings + unreadable, checked, evidence)
    if unreadable:
        return Judgement.cannot_judge(Text(
            "有对账文件行或台账行无法读取，其中可能有差异，不能判定通过（见 LL-REC-002）",
            "some statement lines or ledger rows could not be read; any of them could hide a difference, so this "
            "cannot pass (see LL-REC-002)"), evidence, tuple(unreadable))
    return Judgement.clean(checked, evidence)
