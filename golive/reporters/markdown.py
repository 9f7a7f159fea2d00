"""Markdown reporter: a CI job summary (GitHub ``$GITHUB_STEP_SUMMARY``, GitLab MR notes).

Verdict first, then LianLian's six go-live points (审核1–3, 发布前1–3) as a table, then the checks
that stop the launch with their top findings, then the counts. Everything from the result is
escaped: Markdown punctuation that could restructure the text, and ``<``/``>``/``&`` so no HTML
(a ``<script>`` in a captured value, say) reaches a renderer that allows inline HTML. Control
characters are written as visible escapes (golive.controls), since CI logs print this file too.
The footer names the run id (provenance.run_id).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from golive.controls import visible
from golive.reporters import view
from golive.reporters.view import t, ui

TOP_FINDINGS = 3
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~])")
# An underscore only starts or ends emphasis at a word boundary (GFM): snake_case stays readable.
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def esc(text: Any) -> str:
    """Escape for Markdown inline text and table cells (one line)."""
    value = visible(str(text if text is not None else ""))
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = _MD_UNDERSCORE.sub(r"\\_", value)
    return " ".join(value.split())


def code(text: Any) -> str:
    """Inline code, for locations and ids: backticks cannot be escaped inside, so they are dropped."""
    value = " ".join(visible(str(text if text is not None else "")).replace("`", "'").split())
    return f"`{value}`" if value else ""


def render(result: Mapping[str, Any], *, lang: str = "zh") -> str:
    zh = lang != "en"
    merchant = result.get("merchant") or {}
    summary = result.get("summary") or {}
    provenance = result.get("provenance") or {}
    verdict = str(result.get("verdict") or "incomplete")
    gate = str(summary.get("fail_on") or "high")
    lines = [
        f"## {view.VERDICT_MARK.get(verdict, '!')} golive: {esc(view.verdict_label(verdict, lang))}",
        "",
        f"**{esc(merchant.get('name') or '—')}** {code(merchant.get('oid_partner'))} · "
        f"{esc(view.environment_label(str(merchant.get('environment') or ''), lang))} · "
        f"{esc(ui('profile', lang))} {code((result.get('profile') or {}).get('name') or provenance.get('profile'))} · "
        f"{esc(ui('gate', lang))} {esc(ui('gate_value', lang, sev=view.severity_label(gate, lang)))} · "
        f"{esc(provenance.get('time') or '')}",
        "",
    ]
    reasons = view.verdict_reasons(result, lang)
    if reasons:
        lines.append(f"**{esc(ui('why', lang))}**")
        lines.append("")
        lines.extend(f"- {esc(reason)}" for reason in reasons)
        lines.append("")
    lines += [
        f"### {esc(ui('staff_summary', lang))}",
        "",
        f"| {esc(ui('col_item', lang))} | {esc(ui('col_question', lang))} | {esc(ui('col_result', lang))} | {esc(ui('col_note', lang))} |",
        "|---|---|---|---|",
    ]
    for row in view.staff_summary(result, lang):
        lines.append(f"| {esc(row['label'])} | {esc(row['question'])} | {row['mark']} {esc(row['state_label'])} | {esc(row['line'])} |")
    lines.append("")

    checks = [c for c in result.get("checks") or [] if isinstance(c, Mapping)]
    problems = [c for c in checks if c.get("status") in ("fail", "error", "manual")]
    problems.sort(key=lambda c: (-view.severity_rank(str(c.get("severity"))), str(c.get("id"))))
    if problems:
        lines += [f"### {'需要处理的检查' if zh else 'Checks to act on'}", ""]
        for check in problems:
            status = str(check.get("status"))
            state = f"{esc(view.status_label(status, lang))}, {esc(view.severity_label(str(check.get('severity')), lang))}"
            lines.append(f"- {view.STATUS_MARK.get(status, '?')} **{esc(check.get('id'))}** {esc(t(check.get('title'), lang))} "
                         + (f"（{state.replace(', ', '，')}）" if zh else f"({state})"))
            findings = [f for f in check.get("findings") or [] if isinstance(f, Mapping)]
            for finding in findings[:TOP_FINDINGS]:
                where = view.location_text(finding.get("location"))
                lines.append(f"  - {code(where) + ' ' if where else ''}{esc(t(finding.get('message'), lang))}")
            if len(findings) > TOP_FINDINGS:
                lines.append(f"  - {esc(ui('more_findings', lang, n=len(findings) - TOP_FINDINGS))}")
            if not findings and check.get("reason"):
                lines.append(f"  - {esc(t(check.get('reason'), lang))}")
            if check.get("remediation"):
                lines.append(f"  - {esc(ui('remediation', lang))}：{esc(t(check.get('remediation'), lang))}" if zh else
                             f"  - {esc(ui('remediation', lang))}: {esc(t(check.get('remediation'), lang))}")
        lines.append("")

    waived = [c for c in checks if c.get("status") == "waived"]
    if waived:
        lines += [f"### {esc(ui('waivers', lang))}", ""]
        for check in waived:
            waiver = check.get("waiver") or {}
            sep = ("，", "：") if zh else (", ", ": ")
            lines.append(f"- **{esc(check.get('id'))}** {esc(t(check.get('title'), lang))} — {esc(waiver.get('approver'))}{sep[0]}"
                         f"{esc(ui('expires', lang))} {esc(waiver.get('expires'))}{sep[1]}{esc(waiver.get('justification'))}")
        lines.append("")

    counts = summary.get("counts") or {}
    cells = [f"{view.STATUS_MARK[s]} {esc(view.status_label(s, lang))} {counts.get(s)}" for s in view.STATUSES if counts.get(s)]
    if cells:
        lines += [" · ".join(cells), ""]
    run_id = f" · {esc(ui('run_id', lang))} {code(provenance.get('run_id'))}" if provenance.get("run_id") else ""
    lines.append(f"<sub>golive {esc((result.get('tool') or {}).get('version') or '')} · "
                 f"{esc(ui('config_sha256', lang))} {code(provenance.get('config_sha256'))}{run_id}</sub>")
    return "\n".join(lines) + "\n"
