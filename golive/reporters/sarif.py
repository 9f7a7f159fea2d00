"""SARIF 2.1.0 reporter, for GitHub code scanning and other SARIF viewers. Plain dicts, no library.

* ``tool.driver.rules``: the check catalogue. The result lists every check of the catalogue that ran
  (deselected ones as ``skipped``) with its metadata, so the rules come from the result and the
  reporter stays a pure function of it (`golive report` on an old result gives that run's
  catalogue; metadata a golive.result/1 document lacks was filled from the catalogue when it was
  read, golive.result_v1). Each rule: id, a PascalCase name, shortDescription (title), fullDescription (why it matters),
  help (how to fix), defaultConfiguration.level from the severity, properties (item, severity).
* ``results``: one per finding of a ``fail`` or ``waived`` check, with ``level`` from the finding's
  severity (blocker/high -> error, medium -> warning, low/info -> note); a waived one carries
  ``suppressions: [{kind: external, status: accepted, justification}]``. An ``error`` check is a
  result of kind ``open`` (could not be judged) and a ``manual`` one of kind ``review`` (a person
  must attest it); SARIF requires level ``none`` for those kinds.
* ``locations``: a finding's file becomes an artifactLocation (config file, capture file, ledger)
  with ``region.startLine`` when the line is known; its pointer (config key or capture field) a
  logicalLocation. Code scanning needs a location on every result, so a finding without a file
  points at the config file.
* the run id (provenance.run_id) is the instance part of ``automationDetails.id``
  (``golive/OID_PARTNER/RUN_ID``, as SARIF's category/instance form wants) and a run property.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from golive.reporters import view
from golive.reporters.view import t
from golive.result import CheckEntry, Location, Result

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"blocker": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning orders security alerts by this score (0.0-10.0).
SECURITY_SEVERITY = {"blocker": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def _rule_name(title_en: str, check_id: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title_en)
    name = "".join(w[:1].upper() + w[1:] for w in words[:8])
    return name or check_id.replace("-", "")


def _rules(checks: tuple[CheckEntry, ...], lang: str) -> list[dict[str, Any]]:
    rules = []
    for check in checks:
        title = t(check.title, lang) or check.id
        rule: dict[str, Any] = {
            "id": check.id,
            "name": _rule_name(t(check.title, "en") or check.id, check.id),
            "shortDescription": {"text": title},
            # SARIF wants text in both; a result from an older golive may have no rationale for a
            # check the catalogue no longer has.
            "fullDescription": {"text": t(check.rationale, lang) or title},
            "help": {"text": t(check.remediation, lang) or title},
            "defaultConfiguration": {"level": LEVEL.get(check.severity, "warning")},
            "properties": {
                "item": check.item,
                "severity": check.severity,
                "security-severity": SECURITY_SEVERITY.get(check.severity, "5.5"),
                "tags": ["lianlian", "golive", check.item],
                "references": list(check.references),
            },
        }
        rules.append(rule)
    return rules


def _uri(path: str) -> str:
    """A relative path stays relative (code scanning maps it to the repository); an absolute one
    becomes a file: URI."""
    path = path.replace("\\", "/")
    if path.startswith("/"):
        return "file://" + path
    if re.match(r"^[A-Za-z]:/", path):
        return "file:///" + path
    return path


def _location(location: Location | None, config_file: str) -> dict[str, Any]:
    file = (location.file if location else None) or config_file
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    line = location.line if location else None
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line}
    out: dict[str, Any] = {"physicalLocation": physical}
    if location and location.pointer:
        out["logicalLocations"] = [{"fullyQualifiedName": location.pointer, "kind": "property"}]
    return out


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _results(checks: tuple[CheckEntry, ...], lang: str, config_file: str) -> list[dict[str, Any]]:
    index = {check.id: i for i, check in enumerate(checks)}
    results: list[dict[str, Any]] = []
    for check in checks:
        base = {"ruleId": check.id, "ruleIndex": index[check.id]}
        if check.status in ("fail", "waived"):
            waiver = check.waiver
            # (severity, message, location, uncertain) of each finding; a failed check without
            # findings is still one result.
            findings = [(f.severity, f.message, f.location, f.uncertain) for f in check.findings] or [
                (check.severity, check.reason or check.title, None, False)]
            for severity, text, location, uncertain in findings:
                message = t(text, lang)
                if uncertain:
                    message += " (UNCERTAIN)" if lang == "en" else "（规则存疑 UNCERTAIN）"
                entry: dict[str, Any] = {
                    **base, "kind": "fail", "level": LEVEL.get(severity, "warning"),
                    "message": {"text": message},
                    "locations": [_location(location, config_file)],
                    "partialFingerprints": {"goliveFinding/v1": _fingerprint(
                        check.id, view.location_text(location), t(text, "en"))},
                    "properties": {"severity": severity, "status": check.status},
                }
                if check.status == "waived":
                    entry["suppressions"] = [{
                        "kind": "external", "status": "accepted",
                        "justification": f"{waiver.justification if waiver else ''} — "
                                         f"{waiver.approver if waiver else ''}, "
                                         f"{'expires' if lang == 'en' else '有效期至'} {waiver.expires if waiver else ''}",
                    }]
                results.append(entry)
        elif check.status in ("error", "manual"):
            label = view.status_label(check.status, lang)
            results.append({
                **base, "kind": "open" if check.status == "error" else "review", "level": "none",
                "message": {"text": f"{label}: {t(check.reason, lang) or t(check.title, lang)}"},
                "locations": [_location(None, config_file)],
                "partialFingerprints": {"goliveFinding/v1": _fingerprint(check.id, check.status)},
                "properties": {"severity": check.severity, "status": check.status},
            })
    return results


def build(result: Result, lang: str = "zh") -> dict[str, Any]:
    """The SARIF log for `result` (already safe)."""
    provenance, merchant = result.provenance, result.merchant
    config_file = provenance.config_file or "golive.yaml"
    version = result.tool.version or provenance.tool_version
    run_id = provenance.run_id
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "golive",
            "fullName": "golive — LianLian Pay 认证支付 go-live readiness checker",
            "version": version,
            "semanticVersion": version,
            "rules": _rules(result.checks, lang),
        }},
        "invocations": [{
            "executionSuccessful": True,
            **({"endTimeUtc": end} if (end := _utc(provenance.time)) else {}),
            "properties": {"verdict": result.verdict, "fail_on": result.summary.fail_on},
        }],
        "results": _results(result.checks, lang, config_file),
        "automationDetails": {"id": f"golive/{merchant.oid_partner or 'merchant'}/{run_id}"},
        "language": "en-US" if lang == "en" else "zh-CN",
        "properties": {
            "verdict": result.verdict,
            "verdictText": view.verdict_label(result.verdict, lang),
            "oid_partner": merchant.oid_partner or "",
            "environment": merchant.environment,
            "profile": result.profile.name or provenance.profile,
            "config_sha256": provenance.config_sha256,
            **({"run_id": run_id} if run_id else {}),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _utc(timestamp: str) -> str | None:
    """ISO time with offset -> SARIF's UTC form (2026-11-28T02:30:05Z); None when it has no offset."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(result: Result, *, lang: str = "zh") -> str:
    import json

    from golive.controls import json_controls

    return json_controls(json.dumps(build(result, lang), ensure_ascii=False, indent=2)) + "\n"
