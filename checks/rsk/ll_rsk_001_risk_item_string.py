"""LL-RSK-001 -- every pay request carries ``risk_item`` as a string holding a JSON object of strings.

Background: ``risk_item`` (风控参数) is required on every 认证支付 order (protocol.md §3, §4) and is a
*string parameter* whose value is JSON text (§2.1 step 5): the official demo builds it as a
string, the PHP SDK would sign the word ``Array`` if it were an object, and LianLian signs and
parses the exact characters posted. Sending it as a nested JSON object (WAP ``req_data``, API
bodies) or as broken JSON means LianLian's risk engine sees no risk fields -- orders get rejected
(9910 risk level too high) or the signature fails (1001). Inside, every value is a string
(``"frms_ware_category":"2009"``, not ``2009``): numbers lose leading zeros and render differently
across JSON libraries (§2.6). The only documented non-string value is the passenger list
``airline_list`` of travel merchants (§4.4), a list of objects of strings.
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
    json_kind,
    value_text,
)
from golive.lianlian.fields import LIST_FIELDS

META = CheckMeta(
    id="LL-RSK-001",
    item=Item.REVIEW_RISK,
    severity=Severity.HIGH,
    title=Text("risk_item 以字符串形式传递，内容是值全为字符串的 JSON 对象",
               "risk_item is sent as a string holding a JSON object of strings"),
    rationale=Text(
        "risk_item 是字符串参数（JSON 文本），连连按原样验签与解析；传成嵌套对象、非法 JSON 或数字值，风控拿不到参数，订单会被拒（9910）或验签失败（1001）。",
        "risk_item is a string parameter holding JSON text that LianLian signs and parses verbatim; a nested object, "
        "invalid JSON or number values leave the risk engine without its fields: orders are rejected (9910) or fail "
        "the signature (1001).",
    ),
    remediation=Text(
        "先把风控字段组成对象并序列化为 JSON 字符串（所有值用字符串，如 \"2009\"），再把这个字符串作为 risk_item 参数签名并提交；WAP 的 req_data 里 risk_item 也必须是字符串。",
        "Build the risk fields as an object, serialise it to a JSON string (every value a string, e.g. \"2009\"), then "
        "sign and send that string as the risk_item parameter; inside WAP req_data risk_item must be a string too.",
    ),
    references=("guide 四 风控参数", "docs/protocol.md §2.1 step 5, §2.6, §4"),
    stream="captures",
)

_STATE_TEXT = {
    "missing": Text("支付请求没有 risk_item 参数", "the pay request has no risk_item parameter"),
    "empty": Text("risk_item 为空", "risk_item is empty"),
    "nested": Text("risk_item 传成了嵌套 JSON 对象，应为 JSON 字符串（先序列化再签名、提交）",
                   "risk_item is a nested JSON object; it must be a JSON string (serialise it, then sign and send it)"),
}


class Judge(CaptureJudge):
    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.as_string = 0

    def judge_record(self, record: CaptureRecord) -> None:
        risk = record.risk_item()
        state = risk.state
        if state == "string":
            self.as_string += 1
        elif state in _STATE_TEXT:
            self.report(state, _STATE_TEXT[state], record, "risk_item")
        elif state == "invalid_json":
            self.report(state, Text(f"risk_item 不是合法 JSON（{risk.error}）", f"risk_item is not valid JSON ({risk.error})"),
                        record, "risk_item")
        elif state == "not_object":
            self.report(state, Text(f"risk_item 是 JSON {risk.error}，应为 JSON 对象", f"risk_item is a JSON {risk.error}, not an object"),
                        record, "risk_item")
        else:
            self.report(state, Text(f"risk_item 的类型是 {risk.error}，应为 JSON 字符串",
                                    f"risk_item is a {risk.error}, not a JSON string"), record, "risk_item")
        if risk.fields and not risk.plain:  # plain: every value a string (most records)
            self._values(record, risk.fields)

    def _values(self, record: CaptureRecord, fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            if isinstance(value, str):  # a saved masked value (MaskedText) is a JSON string too
                continue
            if name in LIST_FIELDS and isinstance(value, list):
                for index, item in enumerate(value):
                    where = f"risk_item.{name}[{index}]"
                    if not isinstance(item, dict):
                        self.report("list_item", Text(f"{name} 的每一项应为对象", f"each item of {name} must be an object"), record, where)
                        continue
                    for sub, sub_value in item.items():
                        if not isinstance(sub_value, str):
                            self._non_string(record, f"{where}.{sub}", sub_value)
                continue
            self._non_string(record, f"risk_item.{name}", value)

    def _non_string(self, record: CaptureRecord, pointer: str, value: Any) -> None:
        kind = json_kind(value)
        if self.unlisted(f"value_{kind}"):
            return  # counted; the message would not be shown
        shown = value_text(pointer, value)
        self.report(f"value_{kind}", Text(f"值是 JSON {kind}（{shown}），risk_item 里的值都应为字符串",
                                          f"the value is a JSON {kind} ({shown}); risk_item values must be strings"),
                    record, pointer, kind=kind)

    def summary(self) -> dict[str, Any]:
        return {"risk_item_as_string": self.as_string}

    def finish(self) -> Judgement:
        return self.conclude(Text("检查 risk_item 的传递形式", "risk_item form checked"))
