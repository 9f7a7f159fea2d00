"""The end of a run: the engine's check results turned into the typed `golive.result.Result`,
judged (golive.verdict) and redacted once.

This is the result-building half of golive.engine (its `build_result`, `_selection`,
`_item_status` and `CheckResult.to_dict` lived there); `Run` gathers and judges, this module
writes down what it found. The redaction pass (golive.redact.redact_result) runs here, once, over
the whole document: personal data by name and by shape, and the exact secrets the run read,
wherever a check or a gatherer let them in. A result from outside (`golive report --from`) takes
the same pass through `redacted`.
"""

from __future__ import annotations

import datetime as dt
import platform
import uuid
from typing import TYPE_CHECKING, Iterable, Sequence

from golive import __version__
from golive.result import (
    RESULT_SCHEMA,
    Attestation,
    CheckEntry,
    EvidenceState,
    Finding,
    InputFile,
    Location,
    Merchant,
    Profile,
    Provenance,
    Result,
    Selection,
    Text,
    Tool,
    VerdictReason,
    Waiver,
    location_text,
)
from golive.verdict import compute_verdict, gating, summarize

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive import model
    from golive.engine import CheckResult, Run
    from golive.waivers import Waiver as RunWaiver


def text(value: model.Text) -> Text:
    return Text(value.zh, value.en)


def item_titles() -> dict[str, Text]:
    """Every go-live item in the guide's order, with its title."""
    from golive.model import Item

    return {item.value: text(item.title) for item in Item}


def waiver_entry(waiver: RunWaiver, today: dt.date) -> Waiver:
    return Waiver(check=waiver.check, justification=waiver.justification, approver=waiver.approver,
                  expires=waiver.expires.isoformat(), active=waiver.active(today), source=waiver.source)


def finding_entry(finding: model.Finding, default: model.Severity) -> Finding:
    where = finding.location
    location = None if where is None else Location(
        file=where.file, line=where.line, pointer=where.pointer, text=location_text(where.file, where.line, where.pointer))
    return Finding(message=text(finding.message), location=location, severity=(finding.severity or default).value,
                   uncertain=finding.uncertain, data=dict(finding.data))


def check_entry(r: CheckResult, today: dt.date, fail_on: model.Severity) -> CheckEntry:
    meta, judgement = r.check.meta, r.judgement
    scope = r.attestation
    return CheckEntry(
        id=meta.id, status=r.status.value, severity=r.severity.value, item=meta.item.value,
        title=text(meta.title), rationale=text(meta.rationale), remediation=text(meta.remediation),
        references=tuple(meta.references),
        checked=text(judgement.checked) if judgement and judgement.checked else None,
        reason=text(r.reason) if r.reason else None,
        findings=tuple(finding_entry(f, r.severity) for f in (judgement.findings if judgement else ())),
        evidence=tuple(dict(e) for e in (judgement.evidence if judgement else ())),
        waiver=waiver_entry(r.waiver, today) if r.waiver else None,
        expired_waiver=waiver_entry(r.expired_waiver, today) if r.expired_waiver else None,
        attestation=None if not scope else Attestation(
            scope=str(scope["scope"]), offered=bool(scope["offered"]), attested_by=str(scope["attested_by"]),
            date=str(scope["date"]), note=None if scope.get("note") is None else str(scope["note"]),
            key=str(scope["key"])),
        duration_ms=round(r.duration_ms, 2),
        gating=gating(r.severity.value, fail_on.value),
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def build_result(run: Run, results: Sequence[CheckResult], verdict: model.Verdict,
                 reasons: Sequence[VerdictReason]) -> Result:
    """The result of `run` (not yet redacted: `finish` does that)."""
    today = run.now.date()
    fail_on = run.options.fail_on
    checks = tuple(check_entry(r, today, fail_on) for r in results)
    config = run.config
    profile = run.profile
    return Result(
        schema=RESULT_SCHEMA,
        tool=Tool(name="golive", version=__version__),
        merchant=Merchant(
            oid_partner=_optional_str(config.get("merchant.oid_partner")),
            name=_optional_str(config.get("merchant.name")),
            environment=run.environment,
            channels=tuple(str(c) for c in config.get("merchant.channels", []) or ()),
            frms_ware_category=_optional_str(config.get("merchant.frms_ware_category")),
            sign_type=_optional_str(config.get("signing.sign_type")),
            notify_sign_type=_optional_str(config.get("signing.notify_sign_type")),
        ),
        profile=Profile(name=profile.name, title=text(profile.title), extends=tuple(profile.extends),
                        categories=tuple(profile.categories), required_fields=tuple(profile.required_fields),
                        recommended_fields=tuple(profile.recommended_fields),
                        optional_fields=tuple(profile.optional_fields), identity_required=profile.identity_required),
        verdict=verdict.value,
        summary=summarize(checks, reasons, fail_on=fail_on.value, environment=run.environment, titles=item_titles()),
        checks=checks,
        waivers=tuple(waiver_entry(w, today) for w in run.waivers),
        evidence={str(name): EvidenceState(state=str(ev["state"]), source=_optional_str(ev.get("source")),
                                           reason=Text(**ev["reason"]) if ev.get("reason") else None)
                  for name, ev in run.bundle.summary().items()},
        provenance=Provenance(
            # Names this run in every report format, so files of two runs sharing an output
            # directory can be told apart (golive.report_files).
            run_id=uuid.uuid4().hex[:16],
            config_file=config.display,
            config_sha256=config.sha256,
            tool_version=__version__,
            python=platform.python_version(),
            time=run.now.isoformat(timespec="seconds"),
            profile=profile.name,
            environment=run.environment,
            probe=run.options.probe,
            online=run.options.online,
            probe_targets=tuple(str(t) for t in run.provenance.get("probe_targets", [])),
            selection=selection_of(run, results),
            inputs=tuple(InputFile(kind=str(i.get("kind", "")), file=str(i.get("file", "")),
                                   bytes=int(i.get("bytes") or 0), records=int(i.get("records") or 0),
                                   unreadable=int(i.get("unreadable") or 0),
                                   first_unreadable=_optional_str(i.get("first_unreadable")))
                         for i in run.inputs),
            timings_s={k: round(v, 3) for k, v in run.timings.items()},
        ),
    )


def selection_of(run: Run, results: Sequence[CheckResult]) -> Selection | None:
    """What --select/--skip (and profiles) left out, recorded for staff; None for a full run."""
    from golive.model import Status

    skipped = [r.check.meta.id for r in results if r.status is Status.SKIPPED]
    if not skipped:
        return None
    judged = {r.check.meta.item.value for r in results if r.status in (Status.PASS, Status.FAIL, Status.WAIVED)}
    return Selection(
        select=tuple(sorted(run.options.select)) if run.options.select is not None else None,
        skip=tuple(sorted(run.options.skip)),
        skipped_checks=tuple(skipped),
        items_without_judgement=tuple(sorted({r.check.meta.item.value for r in results
                                              if r.status is Status.SKIPPED} - judged)),
    )


def redacted(result: Result, secrets: Iterable[str] = (), source: str = "the result") -> Result:
    """The one redaction pass (golive.redact.redact_result) over a whole result: the same rules
    by field name and by shape whether golive just made it or it came from outside. Idempotent,
    so a result golive wrote comes through unchanged."""
    from golive.redact import redact_result

    document = result.to_json()
    safe = redact_result(document, secrets)
    return result if safe == document else Result.from_json(safe, source)


def finish(run: Run, results: Sequence[CheckResult]) -> Result:
    """Verdict, result and the redaction pass, for a judged run."""
    verdict, reasons = compute_verdict(results, run.options.fail_on, run.environment)
    return redacted(build_result(run, results, verdict, reasons), run.secret_values())
