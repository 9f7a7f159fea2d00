"""The acknowledgement contract: how LianLian reads a merchant's answer to a notification.

One reader for every answer golive sees -- a live probe's exchange (LL-NTF-002…008), a captured
notification (LL-NTF-009) and the sandbox's deliveries (golive/sandbox/delivery.py).

The contract (protocol.md §5.1, guide 五, LianLian's Java demos): HTTP 200 within 5 s, and a body
that is a JSON object with ``ret_code`` "0000" -- the demos send ``{"ret_code":"0000","ret_msg":
"交易成功"}``. ``ret_msg`` "交易成功" is what the demos send, but LianLian's English docs show "ok" and
presumably only ``ret_code`` is read (UNCERTAIN, protocol.md §11 item 4): a different ret_msg is a
low, uncertain finding, never a refusal. Anything else counts as "not received" and is re-sent.

Two readings of one answer, so each check can judge the part that is its business:

* strict (`AckFacts.contract_ok`): exactly the contract above;
* lenient (`AckFacts.positive`): would a tolerant reader still find ret_code 0000 -- including in
  the single-quoted ``{'ret_code':'0000',...}`` the go-live guide prints, which is not JSON. A
  negative probe answered this way was *accepted* by the merchant, whatever its syntax.

`read_ack` never raises: a body that is not UTF-8, not JSON, huge or hostile is read as what it is.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Mapping

from golive import safe_json
from golive.lianlian.platform import ACK_SUCCESS
from golive.model import Finding, Location, Severity, Text
from golive.redact import mask_free_text

__all__ = ["ACK_RET_CODE", "ACK_RET_MSG", "LIANLIAN_ACK_LIMIT_MS", "AckFacts", "ack_findings", "ack_of_exchange",
           "ack_problem", "ack_text", "read_ack"]

ACK_RET_CODE: str = ACK_SUCCESS["ret_code"]  # "0000"
ACK_RET_MSG: str = ACK_SUCCESS["ret_msg"]  # "交易成功"
LIANLIAN_ACK_LIMIT_MS = 5000.0
SHOWN_BODY_CHARS = 300
MAX_LITERAL_CHARS = 2000  # the single-quoted reading is for ack-sized text only (ast on big input is slow)


@dataclass(frozen=True)
class AckFacts:
    """What one answer says, read as LianLian would. Plain facts; findings come from `ack_findings`."""

    status: int | None
    elapsed_ms: float | None  # None: not known (a capture without timing)
    error: str | None  # no answer: refused, timeout, reset, garbage, too large ...
    error_kind: str | None
    body: str | None  # for display: stripped, masked, at most SHOWN_BODY_CHARS
    empty: bool
    valid_json: bool
    is_object: bool
    ret_code: str | None  # from strict JSON
    ret_msg: str | None
    lenient_ret_code: str | None  # also from single-quoted / Python-literal text
    single_quoted: bool  # not JSON, but a single-quoted object like the guide's example
    truncated: bool = False  # the record kept only the start of a longer answer: the body cannot be read
    seq: int | None = None
    label: str = ""

    @property
    def answered(self) -> bool:
        return self.error is None

    @property
    def positive(self) -> bool:
        """Would a tolerant reader take this as "received" (HTTP 200 and ret_code 0000)?"""
        return self.error is None and self.status == 200 and self.lenient_ret_code == ACK_RET_CODE

    def in_time(self, limit_ms: float = LIANLIAN_ACK_LIMIT_MS) -> bool:
        return self.error is None and (self.elapsed_ms is None or self.elapsed_ms <= limit_ms)

    @property
    def contract_ok(self) -> bool:
        """The exact contract: 200, a JSON object, ret_code 0000, within LianLian's 5 s."""
        return ack_problem(self) is None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "seq": self.seq, "status": self.status, "elapsed_ms": self.elapsed_ms,
                "error": self.error, "error_kind": self.error_kind, "body": self.body, "valid_json": self.valid_json,
                "is_object": self.is_object, "ret_code": self.ret_code, "ret_msg": self.ret_msg,
                "lenient_ret_code": self.lenient_ret_code, "single_quoted": self.single_quoted,
                "truncated": self.truncated}


def _code(value: Any) -> str | None:
    return None if value is None else str(value)


def read_ack(status: int | None, body: bytes | str | None, elapsed_ms: float | None, error: str | None = None,
             error_kind: str | None = None, *, truncated: bool = False, seq: int | None = None,
             label: str = "") -> AckFacts:
    """Read one answer. `body` may be the raw bytes or a (redacted) text; `error` means no answer."""
    if error is not None:
        return AckFacts(status, elapsed_ms, error, error_kind, None, True, False, False, None, None, None, False,
                        truncated, seq, label)
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else (body or "")
    stripped = text.strip()
    shown = mask_free_text(stripped[:SHOWN_BODY_CHARS])
    valid_json, is_object, ret_code, ret_msg, lenient, single = False, False, None, None, None, False
    if not truncated:  # half an answer says nothing about its syntax
        try:
            parsed = safe_json.loads(stripped)
            valid_json = True
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            is_object = True
            ret_code, ret_msg = _code(parsed.get("ret_code")), _code(parsed.get("ret_msg"))
            lenient = ret_code
        elif not valid_json and stripped.startswith("{") and len(stripped) < MAX_LITERAL_CHARS:
            try:  # the guide's {'ret_code':'0000',...}: a Python literal, not JSON
                literal = ast.literal_eval(stripped)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                literal = None
            if isinstance(literal, dict):
                single = "'" in stripped
                lenient = _code(literal.get("ret_code"))
    return AckFacts(status, elapsed_ms, None, None, shown, not stripped, valid_json, is_object, ret_code, ret_msg,
                    lenient, single, truncated, seq, label)


def ack_of_exchange(exchange: Mapping[str, Any]) -> AckFacts:
    """The answer recorded in a probe exchange (``Exchange.to_dict()``: already redacted)."""
    response = exchange.get("response") or {}
    elapsed = exchange.get("elapsed_ms")
    status = response.get("status")
    return read_ack(status if isinstance(status, int) else None, response.get("body"),
                    float(elapsed) if isinstance(elapsed, (int, float)) else None,
                    exchange.get("error"), exchange.get("error_kind"),
                    truncated=bool(response.get("truncated_chars")), seq=exchange.get("seq"),
                    label=str(exchange.get("label") or ""))


def ack_text(ack: AckFacts) -> str:
    """The answer in a few words: the transport error, or the status and the start of the body."""
    if ack.error:
        return ack.error
    return f"HTTP {ack.status} {(ack.body or '')[:80]!r}"


def ack_problem(ack: AckFacts, limit_ms: float = LIANLIAN_ACK_LIMIT_MS) -> str | None:
    """Why LianLian would count this answer as not received (one English line), or None if it is
    the contract. ret_msg is not part of it (see the module docstring)."""
    if ack.error is not None:
        return ack.error
    if ack.status != 200:
        return f"HTTP {ack.status}, not 200"
    if ack.truncated:
        return "the answer is longer than golive keeps, so it cannot be read as an acknowledgement"
    if ack.is_object:
        if ack.ret_code != ACK_RET_CODE:
            return f"ret_code {ack.ret_code!r}, not '{ACK_RET_CODE}'"
    elif ack.single_quoted:
        return "not JSON: single quotes (the go-live guide prints the ack that way; JSON needs double quotes)"
    elif ack.valid_json:
        return "valid JSON but not an object with ret_code"
    else:
        return "empty body" if ack.empty else "not JSON"
    if not ack.in_time(limit_ms):
        assert ack.elapsed_ms is not None
        return f"answered after {ack.elapsed_ms / 1000:.1f} s; LianLian waits {limit_ms / 1000:g} s"
    return None


def ack_findings(ack: AckFacts, location: Location | None = None, *, format_only: bool = False) -> list[Finding]:
    """Where an answer breaks the acknowledgement contract: HTTP 200, a valid JSON object, ret_code
    "0000", ret_msg "交易成功" (low and uncertain), within 5 s when the time is known.
    `format_only`: judge only that the answer is JSON (for answers the merchant may refuse).
    Each finding's ``data["rule"]`` names the rule (status, json, ret_code, ret_msg, slow)."""
    findings: list[Finding] = []

    def add(rule: str, message: Text, **kw: Any) -> None:
        data = {"rule": rule, "status": ack.status, "elapsed_ms": ack.elapsed_ms, "body": ack.body}
        findings.append(Finding(message, location, data=data, **kw))

    if ack.status != 200 and not format_only:
        add("status", Text(f"HTTP 状态码为 {ack.status}，应为 200", f"HTTP status {ack.status}, expected 200"))
    if ack.truncated:
        pass  # nothing can be said of the body's syntax; callers that need it treat it as unreadable
    elif not ack.valid_json:
        if ack.single_quoted:
            add("json", Text("应答正文用单引号，不是合法 JSON —— 上线指南自己的示例 {'ret_code':'0000','ret_msg':'交易成功'} "
                             "就是这样写的，照抄会被 JSON 解析器拒绝",
                             "the answer uses single quotes, which is not JSON -- the go-live guide's own example "
                             "{'ret_code':'0000','ret_msg':'交易成功'} is written that way, and a copy of it is rejected "
                             "by a JSON parser"))
        else:
            add("json", Text(f"应答正文不是合法 JSON：{ack_text(ack)}", f"the answer is not valid JSON: {ack_text(ack)}"))
    elif format_only:
        pass
    elif not ack.is_object:
        add("json", Text("应答是 JSON 但不是对象", "the answer is JSON but not an object"))
    elif ack.ret_code != ACK_RET_CODE:
        add("ret_code", Text(f"ret_code 为 {ack.ret_code!r}，应为 \"0000\"", f"ret_code is {ack.ret_code!r}, expected \"0000\""))
    elif ack.ret_msg != ACK_RET_MSG:
        add("ret_msg", Text(f"ret_msg 为 {ack.ret_msg!r}，官方示例为 \"交易成功\"（英文文档写 \"ok\"，连连可能只看 ret_code，未确认）",
                            f"ret_msg is {ack.ret_msg!r}; the official demos send \"交易成功\" (the English docs show \"ok\"; "
                            f"LianLian presumably reads only ret_code -- unconfirmed)"),
            severity=Severity.LOW, uncertain=True)
    if not format_only and ack.elapsed_ms is not None and ack.elapsed_ms > LIANLIAN_ACK_LIMIT_MS:
        add("slow", Text(f"应答用时 {ack.elapsed_ms / 1000:.1f} 秒，超过连连的 5 秒",
                         f"the answer took {ack.elapsed_ms / 1000:.1f} s, over LianLian's 5 s"))
    return findings
