"""JUnit XML reporter, for CI systems that show test results (GitLab, Jenkins, Azure, GitHub
actions that read JUnit).

Layout: one ``<testsuite>`` per go-live item in the guide's order (审核1–3, 发布前1–3, then signing,
payout, reconciliation, hygiene) inside ``<testsuites>``; one ``<testcase>`` per check, named
``LL-XXX-NNN title`` with classname ``golive.<item>``.

Status mapping (also described in docs/ci/):

* ``pass`` -> a plain testcase;
* ``fail`` -> ``<failure type=SEVERITY message=FIRST FINDING>`` with every finding and its location;
* ``error`` -> ``<error type="error" message=REASON>``;
* ``manual`` -> ``<error type="manual">`` when the check counts for the gate (its severity is at
  or above ``--fail-on``: the engine's ``gating``), because an attestation still owed keeps the
  verdict from ``ready`` and a CI dashboard must not show it as green-or-neutral; below the gate
  it is ``<skipped>``;
* ``not_applicable``, ``skipped`` -> ``<skipped message=REASON>``;
* ``waived`` -> ``<skipped message="waived by APPROVER until DATE: JUSTIFICATION">`` -- accepted for
  now, visible, not a failure.

The CI gate itself is golive's exit code (0 ready, 1 not_ready, 2 config error, 3 incomplete); the
JUnit file explains it. Built with xml.etree.ElementTree, which escapes markup in every value; it
does not refuse characters XML 1.0 cannot hold (ESC and the other C0 controls, lone surrogates), so
every value from the result first goes through `golive.controls.visible`, which writes them as
visible escapes (``\\x1b``) -- a CI server would otherwise reject the whole file as malformed.
The run id (provenance.run_id) is a property of every suite.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from golive.reporters import view
from golive.reporters.view import t
from golive.result import CheckEntry, Result, Waiver, map_strings

MAX_FINDINGS = 50
_COUNTER = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def _finding_lines(check: CheckEntry, lang: str) -> list[str]:
    lines = []
    for finding in check.findings[:MAX_FINDINGS]:
        where = view.location_text(finding.location)
        uncertain = " [UNCERTAIN]" if finding.uncertain else ""
        lines.append(f"- [{finding.severity}] {where + ': ' if where else ''}{t(finding.message, lang)}{uncertain}")
    if len(check.findings) > MAX_FINDINGS:
        lines.append(f"- … {len(check.findings) - MAX_FINDINGS} more")
    return lines


def _details(check: CheckEntry, lang: str) -> str:
    label = {key: view.ui(key, lang) for key in ("checked", "reason", "findings", "remediation")}
    parts = []
    if check.checked:
        parts.append(f"{label['checked']}: {t(check.checked, lang)}")
    if check.reason:
        parts.append(f"{label['reason']}: {t(check.reason, lang)}")
    findings = _finding_lines(check, lang)
    if findings:
        parts.append(f"{label['findings']}:\n" + "\n".join(findings))
    if t(check.remediation, lang) and check.status not in ("pass", "not_applicable", "skipped"):
        parts.append(f"{label['remediation']}: {t(check.remediation, lang)}")
    return "\n".join(parts)


def _waiver_message(waiver: Waiver | None, lang: str) -> str:
    approver, expires, why = (waiver.approver, waiver.expires, waiver.justification) if waiver else (None, None, None)
    if lang == "en":
        return f"waived by {approver} until {expires}: {why}"
    return f"已豁免：{approver}，有效期至 {expires}：{why}"


def _testcase(suite: ET.Element, check: CheckEntry, item: str, lang: str) -> str:
    """Add one testcase; returns the outcome bucket (pass, failure, error, skipped)."""
    status, severity = check.status, check.severity
    case = ET.SubElement(suite, "testcase", {
        "name": f"{check.id} {t(check.title, lang)}",
        "classname": f"golive.{item}",
        "time": f"{check.duration_ms / 1000:.3f}",
    })
    details = _details(check, lang)
    reason = t(check.reason, lang)
    first = t(check.findings[0].message, lang) if check.findings else reason
    label = view.status_label(status, lang)
    if status == "fail":
        ET.SubElement(case, "failure", {"type": severity, "message": f"[{severity}] {first}"}).text = details
        return "failure"
    if status == "error" or (status == "manual" and check.gating):
        ET.SubElement(case, "error", {"type": status, "message": f"{label}: {reason}"}).text = details
        return "error"
    if status == "waived":
        ET.SubElement(case, "skipped", {"message": _waiver_message(check.waiver, lang)}).text = details
        return "skipped"
    if status in ("not_applicable", "skipped", "manual"):
        ET.SubElement(case, "skipped", {"message": f"{label}: {reason}" if reason else label})
        return "skipped"
    if details:
        ET.SubElement(case, "system-out").text = details
    return "pass"


def build(result: Result, lang: str = "zh") -> ET.Element:
    """The <testsuites> element for `result` (already safe, control characters already escaped)."""
    merchant = result.merchant
    root = ET.Element("testsuites", {"name": f"golive {merchant.oid_partner or ''}".strip()})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    seconds_total = 0.0
    for item, summary, group in result.checks_by_item():
        suite = ET.SubElement(root, "testsuite", {"name": t(summary.title, lang)})
        properties = ET.SubElement(suite, "properties")
        for name, value in (("golive.item", item), ("golive.verdict", result.verdict),
                            ("golive.fail_on", result.summary.fail_on), ("golive.oid_partner", merchant.oid_partner or ""),
                            ("golive.environment", merchant.environment),
                            ("golive.run_id", result.provenance.run_id)):
            if value or name != "golive.run_id":  # a result from an older golive has no run id
                ET.SubElement(properties, "property", {"name": name, "value": value})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        seconds = 0.0
        for check in group:
            outcome = _testcase(suite, check, item, lang)
            counts["tests"] += 1
            if outcome in _COUNTER:
                counts[_COUNTER[outcome]] += 1
            seconds += check.duration_ms / 1000
        for key, count in counts.items():
            suite.set(key, str(count))
            totals[key] += count
        suite.set("time", f"{seconds:.3f}")
        seconds_total += seconds
        # Attribute order as JUnit readers print it: name first, then the counts.
        suite.attrib = {"name": suite.attrib["name"], **{k: suite.attrib[k] for k in ("tests", "failures", "errors", "skipped", "time")}}
    for key, total in totals.items():
        root.set(key, str(total))
    root.set("time", f"{seconds_total:.3f}")
    if result.provenance.time:
        root.set("timestamp", result.provenance.time)
    return root


def render(result: Result, *, lang: str = "zh") -> str:
    from golive.controls import visible

    root = build(map_strings(result, visible), lang)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
