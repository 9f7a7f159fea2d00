"""The run: plan -> gather -> judge -> verdict -> result.

The selected checks say which evidence kinds they read; the plan runs the gatherers that produce
them (golive/gathering.py), which are the only I/O and store failures as values. Judging calls the
pure checks, each through a view of the kinds it declared; record streams (captures, ledger) are
read once and fed to every reducer -- on a machine with more than one CPU in child processes, while
the other gatherers run (golive/passes.py; ``--jobs 1`` reads everything here). A check that
raises is reported as `error` with the exception, never as `pass`. The verdict applies waivers,
attestations, the gate threshold and item coverage: a go-live item that no check could judge keeps
the verdict from `ready`, so a run without evidence is `incomplete`, not falsely green.

The verdict and every other judgement a report shows live in golive.verdict; turning the check
results into the typed result (golive.result) and the one redaction pass, in golive.result_build.

With ``--save-evidence DIR`` the run also writes its evidence (golive.evidence.store) as it gathers
and reads it; with ``--from-evidence DIR`` it gathers nothing and judges the saved evidence, with the
saved run's time, config, profile, selection and waivers.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from golive.config import LoadedConfig, load_config, resolve_path
from golive.errors import InputError
from golive.evidence.bundle import Bundle, Evidence, EvidenceView
from golive.model import Check, Context, Finding, Judgement, Outcome, Reducer, Severity, Status, Text
from golive.profile import Profile, load_profile
from golive.progress import Event, Say
from golive.result import RESULT_SCHEMA, Result
from golive.verdict import compute_verdict
from golive.waivers import Waiver, load_waivers

__all__ = ["RESULT_SCHEMA", "CheckResult", "Run", "RunOptions", "compute_verdict", "run_check", "run_result",
           "scope_decision", "status_from_judgement"]


# What a record of each stream is called in the progress display, and how often it is counted.
STREAM_UNITS = {"ledger": "rows", "captures": "records"}
COUNT_EVERY_MASK = (1 << 12) - 1


@dataclass
class RunOptions:
    config_path: Path
    profile: str | None = None
    captures: list[str] = field(default_factory=list)
    ledger: str | None = None
    sandbox: str | None = None  # --sandbox DIR: a golive sandbox state directory (sets evidence.sandbox)
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
    progress: Say | None = None  # receives steps (short lines) and counted tasks' events (golive.progress)
    config_display: str | None = None  # name findings use for the config file (default: its path)
    save_evidence: str | None = None  # --save-evidence DIR: write the evidence there (golive.evidence.store)
    from_evidence: Any = None  # an opened store (golive.evidence.store.SavedEvidence): judge it, gather nothing
    jobs: int | None = None  # processes for independent evidence passes (golive.passes); None: one per CPU, 1: serial


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


_INPUT_FIELDS: dict[str, tuple[type, ...]] = {"kind": (str,), "file": (str,), "bytes": (int,), "records": (int,),
                                              "unreadable": (int,), "first_unreadable": (str, type(None))}


def _input_entry(entry: dict[str, Any]) -> dict[str, Any] | None:
    """An input file's entry as the result lists it, or None when a field has the wrong type."""
    kept = {key: entry[key] for key in _INPUT_FIELDS if key in entry}
    for key, value in kept.items():
        if isinstance(value, bool) or not isinstance(value, _INPUT_FIELDS[key]):
            return None
    return kept


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
        self.store = options.from_evidence  # replaying saved evidence: its config, waivers and kinds
        self.config: LoadedConfig = self.store.config if self.store is not None else \
            load_config(options.config_path, options.config_display)
        profile_name = options.profile or self.config.get("merchant.profile") or "base"
        try:
            self.profile: Profile = load_profile(profile_name)
        except InputError as exc:
            if exc.key == "merchant.profile" and not options.profile:
                raise self.config.error("merchant.profile", exc.message) from None
            raise
        self.environment: str = self.config.get("merchant.environment", "integration")
        if options.probe and self.store is None:  # refuse an undeclared, non-loopback target before anything is sent
            from golive.probes.runner import check_probe_hosts

            check_probe_hosts(self.config, options.allow_probe_hosts)
        self.bundle = Bundle()
        self.waivers: list[Waiver] = []
        self.provenance: dict[str, Any] = {"probe_targets": []}
        self.inputs: list[dict[str, Any]] = []
        self.timings: dict[str, float] = {}
        self.crashed: dict[str, BaseException] = {}  # reducers whose feed() raised
        # Stream passes running in child processes (golive.passes), their reducers, and what they sent back.
        self._passes: dict[str, Any] = {}
        self._stream_reducers: dict[str, Reducer] | None = None
        self._finished: dict[str, tuple[Judgement | None, Text | None, float]] = {}
        self._stream_inputs: dict[str, list[dict[str, Any]]] = {}
        self._load_waivers()
        self.saver: Any = None
        if options.save_evidence:  # last: a refused directory stops the run before anything is gathered
            from golive.evidence.store import EvidenceWriter

            self.saver = EvidenceWriter.open(Path(options.save_evidence))

    # -- selection --------------------------------------------------------------------------------
    def _say(self, step: str | Event) -> None:
        if self.options.progress:
            self.options.progress(step)

    def _load_waivers(self) -> None:
        if self.store is not None:
            self.waivers = list(self.store.waivers)
            return
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
        """Run the gatherers that produce what the selected checks read, in dependency order
        (or load every kind from saved evidence); with --save-evidence, start saving it."""
        from golive.gathering import GatherContext, plan

        if self.store is not None:
            self.store.fill(self.bundle)
            self.provenance.update(self.store.provenance)
            self._read_whole()
            if self.saver is not None:
                self.saver.begin(self)
            return

        wanted: set[str] = set()
        scenarios: set[str] = set()  # probe scenario groups (golive/probe_spec.py) the selected checks read
        for check in checks:
            if self.selected(check) and not self._scoped_out(check):
                wanted |= check.meta.readable
                scenarios |= set(check.meta.probes)
        environ = dict(os.environ if self.options.environ is None else self.options.environ)
        stream_reads = self._stream_reads(checks)
        for gatherer, kinds in plan(wanted):
            if not self._passes and stream_reads and not stream_reads & set(gatherer.produces) \
                    and all(kind in self.bundle.items for kind in stream_reads):
                # Everything the stream checks read is here: read the streams in child processes
                # while this one runs the other gatherers (payouts, reconciliation, probes).
                self._start_passes(checks, keep_one=False)
            started = time.perf_counter()
            ctx = GatherContext(self.config, self.options, environ, self.now, kinds, self._say,
                                {k: self.bundle.get(k) for k in gatherer.uses}, scenarios=frozenset(scenarios))
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
        self._read_whole()
        if self.saver is not None:
            self.saver.begin(self)

    # -- parallel passes (golive.passes) ------------------------------------------------------------
    def _stream_reads(self, checks: list[Check]) -> set[str]:
        """The kinds the selected stream checks read (their streams included)."""
        reads: set[str] = set()
        for check in checks:
            if check.stream_judge is not None and self.selected(check) and not self._scoped_out(check):
                reads |= check.meta.readable
        return reads

    def _streams(self, checks: list[Check], reducers: dict[str, Reducer]) -> list[tuple[str, list[tuple[str, Reducer]]]]:
        """Each stream kind with the reducers that read it, in the order of golive.evidence.kinds."""
        from golive.evidence.kinds import KINDS

        streams = []
        for kind in (name for name, k in KINDS.items() if k.stream):
            of_kind = [(c.meta.id, reducers[c.meta.id]) for c in checks if c.meta.stream == kind and c.meta.id in reducers]
            if of_kind:
                streams.append((kind, of_kind))
        return streams

    def _start_passes(self, checks: list[Check], keep_one: bool) -> None:
        """Hand stream kinds to child processes, as many as ``--jobs`` allows (golive.passes).
        `keep_one`: leave one for this process (nothing else is left to do meanwhile)."""
        from golive.passes import ForkedPass, jobs_for

        if self._stream_reducers is not None:
            return
        jobs = 1 if self.saver is not None or self.store is not None else jobs_for(self.options.jobs)
        self._stream_reducers = reducers = self._reducers(checks)
        if jobs <= 1:
            return
        streams = self._streams(checks, reducers)
        for kind, of_kind in streams[: min(jobs - 1, len(streams) - 1 if keep_one else len(streams))]:
            self._passes[kind] = ForkedPass(functools.partial(self._pass_in_child, kind, of_kind))
            if self.options.progress:  # the child cannot draw on the parent's terminal: say what it does
                source = getattr(self.bundle.value(kind), "source", kind)
                self.options.progress(Event(kind, f"reading {source} (in a parallel process)", done=0,
                                            unit=STREAM_UNITS.get(kind, "records")))

    def _pass_in_child(self, kind: str, reducers: list[tuple[str, Reducer]]) -> dict[str, Any]:
        """In the child: read the stream, finish its reducers, return what the parent needs (plain data)."""
        self.options.progress = None  # the terminal is the parent's
        self._stream(kind, reducers)
        finished: dict[str, tuple[Judgement | None, Text | None, float]] = {}
        for check_id, reducer in reducers:
            if check_id in self.crashed:
                finished[check_id] = (None, _crash(self.crashed[check_id]), 0.0)
                continue
            started = time.perf_counter()
            try:
                judgement = reducer.finish()
                if not isinstance(judgement, Judgement):
                    raise TypeError(f"returned {type(judgement).__name__}, not a Judgement")
            except Exception as exc:  # a crashing check is an error, never a pass
                finished[check_id] = (None, _crash(exc), (time.perf_counter() - started) * 1000)
            else:
                finished[check_id] = (judgement, None, (time.perf_counter() - started) * 1000)
        evidence = self.bundle.get(kind)
        return {"finished": finished, "inputs": self._stream_inputs.get(kind, []),
                "timing": self.timings.get(f"stream_{kind}_s"),
                "failed": (evidence.reason, evidence.source) if evidence.state.value == "failed" else None}

    def _collect_passes(self, streams: list[tuple[str, list[tuple[str, Reducer]]]]) -> None:
        """Take in what the children sent; a stream whose child failed is read here instead."""
        for kind, of_kind in streams:
            forked = self._passes.pop(kind, None)
            if forked is None:
                continue
            ok, value = forked.collect()
            if not ok:  # killed, out of memory, unpicklable: read it again, serially
                self._say(f"parallel pass {kind} failed ({value}); reading it here")
                self._stream(kind, of_kind)
                continue
            self._finished.update(value["finished"])
            self._stream_inputs[kind] = value["inputs"]
            if self.options.progress:
                read = sum(int(i.get("records") or 0) for i in value["inputs"])
                self.options.progress(Event(kind, done=read, total=read, finished=True))
            if value["timing"] is not None:
                self.timings[f"stream_{kind}_s"] = value["timing"]
            if value["failed"] is not None:
                reason, source = value["failed"]
                self.bundle.put(kind, Evidence.failed(reason, source=source))

    def stop_passes(self) -> None:
        """Kill every child pass still running (an interrupted or failed run)."""
        for forked in self._passes.values():
            forked.stop()
        self._passes.clear()

    def _read_whole(self) -> None:
        """The input files gatherers read whole (the ledger, audited where it is): each such kind's
        value names its file under ``input`` -- gathered or saved, the report lists the same inputs."""
        for _name, evidence in self.bundle:
            value = evidence.value if evidence.is_ok else None
            if isinstance(value, dict) and isinstance(value.get("input"), dict):
                entry = _input_entry(value["input"])
                if entry is not None:  # a malformed one (tampered saved evidence) lists nothing; its check errors
                    self.inputs.append(entry)

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
        unit = STREAM_UNITS.get(kind, "records")
        say = self.options.progress
        if say:
            say(Event(kind, f"reading {source.source}", done=0, unit=unit))
        # Bound feed methods and local state: this loop runs once per record of million-row files.
        # Capture judges are fed through one Fanout (golive.evidence.capture_judge): the per-record
        # questions they share are asked once per record.
        fanout = None
        if kind == "captures":
            from golive.evidence.capture_judge import Fanout

            fused = [(check_id, reducer) for check_id, reducer in reducers if Fanout.fuses(reducer)]
            if fused:
                fanout = Fanout(fused)  # type: ignore[arg-type]
                reducers = [(check_id, reducer) for check_id, reducer in reducers if not Fanout.fuses(reducer)]
        feeders = [(check_id, reducer.feed) for check_id, reducer in reducers]
        crashed = self.crashed
        seen_crashes = len(crashed)
        count = 0
        try:
            for count, record in enumerate(source, 1):
                if fanout is not None:
                    fanout.feed(record, crashed)
                for check_id, feed in feeders:
                    try:
                        feed(record)
                    except Exception as exc:  # one crashing check must not abort the run or pass
                        crashed[check_id] = exc
                if len(crashed) != seen_crashes:
                    seen_crashes = len(crashed)
                    feeders = [(i, f) for i, f in feeders if i not in crashed]
                    if fanout is not None:
                        fanout.drop(crashed)
                if not count & COUNT_EVERY_MASK and say:  # the count, every 4096 records: no cost per record
                    say(Event(kind, done=count))
        finally:
            if fanout is not None:
                fanout.settle()  # the judges' record counts (Fanout keeps them per kind)
        if say:
            say(Event(kind, done=count, total=count, finished=True))
        self.timings[f"stream_{kind}_s"] = time.perf_counter() - started
        self._stream_inputs[kind] = [stats.to_dict(kind) for stats in source.stats]
        problem = source.problem()
        if problem is not None:  # a file of which not one line could be read: its checks cannot judge
            self.bundle.put(kind, Evidence.failed(problem, source=source.source))

    def judge(self, checks: list[Check]) -> list[CheckResult]:
        self._start_passes(checks, keep_one=True)  # unless gather() started them already
        reducers = self._stream_reducers if self._stream_reducers is not None else {}
        streams = self._streams(checks, reducers)
        try:
            for kind, of_kind in streams:
                if kind not in self._passes:
                    self._stream(kind, of_kind)
            self._collect_passes(streams)
        finally:
            self.stop_passes()
        for kind, _ in streams:  # in stream order, wherever each was read
            self.inputs.extend(self._stream_inputs.get(kind, []))
            if f"stream_{kind}_s" in self.timings:
                self.timings[f"stream_{kind}_s"] = self.timings.pop(f"stream_{kind}_s")
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
        if check.meta.id in self._finished:  # judged in a child process (golive.passes)
            done, crash, duration_ms = self._finished[check.meta.id]
            if done is None:
                return CheckResult(check, Status.ERROR, severity, None, crash, duration_ms=duration_ms)
            status, effective = status_from_judgement(done, severity)
            result = CheckResult(check, status, effective, done, done.reason, duration_ms=duration_ms)
            if status is Status.FAIL:
                self._apply_waiver(result)
            return result
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


def run_result(options: RunOptions) -> Result:
    """Run everything and return the typed result (golive.result/2), judged and redacted.
    Raises InputError on bad input."""
    from dataclasses import replace

    from golive.result import SavedEvidenceNote
    from golive.result_build import finish

    run = Run(options)
    try:
        checks = run.checks()
        run.gather(checks)
        # golive.result_build: the verdict, the result, and the one redaction pass (personal data by
        # name and by shape, and the exact secrets this run read, wherever they slipped in).
        result = finish(run, run.judge(checks))
        note = None
        if run.store is not None:
            note = SavedEvidenceNote(**run.store.note())
        elif run.saver is not None:
            note = SavedEvidenceNote(saved_to=str(run.saver.target))
        if note is not None:
            result = replace(result, provenance=replace(result.provenance, saved_evidence=note))
        if run.saver is not None:
            run.saver.commit(run, result.to_json())
    except BaseException:
        run.stop_passes()  # no child keeps reading after an interruption
        if run.saver is not None:  # an interrupted or failed run leaves no half-saved evidence
            run.saver.abort()
        raise
    return result


def run_check(options: RunOptions) -> dict[str, Any]:
    """`run_result` as the JSON document (golive.result/2), for callers that read it as data."""
    return run_result(options).to_json()
