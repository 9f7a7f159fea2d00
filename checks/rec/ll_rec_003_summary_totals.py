"""LL-REC-003 -- each day's JYMXSUM totals agree with that day's JYMX detail.

JYMXSUM is the day's summary: total count, success count and amount, refund count and amount
(negative), cancel count and amount (docs/protocol.md §9). It must agree with the JYMX detail of
the same settle_date; when it does not, either a file is truncated (a detail fetched half-way) or
one of them belongs to another run -- and a reconciliation that trusted one of them is wrong.
Empty summary fields (a variant §9 records: ``8|8|551.23|0||0|``) state nothing and are not
compared.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, judge_differences

META = CheckMeta(
    id="LL-REC-003",
    item=Item.INTEGRATION_RECONCILIATION,
    severity=Severity.HIGH,
    title=Text("JYMXSUM 汇总与 JYMX 明细一致", "JYMXSUM totals agree with the JYMX detail"),
    rationale=Text(
        "汇总文件与明细不一致说明文件被截断或来自不同批次，依据它们的对账结果不可信。",
        "A summary that disagrees with its detail means a truncated file or files of different runs; a reconciliation "
        "built on them cannot be trusted.",
    ),
    remediation=Text(
        "确认文件完整下载（比对大小或重新获取），对账前先核对 JYMXSUM 的笔数与金额。",
        "Make sure the files were fetched whole (compare sizes or fetch again) and check JYMXSUM's counts and amounts "
        "against the detail before reconciling.",
    ),
    references=("docs/protocol.md §9", "guide 九 商户对账"),
    needs=("reconciliation",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("reconciliation")
    if value.get("configured") and value.get("files") and not any(f.get("kind") == "JYMXSUM" for f in value["files"]):
        return Judgement.not_applicable(Text("所选日期内没有 JYMXSUM 汇总文件", "no JYMXSUM summary in the window"))
    return judge_differences(value, ("summary_mismatch",), Text("核对 JYMXSUM 汇总", "compared JYMXSUM totals"))
