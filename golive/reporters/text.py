"""Terminal reporter: the verdict first, then checks grouped by go-live item in the guide's order,
with findings and reasons. Plain text (no colour codes) so it reads the same in CI logs.

Every value from the result is shown with its control characters escaped (golive.controls): a
captured value holding ESC sequences or a newline cannot restyle the terminal or forge a line of
this report, such as the verdict. The header names the run id (provenance.run_id), so a saved log
can be matched with the report files of the same run.
"""

from __future__ import annotations

from golive.reporters.view import STATUS_MARK, t
from golive.result import Result, map_strings

VERDICT_TEXT = {
    "ready": ("可以上线", "READY"),
    "not_ready": ("尚未就绪", "NOT READY"),
    "incomplete": ("无法判定（证据不全）", "INCOMPLETE"),
}
MAX_FINDINGS = 8


def render(result: Result, *, lang: str = "zh") -> str:
    from golive.controls import visible

    result = map_strings(result, visible)
    zh = lang != "en"
    merchant = result.merchant
    label = VERDICT_TEXT.get(result.verdict, (result.verdict, result.verdict))[0 if zh else 1]
    run_id = result.provenance.run_id
    lines = [
        f"golive {result.tool.version} — {merchant.name or ''} "
        f"{merchant.oid_partner or ''} ({merchant.environment or None}, "
        f"{'画像' if zh else 'profile'} {result.profile.name or None})"
        + (f" · {'运行编号' if zh else 'run'} {run_id}" if run_id else ""),
        "",
    ]
    for _, item, checks in result.checks_by_item():
        lines.append(item.title.get(lang))
        for check in checks:
            mark = STATUS_MARK.get(check.status, "?")
            lines.append(f"  {mark} {check.id:<11} {check.status:<14} {check.severity:<7} {t(check.title, lang)}")
            if check.reason and check.status != "pass":
                lines.append(f"      {t(check.reason, lang)}")
            for finding in check.findings[:MAX_FINDINGS]:
                where = finding.location.text if finding.location else ""
                prefix = f"{where}: " if where else ""
                lines.append(f"      - {prefix}{t(finding.message, lang)}")
            extra = len(check.findings) - MAX_FINDINGS
            if extra > 0:
                lines.append(f"      … {extra} {'条更多' if zh else 'more'}")
            if check.waiver:
                waiver = check.waiver
                lines.append(f"      {'豁免' if zh else 'waived'}: {waiver.approver} → {waiver.expires}: {waiver.justification}")
        lines.append("")
    counts = result.summary.counts
    lines.append("  ".join(f"{k} {v}" for k, v in counts.items() if v))
    provenance = result.provenance
    for entry in provenance.inputs:
        if entry.unreadable:
            lines.append((f"无法读取的行：{entry.file} 共 {entry.records} 行中 {entry.unreadable} 行已跳过"
                          f"（首个：{entry.first_unreadable}）") if zh else
                         (f"unreadable lines: {entry.unreadable} of {entry.records} in {entry.file} "
                          f"skipped (first: {entry.first_unreadable})"))
    selection = provenance.selection
    if selection:
        chosen = (f"--select {','.join(selection.select)} " if selection.select else "") + (
            f"--skip {','.join(selection.skip)}" if selection.skip else "")
        lines.append((f"选择了部分检查：{chosen.strip() or '（画像关闭）'}，跳过 {len(selection.skipped_checks)} 项") if zh
                     else f"checks selected: {chosen.strip() or '(turned off by the profile)'}, "
                          f"{len(selection.skipped_checks)} skipped")
    for reason in result.summary.reasons:
        if reason.kind == "uncovered":
            lines.append(("未能判定：" if zh else "not judged: ") + t(reason.title, lang))
        elif reason.kind == "deselected":
            lines.append(("未判定（检查被 --select/--skip 排除）：" if zh else "not judged (its checks were deselected): ")
                         + t(reason.title, lang))
    lines.append(f"{'结论' if zh else 'Verdict'}: {label}  (--fail-on {result.summary.fail_on})")
    return "\n".join(lines) + "\n"
