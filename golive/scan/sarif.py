"""SARIF 2.1.0 output of a scan, for GitHub and GitLab code scanning. Plain dicts.

* ``tool.driver.rules``: the LL-SEC rules the scan ran, with the catalogue's bilingual texts
  (title, why, how to fix), ``helpUri`` (the rule's page, docs/checks/<ID>.md, golive.links),
  level from the severity and a ``security-severity`` score.
* ``results``: one per finding with a region (start/end line and column; columns are Unicode
  code points, declared by ``run.columnKind``), the redacted snippet, and
  ``partialFingerprints.goliveScan/v1`` = the content hash, so code scanning tracks an alert
  across commits the way the baseline does. URIs are relative to ``%SRCROOT%`` (the repository
  root), which is what code scanning maps to its checkout.
* Suppressed findings carry ``suppressions: [{kind: inSource, justification}]``, baselined ones
  ``[{kind: external}]``: viewers show them as dismissed, not as new alerts.
* Skipped files and missing engines are ``toolExecutionNotifications`` of the invocation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from golive.links import HOMEPAGE, check_doc_url

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"blocker": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"blocker": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
FINGERPRINT = "goliveScan/v1"


def _t(text: Any, lang: str) -> str:
    if isinstance(text, Mapping):
        return str(text.get(lang) or text.get("en") or "")
    return "" if text is None else str(text)


def _rule_name(title_en: str, rule_id: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title_en)
    return "".join(w[:1].upper() + w[1:] for w in words[:8]) or rule_id.replace("-", "")


def _catalogue() -> dict[str, Any]:
    try:
        from golive.scan.rules import all_rules

        return {r.id: r.meta for r in all_rules()}
    except Exception:  # rendering a saved result must not depend on the rule modules loading
        return {}


def _rules(document: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    catalogue = _catalogue()
    rules = []
    for rule in document.get("rules") or []:
        rule_id = str(rule.get("id"))
        meta = catalogue.get(rule_id)
        severity = str(rule.get("severity") or "medium")
        title = rule.get("title") or {"zh": rule_id, "en": rule_id}
        why = meta.rationale.get(lang) if meta else _t(title, lang)
        fix = meta.remediation.get(lang) if meta else _t(title, lang)
        rules.append({
            "id": rule_id,
            "name": _rule_name(_t(title, "en"), rule_id),
            "shortDescription": {"text": _t(title, lang)},
            "fullDescription": {"text": why},
            "help": {"text": fix, "markdown": f"**{_t(title, lang)}**\n\n{why}\n\n{fix}"},
            "helpUri": check_doc_url(rule_id),
            "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
            "properties": {
                "severity": severity,
                "security-severity": SECURITY_SEVERITY.get(severity, "5.5"),
                "item": str(rule.get("item") or ""),
                "tags": ["security", "lianlian", "golive"],
                "references": list(meta.references) if meta else [],
            },
        })
    return rules


def _result(finding: Mapping[str, Any], index: Mapping[str, int], lang: str) -> dict[str, Any]:
    severity = str(finding.get("severity") or "medium")
    region: dict[str, Any] = {
        "startLine": int(finding.get("line") or 1), "startColumn": int(finding.get("column") or 1),
        "endLine": int(finding.get("end_line") or finding.get("line") or 1),
        "endColumn": int(finding.get("end_column") or 1),
    }
    if finding.get("snippet"):
        region["snippet"] = {"text": str(finding["snippet"])}
    origin = finding.get("origin") or {}
    result: dict[str, Any] = {
        "ruleId": finding["rule"],
        "ruleIndex": index[finding["rule"]],
        "level": LEVEL.get(severity, "warning"),
        "message": {"text": _t(finding.get("message"), lang)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(str(finding.get("file") or "")), "uriBaseId": "%SRCROOT%"},
            "region": region}}],
        "partialFingerprints": {FINGERPRINT: str(finding.get("hash"))},
        "properties": {"severity": severity, "state": finding.get("state"), "origin": origin.get("kind", "tree"),
                       **({"commit": origin.get("commit")} if origin.get("commit") else {})},
    }
    suppression = finding.get("suppression") if isinstance(finding.get("suppression"), Mapping) else None
    if finding.get("state") == "suppressed" and suppression:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                   "justification": f"{suppression.get('justification')} (until {suppression.get('until')})"}]
    elif finding.get("state") == "baselined":
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": "known finding listed in the golive scan baseline"}]
    return result


def _uri(path: str) -> str:
    """Relative POSIX path, percent-encoded where URIs need it (spaces, non-ASCII)."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/")


def _root_uri(root: str) -> str:
    try:
        uri = Path(root).as_uri()
    except ValueError:
        return "file:///"
    return uri if uri.endswith("/") else uri + "/"


def build(document: Mapping[str, Any], lang: str = "zh") -> dict[str, Any]:
    """The SARIF log of a scan document (already safe: see `output.safe_document`)."""
    rules = _rules(document, lang)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    tool = document.get("tool") or {}
    version = str(tool.get("version") or "")
    notifications: list[dict[str, Any]] = [{"level": "warning" if note.get("kind") in ("engine", "error") else "note",
                      "message": {"text": (f"{note['file']}: " if note.get("file") else "") + _t(note.get("message"), lang)}}
                     for note in document.get("notes") or []]
    for rule in document.get("rules") or []:
        if rule.get("state") != "full" and rule.get("reason"):
            notifications.append({"level": "warning", "message": {"text": f"{rule.get('id')}: {_t(rule.get('reason'), lang)}"},
                                  "associatedRule": {"id": rule.get("id"), "index": index.get(str(rule.get("id")), -1)}})
    summary = document.get("summary") or {}
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "golive", "fullName": "golive scan — LianLian Pay 认证支付 repository rules",
                            "version": version, "semanticVersion": version,
                            "informationUri": HOMEPAGE, "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(str(document.get("root") or ""))}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications,
                         "properties": {"fail_on": summary.get("fail_on"), "passed": summary.get("passed")}}],
        "results": [_result(f, index, lang) for f in document.get("findings") or [] if f.get("rule") in index],
        "automationDetails": {"id": "golive-scan/"},
        "language": "en-US" if lang == "en" else "zh-CN",
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(document: Mapping[str, Any], lang: str = "zh") -> str:
    import json

    return json.dumps(build(document, lang), ensure_ascii=False, indent=2) + "\n"
