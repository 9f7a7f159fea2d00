"""Terminal reporter: the verdict first, then checks grouped by go-live item in the guide's order,
with findings and reasons. Plain text (no colour codes) so it reads the same in CI logs.

Every value from the result is shown with its control characters escaped (golive.controls): a
captured value holding ESC sequences or a newline cannot restyle the terminal or forge a line of
this report, such as the verdict. The header names the run id (provenance.run_id), so a saved log
can be matched with the report files of the same run.
"""

from __future__ import annotations

from typing import Any

from golive.model import Item

STATUS_MARK = {"pass": "✔", "fail": "✘", "error": "!", "not_applicable": "–", "manual": "?", "waived": "~",
               "skipped": "·"}
VERDICT_TEXT = {
    "ready": ("可以上线", "READY"),
    "not_ready": ("尚未就绪", "NOT READY"),
    "incomplete": ("无法判定（证据不全）", "INCOMPLETE"),
}
MAX_FINDINGS = 8


def _t(text: Any, lang: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("zh") or "")
    return "" if text is None else str(text)


def render(result: dict[str, Any], *, lang: str = "zh") -> str:
    from golive.controls import visible_tree

    result = visible_tree(result)
    zh = lang != "en"
    merchant = result.get("merchant", {})
    verdict = result.get("verdict", "incomplete")
    label = VERDICT_TEXT.get(verdict, (verdict, verdict))[0 if zh else 1]
    run_id = (result.get("provenance") or {}).get("run_id")
    lines = [
        f"golive {result.get('tool', {}).get('version', '')} — {merchant.get('name') or ''} "
        f"{merchant.get('oid_partner') or ''} ({merchant.get('environment')}, "
        f"{'画像' if zh else 'profile'} {result.get('profile', {}).get('name')})"
        + (f" · {'运行编号' if zh else 'run'} {run_id}" if run_id else ""),
        "",
    ]
    by_item: dict[str, list[dict[str, Any]]] = {}
    for check in result.get("checks", []):
        by_item.setdefault(check["item"], []).append(check)
    for item in Item:
        checks = by_item.get(item.value)
        if not checks:
            continue
        lines.append(_t(item.title.to_dict(), lang))
        for check in checks:
            mark = STATUS_MARK.get(check["status"], "?")
            lines.append(f"  {mark} {check['id']:<11} {check['status']:<14} {check['severity']:<7} {_t(check['title'], lang)}")
            if check.get("reason") and check["status"] not in ("pass",):
                lines.append(f"      {_t(check['reason'], lang)}")
            for finding in check.get("findings", [])[:MAX_FINDINGS]:
                where = (finding.get("location") or {}).get("text")
                prefix = f"{where}: " if where else ""
                lines.append(f"      - {prefix}{_t(finding['message'], lang)}")
            extra = len(check.get("findings", [])) - MAX_FINDINGS
            if extra > 0:
                lines.append(f"      … {extra} {'条更多' if zh else 'more'}")
            if check.get("waiver"):
                waiver = check["waiver"]
                lines.append(f"      {'豁免' if zh else 'waived'}: {waiver['approver']} → {waiver['expires']}: {waiver['justification']}")
        lines.append("")
    counts = result.get("summary", {}).get("counts", {})
    lines.append("  ".join(f"{k} {v}" for k, v in counts.items() if v))
    provenance = result.get("provenance") or {}
    for entry in provenance.get("inputs") or []:
        if entry.get("unreadable"):
            lines.append((f"无法读取的行：{entry.get('file')} 共 {entry.get('records')} 行中 {entry.get('unreadable')} 行已跳过"
                          f"（首个：{entry.get('first_unreadable')}）") if zh else
                         (f"unreadable lines: {entry.get('unreadable')} of {entry.get('records')} in {entry.get('file')} "
                          f"skipped (first: {entry.get('first_unreadable')})"))
    selection = provenance.get("selection")
    if selection:
        chosen = (f"--select {','.join(selection['select'])} " if selection.get("select") else "") + (
            f"--skip {','.join(selection['skip'])}" if selection.get("skip") else "")
        lines.append((f"选择了部分检查：{chosen.strip() or '（画像关闭）'}，跳过 {len(selection.get('skipped_checks') or [])} 项") if zh
                     else f"checks selected: {chosen.strip() or '(turned off by the profile)'}, "
                          f"{len(selection.get('skipped_checks') or [])} skipped")
    for reason in result.get("summary", {}).get("reasons", []):
        if reason["kind"] == "uncovered":
            lines.append(("未能判定：" if zh else "not judged: ") + _t(reason.get("title"), lang))
        elif reason["kind"] == "deselected":
            lines.append(("未判定（检查被 --select/--skip 排除）：" if zh else "not judged (its checks were deselected): ")
                         + _t(reason.get("title"), lang))
    lines.append(f"{'结论' if zh else 'Verdict'}: {label}  (--fail-on {result.get('summary', {}).get('fail_on')})")
    return "\n".join(lines) + "\n"
