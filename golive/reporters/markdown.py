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
from typing import Any

from golive.controls import visible
from golive.reporters import view
from golive.reporters.view import t, ui
from golive.result import Result

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


def render(result: Result, *, lang: str = "zh") -> str:
    zh = lang != "en"
    merchant, summary, provenance = result.merchant, result.summary, result.provenance
    verdict = result.verdict
    lines = [
        f"## {view.VERDICT_MARK.get(verdict, '!')} golive: {esc(view.verdict_label(verdict, lang))}",
        "",
        f"**{esc(merchant.name or '—')}** {code(merchant.oid_partner)} · "
        f"{esc(view.environment_label(merchant.environment, lang))} · "
        f"{esc(ui('profile', lang))} {code(result.profile.name or provenance.profile)} · "
        f"{esc(ui('gate', lang))} {esc(ui('gate_value', lang, sev=view.severity_label(summary.fail_on, lang)))} · "
        f"{esc(provenance.time)}",
        "",
    ]
    if summary.reasons:
        lines.append(f"**{esc(ui('why', lang))}**")
        lines.append("")
        lines.extend(f"- {esc(t(reason.text, lang))}" for reason in summary.reasons)
        lines.append("")
    lines += [
        f"### {esc(ui('staff_summary', lang))}",
        "",
        f"| {esc(ui('col_item', lang))} | {esc(ui('col_question', lang))} | {esc(ui('col_result', lang))} | {esc(ui('col_note', lang))} |",
        "|---|---|---|---|",
    ]
    for row in summary.staff:
        mark, label = view.staff_mark_label(row.state, lang)
        lines.append(f"| {esc(t(row.label, lang))} | {esc(t(row.question, lang))} | {mark} {esc(label)} | "
                     f"{esc(t(row.note, lang))} |")
    lines.append("")

    problems = [c for c in result.checks if c.status in ("fail", "error", "manual")]
    problems.sort(key=lambda c: (-view.severity_rank(c.severity), c.id))
    if problems:
        lines += [f"### {'需要处理的检查' if zh else 'Checks to act on'}", ""]
        for check in problems:
            state = f"{esc(view.status_label(check.status, lang))}, {esc(view.severity_label(check.severity, lang))}"
            lines.append(f"- {view.STATUS_MARK.get(check.status, '?')} **{esc(check.id)}** {esc(t(check.title, lang))} "
                         + (f"（{state.replace(', ', '，')}）" if zh else f"({state})"))
            for finding in check.findings[:TOP_FINDINGS]:
                where = view.location_text(finding.location)
                lines.append(f"  - {code(where) + ' ' if where else ''}{esc(t(finding.message, lang))}")
            if len(check.findings) > TOP_FINDINGS:
                lines.append(f"  - {esc(ui('more_findings', lang, n=len(check.findings) - TOP_FINDINGS))}")
            if not check.findings and check.reason:
                lines.append(f"  - {esc(t(check.reason, lang))}")
            if t(check.remediation, lang):
                lines.append(f"  - {esc(ui('remediation', lang))}：{esc(t(check.remediation, lang))}" if zh else
                             f"  - {esc(ui('remediation', lang))}: {esc(t(check.remediation, lang))}")
        lines.append("")

    waived = [c for c in result.checks if c.status == "waived"]
    if waived:
        lines += [f"### {esc(ui('waivers', lang))}", ""]
        for check in waived:
            waiver = check.waiver
            sep = ("，", "：") if zh else (", ", ": ")
            lines.append(f"- **{esc(check.id)}** {esc(t(check.title, lang))} — {esc(waiver.approver if waiver else None)}"
                         f"{sep[0]}{esc(ui('expires', lang))} {esc(waiver.expires if waiver else None)}{sep[1]}"
                         f"{esc(waiver.justification if waiver else None)}")
        lines.append("")

    counts = summary.counts
    cells = [f"{view.STATUS_MARK[s]} {esc(view.status_label(s, lang))} {counts.get(s)}" for s in view.STATUSES if counts.get(s)]
    if cells:
        lines += [" · ".join(cells), ""]
    run_id = f" · {esc(ui('run_id', lang))} {code(provenance.run_id)}" if provenance.run_id else ""
    lines.append(f"<sub>golive {esc(result.tool.version)} · "
                 f"{esc(ui('config_sha256', lang))} {code(provenance.config_sha256)}{run_id}</sub>")
    return "\n".join(lines) + "\n"
