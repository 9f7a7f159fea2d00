"""Entry point of ``golive check --probe``: builds the probe session and gathers probe evidence.

`gather_probe_evidence` is called by the engine (golive/engine.py ``Run._gather_probes``) only
when the user passed ``--probe``. It never raises for a merchant server's trouble: every problem
is stored as evidence (`Evidence.failed` when the probes could not run at all, a per-scenario
``error`` when one scenario could not be carried out), so the checks that needed it report
`error` -- never `pass`.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Mapping

from golive.config import LoadedConfig, Secrets
from golive.evidence.bundle import Bundle, Evidence
from golive.model import Text
from golive.probes.http import HttpClient, TargetPolicy, hosts_of, redact_url
from golive.probes.recipes import DEFAULT_TIMEOUT_S, ProbeContext, recipe_urls

LOOPBACK_ONLY_ENV = "GOLIVE_PROBE_LOOPBACK_ONLY"
PROBE_EVIDENCE = "probe"  # ok when probes ran; the engine puts "missing" without --probe
NOTIFY_EVIDENCE = "probe.notify"
RETURN_EVIDENCE = "probe.return"
WITHDRAW_FALLBACK_EVIDENCE = "probe.withdraw"  # where a crash of the same-card probes is recorded


def run_bound_s(live: Mapping[str, Any]) -> float:
    """The hard bound of a whole probe run: nothing is sent after it.

    Generous enough for the sequential redelivery scenario at its configured pace, plus a few
    timeouts' worth of slack for the slowest answers.
    """
    timeout = float(live.get("timeout_s", DEFAULT_TIMEOUT_S))
    copies = int(live.get("redeliveries", 30))
    interval = float(live.get("redelivery_interval_s", 0))
    return 30.0 + 6 * timeout + copies * interval


def build_context(config: LoadedConfig, secrets: Secrets, say: Callable[[str], None] | None = None,
                  environ: Mapping[str, str] | None = None) -> ProbeContext:
    """The probe session for `config` (its live: section must exist)."""
    live: Mapping[str, Any] = config.get("live") or {}
    env = os.environ if environ is None else environ
    policy = TargetPolicy(hosts_of(recipe_urls(live)), loopback_only=env.get(LOOPBACK_ONLY_ENV, "") == "1")
    started = time.monotonic()
    client = HttpClient(policy, float(live.get("timeout_s", DEFAULT_TIMEOUT_S)), started + run_bound_s(live),
                        started=started)
    return ProbeContext(config, secrets, client, say)


def _failed_everywhere(bundle: Bundle, reason: Text) -> None:
    for name in (PROBE_EVIDENCE, NOTIFY_EVIDENCE, RETURN_EVIDENCE, WITHDRAW_FALLBACK_EVIDENCE):
        bundle.put(name, Evidence.failed(reason, source="live"))


def _prerequisites(config: LoadedConfig) -> Text | None:
    live = config.get("live")
    if not isinstance(live, dict):
        return Text("使用了 --probe，但 golive.yaml 中没有 live: 配置（预发布环境的 notify_url 与测试配方，见 design.md §5）",
                    "--probe was given but golive.yaml has no live: section (the staging notify_url and the test "
                    "recipes, design.md §5)")
    for key in ("notify_url", "create_order", "credits"):
        if not live.get(key):
            return Text(f"live.{key} 未配置，无法探测异步通知", f"live.{key} is not configured, so notifications cannot be probed")
    return None


def _value(ctx: ProbeContext, records: list[Any], url_key: str, started: float) -> dict[str, Any]:
    from golive.probes.notifications import notify_sign_type

    return {
        "url": redact_url(str(ctx.live.get(url_key))),
        "sign_type": notify_sign_type(ctx),
        "request_sign_type": ctx.config.get("signing.sign_type"),
        "timeout_s": ctx.timeout_s,
        "scenarios": {r.name: r.to_dict() for r in records},
        "wall_s": round(time.monotonic() - started, 3),
    }


def gather_probe_evidence(config: LoadedConfig, secrets: Secrets, bundle: Bundle, options: Any,
                          say: Callable[[str], None]) -> list[str]:
    """Run the live probes and put ``probe.notify`` / ``probe.return`` (and the same-card probes'
    evidence, when golive/probes/withdraw.py is present) into `bundle`. Returns the targets."""
    from golive.probes.notify import notify_scenarios
    from golive.probes.scenarios import run_all
    from golive.probes.sync_return import return_scenarios

    problem = _prerequisites(config)
    if problem is not None:
        _failed_everywhere(bundle, problem)
        return []
    environ = getattr(options, "environ", None)
    ctx = build_context(config, secrets, say, environ)
    started = time.monotonic()
    bundle.put(PROBE_EVIDENCE, Evidence.ok({"bound_s": run_bound_s(ctx.live)}, source="live"))
    say(f"probing {redact_url(str(ctx.live.get('notify_url')))}")
    withdraw_thread = None
    if _wanted("LL-CRD-001", options) or _wanted("LL-CRD-002", options):
        withdraw_thread = _start_withdraw_probes(ctx, bundle)
    scenarios = notify_scenarios(ctx)
    has_return = bool(ctx.live.get("url_return"))
    if has_return:
        scenarios += return_scenarios(ctx)
    scenarios = [s for s in scenarios if _wanted(s.check, options)]
    records = run_all(ctx, scenarios)
    notify_records = [r for r in records if not r.name.startswith("return.")]
    return_records = [r for r in records if r.name.startswith("return.")]
    bundle.put(NOTIFY_EVIDENCE, Evidence.ok(_value(ctx, notify_records, "notify_url", started), source="live.notify_url"))
    if has_return:
        bundle.put(RETURN_EVIDENCE, Evidence.ok(_value(ctx, return_records, "url_return", started), source="live.url_return"))
    else:
        bundle.put(RETURN_EVIDENCE, Evidence.missing(Text("live.url_return 未配置，未探测同步返回",
                                                          "live.url_return is not configured; the synchronous return was not probed")))
    if withdraw_thread is not None:
        withdraw_thread.join(max(ctx.client.deadline - time.monotonic(), 0) + ctx.timeout_s + 1)
        if withdraw_thread.is_alive():
            bundle.put(WITHDRAW_FALLBACK_EVIDENCE, Evidence.failed(Text("同卡进出探测未在时限内完成",
                                                                         "the same-card probes did not finish in time")))
    say(f"probes done: {ctx.client.count} exchanges in {time.monotonic() - started:.1f} s")
    return ctx.targets


def _wanted(check_id: str, options: Any) -> bool:
    """Probe only for selected checks (``--select`` / ``--skip``): no traffic nobody will judge."""
    select = getattr(options, "select", None)
    return (select is None or check_id in select) and check_id not in (getattr(options, "skip", None) or set())


def _start_withdraw_probes(ctx: ProbeContext, bundle: Bundle) -> threading.Thread | None:
    """Run golive/probes/withdraw.py (same-card probes) alongside, when present and configured."""
    if not ctx.live.get("withdraw"):
        bundle.put(WITHDRAW_FALLBACK_EVIDENCE, Evidence.missing(Text(
            "live.withdraw 未配置，未探测同卡进出", "live.withdraw is not configured; withdrawals were not probed")))
        return None
    try:
        from golive.probes.withdraw import run_withdraw_probes  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None

    def work() -> None:
        try:
            produced = run_withdraw_probes(ctx)
            for name, evidence in produced.items():
                bundle.put(name, evidence)
        except Exception as exc:  # their crash is an error of their evidence, never a pass
            bundle.put(WITHDRAW_FALLBACK_EVIDENCE, Evidence.failed(Text(
                f"同卡进出探测出错：{type(exc).__name__}: {exc}", f"same-card probes crashed: {type(exc).__name__}: {exc}")))

    thread = threading.Thread(target=work, name="golive-withdraw-probes", daemon=True)
    thread.start()
    return thread
