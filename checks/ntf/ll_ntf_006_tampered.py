"""LL-NTF-006 -- a correctly signed notification that does not match the order credits nothing.

A valid signature proves a message came from LianLian, not that it is about *this* order of *this*
merchant for *this* amount. The merchant must compare what the notification says with its own
order (protocol.md §5.1 fields; guide 五 "商户根据异步通知的内容来更新订单状态"): ``oid_partner``
is its own merchant number, ``no_order`` is an order it issued, ``money_order`` equals the order
amount. Otherwise a payment of 0.01 for one order can be replayed as 100.00, or a notification
signed for another merchant sharing the same code base is accepted.

The probes sign with the merchant's own key (the signature is correct), so they test the
business checks after verification. Scenarios ``tampered.*``: money_order raised; an order number
the merchant never issued (its credit count is read too; "no such order" -- HTTP 404/410 from the
credits recipe -- counts as zero); another merchant's oid_partner. None may credit anything.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, probe_judging

META = CheckMeta(
    id="LL-NTF-006",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("金额、订单号或商户号与订单不符的通知不入账", "Notifications whose amount, order number or merchant do not match credit nothing"),
    rationale=Text(
        "签名只证明消息来自连连，不证明它属于这笔订单、这个商户、这个金额；不核对就可能把 0.01 元的支付按 100 元入账。",
        "A signature proves the message is LianLian's, not that it is about this order, this merchant and this amount; "
        "without comparing them a 0.01 payment can be credited as 100.00.",
    ),
    remediation=Text(
        "验签通过后再核对：oid_partner 等于本商户号、no_order 是本系统的订单、money_order 与订单金额相等（用十进制比较，不要用浮点数）；不符时不入账并记录告警。",
        "After verifying, compare: oid_partner is your merchant number, no_order is one of your orders, money_order "
        "equals the order amount (compare as decimals, not floats); on a mismatch credit nothing and raise an alert.",
    ),
    references=("protocol.md §5.1 (notification fields)", "guide 五 异步通知和同步通知"),
    needs=("probe.notify",),
    probes=("tampered",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    tally = probe_judging.judge_no_credit(evidence.value("probe.notify"), "tampered",
                                 what=Text("与订单不符的通知", "a notification not matching the order"),
                                 ack_matters=False, roles=("main", "unknown"))
    return tally.conclude(Text(f"{tally.judged} 种与订单不符的通知（金额、订单号、商户号）：均未入账",
                               f"{tally.judged} kinds of mismatching notification (amount, order number, merchant): none credited"), ctx.severity)
