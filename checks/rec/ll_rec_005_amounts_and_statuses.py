"""LL-REC-005 -- matched orders agree: amount, status (paid / refunded / returned) and settle_date.

Rows found on both sides must say the same (docs/protocol.md §9): the exact amount (decimals, never
floats), the status -- LianLian paid it but the books say failed or pending (the user paid and was
not credited); LianLian refunded it but the books still say success; the bank returned a payout
(status 5 in FKMX) but the books still show it paid out, so the user's balance was never restored --
and the ``settle_date`` the books keyed it by. An order paid shortly before midnight settles the
next day; books keyed by the order date mis-reconcile every such order, and the message says so.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, judge_differences

META = CheckMeta(
    id="LL-REC-005",
    item=Item.INTEGRATION_RECONCILIATION,
    severity=Severity.HIGH,
    title=Text("对账：金额、状态与清算日期一致", "Reconciliation: amounts, statuses and settle dates agree"),
    rationale=Text(
        "金额或状态不一致说明入账金额错误、退款或银行退回未处理；清算日期不一致说明台账未按 settle_date 记账。",
        "A different amount or status means a wrong credit, or a refund or returned payout left unhandled; a different "
        "settle date means the books are not keyed by settle_date.",
    ),
    remediation=Text(
        "入账金额取通知中的 money_order 并与订单金额精确比较；处理退款与 CANCEL（银行退回）时恢复余额；"
        "保存通知中的 settle_date 并按它对账。",
        "Book money_order from the notification, compared exactly with the order; restore balances on refunds and on "
        "CANCEL (returned by the bank); keep the notification's settle_date and reconcile by it.",
    ),
    references=("guide 九 商户对账", "docs/protocol.md §9", "docs/protocol.md §8 (CANCEL)"),
    needs=("reconciliation",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_differences(evidence.value("reconciliation"),
                             ("amount_mismatch", "status_mismatch", "settle_date_mismatch"),
                             Text("核对金额、状态与清算日期", "compared amounts, statuses and settle dates"),
                             {"settle_date_mismatch": Severity.MEDIUM})
