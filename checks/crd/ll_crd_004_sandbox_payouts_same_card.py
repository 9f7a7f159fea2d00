"""LL-CRD-004 -- in a sandbox run, money goes out only to a card its user paid with, within what the user paid and earned.

LianLian's go-live guide (七 同卡进出): "控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的
总和". The launch review (审核3) looks at where a real test withdrawal went. ``golive sandbox`` sees
both ends of the merchant's *real* flow, as LianLian does: every payment, with the card the payer
paid with, and every payout the merchant's withdrawal code applied for through LianLian's payout
API (the ``pay_load`` opened with the sandbox's stand-in LianLian key), with its card and amount.

Each payout that was accepted, later confirmed, or answered so that it may have paid all the same
(9999 / 2005 / 4009), is replayed in time order against the payments
(golive.payout.samecard.audit_payout_evidence -- the audit LL-PAY-007 runs for the payout item): its
card must be one its user paid with, and the user's payouts must stay within paid + earnings −
already withdrawn. The payout API names no user: a payout belongs to the user whose withdrawal it
pays (the ledger's withdrawal row with its ``no_order``, when ``evidence.ledger`` is given), else to
the one user who paid with that card; a card nobody paid with fails at once. Without the ledger the
earnings are unknown, so a payout above what was paid is reported as UNCERTAIN (medium).

A withdrawal the merchant refused never reaches LianLian, so the sandbox cannot show a refusal
(the live probe LL-CRD-001 asks for one); this check judges the money that did go out. It passes
only when at least one such payout was judged; card numbers are compared by a per-run keyed
reference and never shown whole.
"""

from __future__ import annotations

from golive.check_api import (
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Severity,
    Text,
    audit_payout_evidence,
    payout_location,
    payout_name,
    same_card,
)

META = CheckMeta(
    id="LL-CRD-004",
    item=Item.REVIEW_SAME_CARD,
    severity=Severity.BLOCKER,
    title=Text("沙箱运行：代付只付到用户支付过的卡，且不超过 支付 + 收益 − 已提现",
               "Sandbox run: payouts go only to a card the user paid with, within paid + earnings − withdrawn"),
    rationale=Text(
        f"上线指南要求认证支付务必做好同卡进出：“{same_card.GUIDE_RULE.zh}”。沙箱同时看到用户用哪张卡付款、商户把钱付到哪张卡，"
        "一笔付到别的卡或超出所付金额的代付，说明控制没有做好。",
        "LianLian's go-live guide demands same card in, same card out for 认证支付: "
        f"{same_card.GUIDE_RULE.en}. The sandbox sees both the card each user paid with and the card the merchant pays "
        "out to: one payout to another card, or beyond what was paid, shows the control is missing.",
    ),
    remediation=Text(
        "代付（提现）前按用户核对：收款卡必须是该用户支付时用过的卡（保存异步通知中的 no_agree，或用绑卡列表查询核对），"
        "金额不超过 支付 + 收益 − 已提现，并在同一事务中记账；不符合的提现直接拒绝，不调用代付接口。",
        "Before a payout (withdrawal), check per user: the card is one the user paid with (store the no_agree from the "
        "payment notification, or check the bind-card list) and the amount stays within paid + earnings − withdrawn, "
        "booked in the same transaction; refuse anything else without calling the payout API.",
    ),
    references=("guide 七 同卡进出", "guide 九 正式发布前确认事项 3", "guide 十 商户付款", "docs/protocol.md §5.1 (no_agree)",
                "docs/protocol.md §8", "README \"golive check --sandbox\""),
    needs=("payouts",),
    scope="withdrawals",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("payouts")
    if not value.get("payments"):
        return Judgement.not_applicable(Text(
            "证据中没有支付记录：需要沙箱日志（--sandbox / evidence.sandbox）才能知道用户用哪张卡支付",
            "no payments in the evidence: the sandbox journal (--sandbox / evidence.sandbox) shows which card each user "
            "paid with"))
    pays, payouts, violations = audit_payout_evidence(value)
    if not payouts:
        return Judgement.not_applicable(Text(
            "沙箱运行中没有可能已出款的代付：通过商户自己的提现流程向支付卡提现一次，再检查",
            "no payout in the sandbox run could have paid out: withdraw once to the paying card through your own "
            "withdrawal flow and check again"))
    findings: list[Finding] = []
    for violation in violations:
        exchange = violation["payout"]["exchange"]
        name = payout_name(exchange)
        card = (exchange.get("card") or {}).get("masked") or "?"
        rule = violation["rule"]
        if rule == "unknown_card":
            message = Text(f"{name.zh} 付到卡 {card}，没有任何用户用这张卡支付过。指南要求：{same_card.GUIDE_RULE.zh}",
                           f"{name.en} pays out to card {card}, which no user paid with. The guide: {same_card.GUIDE_RULE.en}")
        elif rule == "same_card":
            message = Text(f"{name.zh} 付到卡 {card}，不是用户 {violation['user_id']} 支付用过的卡。指南要求：{same_card.GUIDE_RULE.zh}",
                           f"{name.en} pays out to card {card}, which user {violation['user_id']} never paid with. The guide: "
                           f"{same_card.GUIDE_RULE.en}")
        else:
            message = Text(
                f"{name.zh} 使用户 {violation['user_id']} 的累计代付超过 支付 + 收益（支付 {violation['paid']}，收益 "
                f"{violation['earned']}，此前已付 {violation['withdrawn_before']}）"
                + ("；未提供台账，收益未知" if violation.get("uncertain") else ""),
                f"{name.en} brings user {violation['user_id']}'s payouts above paid + earnings (paid {violation['paid']}, "
                f"earned {violation['earned']}, paid out before {violation['withdrawn_before']})"
                + ("; no ledger, so earnings are unknown" if violation.get("uncertain") else ""))
        findings.append(Finding(message, payout_location(exchange, "money_order" if rule == "amount_bound" else "card_no"),
                                uncertain=bool(violation.get("uncertain")),
                                severity=Severity.MEDIUM if violation.get("uncertain") else None,
                                data={"rule": rule, "user_id": violation.get("user_id"), "card": card}))
    checked = Text(f"沙箱中 {len(pays)} 笔支付与 {len(payouts)} 笔可能已出款的代付按时间逐笔核对（卡与金额）",
                   f"replayed the sandbox's {len(pays)} payments and {len(payouts)} payouts that may have paid, in time "
                   "order (card and amount)")
    return Judgement.from_findings(findings, checked)
