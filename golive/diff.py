"""What changed between two golive results of the same merchant (`golive diff OLD NEW`): for the
second review round, LianLian's staff read what the merchant fixed and what broke since.

Compared: the verdict; every check's status (a check that flipped, one new to the catalogue or gone
from it); and the findings of each check, matched by their location and message (new findings and
resolved ones). Either side may be a result.json, a golive HTML report (its embedded result) or a
bundle (`golive bundle`); each goes through the door every outside result takes (golive.result_doc:
validated, redaction pass applied), so nothing here shows what a report would not.

Both must be of the same merchant (``merchant.oid_partner``): comparing two merchants' runs is a
mistake staff should not make silently, so it is refused (exit 2) unless ``--force``.

Rendered as text (the terminal) or as one self-contained HTML page: inline CSS only, no script, no
external load (a Content-Security-Policy that forbids them), every value escaped.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass, field
from typing import Any

from golive.result import CheckEntry, Finding, Result

# The order in which flips are listed: what got worse first.
_STATUS_RANK = {"fail": 0, "error": 1, "manual": 2, "waived": 3, "not_applicable": 4, "skipped": 5, "pass": 6}
_BAD = ("fail", "error", "manual")  # what holds a verdict


@dataclass(frozen=True)
class Flip:
    check: str
    title: Any  # Text
    old: str | None  # None: new in the catalogue
    new: str | None  # None: gone from it
    severity: str

    @property
    def worse(self) -> bool:
        """Now failing, erroring or awaiting an attestation, and more so than before."""
        return self.new in _BAD and (self.old not in _BAD or _STATUS_RANK[self.new] < _STATUS_RANK.get(self.old or "", 9))

    @property
    def better(self) -> bool:
        return self.old in _BAD and self.new is not None and not self.worse and self.new != self.old \
            and (self.new not in _BAD or _STATUS_RANK[self.new] > _STATUS_RANK[self.old or ""])


@dataclass(frozen=True)
class FindingChange:
    check: str
    finding: Finding


@dataclass
class Diff:
    old: Result
    new: Result
    flips: list[Flip] = field(default_factory=list)
    new_findings: list[FindingChange] = field(default_factory=list)
    resolved_findings: list[FindingChange] = field(default_factory=list)

    @property
    def verdict_changed(self) -> bool:
        return self.old.verdict != self.new.verdict

    @property
    def changed(self) -> bool:
        return bool(self.verdict_changed or self.flips or self.new_findings or self.resolved_findings)

    @property
    def same_merchant(self) -> bool:
        return self.old.merchant.oid_partner == self.new.merchant.oid_partner


def _key(finding: Finding) -> tuple[str, str]:
    where = finding.location.text if finding.location else ""
    return where, finding.message.en or finding.message.zh


def compare(old: Result, new: Result) -> Diff:
    diff = Diff(old, new)
    before = {c.id: c for c in old.checks}
    after = {c.id: c for c in new.checks}
    for check_id in list(after) + [i for i in before if i not in after]:
        a, b = before.get(check_id), after.get(check_id)
        shown: CheckEntry = b or a  # type: ignore[assignment]
        if a is None or b is None or a.status != b.status:
            diff.flips.append(Flip(check_id, shown.title, a.status if a else None, b.status if b else None,
                                   shown.severity))
        old_findings = {_key(f): f for f in (a.findings if a else ())}
        new_findings = {_key(f): f for f in (b.findings if b else ())}
        diff.new_findings += [FindingChange(check_id, f) for k, f in new_findings.items() if k not in old_findings]
        diff.resolved_findings += [FindingChange(check_id, f) for k, f in old_findings.items() if k not in new_findings]
    diff.flips.sort(key=lambda f: (not f.worse, not f.better, _STATUS_RANK.get(f.new or "", 9), f.check))
    return diff


# -- text ----------------------------------------------------------------------------------------------

def _words(lang: str) -> dict[str, str]:
    zh = lang != "en"
    return {
        "title": "golive 对比" if zh else "golive diff",
        "verdict": "结论" if zh else "Verdict",
        "unchanged": "未变" if zh else "unchanged",
        "flips": "状态变化的检查" if zh else "Checks that changed status",
        "new": "新出现的问题" if zh else "New findings",
        "resolved": "已解决的问题" if zh else "Resolved findings",
        "none": "无" if zh else "none",
        "nothing": "两次结果的结论、检查状态与问题均相同。" if zh else "Same verdict, statuses and findings in both.",
        "added": "（新增检查）" if zh else "(new check)",
        "removed": "（已移除）" if zh else "(no longer checked)",
        "worse": "变差" if zh else "worse",
        "better": "改善" if zh else "better",
        "other_merchant": "注意：两份结果属于不同商户" if zh else "Note: the two results are of different merchants",
        "old": "旧" if zh else "old",
        "new_run": "新" if zh else "new",
    }


def _run_line(result: Result, label: str) -> str:
    m = result.merchant
    return (f"{label}: {m.name or ''} {m.oid_partner or ''} · run {result.provenance.run_id or '-'} · "
            f"{result.provenance.time} · golive {result.tool.version} · {result.verdict}")


def _status(value: str | None, lang: str) -> str:
    from golive.result import status_label

    return status_label(value, lang) if value else "—"


def render_text(diff: Diff, lang: str = "zh") -> str:
    from golive.controls import visible
    from golive.reporters.text import verdict_words

    w = _words(lang)
    lines = [w["title"], _run_line(diff.old, w["old"]), _run_line(diff.new, w["new_run"])]
    if not diff.same_merchant:
        lines.append(w["other_merchant"])
    lines.append("")
    old_v, new_v = verdict_words(diff.old, lang), verdict_words(diff.new, lang)
    lines.append(f"{w['verdict']}: {old_v} → {new_v}" if diff.verdict_changed else f"{w['verdict']}: {new_v} ({w['unchanged']})")
    if not diff.changed:
        lines += ["", w["nothing"]]
        return "\n".join(visible(line) for line in lines) + "\n"
    lines += ["", f"{w['flips']} ({len(diff.flips)})"]
    for flip in diff.flips:
        mark = "✘" if flip.worse else ("✔" if flip.better else "·")
        extra = w["added"] if flip.old is None else (w["removed"] if flip.new is None else "")
        lines.append(f"  {mark} {flip.check:<11} {_status(flip.old, lang)} → {_status(flip.new, lang)} {extra}".rstrip()
                     + f"  {flip.title.get(lang)}")
    if not diff.flips:
        lines.append(f"  {w['none']}")
    for heading, changes in ((w["new"], diff.new_findings), (w["resolved"], diff.resolved_findings)):
        lines += ["", f"{heading} ({len(changes)})"]
        for change in changes:
            where = change.finding.location.text if change.finding.location else ""
            lines.append(f"  {change.check:<11} {where + ': ' if where else ''}{change.finding.message.get(lang)}")
        if not changes:
            lines.append(f"  {w['none']}")
    # Every value is shown with its control characters escaped: a finding cannot restyle the terminal.
    return "\n".join(visible(line) for line in lines) + "\n"


# -- HTML ----------------------------------------------------------------------------------------------

CSP = "default-src 'none'; style-src 'unsafe-inline'"
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:60rem;
padding:1rem;color:#1b1b1b;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .4rem;border-bottom:1px solid #ddd}
.runs{color:#555;font-size:.9rem}.verdict{font-size:1.2rem;font-weight:600;margin:.8rem 0}
table{border-collapse:collapse;width:100%}td,th{padding:.3rem .4rem;border-bottom:1px solid #eee;text-align:left;
vertical-align:top}th{font-weight:600;color:#555}
.worse{color:#b00020}.better{color:#146c2e}.muted{color:#777}.warn{background:#fff4e5;padding:.4rem .6rem}
code{font-size:.9em;background:#f4f4f4;padding:0 .2rem}
@media (max-width:40rem){table,tbody,tr,td,th{display:block}thead{display:none}td{border:0;padding:.1rem 0}
tr{border-bottom:1px solid #eee;padding:.4rem 0}}
"""


def render_html(diff: Diff, lang: str = "zh") -> str:
    from golive.controls import visible
    from golive.reporters.text import verdict_words

    w = _words(lang)

    def e(value: Any) -> str:
        return html_lib.escape(visible(str(value)), quote=True)

    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(w['title'])} · {e(diff.new.merchant.name or '')}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(w['title'])}: {e(diff.new.merchant.name or '')} {e(diff.new.merchant.oid_partner or '')}</h1>",
        f'<p class="runs">{e(_run_line(diff.old, w["old"]))}<br>{e(_run_line(diff.new, w["new_run"]))}</p>',
    ]
    if not diff.same_merchant:
        parts.append(f'<p class="warn">{e(w["other_merchant"])}</p>')
    old_v, new_v = verdict_words(diff.old, lang), verdict_words(diff.new, lang)
    verdict = f"{old_v} → {new_v}" if diff.verdict_changed else f"{new_v} ({w['unchanged']})"
    parts.append(f'<p class="verdict">{e(w["verdict"])}: {e(verdict)}</p>')
    if not diff.changed:
        parts.append(f"<p>{e(w['nothing'])}</p>")
    parts.append(f"<h2>{e(w['flips'])} ({len(diff.flips)})</h2>")
    if diff.flips:
        parts.append("<table><thead><tr><th>ID</th><th>" + e(w["old"]) + " → " + e(w["new_run"])
                     + "</th><th></th></tr></thead><tbody>")
        for flip in diff.flips:
            css = "worse" if flip.worse else ("better" if flip.better else "muted")
            extra = w["added"] if flip.old is None else (w["removed"] if flip.new is None else "")
            parts.append(f'<tr class="{css}"><td><code>{e(flip.check)}</code></td>'
                         f"<td>{e(_status(flip.old, lang))} → {e(_status(flip.new, lang))}</td>"
                         f"<td>{e(flip.title.get(lang))} {e(extra)}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append(f'<p class="muted">{e(w["none"])}</p>')
    for heading, changes, css in ((w["new"], diff.new_findings, "worse"), (w["resolved"], diff.resolved_findings, "better")):
        parts.append(f"<h2>{e(heading)} ({len(changes)})</h2>")
        if not changes:
            parts.append(f'<p class="muted">{e(w["none"])}</p>')
            continue
        parts.append("<table><tbody>")
        for change in changes:
            where = change.finding.location.text if change.finding.location else ""
            parts.append(f'<tr class="{css}"><td><code>{e(change.check)}</code></td><td><code>{e(where)}</code></td>'
                         f"<td>{e(change.finding.message.get(lang))}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
