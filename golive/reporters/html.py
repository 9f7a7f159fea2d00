"""HTML reporter: the readiness report a merchant hands to LianLian's market staff.

One self-contained file (inline CSS, no script, no external fetch; a Content-Security-Policy meta
tag forbids loading anything), printable on A4, Chinese by default. The template
(`templates/report.html.j2`) runs with autoescape on and StrictUndefined, so it only sees the view
model built here from the typed result (golive.result): labels and marks for what the engine
decided (item states, staff rows, verdict sentences, attestations), and HTTP exchanges and
records laid out for reading. The result is already safe: golive.redact.redact_result ran where
it was made or read, and this module renders (and embeds) exactly what it is given.

The result itself (`Result.to_json`) is embedded as ``<script type="application/json" id="golive-result">`` (a data
block: browsers never run it, and the CSP allows no script anyway) so `golive report --from
report.html` can re-render it and `golive verify-report` can check a signed report. `<`, `>` and
`&` are written as JSON ``\\u003c`` escapes so the data cannot close the element. Control characters
in values are shown escaped on the page (``\\x1b``) and kept as JSON escapes in the embedded copy
(golive.controls).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Mapping

from golive.reporters import view
from golive.reporters.view import pick, t, ui
from golive.result import CheckEntry, Result, Waiver, map_strings

MAX_FINDINGS = 60  # per check in the HTML; Reducer already caps at 200
MAX_VALUE = 600  # characters of a field value shown in a table cell
MAX_BODY = 6000  # characters of an HTTP body shown
INLINE_FIELDS, INLINE_VALUE = 8, 80  # small evidence shown on one line instead of a collapsed table
VERDICT_BEGIN = "<!-- golive:verdict -->"
VERDICT_END = "<!-- /golive:verdict -->"
RESULT_ELEMENT_ID = "golive-result"
SIGNATURE_ELEMENT_ID = "golive-signature"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def embed_json(data: Any) -> str:
    """JSON for an inline data block: `<`, `>`, `&` escaped so nothing can end the element."""
    # Key order is kept (not sorted): the report is re-rendered from this copy by verify-report.
    from golive.controls import json_controls

    text = json_controls(json.dumps(data, ensure_ascii=False, indent=1))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@lru_cache(maxsize=1)
def _environment() -> Any:
    from importlib.resources import files

    import jinja2

    root = files("golive.templates")

    def load(name: str) -> str:
        return root.joinpath(name).read_text(encoding="utf-8")

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# -- view model -------------------------------------------------------------------------------------


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _clip(value: Any, limit: int, lang: str) -> str:
    text = _str(value)
    if len(text) <= limit:
        return text
    return text[:limit] + "…" + ui("truncated", lang, n=len(text))


def _elapsed(ev: Mapping[str, Any]) -> str:
    for key, scale in (("elapsed_ms", 1.0), ("duration_ms", 1.0), ("time_ms", 1.0), ("elapsed_s", 1000.0)):
        value = ev.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ms = float(value) * scale
            return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"
    return ""


def _fields(mapping: Mapping[str, Any], lang: str, skip: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Key/value rows. Where evidence carries a text twice (``description`` in English and
    ``description_zh``), only the report's language is shown, under the plain key."""
    rows = []
    for key, value in mapping.items():
        key = str(key)
        if key in skip or value is None or value == "":
            continue
        if key.endswith("_zh") and key[:-3] in mapping:
            continue
        if f"{key}_zh" in mapping and lang != "en" and mapping[f"{key}_zh"] not in (None, ""):
            value = mapping[f"{key}_zh"]
        rows.append({"key": key, "value": _clip(value, MAX_VALUE, lang)})
    return rows


def _is_http(ev: Mapping[str, Any]) -> bool:
    kind = ev.get("kind")
    if kind in ("http", "exchange", "request"):
        return True
    return isinstance(ev.get("request"), Mapping) or ("url" in ev and ("status" in ev or "method" in ev))


def _message_text(first_line: str, part: Any, lang: str) -> str:
    """A request or response written the way HTTP shows it: first line, headers, blank line, body."""
    lines = [first_line] if first_line else []
    if isinstance(part, Mapping):
        headers = part.get("headers")
        if isinstance(headers, Mapping):
            lines += [f"{k}: {_str(v)}" for k, v in headers.items()]
        body = part.get("body")
    else:
        body = part
    text = "\n".join(lines)
    if body not in (None, ""):
        text += ("\n\n" if text else "") + _clip(body, MAX_BODY, lang)
    return text


def evidence_view(ev: Any, lang: str) -> dict[str, Any]:
    """One evidence entry as the template shows it: an HTTP exchange, a capture record, an
    attestation, or a plain field table (anything else)."""
    if not isinstance(ev, Mapping):
        return {"type": "fields", "title": ui("evidence", lang), "fields": [{"key": "", "value": _clip(ev, MAX_VALUE, lang)}]}
    kind = str(ev.get("kind") or "")
    if _is_http(ev):
        request: Mapping[str, Any] = ev["request"] if isinstance(ev.get("request"), Mapping) else {}
        response = ev.get("response") if isinstance(ev.get("response"), Mapping) else None
        status = ev.get("status", (response or {}).get("status"))
        method = _str(ev.get("method") or request.get("method"))
        url = _str(ev.get("url") or request.get("url"))
        answered = response is not None and (status is not None or response.get("body") not in (None, ""))
        return {
            "type": "http",
            "title": _str(ev.get("label") or ev.get("probe") or ev.get("name") or ui("exchange", lang)),
            "method": method, "url": url,
            "status": _str(status) if status is not None else "",
            "elapsed": _elapsed(ev),
            "error": _str(ev.get("error")),
            "request": _message_text(f"{method} {url}".strip(), request or ev.get("request"), lang),
            "response": _message_text(f"HTTP {status}" if status is not None else "", response, lang) if answered else "",
            "extra": _fields(ev, lang, skip=("kind", "label", "probe", "name", "method", "url", "status", "elapsed_ms",
                                             "duration_ms", "time_ms", "elapsed_s", "error", "request", "response")),
        }
    if kind == "attestation":
        return {"type": "attestation", "title": ui("attestations", lang),
                "fields": _fields(ev, lang, skip=("kind",))}
    if kind in ("record", "capture") or ("file" in ev and "line" in ev):
        line = ev.get("line")
        where = _str(ev.get("file")) + (f":{_str(line)}" if line is not None else "") + \
            (f"#{_str(ev.get('pointer'))}" if ev.get("pointer") else "")
        inner = ev.get("fields") if isinstance(ev.get("fields"), Mapping) else ev.get("params")
        fields = _fields(inner, lang) if isinstance(inner, Mapping) else []
        fields += _fields(ev, lang, skip=("kind", "file", "line", "pointer", "fields", "params"))
        return {"type": "record", "title": ui("record", lang), "where": where, "fields": fields}
    fields = _fields(ev, lang, skip=("kind",))
    # A few short facts (a probe's counters, a key's size) read best on one visible line.
    inline = len(fields) <= INLINE_FIELDS and all(len(f["value"]) <= INLINE_VALUE for f in fields)
    title = pick(KIND_TITLE[kind], lang) if kind in KIND_TITLE else kind or ui("evidence", lang)
    return {"type": "inline" if inline else "fields", "title": title, "fields": fields}


KIND_TITLE = {
    "probe": ("探测场景", "Probe scenario"),
    "captures": ("抓包统计", "Captures"),
    "ledger": ("台账统计", "Ledger"),
    "config": ("配置", "Config"),
    "key": ("密钥", "Key"),
}


def _waiver_view(waiver: Waiver | None) -> dict[str, str] | None:
    if waiver is None:
        return None
    return {"check": waiver.check, "approver": waiver.approver, "expires": waiver.expires,
            "justification": waiver.justification, "active": "yes" if waiver.active else "no",
            "source": _str(waiver.source)}


def check_view(check: CheckEntry, lang: str) -> dict[str, Any]:
    status, severity = check.status, check.severity
    findings = []
    for finding in check.findings[:MAX_FINDINGS]:
        findings.append({
            "severity": finding.severity, "severity_label": view.severity_label(finding.severity, lang),
            "location": view.location_text(finding.location),
            "message": t(finding.message, lang),
            "uncertain": finding.uncertain,
            "data": _fields(finding.data, lang),
        })
    return {
        "id": check.id, "anchor": "check-" + check.id.lower(),
        "status": status, "status_label": view.status_label(status, lang), "mark": view.STATUS_MARK.get(status, "?"),
        "severity": severity, "severity_label": view.severity_label(severity, lang),
        "title": t(check.title, lang) or check.id,
        "checked": t(check.checked, lang), "reason": t(check.reason, lang),
        "findings": findings, "findings_more": max(len(check.findings) - MAX_FINDINGS, 0),
        "evidence": [evidence_view(ev, lang) for ev in check.evidence],
        "remediation": t(check.remediation, lang), "rationale": t(check.rationale, lang),
        "references": list(check.references),
        "waiver": _waiver_view(check.waiver),
        "expired_waiver": _waiver_view(check.expired_waiver),
        "duration": _elapsed({"duration_ms": check.duration_ms}) if check.duration_ms else "",
        # Problems are open; passing and not-applicable checks stay compact until clicked.
        "open": status in ("fail", "error", "manual", "waived"),
        # Shown under the title while the check is collapsed: what a pass looked at, why n/a.
        "sub": t(check.checked, lang) if status == "pass" else t(check.reason, lang)
        if status in ("not_applicable", "skipped") else "",
        "brief": status in ("not_applicable", "skipped"),
    }


def _headline(result: Result, lang: str) -> str:
    sev = view.severity_label(result.summary.fail_on, lang)
    reasons = result.summary.reasons
    if result.verdict == "ready":
        return ui("headline_ready", lang, sev=sev)
    if result.verdict == "not_ready":
        return ui("headline_not_ready", lang, sev=sev, n=sum(1 for r in reasons if r.kind == "fail"))
    return ui("headline_incomplete", lang, n=len(reasons))


def _attestations(result: Result, lang: str) -> list[dict[str, Any]]:
    return [{"check": row.check, "title": t(row.title, lang), "state": row.state, "by": row.attested_by,
             "date": row.date, "note": t(row.note, lang)} for row in result.summary.attestations]


EVIDENCE_STATE = {"ok": ("已收集", "gathered"), "missing": ("未提供", "not provided"), "failed": ("收集失败", "failed")}
TIMING_LABEL = {
    "gather_config_s": ("读取配置与密钥", "config and keys"),
    "stream_captures_s": ("读取抓包", "captures"),
    "stream_ledger_s": ("读取台账", "ledger"),
    "probes_s": ("在线探测", "live probes"),
}


def _evidence_state(state: str, lang: str) -> str:
    return pick(EVIDENCE_STATE.get(state, (state, state)), lang)


def _provenance(result: Result, lang: str) -> dict[str, Any]:
    prov = result.provenance
    yes_no = {True: ui("yes", lang), False: ui("no", lang)}
    rows = [
        (ui("tool_version", lang), f"golive {prov.tool_version or result.tool.version}"),
        (ui("run_id", lang), prov.run_id),
        (ui("python", lang), prov.python),
        (ui("time", lang), prov.time),
        (ui("profile", lang), prov.profile or result.profile.name),
        (ui("environment", lang), view.environment_label(prov.environment or result.merchant.environment, lang)),
        (ui("config_file", lang), prov.config_file),
        (ui("config_sha256", lang), prov.config_sha256),
        (ui("probe", lang), yes_no[prov.probe]),
        (ui("online", lang), yes_no[prov.online]),
    ]
    targets = list(prov.probe_targets)
    inputs = [{"kind": i.kind, "file": i.file, "bytes": _str(i.bytes),
               "unreadable": ui("unreadable_lines", lang, n=_str(i.unreadable), of=_str(i.records),
                                first=_str(i.first_unreadable)) if i.unreadable else ""}
              for i in prov.inputs]
    return {
        "rows": [{"key": k, "value": v} for k, v in rows if v],
        "probe_targets": targets,
        "more_targets": ui("more_targets", lang, n=max(len(targets) - 6, 0)),
        "inputs": inputs,
        "timings": [{"key": pick(TIMING_LABEL.get(k, (k, k)), lang), "value": f"{v:.3f} s"}
                    for k, v in prov.timings_s.items()],
        "evidence": [{"name": name, "state": _evidence_state(ev.state, lang), "source": _str(ev.source),
                      "reason": t(ev.reason, lang)} for name, ev in result.evidence.items()],
    }


def _signature_view(signature: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not signature:
        return None
    return {
        "algorithms": " + ".join(_str(a) for a in signature.get("algorithms") or []),
        "result_sha256": _str(signature.get("result_sha256")),
        "fingerprint": _str(signature.get("public_key_sha256")),
        "bits": _str(signature.get("key_bits")),
    }


def build_model(result: Result, lang: str, signature: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything the template shows, from an already-safe result."""
    merchant, summary = result.merchant, result.summary
    items: list[dict[str, Any]] = []
    for item, item_summary, group in result.checks_by_item():
        mark, label = view.item_mark_label(item_summary.state, lang)
        items.append({
            "key": item, "anchor": "item-" + item.replace(".", "-"), "title": t(item_summary.title, lang),
            "status": item_summary.state, "status_label": label, "mark": mark,
            "checks": [check_view(c, lang) for c in group],
        })
    counts = [{"status": s, "label": view.status_label(s, lang), "mark": view.STATUS_MARK[s], "n": summary.counts[s]}
              for s in view.STATUSES if summary.counts.get(s)]
    gate = summary.fail_on
    staff = []
    for row in summary.staff:
        mark, state_label = view.staff_mark_label(row.state, lang)
        staff.append({"key": row.id, "label": t(row.label, lang), "question": t(row.question, lang), "item": row.item,
                      "state": row.state, "mark": mark, "state_label": state_label, "line": t(row.note, lang)})
    model: dict[str, Any] = {
        "lang": "en" if lang == "en" else "zh",
        "html_lang": "en" if lang == "en" else "zh-CN",
        "csp": CSP,
        "generator": f"golive {result.tool.version}",
        "L": {key: view.pick(pair, lang) for key, pair in view.UI.items() if "{" not in pair[0]},
        "merchant": {
            "name": merchant.name or "—", "oid_partner": merchant.oid_partner or "—",
            "environment": merchant.environment,
            "environment_label": view.environment_label(merchant.environment, lang) or "—",
            "channels": ", ".join(merchant.channels) or "—",
            "category": merchant.frms_ware_category or "—",
            "sign_types": f"{merchant.sign_type or '—'} / {merchant.notify_sign_type or '—'}",
        },
        "profile": {"name": result.profile.name or "—", "title": t(result.profile.title, lang)},
        "selection": _selection_line(result, lang),
        "time": result.provenance.time or "—",
        "gate": ui("gate_value", lang, sev=view.severity_label(gate, lang)),
        "verdict": {"key": result.verdict, "label": view.verdict_label(result.verdict, lang),
                    "mark": view.VERDICT_MARK.get(result.verdict, "!"),
                    "headline": _headline(result, lang), "reasons": [t(r.text, lang) for r in summary.reasons]},
        "staff": staff,
        "counts": counts,
        "items": items,
        "waivers": [w for w in (_waiver_view(x) for x in result.waivers) if w],
        "attestations": _attestations(result, lang),
        "provenance": _provenance(result, lang),
        "signature": _signature_view(signature),
        "more_findings": {c["id"]: ui("more_findings", lang, n=c["findings_more"])
                          for i in items for c in i["checks"] if c["findings_more"]},
        "verdict_begin": VERDICT_BEGIN, "verdict_end": VERDICT_END,
        "result_id": RESULT_ELEMENT_ID, "signature_id": SIGNATURE_ELEMENT_ID,
    }
    return model


def _selection_line(result: Result, lang: str) -> str | None:
    """The header's warning that this was not a full run (--select / --skip), with what it left out."""
    selection = result.provenance.selection
    if selection is None:
        return None
    chosen = " ".join(part for part in (
        f"--select {','.join(selection.select)}" if selection.select else "",
        f"--skip {','.join(selection.skip)}" if selection.skip else "") if part)
    items = [t(result.item_title(i), lang) for i in selection.items_without_judgement]
    skipped = len(selection.skipped_checks)
    if lang == "en":
        return (f"Partial run{': ' + chosen if chosen else ''} — {skipped} check(s) not run"
                + (f"; not judged: {'; '.join(items)}" if items else ""))
    return (f"部分检查{'：' + chosen if chosen else ''}，{skipped} 项检查未运行"
            + (f"；未判定：{'；'.join(items)}" if items else ""))


def render(result: Result, *, lang: str = "zh", signature: Mapping[str, Any] | None = None) -> str:
    """The HTML report. `signature` comes from `golive.report_signing.sign_result` (same result)."""
    from markupsafe import Markup

    from golive.controls import visible

    # What the page shows has its control characters escaped (golive.controls); the embedded copy
    # keeps the exact values, as JSON escapes.
    model = build_model(map_strings(result, lambda text: visible(text, lines=True)), lang, signature)
    model["verdict_begin"], model["verdict_end"] = Markup(VERDICT_BEGIN), Markup(VERDICT_END)
    model["embedded_result"] = Markup(embed_json(result.to_json()))
    model["embedded_signature"] = Markup(embed_json(dict(signature))) if signature else None
    return str(_environment().get_template("report.html.j2").render(**model))
