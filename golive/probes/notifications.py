"""Acting as LianLian: build, sign and send 认证支付 async notifications, and record the answers.

What LianLian sends (protocol.md §5.1, [VERIFIED] against a real notification): an HTTP POST whose
raw body is a JSON object of strings, Content-Type ``text/json;charset=utf-8``, with exactly
oid_partner, sign_type, sign, dt_order, no_order, oid_paybill, money_order, result_pay,
settle_date, info_order, pay_type (``D`` for 认证支付), bank_code, no_agree, id_type, id_no,
acct_name. It is signed with the method configured on the merchant site (商户站), which golive.yaml
calls ``signing.notify_sign_type`` (protocol.md §2.5): MD5 with the merchant's MD5 key, or RSA with
LianLian's private key -- which golive does not have, so RSA probes sign with
``live.lianlian_private_key``, a key pair whose public half the merchant's *staging* server trusts
in place of LianLian's (``golive keys`` makes one).

The merchant's answer is recorded as it came (status, redacted body, timing) in the exchange;
reading it against LianLian's acknowledgement contract is judging (golive/judging/acks.py).
"""

from __future__ import annotations

import json
import secrets as _random
from typing import TYPE_CHECKING, Any

from golive.lianlian.sign import sign_params
from golive.lianlian.validators import gb11643_check_char
from golive.probes.http import Exchange, HttpRequest, HttpResponse

if TYPE_CHECKING:  # pragma: no cover
    from golive.probes.recipes import ProbeContext, TestOrder

NOTIFY_CONTENT_TYPE = "text/json;charset=utf-8"
NOTIFY_TARGET = "notify_url"  # the exchanges' target: the answers judging reads as acknowledgements
BANK_CODE = "01020000"  # 工商银行 (ICBC)
PROBE_INFO_ORDER = "golive 探测 / golive probe"
PROBE_ACCT_NAME = "测试用户"


def probe_id_no() -> str:
    """A syntactically valid (GB 11643) but fictitious resident ID number for probe payers."""
    first17 = "11010119900307" + f"{_random.randbelow(1000):03d}"
    return first17 + gb11643_check_char(first17)


def new_oid_paybill(ctx: ProbeContext) -> str:
    """LianLian's 18-digit payment number (String(18), protocol.md §5.1); unique per payment."""
    from golive.probes.recipes import now_china

    return now_china().strftime("%Y%m%d") + "".join(str(_random.randbelow(10)) for _ in range(10))


def notify_sign_type(ctx: ProbeContext) -> str:
    """The merchant-site method: ``signing.notify_sign_type`` (falls back to ``sign_type``)."""
    return str(ctx.config.get("signing.notify_sign_type") or ctx.config.get("signing.sign_type") or "MD5")


def other_sign_type(method: str) -> str:
    return "RSA" if method == "MD5" else "MD5"


def unsigned_notification(ctx: ProbeContext, order: TestOrder, **overrides: str) -> dict[str, str]:
    """The fields of a SUCCESS notification for `order` (without sign/sign_type), with overrides."""
    from golive.probes.recipes import now_china

    params = {
        "oid_partner": ctx.oid_partner,
        "dt_order": order.dt_order,
        "no_order": order.no_order,
        "oid_paybill": new_oid_paybill(ctx),
        "money_order": order.amount,
        "result_pay": "SUCCESS",
        "settle_date": now_china().strftime("%Y%m%d"),
        "info_order": PROBE_INFO_ORDER,
        "pay_type": "D",
        "bank_code": BANK_CODE,
        "no_agree": ctx.no_agree_for(order.user_id),
        "id_type": "0",
        "id_no": probe_id_no(),
        "acct_name": PROBE_ACCT_NAME,
    }
    params.update(overrides)
    return params


def sign_as(ctx: ProbeContext, params: dict[str, str], method: str, *, md5_key: str | None = None,
            private_key: Any = None) -> dict[str, str]:
    """Sign like LianLian with `method`; keys default to the ones the merchant site trusts.

    Raises ProbeError (naming the config key) when the key for `method` is not configured.
    """
    from golive.probes.recipes import ProbeError
    from golive.signing import MissingKey

    if method == "MD5" and md5_key is not None:
        return sign_params(params, "MD5", md5_key=md5_key)
    if method == "RSA" and private_key is not None:
        return sign_params(params, "RSA", private_key=private_key)
    try:
        return ctx.signing.sign_as_lianlian(params, method)
    except MissingKey as exc:
        raise ProbeError(exc.reason) from None


def build_notification(ctx: ProbeContext, order: TestOrder, **overrides: str) -> dict[str, str]:
    """A correctly signed SUCCESS notification for `order`, signed with the merchant-site method."""
    return sign_as(ctx, unsigned_notification(ctx, order, **overrides), notify_sign_type(ctx))


def notify_body(params: dict[str, str]) -> bytes:
    return json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def notify_request(ctx: ProbeContext, params: dict[str, str] | bytes, label: str) -> HttpRequest:
    body = params if isinstance(params, bytes) else notify_body(params)
    return HttpRequest("POST", str(ctx.live.get("notify_url")), {"Content-Type": NOTIFY_CONTENT_TYPE}, body,
                       label=label, target=NOTIFY_TARGET)


def send_notification(ctx: ProbeContext, params: dict[str, str] | bytes, label: str, *,
                      barrier: Any = None) -> tuple[HttpResponse, Exchange]:
    """POST one notification; the raw answer and its redacted record (never raises)."""
    return ctx.send(notify_request(ctx, params, label), barrier=barrier)
