"""Entry point of ``golive check --probe``: builds the probe session and gathers probe evidence.

`gather_probe_evidence` is called by the probes gatherer (golive/gatherers/probes.py) only when the
user passed ``--probe``, with the evidence kinds and the scenario groups of the probe specification
(golive/probe_spec.py) that the selected checks read -- it runs those scenarios and nothing else,
and knows nothing of checks. It never raises for a merchant server's trouble: every problem is
stored as evidence (`Evidence.failed` when the probes could not run at all, a per-scenario
``error`` when one scenario could not be carried out), so whatever judges it cannot pass.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Mapping
from urllib.parse import urlsplit

from golive import probe_spec
from golive.config import LoadedConfig
from golive.evidence.bundle import Evidence
from golive.model import Text
from golive.probes.http import HttpClient, TargetPolicy, hosts_of, redact_url
from golive.probes.recipes import DEFAULT_TIMEOUT_S, PLACEHOLDER, ProbeContext, recipe_urls
from golive.signing import KeyRole, SigningMaterial

if TYPE_CHECKING:  # pragma: no cover - typing only (the scenario modules load when probes run)
    from golive.probes.scenarios import Scenario

LOOPBACK_ONLY_ENV = "GOLIVE_PROBE_LOOPBACK_ONLY"
NOTIFY_EVIDENCE = probe_spec.NOTIFY
RETURN_EVIDENCE = probe_spec.RETURN
WITHDRAW_EVIDENCE = probe_spec.WITHDRAW
NOT_PLANNED = Text("没有选中的检查读取这类探测结果，未发送", "no selected check reads these probe results; nothing was sent")


def run_bound_s(live: Mapping[str, Any]) -> float:
    """The hard bound of a whole probe run: nothing is sent after it.

    Generous enough for the sequential redelivery scenario at its configured pace, plus a few
    timeouts' worth of slack for the slowest answers.
    """
    timeout = float(live.get("timeout_s", DEFAULT_TIMEOUT_S))
    copies = int(live.get("redeliveries", 30))
    interval = float(live.get("redelivery_interval_s", 0))
    return 30.0 + 6 * timeout + copies * interval


def build_context(config: LoadedConfig, signing: SigningMaterial, say: Callable[[str], None] | None = None,
                  environ: Mapping[str, str] | None = None) -> ProbeContext:
    """The probe session for `config` (its live: section must exist)."""
    live: Mapping[str, Any] = config.get("live") or {}
    env = os.environ if environ is None else environ
    policy = TargetPolicy(hosts_of(recipe_urls(live)), loopback_only=env.get(LOOPBACK_ONLY_ENV, "") == "1")
    started = time.monotonic()
    client = HttpClient(policy, float(live.get("timeout_s", DEFAULT_TIMEOUT_S)), started + run_bound_s(live),
                        started=started)
    return ProbeContext(config, signing, client, say)


def _failed_everywhere(produced: dict[str, Evidence], reason: Text) -> None:
    for name in probe_spec.KINDS:
        produced[name] = Evidence.failed(reason, source="live")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_probe_hosts(config: LoadedConfig, allowed: frozenset[str] | set[str] = frozenset()) -> None:
    """Refuse to probe a host that is neither loopback nor declared as the merchant's staging.

    Probes send forged and duplicate "payment succeeded" notifications; pointed at the wrong host
    (production, a third party) they would do harm. A non-loopback host must be listed in
    ``live.staging_hosts`` or confirmed on the command line with ``--allow-probe-host HOST``.
    Decided from the names alone (no DNS lookup), before anything is sent.
    """
    live = config.get("live")
    if not isinstance(live, dict):
        return
    declared = {str(h).lower() for h in live.get("staging_hosts") or []} | {h.lower() for h in allowed}
    targets = [(f"live.{k}", v) for k, v in live.items() if k in ("notify_url", "url_return") and isinstance(v, str)]
    targets += [(f"live.{k}.http.url", v["http"].get("url")) for k, v in live.items()
                if isinstance(v, dict) and isinstance(v.get("http"), dict)]
    for key, url in targets:
        if not isinstance(url, str):
            continue
        try:
            host = (urlsplit(PLACEHOLDER.sub("x", url)).hostname or "").lower()
        except ValueError:
            continue  # a malformed URL fails later, with its own reason
        if not host or _is_loopback(host) or host in declared:
            continue
        raise config.error(key, f"probes would go to {host}, which is neither loopback nor declared as the merchant's "
                                f"staging: list it under live.staging_hosts, or confirm with --allow-probe-host {host}")


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


def _value(ctx: ProbeContext, records: list[Any], url_key: str, groups: tuple[str, ...],
           started: float) -> dict[str, Any]:
    from golive.probes.notifications import notify_sign_type

    return {
        "url": redact_url(str(ctx.live.get(url_key))),
        "sign_type": notify_sign_type(ctx),
        "signed_with": signing_material(ctx),
        "request_sign_type": ctx.config.get("signing.sign_type"),
        "timeout_s": ctx.timeout_s,
        "groups": list(groups),
        "scenarios": {r.name: r.to_dict() for r in records},
        "wall_s": round(time.monotonic() - started, 3),
    }


def signing_material(ctx: ProbeContext) -> dict[str, Any]:
    """What golive signed its notifications with, without the secret: the method, the merchant
    number it named, and the public fingerprint (RSA) or the length (MD5) of the key. The checks
    tell a merchant whose staging server trusts another key exactly which key to trust."""
    from golive.probes.notifications import notify_sign_type

    method = notify_sign_type(ctx)
    facts: dict[str, Any] = {"method": method, "oid_partner": ctx.oid_partner}
    if method == "RSA" and ctx.signing.has(KeyRole.STAGING_LIANLIAN_PRIVATE):
        facts["key"] = "live.lianlian_private_key"
        facts["public_key_sha256"] = ctx.signing.fingerprint(KeyRole.STAGING_LIANLIAN_PRIVATE)
    elif method == "MD5" and ctx.signing.has_md5:
        facts["key"] = "signing.md5_key"
        facts["md5_key_chars"] = ctx.signing.md5_length
    return facts


def _planned(kind: str, groups: frozenset[str]) -> tuple[str, ...]:
    """The wanted groups that record into `kind`, in the specification's order."""
    return tuple(g for g in probe_spec.groups_of(kind) if g in groups)


def _scenarios(kind: str, groups: tuple[str, ...]) -> list[Scenario]:
    """The scenario implementations for `groups` of `kind`, in the specification's run order."""
    from golive.probes.notify import implementations as notify_implementations
    from golive.probes.scenarios import Scenario
    from golive.probes.sync_return import implementations as return_implementations

    known = {**notify_implementations(), **return_implementations()}
    return [Scenario(name, known[name]) for name in probe_spec.plan(kind, groups)]


def gather_probe_evidence(config: LoadedConfig, signing: SigningMaterial, options: Any, wanted: frozenset[str],
                          scenarios: frozenset[str], say: Callable[[str], None]) -> tuple[dict[str, Evidence], list[str]]:
    """Run the probe scenario `scenarios` (group names of golive/probe_spec.py) that record into
    the `wanted` evidence kinds; return the evidence of every probe kind and the targets contacted.
    A kind nobody wants (or with no group planned) is `missing`, and nothing is sent for it."""
    from golive.probes.scenarios import run_all

    produced: dict[str, Evidence] = {}
    problem = _prerequisites(config)
    if problem is not None:
        _failed_everywhere(produced, problem)
        return produced, []
    plans = {kind: (_planned(kind, scenarios) if kind in wanted else ()) for kind in probe_spec.KINDS}
    for kind, planned in plans.items():
        if not planned:
            produced[kind] = Evidence.missing(NOT_PLANNED)
    if not any(plans.values()):
        return produced, []
    environ = getattr(options, "environ", None)
    ctx = build_context(config, signing, say, environ)
    started = time.monotonic()
    say(f"probing {redact_url(str(ctx.live.get('notify_url')))}")
    withdraw_thread = None
    if plans[WITHDRAW_EVIDENCE]:
        withdraw_thread = _start_withdraw_probes(ctx, produced, plans[WITHDRAW_EVIDENCE])
    has_return = bool(ctx.live.get("url_return"))
    if plans[RETURN_EVIDENCE] and not has_return:
        produced[RETURN_EVIDENCE] = Evidence.missing(Text("live.url_return 未配置，未探测同步返回",
                                                          "live.url_return is not configured; the synchronous return was not probed"))
    kinds = [k for k in (NOTIFY_EVIDENCE, RETURN_EVIDENCE) if plans[k] and (k != RETURN_EVIDENCE or has_return)]
    to_run = {kind: _scenarios(kind, plans[kind]) for kind in kinds}
    records = run_all(ctx, [s for kind in kinds for s in to_run[kind]])
    by_name = {r.name: r for r in records}
    for kind in kinds:
        url_key = "notify_url" if kind == NOTIFY_EVIDENCE else "url_return"
        produced[kind] = Evidence.ok(_value(ctx, [by_name[s.name] for s in to_run[kind]], url_key, plans[kind], started),
                                     source=f"live.{url_key}")
    if withdraw_thread is not None:
        withdraw_thread.join(max(ctx.client.deadline - time.monotonic(), 0) + ctx.timeout_s + 1)
        if withdraw_thread.is_alive():
            produced[WITHDRAW_EVIDENCE] = Evidence.failed(Text("同卡进出探测未在时限内完成",
                                                               "the same-card probes did not finish in time"))
    say(f"probes done: {ctx.client.count} exchanges in {time.monotonic() - started:.1f} s")
    return produced, ctx.targets


def _start_withdraw_probes(ctx: ProbeContext, produced: dict[str, Evidence],
                           groups: tuple[str, ...]) -> threading.Thread | None:
    """Run golive/probes/withdraw.py (same-card probes) alongside, when configured."""
    if not ctx.live.get("withdraw"):
        produced[WITHDRAW_EVIDENCE] = Evidence.missing(Text(
            "live.withdraw 未配置，未探测同卡进出", "live.withdraw is not configured; withdrawals were not probed"))
        return None
    from golive.probes.withdraw import run_withdraw_probes

    def work() -> None:
        try:
            produced.update(run_withdraw_probes(ctx, groups))
        except Exception as exc:  # their crash is an error of their evidence, never a pass
            produced[WITHDRAW_EVIDENCE] = Evidence.failed(Text(
                f"同卡进出探测出错：{type(exc).__name__}: {exc}", f"same-card probes crashed: {type(exc).__name__}: {exc}"))

    thread = threading.Thread(target=work, name="golive-withdraw-probes", daemon=True)
    thread.start()
    return thread
