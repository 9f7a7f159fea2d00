"""JUnit XML reporter, for CI systems that show test results (GitLab, Jenkins, Azure, GitHub
actions that read JUnit).

Layout: one ``<testsuite>`` per go-live item in the guide's order (审核1–3, 发布前1–3, then signing,
payout, reconciliation, hygiene) inside ``<testsuites>``; one ``<testcase>`` per check, named
``LL-XXX-NNN title`` with classname ``golive.<item>``.

Status mapping (also described in docs/ci/):

* ``pass`` -> a plain testcase;
* ``fail`` -> ``<failure type=SEVERITY message=FIRST FINDING>`` with every finding and its location;
* ``error`` -> ``<error type="error" message=REASON>``;
* ``manual`` -> ``<error type="manual">`` when its severity is at or above the gate (``--fail-on``),
  because an attestation still owed keeps the verdict from ``ready`` and a CI dashboard must not
  show it as green-or-neutral; below the gate it is ``<skipped>``;
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
from typing import Any, Mapping

from golive.reporters import view
from golive.reporters.view import t

MAX_FINDINGS = 50
_COUNTER = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def _finding_lines(check: Mapping[str, Any], lang: str) -> list[str]:
    lines = []
    findings = [f for f in check.get("findings") or [] if isinstance(f, Mapping)]
    for finding in findings[:MAX_FINDINGS]:
        where = view.location_text(finding.get("location"))
        sev = str(finding.get("severity") or check.get("severity") or "")
        uncertain = " [UNCERTAIN]" if finding.get("uncertain") else ""
        lines.append(f"- [{sev}] {where + ': ' if where else ''}{t(finding.get('message'), lang)}{uncertain}")
    if len(findings) > MAX_FINDINGS:
        lines.append(f"- … {len(findings) - MAX_FINDINGS} more")
    return lines


def _details(check: Mapping[str, Any], lang: str) -> str:
    label = {key: view.ui(key, lang) for key in ("checked", "reason", "findings", "remediation")}
    parts = []
    if check.get("checked"):
        parts.append(f"{label['checked']}: {t(check['checked'], lang)}")
    if check.get("reason"):
        parts.append(f"{label['reason']}: {t(check['reason'], lang)}")
    findings = _finding_lines(check, lang)
    if findings:
        parts.append(f"{label['findings']}:\n" + "\n".join(findings))
    if check.get("remediation") and check.get("status") not in ("pass", "not_applicable", "skipped"):
        parts.append(f"{label['remediation']}: {t(check['remediation'], lang)}")
    return "\n".join(parts)


def _waiver_message(waiver: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return f"waived by {waiver.get('approver')} until {waiver.get('expires')}: {waiver.get('justification')}"
    return f"已豁免：{waiver.get('approver')}，有效期至 {waiver.get('expires')}：{waiver.get('justification')}"


def _testcase(suite: ET.Element, check: Mapping[str, Any], item: str, gate: str, lang: str) -> str:
    """Add one testcase; returns the outcome bucket (pass, failure, error, skipped)."""
    status = str(check.get("status") or "error")
    severity = str(check.get("severity") or "")
    seconds = float(check.get("duration_ms") or 0) / 1000
    case = ET.SubElement(suite, "testcase", {
        "name": f"{check.get('id')} {t(check.get('title'), lang)}",
        "classname": f"golive.{item}",
        "time": f"{seconds:.3f}",
    })
    details = _details(check, lang)
    reason = t(check.get("reason"), lang)
    findings = [f for f in check.get("findings") or [] if isinstance(f, Mapping)]
    first = t(findings[0].get("message"), lang) if findings else reason
    label = view.status_label(status, lang)
    if status == "fail":
        ET.SubElement(case, "failure", {"type": severity, "message": f"[{severity}] {first}"}).text = details
        return "failure"
    if status == "error" or (status == "manual" and view.at_least(severity, gate)):
        ET.SubElement(case, "error", {"type": status, "message": f"{label}: {reason}"}).text = details
        return "error"
    if status == "waived":
        message = _waiver_message(check.get("waiver") or {}, lang)
        ET.SubElement(case, "skipped", {"message": message}).text = details
        return "skipped"
    if status in ("not_applicable", "skipped", "manual"):
        ET.SubElement(case, "skipped", {"message": f"{label}: {reason}" if reason else label})
        return "skipped"
    if details:
        ET.SubElement(case, "system-out").text = details
    return "pass"


def build(result: Mapping[str, Any], lang: str = "zh") -> ET.Element:
    """The <testsuites> element for `result` (already safe, control characters already escaped)."""
    summary = result.get("summary") or {}
    gate = str(summary.get("fail_on") or "high")
    merchant = result.get("merchant") or {}
    root = ET.Element("testsuites", {"name": f"golive {merchant.get('oid_partner') or ''}".strip()})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    seconds_total = 0.0
    checks = [c for c in result.get("checks") or [] if isinstance(c, Mapping)]
    for item, group in view.checks_by_item(checks):
        suite = ET.SubElement(root, "testsuite", {"name": t(view.item_title(result, item), lang)})
        properties = ET.SubElement(suite, "properties")
        for name, value in (("golive.item", item), ("golive.verdict", str(result.get("verdict"))),
                            ("golive.fail_on", gate), ("golive.oid_partner", str(merchant.get("oid_partner") or "")),
                            ("golive.environment", str(merchant.get("environment") or "")),
                            ("golive.run_id", str((result.get("provenance") or {}).get("run_id") or ""))):
            if value or name != "golive.run_id":  # a result from an older golive has no run id
                ET.SubElement(properties, "property", {"name": name, "value": value})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        seconds = 0.0
        for check in group:
            outcome = _testcase(suite, check, item, gate, lang)
            counts["tests"] += 1
            if outcome in _COUNTER:
                counts[_COUNTER[outcome]] += 1
            seconds += float(check.get("duration_ms") or 0) / 1000
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{seconds:.3f}")
        seconds_total += seconds
        # Attribute order as JUnit readers print it: name first, then the counts.
        suite.attrib = {"name": suite.attrib["name"], **{k: suite.attrib[k] for k in ("tests", "failures", "errors", "skipped", "time")}}
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{seconds_total:.3f}")
    timestamp = (result.get("provenance") or {}).get("time")
    if timestamp:
        root.set("timestamp", str(timestamp))
    return root


def render(result: Mapping[str, Any], *, lang: str = "zh") -> str:
    from golive.controls import visible_tree

    root = build(visible_tree(result), lang)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
