"""LL-RSK-005 -- risk_item agrees with the rest of the request and across requests.

Background (protocol.md §3, §4.1, §4.3): LianLian's risk engine builds a user's history from
``user_info_mercht_userno`` (the user at the merchant, "may equal ``user_id``") and compares the
real-name fields with the identity 认证支付 sends (``acct_name``, ``id_no``, ``id_type``). Three
kinds of contradiction are flagged:

* one ``user_id`` sent with different ``user_info_mercht_userno`` values (or one userno with
  different user_ids) across the capture -- the two ids must name the same user every time;
* ``user_info_full_name`` / ``user_info_id_no`` / ``user_info_id_type`` differing from
  ``acct_name`` / ``id_no`` / ``id_type`` in the same request (compared only when both are sent;
  ID numbers case-insensitively for the check character X);
* ``user_info_dt_register`` after ``dt_order``: a user cannot have registered after ordering.

State is bounded: the user maps stop growing at `MAX_USERS` entries (counted in the evidence).
"""

from __future__ import annotations

from typing import Any

from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Item,
    Judgement,
    Severity,
    Text,
    value_text,
)

META = CheckMeta(
    id="LL-RSK-005",
    item=Item.REVIEW_RISK,
    severity=Severity.MEDIUM,
    title=Text("风控参数前后一致：用户编号、实名信息与身份字段、注册时间早于下单时间",
               "risk_item is consistent: user ids, real-name fields vs identity, registration before the order"),
    rationale=Text(
        "风控用 user_info_mercht_userno 累积用户历史，并把实名参数与认证支付的身份字段比对；同一用户编号对应多个用户、姓名证件前后矛盾、注册晚于下单，都会被判为高风险。",
        "LianLian builds user history from user_info_mercht_userno and compares real-name fields with the 认证支付 "
        "identity; one user id mapped to several users, contradictory names or IDs, or a registration after the "
        "order all look like fraud.",
    ),
    remediation=Text(
        "user_info_mercht_userno 与 user_id 取同一个用户的编号（可以相同）；实名参数与 acct_name、id_no、id_type 取自同一份实名认证结果；user_info_dt_register 传用户真实注册时间。",
        "Derive user_info_mercht_userno and user_id from the same user (they may be equal); take the real-name "
        "fields and acct_name/id_no/id_type from the same verified identity; send the user's real registration time.",
    ),
    references=("guide 四 风控参数", "docs/protocol.md §3, §4.1, §4.3"),
    stream="captures",
)

MAX_USERS = 50_000
_NONE = (None, 0)

# (risk_item field, request field, how to compare)
_PAIRS = (
    ("user_info_full_name", "acct_name", False),
    ("user_info_id_no", "id_no", True),
    ("user_info_id_type", "id_type", False),
)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class Judge(CaptureJudge):
    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.userno_of: dict[str, tuple[str, int]] = {}
        self.user_of: dict[str, tuple[str, int]] = {}
        self.users_not_tracked = 0

    def _track(self, table: dict[str, tuple[str, int]], key: str, value: str, line: int) -> tuple[str, int] | None:
        seen = table.get(key)
        if seen is None:
            if len(table) < MAX_USERS:
                table[key] = (value, line)
            else:
                self.users_not_tracked += 1
            return None
        return seen if seen[0] != value else None

    def judge_record(self, record: CaptureRecord) -> None:
        params = record.params or {}
        risk = record.risk_item()
        fields = risk.fields or {}
        # A plain value (CaptureRecord.plain_params, RiskItem.plain) is text exactly when it is truthy.
        user_id = params.get("user_id") or None if record.plain_params() else _text(params.get("user_id"))
        userno = fields.get("user_info_mercht_userno") or None if risk.plain else _text(fields.get("user_info_mercht_userno"))
        if user_id and userno and not (self.userno_of.get(user_id, _NONE)[0] == userno
                                       and self.user_of.get(userno, _NONE)[0] == user_id):  # known pair: consistent
            clash = self._track(self.userno_of, user_id, userno, record.line)
            if clash:
                self._clash(record, "user_id", user_id, "user_info_mercht_userno", clash, userno)
            clash = self._track(self.user_of, userno, user_id, record.line)
            if clash:
                self._clash(record, "user_info_mercht_userno", userno, "user_id", clash, user_id)
        for risk_name, request_name, fold in _PAIRS:
            inner, outer = fields.get(risk_name), params.get(request_name)
            if inner == outer:
                continue  # the usual case: equal (or both absent)
            inner, outer = _text(inner), _text(outer)
            if inner is None or outer is None:
                continue
            if ((inner.upper() != outer.upper()) if fold else (inner != outer)) and not self.unlisted(f"mismatch:{risk_name}"):
                self.report(f"mismatch:{risk_name}", Text(
                    f"risk_item.{risk_name}（{value_text(risk_name, inner)}）与 {request_name}（{value_text(request_name, outer)}）不一致",
                    f"risk_item.{risk_name} ({value_text(risk_name, inner)}) differs from {request_name} "
                    f"({value_text(request_name, outer)})"),
                    record, f"risk_item.{risk_name}", severity=Severity.HIGH if risk_name != "user_info_id_type" else None)
        registered, ordered = fields.get("user_info_dt_register"), params.get("dt_order")
        if (isinstance(registered, str) and isinstance(ordered, str) and registered > ordered  # rarely: first
                and len(registered) == 14 == len(ordered) and registered.isdigit() and ordered.isdigit()):
            self.report("registered_after_order", Text(
                f"user_info_dt_register（{registered}）晚于下单时间 dt_order（{ordered}）",
                f"user_info_dt_register ({registered}) is after the order time dt_order ({ordered})"),
                record, "risk_item.user_info_dt_register")

    def _clash(self, record: CaptureRecord, key_name: str, key: str, other_name: str, earlier: tuple[str, int],
               now: str) -> None:
        """One id came with two different values of the other id (earlier line, this line)."""
        if self.unlisted(f"{other_name}_differs"):
            return  # counted; the message would not be shown
        shown_key, was, is_ = value_text(key_name, key), value_text(other_name, earlier[0]), value_text(other_name, now)
        pointer = "risk_item.user_info_mercht_userno" if other_name == "user_info_mercht_userno" else "user_id"
        self.report(f"{other_name}_differs", Text(
            f"同一 {key_name} {shown_key} 在第 {earlier[1]} 行对应 {other_name} {was}，这里却是 {is_}",
            f"{key_name} {shown_key} came with {other_name} {was} on line {earlier[1]} but {is_} here"),
            record, pointer)

    def summary(self) -> dict[str, Any]:
        return {"users_tracked": len(self.userno_of), "users_not_tracked": self.users_not_tracked}

    def finish(self) -> Judgement:
        return self.conclude(Text("核对风控参数的一致性", "consistency checked"))
