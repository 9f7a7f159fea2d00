"""LL-SIG-010 -- the merchant number golive.yaml names is the one the integration really uses.

Background (protocol.md §3, §5.1, §10): ``oid_partner`` is the 18-digit merchant number LianLian
assigned; keys, registered domains and IPs, limits and the launch review itself all belong to it.
Every pay request, query and callback carries it. golive judges the merchant that golive.yaml names
(``merchant.oid_partner``): it signs its probe notifications with it, compares callbacks with it and
prints it on the report staff read. When the captured traffic carries another number -- the
placeholder ``golive init`` wrote and nobody changed, the published test merchant 201408071000001543
still in the code, a second merchant account -- the report would vouch for a merchant that is not the
one being reviewed, and the probes would be refused for the merchant number, not for a defect.

Every captured record with an ``oid_partner`` is compared with ``merchant.oid_partner``; each other
number is one finding naming where it was first seen and how often.
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
)

META = CheckMeta(
    id="LL-SIG-010",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("golive.yaml 中的商户号与抓包中实际使用的商户号一致",
               "merchant.oid_partner is the merchant number the captured traffic uses"),
    rationale=Text(
        "密钥、报备、限额与上线审核都属于一个商户号；golive 按 merchant.oid_partner 签名探测通知、核对回调并写进报告。"
        "抓包中的商户号不同（golive init 写入的示例值未修改、代码里仍是公开测试商户号、另一个商户账号），报告就是在为另一个商户作证。",
        "Keys, registrations, limits and the launch review all belong to one merchant number; golive signs its probe "
        "notifications with merchant.oid_partner, compares callbacks with it and prints it for staff. If the captured "
        "traffic carries another number (golive init's placeholder left unchanged, the published test merchant still "
        "in the code, a second account), the report vouches for a merchant that is not the one under review.",
    ),
    remediation=Text(
        "把 merchant.oid_partner 改为连连分配给本商户、报备与审核所用的商户号；若抓包中的商户号不对，修改集成代码中的配置。",
        "Set merchant.oid_partner to the merchant number LianLian assigned (the one registered and reviewed); if the "
        "captured number is the wrong one, fix the integration's configuration instead.",
    ),
    references=("docs/protocol.md §3 (oid_partner)", "docs/protocol.md §10", "guide 三 接口联调"),
    needs=("config",),
    stream="captures",
)

KINDS = frozenset({"pay_request", "notify", "return", "query", "withdraw", "other"})


class Judge(CaptureJudge):
    kinds = KINDS
    subject = Text("带商户号的记录", "records with a merchant number")

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.configured = str(evidence.value("config").get("merchant", {}).get("oid_partner") or "")
        self.others: dict[str, list[Any]] = {}  # number -> [count, first record]
        self.matching = 0

    def judge_record(self, record: CaptureRecord) -> bool | None:
        value = (record.params or {}).get("oid_partner")
        if value is None or value == "":
            return False  # not every exchange names a merchant; nothing to judge in it
        number = str(value)
        if number == self.configured:
            self.matching += 1
            return True
        seen = self.others.get(number)
        if seen is None:
            if len(self.others) < 20:
                self.others[number] = [1, record]
        else:
            seen[0] += 1
        return True

    def skip(self, record: CaptureRecord, why: str) -> None:  # records without params are simply not ours
        if why != "no parameters in this record":
            super().skip(record, why)

    def summary(self) -> dict[str, Any]:
        return {"configured": self.configured, "matching": self.matching,
                "other_numbers": {n: c for n, (c, _) in self.others.items()}}

    def finish(self) -> Judgement:
        if self.judged == 0:
            return Judgement.not_applicable(Text("抓包中没有带 oid_partner 的记录", "no captured record carries an oid_partner"))
        for number, (count, first) in self.others.items():
            self.report("other", Text(
                f"抓包中有 {count} 条记录使用商户号 {number}（首次见于 {first.location()}），而 golive.yaml 的 merchant.oid_partner 为 "
                f"{self.configured}：golive 判断的是配置中的商户",
                f"{count} captured record(s) use merchant number {number} (first at {first.location()}) while "
                f"merchant.oid_partner in golive.yaml is {self.configured}: golive judges the configured merchant"),
                first, "oid_partner", number=number, count=count)
        return self.conclude(Text(f"与 merchant.oid_partner（{self.configured}）比对",
                                  f"compared with merchant.oid_partner ({self.configured})"))
