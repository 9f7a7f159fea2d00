"""Acting as LianLian: build, sign and send 认证支付 async notifications, and read the merchant's ack.

What LianLian sends (protocol.md §5.1, [VERIFIED] against a real notification): an HTTP POST whose
raw body is a JSON object of strings, Content-Type ``text/json;charset=utf-8``, with exactly
oid_partner, sign_type, sign, dt_order, no_order, oid_paybill, money_order, result_pay,
settle_date, info_order, pay_type (``D`` for 认证支付), bank_code, no_agree, id_type, id_no,
acct_name. It is signed with the method configured on the merchant site (商户站), which golive.yaml
calls ``signing.notify_sign_type`` (protocol.md §2.5): MD5 with the merchant's MD5 key, or RSA with
LianLian's private key -- which golive does not have, so RSA probes sign with
``live.lianlian_private_key``, a key pair whose public half the merchant's *staging* server trusts
in place of LianLian's (``golive keys`` makes one).

The acknowledgement LianLian expects (§5.1): HTTP 200 within 5 s and the JSON
``{"ret_code":"0000","ret_msg":"交易成功"}``. `AckFacts` records what came back, strictly (valid
JSON?) and leniently (would a tolerant reader still find ret_code 0000, e.g. in the single-quoted
text the go-live guide prints?), so each check can judge the part that is its business.
"""

from __future__ import annotations

import ast
import json
import secrets as _random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from golive import safe_json
from golive.lianlian.platform import ACK_SUCCESS
from golive.lianlian.sign import sign_params
from golive.lianlian.validators import gb11643_check_char
from golive.model import Text
from golive.probes.http import Exchange, HttpRequest, HttpResponse
from golive.redact import mask_free_text

if TYPE_CHECKING:  # pragma: no cover
    from golive.probes.recipes import ProbeContext, TestOrder

NOTIFY_CONTENT_TYPE = "text/json;charset=utf-8"
ACK_RET_CODE = ACK_SUCCESS["ret_code"]  # "0000"
ACK_RET_MSG = ACK_SUCCESS["ret_msg"]  # "交易成功"
LIANLIAN_ACK_LIMIT_MS = 5000.0
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
                       label=label, target="notify_url")


@dataclass(frozen=True)
class AckFacts:
    """What the merchant answered to one notification, as judged facts (serialisable)."""

    label: str
    status: int | None
    elapsed_ms: float
    error: str | None  # transport failure: refused, timeout, reset, garbage ...
    error_kind: str | None
    body: str | None  # redacted, truncated
    valid_json: bool
    is_object: bool
    ret_code: str | None  # from strict JSON
    ret_msg: str | None
    lenient_ret_code: str | None  # also read from single-quoted / Python-literal text
    single_quoted: bool  # not JSON, but a single-quoted object like the guide's example
    seq: int | None = None

    @property
    def positive(self) -> bool:
        """Would a tolerant LianLian reader take this as "received" (HTTP 200 and ret_code 0000)?"""
        return self.error is None and self.status == 200 and self.lenient_ret_code == ACK_RET_CODE

    @property
    def contract_ok(self) -> bool:
        """The exact contract: 200, valid JSON object, ret_code 0000, within LianLian's 5 s."""
        return (self.error is None and self.status == 200 and self.valid_json and self.ret_code == ACK_RET_CODE
                and self.elapsed_ms <= LIANLIAN_ACK_LIMIT_MS)

    def summary(self) -> str:
        if self.error:
            return self.error
        shown = (self.body or "")[:80]
        return f"HTTP {self.status}, {shown!r}"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "status": self.status, "elapsed_ms": round(self.elapsed_ms, 1),
                "error": self.error, "error_kind": self.error_kind, "body": self.body, "valid_json": self.valid_json,
                "is_object": self.is_object, "ret_code": self.ret_code, "ret_msg": self.ret_msg,
                "lenient_ret_code": self.lenient_ret_code, "single_quoted": self.single_quoted,
                "positive": self.positive, "contract_ok": self.contract_ok, "seq": self.seq}


def _code(value: Any) -> str | None:
    return None if value is None else str(value)


def read_ack(label: str, response: HttpResponse, exchange: Exchange | None = None) -> AckFacts:
    seq = exchange.seq if exchange else None
    if not response.ok:
        return AckFacts(label, response.status, response.elapsed_ms, response.error, response.error_kind, None,
                        False, False, None, None, None, False, seq)
    text = response.body.decode("utf-8", errors="replace")
    shown = mask_free_text(text.strip()[:300])
    valid_json, is_object, ret_code, ret_msg, lenient, single = False, False, None, None, None, False
    try:
        parsed = safe_json.loads(text)
        valid_json = True
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        is_object = True
        ret_code, ret_msg = _code(parsed.get("ret_code")), _code(parsed.get("ret_msg"))
        lenient = ret_code
    elif not valid_json and text.strip().startswith("{") and len(text) < 2000:
        try:  # the guide's {'ret_code':'0000',...}: a Python literal, not JSON
            literal = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            literal = None
        if isinstance(literal, dict):
            single = "'" in text
            lenient = _code(literal.get("ret_code"))
    return AckFacts(label, response.status, response.elapsed_ms, None, None, shown, valid_json, is_object,
                    ret_code, ret_msg, lenient, single, seq)


def send_notification(ctx: ProbeContext, params: dict[str, str] | bytes, label: str, *,
                      barrier: Any = None) -> tuple[AckFacts, Exchange]:
    response, exchange = ctx.send(notify_request(ctx, params, label), barrier=barrier)
    return read_ack(label, response, exchange), exchange
