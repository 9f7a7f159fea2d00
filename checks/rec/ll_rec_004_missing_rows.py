"""LL-REC-004 -- every movement is on both sides: LianLian's statements and the merchant's books.

Reconciling by ``settle_date`` (guide 九 商户对账; docs/protocol.md §9) shows:

* a payment, refund or payout at LianLian that the books lack -- money received but never credited
  (a lost notification that nobody queried), a refund the user never saw booked, a payout the books
  do not know;
* a successful movement in the books for a covered day that LianLian lacks -- a credit LianLian
  never paid (a forged or mis-read notification), or a withdrawal that never left;
* a LianLian refund whose original payment is nowhere.

Orders paid just before midnight may settle the next day: golive matches on ``no_order`` across all
the files read, so they are not "missing" on one day and "extra" on the next; an order booked
within ``reconciliation.cutoff_minutes`` of midnight on the last covered day is counted as settling
later, not reported.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, judge_differences

META = CheckMeta(
    id="LL-REC-004",
    item=Item.INTEGRATION_RECONCILIATION,
    severity=Severity.HIGH,
    title=Text("对账：每笔资金往来两边都有（无单边账）", "Reconciliation: every movement is on both sides (no one-sided rows)"),
    rationale=Text(
        "单边账意味着用户付了款却未入账、入账了连连并未收到的钱，或付款去向不明。",
        "A one-sided row means a user paid but was not credited, a credit LianLian never received, or a payout nobody "
        "can account for.",
    ),
    remediation=Text(
        "对每笔连连有、台账无的订单用订单查询核实后补记；对台账有、连连无的订单核查其入账依据（是否来自验签通过的通知）。"
        "台账记录 settle_date，按它对账。",
        "For each order LianLian has and the books lack, confirm it with the order query and book it; for each the books "
        "have and LianLian lacks, find what credited it (a verified notification?). Record settle_date and reconcile by it.",
    ),
    references=("guide 九 商户对账", "docs/protocol.md §9", "docs/protocol.md §7.1 (order query)"),
    needs=("reconciliation",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_differences(evidence.value("reconciliation"),
                             ("missing_in_ledger", "missing_at_lianlian", "refund_unpaired"),
                             Text("逐笔核对两边是否都有", "matched every movement on both sides"))
