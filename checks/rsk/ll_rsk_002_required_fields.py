"""LL-RSK-002 -- every risk_item field the merchant-type profile requires is present and non-empty.

Background: LianLian assigns each merchant a category (``frms_ware_category``) and, with it, the
risk fields its orders must carry (protocol.md §4): the basic fields for everyone (§4.1), the
server-API fields for direct integrations (§4.2), the real-name fields for 认证支付 / real-name
merchants (§4.3) and industry fields (§4.4: passengers, hotel, delivery, games, tickets). Missing
fields are the first thing the launch review (审核1 "风控参数是否传正确") looks for; in production
they raise the risk score and get orders rejected. The profile (``profiles/*.yaml``, ``golive
profiles NAME``) lists what is required, recommended and optional. Recommended fields
(e.g. ``user_info_bind_phone``, "required if held") are counted in the evidence, not failed.
Near-miss names are pointed out: LianLian's own English doc example misspells
``user_info_dt_register`` as ``user_info_dt_registe``.
"""

from __future__ import annotations

import difflib
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
from golive.lianlian.fields import is_blank, iter_field

META = CheckMeta(
    id="LL-RSK-002",
    item=Item.REVIEW_RISK,
    severity=Severity.HIGH,
    title=Text("商户类型要求的风控参数齐全且非空", "every risk_item field the merchant type requires is present and non-empty"),
    rationale=Text(
        "连连按商户类目要求风控参数（基础、API、实名、行业参数）；缺参数是上线审核“风控参数是否传正确”首先检查的，正式环境会抬高风险评分导致拒单。",
        "LianLian requires risk fields per merchant category (basic, API, real-name, industry); missing fields are "
        "what the launch review checks first and in production raise the risk score until orders are rejected.",
    ),
    remediation=Text(
        "按 `golive profiles <画像>` 列出的必填字段补齐 risk_item；值不能为空串。画像要与连连分配的类目一致（merchant.profile）。",
        "Add every required field listed by `golive profiles <profile>` to risk_item, with non-empty values; make sure "
        "merchant.profile matches the category LianLian assigned.",
    ),
    references=("guide 四 风控参数", "docs/protocol.md §4.1-§4.4"),
    stream="captures",
)

_UNUSABLE = {
    "missing": Text("没有 risk_item，画像要求的字段一个都没有", "no risk_item: none of the fields the profile requires is there"),
    "empty": Text("risk_item 为空，画像要求的字段一个都没有", "risk_item is empty: none of the required fields is there"),
}


def _blank(value: Any) -> bool:
    # is_blank, inlined for the common all-strings case (this runs for every field of every record)
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


class Judge(CaptureJudge):
    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.required = ctx.profile.required_fields
        self.top_required = tuple(f for f in self.required if "[]" not in f)
        self.list_required = tuple(f for f in self.required if "[]" in f)
        self.recommended = tuple(f for f in ctx.profile.recommended_fields if "[]" not in f)
        self.recommended_missing: dict[str, int] = {}

    def judge_record(self, record: CaptureRecord) -> None:
        risk = record.risk_item()
        fields = risk.fields
        if fields is None:
            message = _UNUSABLE.get(risk.state) or Text("risk_item 无法解析为 JSON 对象，无法找到必填字段（见 LL-RSK-001）",
                                                        "risk_item cannot be read as a JSON object, so no required field can be found (see LL-RSK-001)")
            self.report("no_risk_item", message, record, "risk_item", missing=list(self.required))
            return
        get = fields.get
        # Plain values (RiskItem.plain) are blank only when absent or "", i.e. falsy: one C-level
        # pass over the required fields then decides the usual record, which has them all.
        if not (risk.plain and all(map(get, self.top_required))):
            for spec in self.top_required:
                if _blank(get(spec)):
                    self._missing(record, fields, spec, "risk_item." + spec, absent=spec not in fields)
        for spec in self.list_required:
            for pointer, value in iter_field(fields, spec):
                if is_blank(value):
                    self._missing(record, fields, spec, pointer, absent=value is None)
        if risk.plain:
            for spec, value in zip(self.recommended, map(get, self.recommended)):
                if not value:
                    self.recommended_missing[spec] = self.recommended_missing.get(spec, 0) + 1
        else:
            for spec in self.recommended:
                if _blank(get(spec)):
                    self.recommended_missing[spec] = self.recommended_missing.get(spec, 0) + 1

    def _missing(self, record: CaptureRecord, fields: dict[str, Any], spec: str, pointer: str, *, absent: bool) -> None:
        rule = f"missing:{spec}"
        if absent:
            message = Text(f"缺少必填风控参数 {spec}", f"required risk_item field {spec} is missing")
            hint = self._near_miss(fields, spec) if self.will_list(rule) else None
            if hint:
                message = Text(f"{message.zh}（有个相近的字段 {hint!r}，是否拼错了？）",
                               f"{message.en} (there is a similar field {hint!r}: misspelt?)")
        else:
            message = Text(f"必填风控参数 {spec} 为空", f"required risk_item field {spec} is empty")
        self.report(rule, message, record, pointer, field=spec)

    @staticmethod
    def _near_miss(fields: dict[str, Any], spec: str) -> str | None:
        name = spec.rsplit(".", 1)[-1]
        close = difflib.get_close_matches(name, [k for k in fields if k != name], n=1, cutoff=0.8)
        return close[0] if close else None

    def summary(self) -> dict[str, Any]:
        return {"profile": self.ctx.profile.name, "required": list(self.required),
                "recommended_missing": dict(self.recommended_missing)}

    def finish(self) -> Judgement:
        return self.conclude(Text(f"按画像 {self.ctx.profile.name} 检查必填风控参数",
                                  f"required fields of profile {self.ctx.profile.name} checked"))
