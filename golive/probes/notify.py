"""Async-notification probes (LL-NTF-002…008): acting as LianLian against the merchant's staging server.

Background (guide 五, protocol.md §5.1): LianLian POSTs a signed JSON notification to notify_url
when a payment succeeds, expects ``{"ret_code":"0000","ret_msg":"交易成功"}`` within 5 s, and
otherwise re-sends it about every 2 minutes, up to 30 times; duplicates can also arrive at the same
time. 一笔订单只能成功入账一次 -- the order must be credited exactly once. Only a notification that
verifies with the merchant-site sign method and says ``result_pay=SUCCESS`` may credit, and only
for the order, amount and merchant it names.

Each scenario below runs on its own fresh pending order (``live.create_order``) and counts credits
through ``live.credits``:

========================  ==========  =====================================================
scenario                  check       what is sent
========================  ==========  =====================================================
ack                       LL-NTF-002  one correct SUCCESS notification; credits read at once
redelivery                LL-NTF-003  ``live.redeliveries`` identical copies, one after another
burst.N                   LL-NTF-004  ``live.burst`` identical copies released together
                                      (last-byte sync), then one late duplicate
forged.*                  LL-NTF-005  bad signature, wrong key, no signature, other method
                                      with a key nobody trusts
tampered.*                LL-NTF-006  money_order altered, unknown no_order, other oid_partner
                                      (all correctly signed)
non_success.*             LL-NTF-007  result_pay FAILURE / PROCESSING (correctly signed)
sign_method.*             LL-NTF-008  correctly signed with the *other* method / the site method
========================  ==========  =====================================================

Every negative scenario (forged, tampered, non_success, sign_method.other) ends with its positive
control (golive/probes/scenarios.py `send_control`): a correct notification for the same order,
which must then credit it exactly once.
"""

from __future__ import annotations

import base64
import concurrent.futures as futures
import secrets as _random
import threading
import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from golive.model import Text
from golive.probes.notifications import (
    build_notification,
    notify_body,
    notify_sign_type,
    other_sign_type,
    send_notification,
    sign_as,
    unsigned_notification,
)
from golive.probes.recipes import ProbeContext, ProbeError
from golive.probes.scenarios import Scenario, ScenarioRecord, read_credits, send_control

DEFAULT_REDELIVERIES = 30
DEFAULT_BURST = 16
BURSTS = 2  # two independent bursts: a check-then-act race must win in either to pass


@lru_cache(maxsize=1)
def _stranger_rsa_key() -> Any:
    """An RSA key nobody trusts (for "signed with the wrong key")."""
    from Crypto.PublicKey import RSA

    return RSA.generate(1024)


def _stranger_md5_key() -> str:
    return "golive_wrong_key_" + _random.token_hex(8)


def _send(ctx: ProbeContext, record: ScenarioRecord, params: dict[str, str] | bytes, label: str,
          barrier: threading.Barrier | None = None) -> Any:
    ack, exchange = send_notification(ctx, params, label, barrier=barrier)
    record.sends.append(ack)
    record.exchanges.append(exchange)
    return ack


def _require_answer(ack: Any, what: Text) -> None:
    """A transport failure (refused, timeout, reset, garbage) means the step proves nothing."""
    if ack.error is not None:
        raise ProbeError(Text(f"{what.zh}：{ack.error}", f"{what.en}: {ack.error}"))


# -- LL-NTF-002 -----------------------------------------------------------------------------------

def scenario_ack(ctx: ProbeContext, record: ScenarioRecord) -> None:
    order = ctx.create_order(exchanges=record.exchanges)
    main = record.order("main", order)
    ack = _send(ctx, record, build_notification(ctx, order), "notify (ack contract)")
    if ack.error is None:
        # The ack must mean "persisted": read the books right after it, before anything settles.
        read_credits(ctx, record, main, "after_ack")


# -- LL-NTF-003 -----------------------------------------------------------------------------------

def scenario_redelivery(ctx: ProbeContext, record: ScenarioRecord) -> None:
    copies = int(ctx.live.get("redeliveries", DEFAULT_REDELIVERIES))
    interval = float(ctx.live.get("redelivery_interval_s", 0))
    order = ctx.create_order(exchanges=record.exchanges)
    main = record.order("main", order)
    body = notify_body(build_notification(ctx, order))  # LianLian re-sends the very same bytes
    record.notes.update({"copies": copies, "interval_s": interval})
    first = _send(ctx, record, body, f"notify copy 1/{copies}")
    _require_answer(first, Text("第 1 份通知没有得到应答", "copy 1 got no answer"))
    read_credits(ctx, record, main, "after_first")
    for n in range(2, copies + 1):
        if interval:
            ctx.client.sleep(interval)
        ack = _send(ctx, record, body, f"notify copy {n}/{copies}")
        _require_answer(ack, Text(f"第 {n} 份通知没有得到应答", f"copy {n} got no answer"))


# -- LL-NTF-004 -----------------------------------------------------------------------------------

def scenario_burst(ctx: ProbeContext, record: ScenarioRecord) -> None:
    size = int(ctx.live.get("burst", DEFAULT_BURST))
    order = ctx.create_order(exchanges=record.exchanges)
    main = record.order("main", order)
    body = notify_body(build_notification(ctx, order))
    record.notes["burst"] = size
    barrier = threading.Barrier(size)
    lock = threading.Lock()
    acks: list[Any] = []

    def one(n: int) -> None:
        ack, exchange = send_notification(ctx, body, f"notify burst copy {n}/{size}", barrier=barrier)
        with lock:
            acks.append(ack)
            record.exchanges.append(exchange)

    with futures.ThreadPoolExecutor(max_workers=size, thread_name_prefix="golive-burst") as pool:
        list(pool.map(one, range(1, size + 1)))
    record.sends.extend(sorted(acks, key=lambda a: a.seq or 0))
    failed = [a for a in acks if a.error is not None]
    if failed:
        raise ProbeError(Text(f"{len(failed)} 份并发通知没有得到应答：{failed[0].error}",
                              f"{len(failed)} of the {size} concurrent copies got no answer: {failed[0].error}"))
    read_credits(ctx, record, main, "after_burst")
    late = _send(ctx, record, body, "notify late duplicate")
    _require_answer(late, Text("迟到的重复通知没有得到应答", "the late duplicate got no answer"))


# -- LL-NTF-005 -----------------------------------------------------------------------------------

def _corrupt(sign: str) -> str:
    """The same signature with one character changed (still well-formed hex / Base64)."""
    middle = len(sign) // 2
    if all(c in "0123456789abcdef" for c in sign):
        swap = "0" if sign[middle] != "0" else "1"
    else:
        raw = bytearray(base64.b64decode(sign))
        raw[len(raw) // 2] ^= 0x01
        return base64.b64encode(bytes(raw)).decode("ascii")
    return sign[:middle] + swap + sign[middle + 1:]


def _forged(variant: str) -> Any:
    def run(ctx: ProbeContext, record: ScenarioRecord) -> None:
        order = ctx.create_order(exchanges=record.exchanges)
        main = record.order("main", order)
        method = notify_sign_type(ctx)
        params = unsigned_notification(ctx, order)
        if variant == "bad_signature":
            signed = sign_as(ctx, params, method)
            signed["sign"] = _corrupt(signed["sign"])
        elif variant == "wrong_key":
            signed = (sign_as(ctx, params, "MD5", md5_key=_stranger_md5_key()) if method == "MD5"
                      else sign_as(ctx, params, "RSA", private_key=_stranger_rsa_key()))
        elif variant == "unsigned":
            signed = {**params, "sign_type": method}
        else:  # other_sign_type: claims the other method, signed with a key nobody trusts
            other = other_sign_type(method)
            signed = (sign_as(ctx, params, "MD5", md5_key=_stranger_md5_key()) if other == "MD5"
                      else sign_as(ctx, params, "RSA", private_key=_stranger_rsa_key()))
        record.notes.update({"variant": variant, "sign_type_sent": signed.get("sign_type"), "site_method": method})
        ack = _send(ctx, record, signed, f"forged notification ({variant})")
        _require_answer(ack, Text("伪造通知没有得到应答", "the forged notification got no answer"))
        send_control(ctx, record, order, main)

    return run


# -- LL-NTF-006 -----------------------------------------------------------------------------------

def _altered_amount(amount: str) -> str:
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return "100.00"
    return str((value * 100 + Decimal("1.00")).quantize(Decimal("0.01")))


def _other_partner(oid_partner: str) -> str:
    if len(oid_partner) == 18 and oid_partner.isdigit():
        return oid_partner[:-1] + ("1" if oid_partner[-1] != "1" else "2")
    return "201408071000001543"


def _tampered(variant: str) -> Any:
    def run(ctx: ProbeContext, record: ScenarioRecord) -> None:
        order = ctx.create_order(exchanges=record.exchanges)
        main = record.order("main", order)
        if variant == "money_order":
            overrides = {"money_order": _altered_amount(order.amount)}
        elif variant == "unknown_order":
            unknown = order.no_order + "9"
            overrides = {"no_order": unknown}
            from golive.probes.recipes import TestOrder

            record.order("unknown", TestOrder(unknown, order.user_id, order.amount, order.dt_order), may_be_unknown=True)
        else:
            overrides = {"oid_partner": _other_partner(ctx.oid_partner)}
        record.notes.update({"variant": variant, "changed": sorted(overrides)})
        ack = _send(ctx, record, build_notification(ctx, order, **overrides), f"tampered notification ({variant})")
        _require_answer(ack, Text("篡改的通知没有得到应答", "the tampered notification got no answer"))
        send_control(ctx, record, order, main)

    return run


# -- LL-NTF-007 -----------------------------------------------------------------------------------

def _non_success(result: str) -> Any:
    def run(ctx: ProbeContext, record: ScenarioRecord) -> None:
        order = ctx.create_order(exchanges=record.exchanges)
        main = record.order("main", order)
        record.notes["result_pay"] = result
        ack = _send(ctx, record, build_notification(ctx, order, result_pay=result), f"notification result_pay={result}")
        _require_answer(ack, Text(f"result_pay={result} 的通知没有得到应答", f"the result_pay={result} notification got no answer"))
        send_control(ctx, record, order, main)

    return run


# -- LL-NTF-008 -----------------------------------------------------------------------------------

def _sign_method(variant: str) -> Any:
    def run(ctx: ProbeContext, record: ScenarioRecord) -> None:
        site = notify_sign_type(ctx)
        method = site if variant == "site" else other_sign_type(site)
        record.notes.update({"variant": variant, "site_method": site, "sign_type_sent": method,
                             "request_sign_type": ctx.config.get("signing.sign_type")})
        if variant == "other" and not _can_sign(ctx, method):
            record.notes["skipped"] = True
            record.error = Text(
                f"无法用另一种方式（{method}）正确签名：" + ("未配置 live.lianlian_private_key" if method == "RSA" else "未配置 signing.md5_key"),
                f"cannot sign correctly with the other method ({method}): "
                + ("live.lianlian_private_key is not configured" if method == "RSA" else "signing.md5_key is not configured"))
            return
        order = ctx.create_order(exchanges=record.exchanges)
        main = record.order("main", order)
        signed = sign_as(ctx, unsigned_notification(ctx, order), method)
        ack = _send(ctx, record, signed, f"notification signed with {method} ({variant} method)")
        _require_answer(ack, Text("通知没有得到应答", "the notification got no answer"))
        if variant == "other":
            send_control(ctx, record, order, main)

    return run


def _can_sign(ctx: ProbeContext, method: str) -> bool:
    from golive.signing import KeyRole

    return ctx.signing.has(KeyRole.MD5 if method == "MD5" else KeyRole.STAGING_LIANLIAN_PRIVATE)


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


def notify_scenarios(ctx: ProbeContext) -> list[Scenario]:
    """Every notification scenario, longest first (so the pool packs them well)."""
    items = [
        Scenario("redelivery", "LL-NTF-003", _t("顺序重发同一通知", "the same notification re-sent in sequence"),
                 scenario_redelivery),
    ]
    for n in range(1, BURSTS + 1):
        items.append(Scenario(f"burst.{n}", "LL-NTF-004", _t(f"第 {n} 组并发重复通知及一份迟到的重复通知",
                                                             f"burst {n} of identical concurrent copies, then a late duplicate"),
                              scenario_burst))
    items.append(Scenario("ack", "LL-NTF-002", _t("正确签名的成功通知的应答", "the answer to a correctly signed SUCCESS notification"),
                          scenario_ack))
    forged = {"bad_signature": ("签名被改动一位", "one character of the signature changed"),
              "wrong_key": ("用错误的密钥签名", "signed with a key nobody trusts"),
              "unsigned": ("没有签名", "no signature at all"),
              "other_sign_type": ("声称另一种签名方式，且用不可信的密钥签名", "claims the other sign method, signed with an untrusted key")}
    for variant, (zh, en) in forged.items():
        items.append(Scenario(f"forged.{variant}", "LL-NTF-005", _t(zh, en), _forged(variant)))
    tampered = {"money_order": ("金额 money_order 被改大", "money_order raised"),
                "unknown_order": ("不存在的订单号 no_order", "an order number the merchant never issued"),
                "oid_partner": ("其他商户号 oid_partner", "another merchant's oid_partner")}
    for variant, (zh, en) in tampered.items():
        items.append(Scenario(f"tampered.{variant}", "LL-NTF-006", _t(zh + "（签名正确）", en + " (correctly signed)"),
                              _tampered(variant)))
    for result in ("FAILURE", "PROCESSING"):
        items.append(Scenario(f"non_success.{result}", "LL-NTF-007",
                              _t(f"result_pay={result}（签名正确）", f"result_pay={result} (correctly signed)"),
                              _non_success(result)))
    items.append(Scenario("sign_method.other", "LL-NTF-008",
                          _t("用另一种签名方式正确签名的通知", "a notification correctly signed with the other method"),
                          _sign_method("other")))
    items.append(Scenario("sign_method.site", "LL-NTF-008",
                          _t("用商户站配置的签名方式签名的通知", "a notification signed with the merchant-site method"),
                          _sign_method("site")))
    return items
