"""SARIF 2.1.0 reporter, for GitHub code scanning and other SARIF viewers. Plain dicts, no library.

* ``tool.driver.rules``: the check catalogue. The result lists every check of the catalogue that ran
  (deselected ones as ``skipped``) with its metadata, so the rules come from the result and the
  reporter stays a pure function of it (`golive report` on an old result gives that run's
  catalogue); metadata an older result lacks is filled from `golive.registry.all_checks()`.
  Each rule: id, a PascalCase name, shortDescription (title), fullDescription (why it matters),
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
from typing import Any, Mapping

from golive.reporters import view
from golive.reporters.view import t

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"blocker": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning orders security alerts by this score (0.0-10.0).
SECURITY_SEVERITY = {"blocker": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def _rule_name(title_en: str, check_id: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title_en)
    name = "".join(w[:1].upper() + w[1:] for w in words[:8])
    return name or check_id.replace("-", "")


def _registry_meta() -> dict[str, dict[str, Any]]:
    try:
        from golive.registry import all_checks

        return {c.meta.id: c.meta.to_dict() for c in all_checks()}
    except Exception:  # an offline render must not depend on the catalogue loading
        return {}


def _rules(checks: list[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    missing = [c for c in checks if not (c.get("title") and c.get("remediation") and c.get("rationale"))]
    catalogue = _registry_meta() if missing else {}
    rules = []
    for check in checks:
        check_id = str(check.get("id"))
        meta = {**catalogue.get(check_id, {}), **{k: v for k, v in check.items() if v}}
        severity = str(meta.get("severity") or "medium")
        title = meta.get("title") or {"zh": check_id, "en": check_id}
        rule: dict[str, Any] = {
            "id": check_id,
            "name": _rule_name(t(title, "en"), check_id),
            "shortDescription": {"text": t(title, lang)},
            "fullDescription": {"text": t(meta.get("rationale"), lang) or t(title, lang)},
            "help": {"text": t(meta.get("remediation"), lang) or t(title, lang)},
            "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
            "properties": {
                "item": str(meta.get("item") or ""),
                "severity": severity,
                "security-severity": SECURITY_SEVERITY.get(severity, "5.5"),
                "tags": ["lianlian", "golive", str(meta.get("item") or "")],
                "references": [str(r) for r in meta.get("references") or []],
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


def _location(location: Any, config_file: str) -> dict[str, Any]:
    loc = location if isinstance(location, Mapping) else {}
    file = str(loc.get("file") or "") or config_file
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    line = loc.get("line")
    if isinstance(line, int) and not isinstance(line, bool) and line >= 1:
        physical["region"] = {"startLine": line}
    out: dict[str, Any] = {"physicalLocation": physical}
    if loc.get("pointer"):
        out["logicalLocations"] = [{"fullyQualifiedName": str(loc["pointer"]), "kind": "property"}]
    return out


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _results(checks: list[Mapping[str, Any]], lang: str, config_file: str) -> list[dict[str, Any]]:
    index = {str(c.get("id")): i for i, c in enumerate(checks)}
    results: list[dict[str, Any]] = []
    for check in checks:
        check_id, status = str(check.get("id")), str(check.get("status"))
        base = {"ruleId": check_id, "ruleIndex": index[check_id]}
        if status in ("fail", "waived"):
            waiver = check.get("waiver") if isinstance(check.get("waiver"), Mapping) else None
            findings = [f for f in check.get("findings") or [] if isinstance(f, Mapping)] or [
                {"message": check.get("reason") or check.get("title"), "severity": check.get("severity")}]
            for finding in findings:
                severity = str(finding.get("severity") or check.get("severity") or "medium")
                message = t(finding.get("message"), lang)
                if finding.get("uncertain"):
                    message += " (UNCERTAIN)" if lang == "en" else "（规则存疑 UNCERTAIN）"
                entry: dict[str, Any] = {
                    **base, "kind": "fail", "level": LEVEL.get(severity, "warning"),
                    "message": {"text": message},
                    "locations": [_location(finding.get("location"), config_file)],
                    "partialFingerprints": {"goliveFinding/v1": _fingerprint(
                        check_id, view.location_text(finding.get("location")), t(finding.get("message"), "en"))},
                    "properties": {"severity": severity, "status": status},
                }
                if status == "waived":
                    entry["suppressions"] = [{
                        "kind": "external", "status": "accepted",
                        "justification": f"{(waiver or {}).get('justification', '')} — "
                                         f"{(waiver or {}).get('approver', '')}, "
                                         f"{'expires' if lang == 'en' else '有效期至'} {(waiver or {}).get('expires', '')}",
                    }]
                results.append(entry)
        elif status in ("error", "manual"):
            label = view.status_label(status, lang)
            results.append({
                **base, "kind": "open" if status == "error" else "review", "level": "none",
                "message": {"text": f"{label}: {t(check.get('reason'), lang) or t(check.get('title'), lang)}"},
                "locations": [_location(None, config_file)],
                "partialFingerprints": {"goliveFinding/v1": _fingerprint(check_id, status)},
                "properties": {"severity": str(check.get("severity") or ""), "status": status},
            })
    return results


def build(result: Mapping[str, Any], lang: str = "zh") -> dict[str, Any]:
    """The SARIF log for `result` (already safe)."""
    checks = [c for c in result.get("checks") or [] if isinstance(c, Mapping) and c.get("id")]
    provenance = result.get("provenance") or {}
    merchant = result.get("merchant") or {}
    config_file = str(provenance.get("config_file") or "golive.yaml")
    version = str((result.get("tool") or {}).get("version") or provenance.get("tool_version") or "")
    verdict = str(result.get("verdict") or "")
    run_id = str(provenance.get("run_id") or "")
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "golive",
            "fullName": "golive — LianLian Pay 认证支付 go-live readiness checker",
            "version": version,
            "semanticVersion": version,
            "rules": _rules(checks, lang),
        }},
        "invocations": [{
            "executionSuccessful": True,
            **({"endTimeUtc": end} if (end := _utc(str(provenance.get("time") or ""))) else {}),
            "properties": {"verdict": verdict, "fail_on": str((result.get("summary") or {}).get("fail_on") or "")},
        }],
        "results": _results(checks, lang, config_file),
        "automationDetails": {"id": f"golive/{merchant.get('oid_partner') or 'merchant'}/{run_id}"},
        "language": "en-US" if lang == "en" else "zh-CN",
        "properties": {
            "verdict": verdict,
            "verdictText": view.verdict_label(verdict, lang),
            "oid_partner": str(merchant.get("oid_partner") or ""),
            "environment": str(merchant.get("environment") or ""),
            "profile": str((result.get("profile") or {}).get("name") or provenance.get("profile") or ""),
            "config_sha256": str(provenance.get("config_sha256") or ""),
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


def render(result: Mapping[str, Any], *, lang: str = "zh") -> str:
    import json

    from golive.controls import json_controls

    return json_controls(json.dumps(build(result, lang), ensure_ascii=False, indent=2)) + "\n"
