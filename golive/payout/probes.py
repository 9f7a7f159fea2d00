"""Payout-notification probes: golive, as LianLian, tells the merchant's staging how its payouts ended.

Guide 十 商户付款: "接口提交的订单，失败和成功都会异步通知 ... 失败的订单，回调中 info_order 字段是失败的原因";
docs/protocol.md §8: results SUCCESS, FAILURE and CANCEL (the bank returned the money after a
success: notified twice, SUCCESS then CANCEL), RSA-signed by LianLian, acknowledged as payment
notifications are (§5.1), redelivered until acknowledged -- so copies arrive.

Each scenario has its own fresh user, who first pays (``live.create_order`` + a signed SUCCESS
payment notification + ``live.credits``, as the same-card probes do) and then withdraws it
(``live.withdraw``; ``live.withdraw.payout_no`` points at the payout's no_order in the answer).
Then golive posts RSA-signed payout notifications to ``live.payout_notify_url`` and reads the
user's balance (``live.balance``) after each, and the payout as the user sees it
(``live.payout_status``, ``fields: {status, reason}``):

=============  ======================================================  ============================
scenario       notifications                                           a correct merchant
=============  ======================================================  ============================
``success``    SUCCESS, the same again                                 acks both; balance unchanged
``failure``    FAILURE with the reason in info_order, the same again   acks both; balance back once;
                                                                       shows the reason
``cancel``     SUCCESS, CANCEL, CANCEL again                           acks all; balance back once
=============  ======================================================  ============================

Judged by LL-PAY-008 (acks), 009 (FAILURE), 010 (CANCEL), 011 (copies change nothing). The RSA
signature is made with ``live.lianlian_private_key``, the stand-in whose public half staging trusts.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from golive.config import LoadedConfig
from golive.evidence.bundle import Evidence
from golive.model import Text

EVIDENCE = "probe.payout"
FAILURE_REASON = "收款卡状态异常，银行退回（golive 探测）"
SCENARIOS = {
    "success": ("SUCCESS", "SUCCESS"),
    "failure": ("FAILURE", "FAILURE"),
    "cancel": ("SUCCESS", "CANCEL", "CANCEL"),
}
TEST_CARD_BIN = "622202"


def _missing(key: str) -> Evidence:
    return Evidence.missing(Text(f"live.{key} 未配置，未探测代付通知", f"live.{key} is not configured; payout notifications "
                                                                 "were not probed"))


def check_payout_host(config: LoadedConfig, allowed: frozenset[str] | set[str]) -> None:
    """The payout notify URL gets golive's forged-by-design notifications: loopback or declared staging only."""
    from golive.probes.runner import _is_loopback

    url = (config.get("live") or {}).get("payout_notify_url")
    if not isinstance(url, str):
        return
    host = (urlsplit(url).hostname or "").lower()
    declared = {str(h).lower() for h in (config.get("live.staging_hosts") or [])} | {h.lower() for h in allowed}
    if host and not _is_loopback(host) and host not in declared:
        raise config.error("live.payout_notify_url", f"probes would go to {host}, which is neither loopback nor declared "
                                                     "as the merchant's staging: list it under live.staging_hosts, or "
                                                     f"confirm with --allow-probe-host {host}")


def _context(config: LoadedConfig, signing: Any, say: Callable[[str], None], environ: Mapping[str, str]) -> Any:
    from golive.probes.http import HttpClient, TargetPolicy, hosts_of
    from golive.probes.recipes import DEFAULT_TIMEOUT_S, ProbeContext, recipe_urls
    from golive.probes.runner import LOOPBACK_ONLY_ENV

    live: Mapping[str, Any] = config.get("live") or {}
    urls = recipe_urls(live) + [str(live["payout_notify_url"])]
    policy = TargetPolicy(hosts_of(urls), loopback_only=environ.get(LOOPBACK_ONLY_ENV, "") == "1")
    started = time.monotonic()
    timeout = float(live.get("timeout_s", DEFAULT_TIMEOUT_S))
    client = HttpClient(policy, timeout, started + 60.0 + 30 * timeout, started=started)
    return ProbeContext(config, signing, client, say)


def gather_payout_probes(config: LoadedConfig, signing: Any, options: Any, say: Callable[[str], None]) -> dict[str, Evidence]:
    if not getattr(options, "probe", False):
        return {EVIDENCE: Evidence.missing(Text("未开启在线探测（--probe）", "live probes not requested (--probe)"))}
    live = config.get("live") or {}
    for key in ("payout_notify_url", "create_order", "credits", "withdraw"):
        if not live.get(key):
            return {EVIDENCE: _missing(key)}
    if not (live.get("withdraw") or {}).get("payout_no"):
        return {EVIDENCE: _missing("withdraw.payout_no")}
    check_payout_host(config, getattr(options, "allow_probe_hosts", set()) or set())
    from golive.signing import KeyRole

    if not signing.has(KeyRole.STAGING_LIANLIAN_PRIVATE):
        return {EVIDENCE: Evidence.failed(Text(
            "代付通知由连连用 RSA 签名：需要 live.lianlian_private_key（预发布环境信任其公钥）",
            "payout notifications are RSA-signed by LianLian: live.lianlian_private_key is needed (staging trusts its "
            "public half)"), source="live.payout_notify_url")}
    environ = getattr(options, "environ", None)
    ctx = _context(config, signing, say, os.environ if environ is None else environ)
    say(f"probing payout notifications at {live['payout_notify_url']}")
    started = time.monotonic()
    scenarios = {name: _scenario(ctx, name, steps) for name, steps in SCENARIOS.items()}
    value = {"url": str(live["payout_notify_url"]), "scenarios": scenarios, "balance": bool(live.get("balance")),
             "payout_status": bool(live.get("payout_status")), "wall_s": round(time.monotonic() - started, 3),
             "signed_with": {"method": "RSA", "key": "live.lianlian_private_key",
                             "public_key_sha256": signing.fingerprint(KeyRole.STAGING_LIANLIAN_PRIVATE)}}
    return {EVIDENCE: Evidence.ok(value, source="live.payout_notify_url")}


def _money(value: Any) -> str | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return str(amount.quantize(Decimal("0.01"))) if amount.is_finite() else None


def _balance(ctx: Any, user: str, record: dict[str, Any], label: str) -> None:
    if not ctx.live.get("balance"):
        return
    answer = ctx.run_recipe("balance", {"user_id": user}, label=f"balance ({label})")
    record["balances"].append({"after": label, "value": _money(answer.value) if answer.ok else None,
                               "error": answer.error})


def _scenario(ctx: Any, name: str, steps: tuple[str, ...]) -> dict[str, Any]:
    from golive.probes.http import HttpRequest
    from golive.probes.recipes import ProbeError, resolve_pointer

    record: dict[str, Any] = {"name": name, "steps": list(steps), "acks": [], "balances": [], "error": None,
                              "reason_sent": FAILURE_REASON if "FAILURE" in steps else None, "shown": None}
    user = ctx.fresh_user_id()
    last4 = f"{secrets.randbelow(10_000):04d}"
    card_no = TEST_CARD_BIN + "".join(str(secrets.randbelow(10)) for _ in range(9)) + last4
    masked = card_no[:6] + "*" * (len(card_no) - 10) + last4
    try:
        paid = ctx.credited_order(user, notification={"card_no": masked})
    except ProbeError as exc:
        record["error"] = exc.reason.to_dict()
        return record
    amount = _money(paid.amount) or paid.amount
    record["amount"] = amount
    withdraw = ctx.live["withdraw"]
    answer = ctx.run_recipe("withdraw", {"user_id": user, "no_agree": paid.no_agree, "card": paid.no_agree,
                                         "card_no": masked, "card_last4": last4, "amount": amount}, label="withdraw")
    accepted = withdraw.get("accepted")
    wanted = accepted if isinstance(accepted, list) else [accepted]
    if not answer.ok or (accepted is not None and answer.value not in wanted):
        record["error"] = Text(f"提现未被受理（{answer.error or answer.value!r}），无法探测代付通知",
                               f"the withdrawal was not accepted ({answer.error or answer.value!r}); payout notifications "
                               "could not be probed").to_dict()
        return record
    try:
        payout_no = str(resolve_pointer(answer.document, withdraw.get("payout_no")))
    except LookupError as exc:
        record["error"] = Text(f"live.withdraw.payout_no：{exc}", f"live.withdraw.payout_no: {exc}").to_dict()
        return record
    record["payout_no"] = payout_no
    _balance(ctx, user, record, "withdrawal")
    oid_paybill = time.strftime("%Y%m%d") + "".join(str(secrets.randbelow(10)) for _ in range(10))
    for index, result_pay in enumerate(steps):
        params = {"oid_partner": ctx.oid_partner, "no_order": payout_no, "dt_order": time.strftime("%Y%m%d%H%M%S"),
                  "money_order": amount, "oid_paybill": oid_paybill, "result_pay": result_pay,
                  "settle_date": time.strftime("%Y%m%d"),
                  "info_order": FAILURE_REASON if result_pay == "FAILURE" else "提现"}
        signed = ctx.signing.sign_as_lianlian(params, "RSA")
        label = f"{name}: {result_pay}" + (" (copy)" if result_pay in steps[:index] else "")
        body = json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        response, exchange = ctx.send(HttpRequest("POST", str(ctx.live["payout_notify_url"]),
                                                  {"Content-Type": "text/json;charset=utf-8"}, body, label=label,
                                                  target="payout_notify_url"))
        # The answer as it came (probes observe); LL-PAY-008 reads it against the ack contract.
        record["acks"].append({"label": label, "result_pay": result_pay, "copy": result_pay in steps[:index],
                               "exchange": exchange.to_dict()})
        _balance(ctx, user, record, label)
    if ctx.live.get("payout_status"):
        shown = ctx.run_recipe("payout_status", {"payout_no": payout_no, "user_id": user}, label="payout_status")
        record["shown"] = {"status": shown.fields.get("status") if shown.ok else None,
                           "reason": str(shown.fields.get("reason"))[:200] if shown.ok and shown.fields.get("reason") else None,
                           "error": shown.error}
    return record


__all__ = ["EVIDENCE", "FAILURE_REASON", "SCENARIOS", "check_payout_host", "gather_payout_probes"]
