"""LL-RSK-004 -- ``frms_ware_category`` is the category LianLian assigned and suits the profile.

Background (protocol.md §4, §4.5): LianLian assigns every ``oid_partner`` one goods category
when the merchant is created, and its risk rules (and the fields it expects, LL-RSK-002) follow that
category. A request sending another code -- a copy-pasted ``1999`` from the demo, a test value --
is scored against the wrong rules. The assigned value belongs in the config
(``merchant.frms_ware_category``); every captured request must send exactly it.

Whether the category fits the merchant-type profile is checked too, at low severity and marked
UNCERTAIN: the only code list is a third-party transcription (T1) and LianLian's own mapping of
categories to required fields is not public, so a mismatch means "check which profile you chose",
not "wrong".
"""

from __future__ import annotations

from typing import Any

from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Severity,
    Text,
    value_text,
)
from golive.lianlian import codes

META = CheckMeta(
    id="LL-RSK-004",
    item=Item.REVIEW_RISK,
    severity=Severity.HIGH,
    title=Text("frms_ware_category 与连连分配的类目一致，且符合商户画像",
               "frms_ware_category equals the category LianLian assigned and suits the profile"),
    rationale=Text(
        "连连按分配给商户号的类目适用风控规则；传错类目（照抄示例的 1999、测试值）会按错误规则评分。",
        "LianLian applies the risk rules of the category it assigned to the merchant number; another code (a demo's "
        "1999, a test value) is scored against the wrong rules.",
    ),
    remediation=Text(
        "在 golive.yaml 的 merchant.frms_ware_category 填连连分配的类目（带引号），risk_item 里始终传这个值；merchant.profile 选与类目相符的画像（golive profiles）。",
        "Put the category LianLian assigned in merchant.frms_ware_category (quoted) and always send that value in "
        "risk_item; choose a merchant.profile that fits the category (golive profiles).",
    ),
    references=("guide 四 风控参数", "docs/protocol.md §4, §4.5"),
    needs=("config",),
    stream="captures",
)


def _category_name(code: str) -> str:
    if code in codes.FRMS_WARE_CATEGORIES:
        return f"{code} {codes.FRMS_WARE_CATEGORIES[code]}"
    return code


class Judge(CaptureJudge):
    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        merchant = evidence.value("config").get("merchant") or {}
        assigned = merchant.get("frms_ware_category")
        self.assigned: str | None = assigned if isinstance(assigned, str) and assigned else None
        self.sent: dict[str, int] = {}

    def judge_record(self, record: CaptureRecord) -> bool | None:
        fields = record.risk_item().fields
        if fields is None:
            self.skip(record, "risk_item unreadable (see LL-RSK-001)")
            return False
        value = fields.get("frms_ware_category")
        if value is None or value == "":
            return None  # missing: LL-RSK-002 reports it
        key = value if isinstance(value, str) else value_text("frms_ware_category", value)
        if len(self.sent) < 50 or key in self.sent:
            self.sent[key] = self.sent.get(key, 0) + 1
        if self.assigned is not None and value != self.assigned and not self.unlisted(f"mismatch:{key}"):
            self.report(f"mismatch:{key}", Text(
                f"frms_ware_category 传的是 {key}，连连分配的是 {self.assigned}（merchant.frms_ware_category）",
                f"frms_ware_category is {key} but LianLian assigned {self.assigned} (merchant.frms_ware_category)"),
                record, "risk_item.frms_ware_category", sent=key, assigned=self.assigned)
        return None

    def _profile_fit(self) -> None:
        profile = self.ctx.profile
        if not profile.categories:
            return
        for code in ([self.assigned] if self.assigned else []) + [c for c in self.sent if c != self.assigned]:
            if code not in profile.categories:
                where = self.ctx.at("merchant.frms_ware_category") if code == self.assigned else None
                self.add(Finding(
                    Text(f"类目 {_category_name(code)} 不在画像 {profile.name} 的类目（{', '.join(profile.categories)}）中；"
                         "类目表来自第三方转录、类目与参数的对应关系官方未公开（不确定），请确认 merchant.profile 选对了",
                         f"category {code} is not among profile {profile.name}'s categories ({', '.join(profile.categories)}); "
                         "the category list is a third-party transcription and LianLian's mapping is not public "
                         "(UNCERTAIN) -- check that merchant.profile is the right one"),
                    where or self.ctx.at("merchant.profile"), severity=Severity.LOW, uncertain=True,
                    data={"category": code, "profile": profile.name}))

    def summary(self) -> dict[str, Any]:
        return {"assigned": self.assigned, "sent": dict(self.sent), "profile_categories": list(self.ctx.profile.categories)}

    def finish(self) -> Judgement:
        if self.assigned is None and self.judged:
            self.add(Finding(
                Text("golive.yaml 没有填 merchant.frms_ware_category（连连分配的类目），无法核对请求里的类目",
                     "merchant.frms_ware_category (the category LianLian assigned) is not set, so the requests' category cannot be compared"),
                self.ctx.at("merchant.frms_ware_category"), severity=Severity.MEDIUM))
        if self.judged:
            self._profile_fit()
        return self.conclude(Text("核对 frms_ware_category", "frms_ware_category compared"))
