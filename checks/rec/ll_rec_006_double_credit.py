"""LL-REC-006 -- no order booked twice: the double credit, seen after the fact.

LianLian redelivers a notification until it is acknowledged, and copies can arrive together (guide
五: 一笔订单只能成功入账一次; docs/protocol.md §5.1). A merchant without an idempotent update books
the same order twice. The probes (LL-NTF-003/004) catch that in staging; the statements catch it in
the books afterwards: one ``no_order`` in LianLian's detail, two successful rows in the ledger.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, judge_differences

META = CheckMeta(
    id="LL-REC-006",
    item=Item.INTEGRATION_RECONCILIATION,
    severity=Severity.BLOCKER,
    title=Text("对账：无重复入账", "Reconciliation: no order booked twice"),
    rationale=Text(
        "同一订单在台账中成功入账两次，说明异步通知防重没有做好，用户余额被多记。",
        "The same order booked twice shows the notification handling is not idempotent: the user's balance was "
        "credited twice.",
    ),
    remediation=Text(
        "用带条件的更新（WHERE status='PENDING'）在同一事务中改状态并入账；并冲正已重复的入账。",
        "Change the order state and credit in one transaction with a conditional update (WHERE status='PENDING'); and "
        "reverse the duplicate credits already booked.",
    ),
    references=("guide 五 异步通知和同步通知", "guide 九 商户对账", "docs/protocol.md §5.1", "docs/protocol.md §9"),
    needs=("reconciliation",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_differences(evidence.value("reconciliation"), ("duplicate_in_ledger", "duplicate_at_lianlian"),
                             Text("查找重复入账", "looked for orders booked twice"))
