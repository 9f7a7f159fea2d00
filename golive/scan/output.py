"""Text and JSON outputs of a scan, pure functions of the ``golive.scan/1`` dict.

Every output starts from `safe_document`: the report's dict with the last safety net applied --
any secret value the scan saw (kept in memory only) is replaced wherever it might have slipped
in, and personal numbers in snippets are masked. Detectors already never put a secret in a
message or snippet; this catches a future mistake before it reaches a CI log.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from golive.redact import remove_secrets, secret_needles
from golive.scan.model import ScanReport

STATE_LABEL = {"open": ("", ""), "baselined": ("（基线已知）", " (in baseline)"),
               "suppressed": ("（已忽略）", " (suppressed)")}


def safe_document(report: ScanReport, secrets: Iterable[str] = ()) -> dict[str, Any]:
    needles = secret_needles(secrets)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return remove_secrets(node, needles)
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    document: dict[str, Any] = walk(report.to_dict())
    return document


def render_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _t(text: Any, lang: str) -> str:
    if isinstance(text, Mapping):
        return str(text.get(lang) or text.get("en") or "")
    return "" if text is None else str(text)


def render_text(document: Mapping[str, Any], lang: str = "zh", *, quiet: bool = False) -> str:
    """The terminal view: one block per finding (place, rule, severity, message, snippet), the
    notes, then the verdict line."""
    zh = lang != "en"
    lines: list[str] = []
    stats = document.get("stats") or {}
    summary = document.get("summary") or {}
    options = document.get("options") or {}
    if not quiet:
        mode = {"git": "git 跟踪的文件" if zh else "git-tracked files", "all": "全部文件" if zh else "all files",
                "walk": "全部文件" if zh else "all files", "file": "单个文件" if zh else "one file"}.get(
            str(options.get("mode")), str(options.get("mode")))
        lines.append(f"golive scan {document.get('root')} — {mode}: {stats.get('files_scanned', 0)} "
                     f"{'个文件，解析' if zh else 'files read,'} {stats.get('files_parsed', 0)}"
                     f"{'，用时' if zh else ' parsed, in'} {document.get('duration_s', 0)} s")
        for finding in document.get("findings") or []:
            origin = finding.get("origin") or {}
            where = f"{finding.get('file')}:{finding.get('line')}:{finding.get('column')}"
            if origin.get("kind") == "history":
                where += f" @{str(origin.get('commit') or '')[:12]}"
            state = STATE_LABEL.get(str(finding.get("state")), ("", ""))[0 if zh else 1]
            lines.append(f"{where}: {finding.get('rule')} [{finding.get('severity')}]{state} "
                         f"{_t(finding.get('message'), lang)}")
            if finding.get("snippet"):
                lines.append(f"    {finding['snippet']}")
            suppression = finding.get("suppression")
            if isinstance(suppression, Mapping):
                if suppression.get("status") == "active":
                    lines.append(f"    {'忽略至' if zh else 'suppressed until'} {suppression.get('until')}: "
                                 f"{suppression.get('justification')}")
                else:
                    lines.append(f"    {'忽略注释无效' if zh else 'suppression not applied'}: "
                                 f"{_t(suppression.get('problem'), lang)} ({'第' if zh else 'line '}{suppression.get('line')}"
                                 f"{'行' if zh else ''})")
        for rule in document.get("rules") or []:
            if rule.get("state") != "full" and rule.get("reason"):
                lines.append(f"{rule.get('id')}: {_t(rule.get('reason'), lang)}")
        notes = document.get("notes") or []
        if notes:
            lines.append("注意：" if zh else "Notes:")
            for note in notes:
                prefix = f"{note['file']}: " if note.get("file") else ""
                lines.append(f"  {prefix}{_t(note.get('message'), lang)}")
    total, gating = summary.get("findings", 0), summary.get("gating", 0)
    fail_on = summary.get("fail_on", "high")
    if zh:
        verdict = (f"{'未通过' if gating else '通过'}：{total} 个发现（未处理 {summary.get('open', 0)}，"
                   f"其中 {gating} 个达到 {fail_on} 及以上；基线已知 {summary.get('baselined', 0)}，"
                   f"已忽略 {summary.get('suppressed', 0)}）")
    else:
        verdict = (f"{'FAIL' if gating else 'PASS'}: {total} findings ({summary.get('open', 0)} open, {gating} at or "
                   f"above {fail_on}; {summary.get('baselined', 0)} baselined, {summary.get('suppressed', 0)} suppressed)")
    lines.append(verdict)
    return "\n".join(lines) + "\n"
