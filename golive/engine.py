"""The run: plan -> gather -> judge -> verdict -> result.

The selected checks say which evidence kinds they read; the plan runs the gatherers that produce
them (golive/gathering.py), which are the only I/O and store failures as values. Judging calls the
pure checks, each through a view of the kinds it declared; record streams (captures, ledger) are
read once and fed to every reducer. A check that raises is reported as `error` with the exception,
never as `pass`. The verdict applies waivers, attestations, the gate threshold and item coverage:
a go-live item that no check could judge keeps the verdict from `ready`, so a run without evidence
is `incomplete`, not falsely green.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from golive import __version__
from golive.config import LoadedConfig, load_config, resolve_path
from golive.errors import InputError
from golive.evidence.bundle import Bundle, Evidence, EvidenceView
from golive.model import Check, Context, Finding, Item, Judgement, Outcome, Reducer, Severity, Status, Text, Verdict
from golive.profile import Profile, load_profile
from golive.waivers import Waiver, load_waivers

RESULT_SCHEMA = "golive.result/1"


@dataclass
class RunOptions:
    config_path: Path
    profile: str | None = None
    captures: list[str] = field(default_factory=list)
    ledger: str | None = None
    scan: str | None = None  # golive scan results (a file) or a repository to scan (a directory)
    probe: bool = False
    allow_probe_hosts: set[str] = field(default_factory=set)  # non-loopback hosts the user confirmed
    online: bool = False
    waivers: str | None = None
    fail_on: Severity = Severity.HIGH
    select: set[str] | None = None
    skip: set[str] = field(default_factory=set)
    now: dt.datetime | None = None
    environ: Mapping[str, str] | None = None
    progress: Callable[[str], Any] | None = None  # receives short status lines
    config_display: str | None = None  # name findings use for the config file (default: its path)


@dataclass
class CheckResult:
    check: Check
    status: Status
    severity: Severity
    judgement: Judgement | None
    reason: Text | None = None
    waiver: Waiver | None = None
    expired_waiver: Waiver | None = None
    duration_ms: float = 0.0
    attestation: Mapping[str, Any] | None = None  # a scope declaration that made the check not apply

    def to_dict(self, today: dt.date) -> dict[str, Any]:
        meta = self.check.meta
        judgement = self.judgement
        findings = [f.to_dict(self.severity) for f in (judgement.findings if judgement else ())]
        return {
            "id": meta.id,
            "status": self.status.value,
            "severity": self.severity.value,
            "item": meta.item.value,
            "title": meta.title.to_dict(),
            "rationale": meta.rationale.to_dict(),
            "remediation": meta.remediation.to_dict(),
            "references": list(meta.references),
            "checked": judgement.checked.to_dict() if judgement and judgement.checked else None,
            "reason": self.reason.to_dict() if self.reason else None,
            "findings": findings,
            "evidence": [dict(e) for e in (judgement.evidence if judgement else ())],
            "waiver": self.waiver.to_dict(today) if self.waiver else None,
            "expired_waiver": self.expired_waiver.to_dict(today) if self.expired_waiver else None,
            "attestation": dict(self.attestation) if self.attestation else None,
            "duration_ms": round(self.duration_ms, 2),
        }


def _max_severity(findings: Iterable[Finding], default: Severity) -> Severity:
    severities = [f.severity or default for f in findings]
    return max(severities, key=lambda s: s.rank) if severities else default


def status_from_judgement(judgement: Judgement, severity: Severity) -> tuple[Status, Severity]:
    """Map what a check saw to a status. A failed check's severity is its worst finding's."""
    outcome = judgement.outcome
    if outcome is Outcome.VIOLATIONS:
        return Status.FAIL, _max_severity(judgement.findings, severity)
    if outcome is Outcome.CLEAN:
        if judgement.checked is None:  # a clean verdict must say what it looked at
            return Status.ERROR, severity
        return Status.PASS, severity
    if outcome is Outcome.ATTESTED:
        return Status.PASS, severity
    if outcome is Outcome.NOT_APPLICABLE:
        return Status.NOT_APPLICABLE, severity
    if outcome is Outcome.NEEDS_ATTESTATION:
        return Status.MANUAL, severity
    return Status.ERROR, severity


def _missing_evidence(check: Check, bundle: Bundle) -> tuple[Status, Text] | None:
    for name in check.meta.required:
        evidence = bundle.get(name)
        if evidence.state.value == "failed":
            return Status.ERROR, evidence.reason or Text("证据收集失败", "gathering evidence failed")
        if evidence.state.value == "missing":
            return Status.NOT_APPLICABLE, evidence.reason or Text("无相关证据", "no such evidence")
    return None


def scope_decision(config: LoadedConfig, scope: str, today: dt.date) -> tuple[Status, Text, dict[str, Any] | None] | None:
    """A merchant's declaration that it has no such business (``scope.<scope>.offered: false``).

    With who attests it and when, the check does not apply and staff see the attestation; without
    them it is manual. None when nothing is declared (the check runs as usual)."""
    declared = config.get(f"scope.{scope}")
    if not isinstance(declared, dict) or declared.get("offered") is not False:
        return None
    key = f"scope.{scope}"
    who, when = declared.get("attested_by"), declared.get("date")
    if not who or not when:
        return Status.MANUAL, Text(
            f"{key}.offered 为 false，但缺少证明人（attested_by）和日期（date）：请写明谁确认本商户没有该业务、何时确认",
            f"{key}.offered is false, but who attests it (attested_by) and when (date) are missing"), None
    try:
        date = dt.date.fromisoformat(str(when))
    except ValueError:
        return Status.MANUAL, Text(f"{key}.date 不是日期：{when}", f"{key}.date is not a date: {when}"), None
    if date > today:
        return Status.MANUAL, Text(f"{key}.date {date} 在未来", f"{key}.date {date} is in the future"), None
    attestation = {"scope": scope, "offered": False, "attested_by": who, "date": date.isoformat(),
                   "note": declared.get("note"), "key": key}
    return Status.NOT_APPLICABLE, Text(
        f"商户声明没有{_SCOPE_NAMES.get(scope, (scope, scope))[0]}业务，由 {who} 于 {date} 确认（{key}）",
        f"the merchant declares it has no {_SCOPE_NAMES.get(scope, (scope, scope))[1]}, attested by {who} on {date} ({key})"), attestation


_SCOPE_NAMES = {"withdrawals": ("提现", "withdrawals"), "payouts": ("代付（商户付款）", "payouts (代付)")}


def _crash(exc: BaseException, what: str = "check") -> Text:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    zh = "检查程序出错" if what == "check" else "证据收集程序出错"
    return Text(f"{zh}：{type(exc).__name__}: {exc}{at}", f"{what} crashed: {type(exc).__name__}: {exc}{at}")


class Run:
    """One golive check run; keeps the pieces the result needs."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.now = options.now or dt.datetime.now().astimezone()
        self.config: LoadedConfig = load_config(options.config_path, options.config_display)
        profile_name = options.profile or self.config.get("merchant.profile") or "base"
        try:
            self.profile: Profile = load_profile(profile_name)
        except InputError as exc:
            if exc.key == "merchant.profile" and not options.profile:
                raise self.config.error("merchant.profile", exc.message) from None
            raise
        self.environment: str = self.config.get("merchant.environment", "integration")
        if options.probe:  # refuse an undeclared, non-loopback target before anything is read or sent
            from golive.probes.runner import check_probe_hosts

            check_probe_hosts(self.config, options.allow_probe_hosts)
        self.bundle = Bundle()
        self.waivers: list[Waiver] = []
        self.provenance: dict[str, Any] = {"probe_targets": []}
        self.inputs: list[dict[str, Any]] = []
        self.timings: dict[str, float] = {}
        self.crashed: dict[str, BaseException] = {}  # reducers whose feed() raised
        self._load_waivers()

    # -- selection --------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if self.options.progress:
            self.options.progress(text)

    def _load_waivers(self) -> None:
        written = self.options.waivers
        path = Path(written) if written else None
        if path is None and self.config.get("waivers"):
            path = resolve_path(self.config, self.config.get("waivers"))
        if path is not None:
            self.waivers = load_waivers(path)

    def selected(self, check: Check) -> bool:
        check_id = check.meta.id
        if self.options.select is not None and check_id not in self.options.select:
            return False
        return check_id not in self.options.skip and self.profile.enabled(check_id)

    def checks(self) -> list[Check]:
        from golive.registry import all_checks

        return list(all_checks())

    # -- gather -----------------------------------------------------------------------------------
    def gather(self, checks: list[Check]) -> None:
        """Run the gatherers that produce what the selected checks read, in dependency order."""
        from golive.gathering import GatherContext, plan

        wanted: set[str] = set()
        for check in checks:
            if self.selected(check) and not self._scoped_out(check):
                wanted |= check.meta.readable
        environ = dict(os.environ if self.options.environ is None else self.options.environ)
        for gatherer, kinds in plan(wanted):
            started = time.perf_counter()
            ctx = GatherContext(self.config, self.options, environ, self.now, kinds, self._say,
                                {k: self.bundle.get(k) for k in gatherer.uses})
            try:
                produced = dict(gatherer.gather(ctx))
            except (InputError, KeyboardInterrupt):
                raise
            except Exception as exc:  # a crashing gatherer is an error of its evidence, never a pass
                produced = {kind: Evidence.failed(_crash(exc, "gatherer")) for kind in gatherer.produces}
            for kind in gatherer.produces:
                self.bundle.put(kind, produced.get(kind) or Evidence.failed(Text(
                    f"{gatherer.name} 没有给出证据 {kind}", f"{gatherer.name} produced no {kind} evidence")))
            self.provenance.update(ctx.provenance)
            self.timings[f"gather_{gatherer.name}_s"] = time.perf_counter() - started

    def _scoped_out(self, check: Check) -> bool:
        """A check the merchant declared out of scope (scope.*) needs no evidence gathered."""
        return bool(check.meta.scope) and self.config.get(f"scope.{check.meta.scope}.offered") is False

    # -- judge ------------------------------------------------------------------------------------
    def context(self, check: Check) -> Context:
        return Context(
            profile=self.profile, environment=self.environment, now=self.now,
            severity=self.profile.severity_for(check.meta.id, check.meta.severity),
            config_file=self.config.display, config_lines=self.config.lines,
        )

    def view(self, check: Check) -> EvidenceView:
        return EvidenceView(self.bundle, check.meta.readable, check.meta.id)

    def _reducers(self, checks: list[Check]) -> dict[str, Reducer]:
        """A reducer for every selected stream check whose evidence is there."""
        reducers: dict[str, Reducer] = {}
        for check in checks:
            if check.stream_judge is None or not self.selected(check) or self._scoped_out(check):
                continue
            if _missing_evidence(check, self.bundle):
                continue
            try:
                reducers[check.meta.id] = check.stream_judge(self.view(check), self.context(check))
            except Exception as exc:  # a crash is an error of this check, never a pass
                self.crashed[check.meta.id] = exc
        return reducers

    def _stream(self, kind: str, reducers: list[tuple[str, Reducer]]) -> None:
        """Read one record stream once, feeding every reducer of it."""
        from golive.evidence.streams import RecordSource

        source = self.bundle.value(kind)
        assert isinstance(source, RecordSource)
        started = time.perf_counter()
        self._say(f"reading {source.source}")
        # Bound feed methods and local state: this loop runs once per record of million-row files.
        feeders = [(check_id, reducer.feed) for check_id, reducer in reducers]
        crashed = self.crashed
        for record in source:
            for check_id, feed in feeders:
                try:
                    feed(record)
                except Exception as exc:  # one crashing check must not abort the run or pass
                    crashed[check_id] = exc
            if crashed:
                feeders = [(i, f) for i, f in feeders if i not in crashed]
        self.timings[f"stream_{kind}_s"] = time.perf_counter() - started
        self.inputs.extend(stats.to_dict(kind) for stats in source.stats)
        problem = source.problem()
        if problem is not None:  # a file of which not one line could be read: its checks cannot judge
            self.bundle.put(kind, Evidence.failed(problem, source=source.source))

    def judge(self, checks: list[Check]) -> list[CheckResult]:
        from golive.evidence.kinds import KINDS

        reducers = self._reducers(checks)
        for kind in (name for name, k in KINDS.items() if k.stream):
            of_kind = [(c.meta.id, reducers[c.meta.id]) for c in checks
                       if c.meta.stream == kind and c.meta.id in reducers]
            if of_kind:
                self._stream(kind, of_kind)
        results: list[CheckResult] = []
        for check in checks:
            if not self.selected(check):
                results.append(CheckResult(check, Status.SKIPPED, check.meta.severity, None,
                                           Text("未选中本检查", "deselected")))
            else:
                results.append(self._judge_one(check, reducers.get(check.meta.id)))
        return results

    def _judge_one(self, check: Check, reducer: Reducer | None) -> CheckResult:
        severity = self.profile.severity_for(check.meta.id, check.meta.severity)
        if check.meta.scope:
            decided = scope_decision(self.config, check.meta.scope, self.now.date())
            if decided is not None:
                return CheckResult(check, decided[0], severity, None, decided[1], attestation=decided[2])
        missing = _missing_evidence(check, self.bundle)
        if missing:
            return CheckResult(check, missing[0], severity, None, missing[1])
        if check.meta.id in self.crashed:
            return CheckResult(check, Status.ERROR, severity, None, _crash(self.crashed[check.meta.id]))
        started = time.perf_counter()
        try:
            if reducer is not None:
                judgement = reducer.finish()
            else:
                assert check.judge is not None
                judgement = check.judge(self.view(check), self.context(check))
            if not isinstance(judgement, Judgement):
                raise TypeError(f"returned {type(judgement).__name__}, not a Judgement")
        except Exception as exc:  # a crashing check is an error, never a pass
            return CheckResult(check, Status.ERROR, severity, None, _crash(exc),
                               duration_ms=(time.perf_counter() - started) * 1000)
        status, effective = status_from_judgement(judgement, severity)
        result = CheckResult(check, status, effective, judgement, judgement.reason,
                             duration_ms=(time.perf_counter() - started) * 1000)
        if status is Status.FAIL:
            self._apply_waiver(result)
        return result

    def _apply_waiver(self, result: CheckResult) -> None:
        today = self.now.date()
        for waiver in self.waivers:
            if waiver.check != result.check.meta.id:
                continue
            if waiver.active(today):
                result.status, result.waiver = Status.WAIVED, waiver
                return
            result.expired_waiver = waiver

    def secret_values(self) -> tuple[str, ...]:
        """The exact secrets this run read (scrubbed from the result wherever they slipped in)."""
        signing = self.bundle.get("signing")
        return signing.value.secret_values() if signing.is_ok else ()


def compute_verdict(results: list[CheckResult], threshold: Severity, environment: str) -> tuple[Verdict, list[dict[str, Any]]]:
    """The verdict and the reasons for it (design.md §3), including go-live items nobody judged."""
    reasons: list[dict[str, Any]] = []
    failed = [r for r in results if r.status is Status.FAIL and r.severity.at_least(threshold)]
    open_ = [r for r in results if r.status in (Status.ERROR, Status.MANUAL) and r.severity.at_least(threshold)]
    for r in failed:
        reasons.append({"kind": "fail", "check": r.check.meta.id, "severity": r.severity.value})
    for r in open_:
        reasons.append({"kind": r.status.value, "check": r.check.meta.id, "severity": r.severity.value})
    # Item coverage: every review item (and, in production, every pre-release item) needs at
    # least one check that actually judged it; otherwise nothing was shown and "ready" would lie.
    for item in Item:
        if not item.on_golive_list or (item.value.startswith("release.") and environment != "production"):
            continue
        of_item = [r for r in results if r.check.meta.item is item]
        if not of_item:
            continue  # no check of this registry judges the item (nothing can be asked of it)
        if all(r.attestation and r.status is Status.NOT_APPLICABLE for r in of_item):
            continue  # the merchant attested it has no such business (scope.*): shown to staff as such
        if not any(r.status in (Status.PASS, Status.WAIVED, Status.FAIL) and r.check.meta.proves_item for r in of_item):
            # Deselecting (--select/--skip) never makes an item green: nothing judged it.
            deselected = all(r.status is Status.SKIPPED for r in of_item if r.check.meta.proves_item)
            reasons.append({"kind": "deselected" if deselected else "uncovered", "item": item.value,
                            "title": item.title.to_dict()})
    if failed:
        return Verdict.NOT_READY, reasons
    if reasons:
        return Verdict.INCOMPLETE, reasons
    return Verdict.READY, reasons


def build_result(run: Run, results: list[CheckResult], verdict: Verdict, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    import uuid

    today = run.now.date()
    counts = {status.value: 0 for status in Status}
    for r in results:
        counts[r.status.value] += 1
    items: dict[str, Any] = {}
    for item in Item:
        statuses = [r.status.value for r in results if r.check.meta.item is item]
        items[item.value] = {"title": item.title.to_dict(), "statuses": statuses, "status": _item_status(statuses)}
    config = run.config
    merchant = {
        "oid_partner": config.get("merchant.oid_partner"),
        "name": config.get("merchant.name"),
        "environment": run.environment,
        "channels": config.get("merchant.channels", []),
        "frms_ware_category": config.get("merchant.frms_ware_category"),
        "sign_type": config.get("signing.sign_type"),
        "notify_sign_type": config.get("signing.notify_sign_type"),
    }
    return {
        "schema": RESULT_SCHEMA,
        "tool": {"name": "golive", "version": __version__},
        "merchant": merchant,
        "profile": run.profile.to_dict(),
        "verdict": verdict.value,
        "summary": {
            "fail_on": run.options.fail_on.value,
            "counts": counts,
            "items": items,
            "reasons": reasons,
        },
        "checks": [r.to_dict(today) for r in results],
        "waivers": [w.to_dict(today) for w in run.waivers],
        "evidence": run.bundle.summary(),
        "provenance": {
            # Names this run in every report format, so files of two runs sharing an output
            # directory can be told apart (golive.report_files).
            "run_id": uuid.uuid4().hex[:16],
            "config_file": config.display,
            "config_sha256": config.sha256,
            "tool_version": __version__,
            "python": platform.python_version(),
            "time": run.now.isoformat(timespec="seconds"),
            "profile": run.profile.name,
            "environment": run.environment,
            "probe": run.options.probe,
            "online": run.options.online,
            "probe_targets": run.provenance.get("probe_targets", []),
            "selection": _selection(run, results),
            "inputs": run.inputs,
            "timings_s": {k: round(v, 3) for k, v in run.timings.items()},
        },
    }


def _selection(run: Run, results: list[CheckResult]) -> dict[str, Any] | None:
    """What --select/--skip (and profiles) left out, recorded for staff; None for a full run."""
    skipped = [r.check.meta.id for r in results if r.status is Status.SKIPPED]
    if not skipped:
        return None
    return {
        "select": sorted(run.options.select) if run.options.select is not None else None,
        "skip": sorted(run.options.skip),
        "skipped_checks": skipped,
        "items_without_judgement": sorted({r.check.meta.item.value for r in results if r.status is Status.SKIPPED}
                                          - {r.check.meta.item.value for r in results
                                             if r.status in (Status.PASS, Status.FAIL, Status.WAIVED)}),
    }


def _item_status(statuses: list[str]) -> str:
    for status in ("fail", "error", "manual", "waived", "pass", "not_applicable", "skipped"):
        if status in statuses:
            return status
    return "not_applicable"


def run_check(options: RunOptions) -> dict[str, Any]:
    """Run everything and return the result dict (golive.result/1). Raises InputError on bad input."""
    run = Run(options)
    checks = run.checks()
    run.gather(checks)
    results = run.judge(checks)
    verdict, reasons = compute_verdict(results, options.fail_on, run.environment)
    result = build_result(run, results, verdict, reasons)
    from golive.redact import redact_result

    # The one redaction pass (golive.redact): personal data by name and by shape, and the exact
    # secrets this run read, wherever a check or a gatherer let them into the result.
    return redact_result(result, run.secret_values())
