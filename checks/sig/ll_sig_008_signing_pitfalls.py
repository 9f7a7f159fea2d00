"""LL-SIG-008 -- captured parameters avoid the values that make signatures fragile.

Background (protocol.md §2.1 step 2, §2.6, §11):

* Literal ``"null"``: LianLian's old 认证支付 demo drops values equal to the text ``null`` from the
  sign source (its JSPs render a Java null that way), the newer SDKs keep them; which rule
  LianLian's server applies is UNCERTAIN. A request carrying ``"null"`` verifies under one rule
  only -- reported at low severity, with that uncertainty stated.
* Leading/trailing spaces: Java signs values verbatim, old PHP handlers trim before verifying, so
  the same message verifies on one side and not the other (and one official SDK demo sends
  ``" H5"`` with a space, §4.2).
* Non-string values (JSON numbers, booleans, nested objects/arrays): LianLian's parameters are all
  strings; a number's text differs between JSON libraries (``1.50`` vs ``1.5``, ``120`` vs
  ``120.0``), so what was signed and what LianLian reads can differ.

Checked on the merchant's own requests (pay requests, queries, other signed API calls), top-level
parameters only -- ``risk_item``'s insides are LL-RSK-001's.
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

META = CheckMeta(
    id="LL-SIG-008",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.MEDIUM,
    title=Text("请求参数避开签名陷阱：字面量 \"null\"、首尾空格、非字符串值",
               "request parameters avoid signing pitfalls: literal \"null\", surrounding spaces, non-string values"),
    rationale=Text(
        "字面量 \"null\" 在新旧官方代码里签名规则不同（连连服务端规则不确定）；首尾空格有的实现会去掉；数字、布尔、嵌套对象在不同 JSON 库里文本不同——签名时与连连解析时的文本可能对不上。",
        "Literal \"null\" is signed differently by old and new official code (LianLian's own rule is UNCERTAIN); "
        "some implementations trim spaces; numbers, booleans and nested objects have library-dependent text -- what "
        "was signed and what LianLian reads can differ.",
    ),
    remediation=Text(
        "没有值的参数直接不传（不要传 \"null\" 或空格）；提交前去掉值两端空格再签名；所有参数都用字符串（金额 \"49.65\"，risk_item 序列化成 JSON 字符串）。",
        "Leave out parameters without a value (never \"null\" or blanks); trim values before signing; send every "
        "parameter as a string (amount \"49.65\", risk_item serialised to a JSON string).",
    ),
    references=("guide 二 安全签名机制", "docs/protocol.md §2.1 step 2, §2.6, §11"),
    stream="captures",
)


class Judge(CaptureJudge):
    kinds = frozenset({"pay_request", "query", "other"})
    subject = Text("商户发出的签名请求", "signed merchant requests")

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.counts = {"null": 0, "spaces": 0, "non_string": 0}

    def judge_record(self, record: CaptureRecord) -> bool | None:
        params = record.params or {}
        if record.kind == "other" and not ("sign" in params and "oid_partner" in params):
            return False
        if record.plain_params():  # every value plain text, none spaced or null: most requests
            return None
        for name, value in params.items():
            if isinstance(value, str):  # a saved masked value (MaskedText) is a JSON string too
                if not value:
                    continue
                if len(value) == 4 and value.lower() == "null":
                    self.counts["null"] += 1
                    if self.unlisted(f"null:{name}"):
                        continue  # counted; the message would not be shown
                    self.report(f"null:{name}", Text(
                        f"{name} 的值是字面量 \"{value}\"：旧版官方示例签名时会去掉它、新版 SDK 会保留，连连服务端的规则不确定（protocol.md §2.1）；没有值就不要传这个参数",
                        f"{name} is the literal text \"{value}\": the old official demo drops it from the sign source, newer "
                        "SDKs keep it, and LianLian's server rule is UNCERTAIN (protocol.md §2.1); leave the parameter out instead"),
                        record, name, severity=Severity.LOW, uncertain=True)
                elif value[0].isspace() or value[-1].isspace():
                    self.counts["spaces"] += 1
                    if self.unlisted(f"spaces:{name}"):
                        continue
                    self.report(f"spaces:{name}", Text(
                        f"{name} 的值首尾有空白（{value_text(name, value)!r}）；Java 按原值签名、部分 PHP 实现会去空格，验签结果不一致",
                        f"{name} has leading or trailing whitespace ({value_text(name, value)!r}); Java signs it verbatim, some "
                        "PHP code trims it, so the two sides disagree"),
                        record, name)
            elif name != "sign":
                self._non_string(record, name, value)
        return None

    def _non_string(self, record: CaptureRecord, name: str, value: Any) -> None:
        self.counts["non_string"] += 1
        kind = json_kind(value)
        if self.unlisted(f"type:{name}:{kind}"):
            return  # counted; the message would not be shown
        if kind == "object" and name == "risk_item":
            hint = Text("（risk_item 须为 JSON 字符串，见 LL-RSK-001）", " (risk_item must be a JSON string, see LL-RSK-001)")
        else:
            hint = Text("", "")
        self.report(f"type:{name}:{kind}", Text(
            f"{name} 是 JSON {kind}（{value_text(name, value)}），连连的参数都应是字符串{hint.zh}",
            f"{name} is a JSON {kind} ({value_text(name, value)}); LianLian parameters are strings{hint.en}"),
            record, name, kind=kind)

    def summary(self) -> dict[str, Any]:
        return {"pitfalls": dict(self.counts)}

    def finish(self) -> Judgement:
        return self.conclude(Text("检查请求参数的签名陷阱", "signing pitfalls checked"))
