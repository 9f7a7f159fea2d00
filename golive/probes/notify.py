"""Async-notification probes: acting as LianLian against the merchant's staging server.

Background (guide 五, protocol.md §5.1): LianLian POSTs a signed JSON notification to notify_url
when a payment succeeds, expects ``{"ret_code":"0000","ret_msg":"交易成功"}`` within 5 s, and
otherwise re-sends it about every 2 minutes, up to 30 times; duplicates can also arrive at the same
time. 一笔订单只能成功入账一次 -- the order must be credited exactly once. Only a notification that
verifies with the merchant-site sign method and says ``result_pay=SUCCESS`` may credit, and only
for the order, amount and merchant it names.

Each scenario below (named and grouped by golive/probe_spec.py) runs on its own fresh pending order
(``live.create_order``) and counts credits through ``live.credits``:

========================  =====================================================
scenario                  what is sent
========================  =====================================================
ack                       one correct SUCCESS notification; credits read at once
redelivery                ``live.redeliveries`` identical copies, one after another
burst.N                   ``live.burst`` identical copies released together
                          (last-byte sync), then one late duplicate
forged.*                  bad signature, wrong key, no signature, other method
                          with a key nobody trusts
tampered.*                money_order altered, unknown no_order, other oid_partner
                          (all correctly signed)
non_success.*             result_pay FAILURE / PROCESSING (correctly signed)
sign_method.*             correctly signed with the *other* method / the site method
========================  =====================================================

Every negative scenario (forged, tampered, non_success, sign_method.other) ends with its positive
control (golive/probes/scenarios.py `send_control`): a correct notification for the same order.
A scenario stops, with the reason, only when a step got no answer at all (refused, timeout,
reset): what the answers say is for judging (golive/judging/).
"""

from __future__ import annotations

import base64
import concurrent.futures as futures
import secrets as _random
import threading
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from golive.model import Text
from golive.probe_spec import BURSTS
from golive.probes.http import HttpResponse
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
from golive.probes.scenarios import ScenarioFunction, ScenarioRecord, read_credits, send_control

DEFAULT_REDELIVERIES = 30
DEFAULT_BURST = 16


@lru_cache(maxsize=1)
def _stranger_rsa_key() -> Any:
    """An RSA key nobody trusts (for "signed with the wrong key")."""
    from Crypto.PublicKey import RSA

    return RSA.generate(1024)


def _stranger_md5_key() -> str:
    return "golive_wrong_key_" + _random.token_hex(8)


def _send(ctx: ProbeContext, record: ScenarioRecord, params: dict[str, str] | bytes, label: str,
          barrier: threading.Barrier | None = None) -> HttpResponse:
    response, exchange = send_notification(ctx, params, label, barrier=barrier)
    record.exchanges.append(exchange)
    return response


def _require_answer(response: HttpResponse, what: Text) -> None:
    """A transport failure (refused, timeout, reset, garbage) means the step proves nothing."""
    if response.error is not None:
        raise ProbeError(Text(f"{what.zh}：{response.error}", f"{what.en}: {response.error}"))


# -- ack --------------------------------------------------------------------------------------------

def scenario_ack(ctx: ProbeContext, record: ScenarioRecord) -> None:
    order = ctx.create_order(exchanges=record.exchanges)
    main = record.order("main", order)
    response = _send(ctx, record, build_notification(ctx, order), "notify (ack contract)")
    if response.error is None:
        # An ack must mean "persisted": read the books right after the answer, before anything settles.
        read_credits(ctx, record, main, "after_ack")


# -- redelivery -------------------------------------------------------------------------------------

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
        response = _send(ctx, record, body, f"notify copy {n}/{copies}")
        _require_answer(response, Text(f"第 {n} 份通知没有得到应答", f"copy {n} got no answer"))


# -- burst ------------------------------------------------------------------------------------------

def scenario_burst(ctx: ProbeContext, record: ScenarioRecord) -> None:
    size = int(ctx.live.get("burst", DEFAULT_BURST))
    order = ctx.create_order(exchanges=record.exchanges)
    main = record.order("main", order)
    body = notify_body(build_notification(ctx, order))
    record.notes["burst"] = size
    barrier = threading.Barrier(size)
    lock = threading.Lock()
    responses: list[HttpResponse] = []

    def one(n: int) -> None:
        response, exchange = send_notification(ctx, body, f"notify burst copy {n}/{size}", barrier=barrier)
        with lock:
            responses.append(response)
            record.exchanges.append(exchange)

    with futures.ThreadPoolExecutor(max_workers=size, thread_name_prefix="golive-burst") as pool:
        list(pool.map(one, range(1, size + 1)))
    failed = [r for r in responses if r.error is not None]
    if failed:
        raise ProbeError(Text(f"{len(failed)} 份并发通知没有得到应答：{failed[0].error}",
                              f"{len(failed)} of the {size} concurrent copies got no answer: {failed[0].error}"))
    read_credits(ctx, record, main, "after_burst")
    late, exchange = send_notification(ctx, body, "notify late duplicate")
    record.exchanges.append(exchange)
    record.notes["late_seq"] = exchange.seq
    _require_answer(late, Text("迟到的重复通知没有得到应答", "the late duplicate got no answer"))


# -- forged -----------------------------------------------------------------------------------------

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


def _forged(variant: str) -> ScenarioFunction:
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
        response = _send(ctx, record, signed, f"forged notification ({variant})")
        _require_answer(response, Text("伪造通知没有得到应答", "the forged notification got no answer"))
        send_control(ctx, record, order, main)

    return run


# -- tampered ---------------------------------------------------------------------------------------

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


def _tampered(variant: str) -> ScenarioFunction:
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
        response = _send(ctx, record, build_notification(ctx, order, **overrides), f"tampered notification ({variant})")
        _require_answer(response, Text("篡改的通知没有得到应答", "the tampered notification got no answer"))
        send_control(ctx, record, order, main)

    return run


# -- non_success ------------------------------------------------------------------------------------

def _non_success(result: str) -> ScenarioFunction:
    def run(ctx: ProbeContext, record: ScenarioRecord) -> None:
        order = ctx.create_order(exchanges=record.exchanges)
        main = record.order("main", order)
        record.notes["result_pay"] = result
        response = _send(ctx, record, build_notification(ctx, order, result_pay=result), f"notification result_pay={result}")
        _require_answer(response, Text(f"result_pay={result} 的通知没有得到应答",
                                       f"the result_pay={result} notification got no answer"))
        send_control(ctx, record, order, main)

    return run


# -- sign_method ------------------------------------------------------------------------------------

def _sign_method(variant: str) -> ScenarioFunction:
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
        response = _send(ctx, record, signed, f"notification signed with {method} ({variant} method)")
        _require_answer(response, Text("通知没有得到应答", "the notification got no answer"))
        if variant == "other":
            send_control(ctx, record, order, main)

    return run


def _can_sign(ctx: ProbeContext, method: str) -> bool:
    from golive.signing import KeyRole

    return ctx.signing.has(KeyRole.MD5 if method == "MD5" else KeyRole.STAGING_LIANLIAN_PRIVATE)


def implementations() -> dict[str, ScenarioFunction]:
    """What carries out each notification scenario of the probe specification, by its name."""
    found: dict[str, ScenarioFunction] = {"redelivery": scenario_redelivery, "ack": scenario_ack}
    found.update({f"burst.{n}": scenario_burst for n in range(1, BURSTS + 1)})
    for variant in ("bad_signature", "wrong_key", "unsigned", "other_sign_type"):
        found[f"forged.{variant}"] = _forged(variant)
    for variant in ("money_order", "unknown_order", "oid_partner"):
        found[f"tampered.{variant}"] = _tampered(variant)
    for result in ("FAILURE", "PROCESSING"):
        found[f"non_success.{result}"] = _non_success(result)
    for variant in ("other", "site"):
        found[f"sign_method.{variant}"] = _sign_method(variant)
    return found
