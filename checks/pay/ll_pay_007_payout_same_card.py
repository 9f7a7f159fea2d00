"""LL-PAY-007 -- payouts go only to a card the user paid with, within paid + earnings − withdrawn.

The go-live guide (七 同卡进出) asks that "提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的
总和", and payouts (十 商户付款) are where the money actually leaves. The sandbox journal holds both
sides as LianLian saw them: every payment with the card the payer used, and every payout applied for
with its card and amount. Each accepted payout must go to a card its user paid with, and keep the
user's running total within what they paid plus earnings minus what was already withdrawn.

The payout API names no user: a payout is the user's whose withdrawal it pays (the ledger's
withdrawal row with the payout's ``no_order``, when ``evidence.ledger`` is given), else the one user
who paid with that card; a card nobody paid with fails at once. Without the ledger earnings are not
known, so a payout above what was paid is reported as UNCERTAIN. Card numbers are compared by a
per-run keyed reference, never shown. (The same-card checks LL-CRD-* judge the merchant's answers
and books; this one judges the payouts themselves: golive.payout.samecard.audit_payouts.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              audit_payouts, payout_card_key, payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-007",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.BLOCKER,
    title=Text("代付只付到用户支付过的卡，且不超过 支付 + 收益 − 已提现", "Payouts go only to paying cards, within paid + earnings − withdrawn"),
    rationale=Text("同卡进出是认证支付上线审核的重点；付款环节是资金真正流出的地方。",
                   "Same card in, same card out is central to the 认证支付 launch review; the payout is where the money "
                   "actually leaves."),
    remediation=Text("代付前按用户核对：收款卡必须是该用户支付时用过的卡（no_agree / 绑卡列表），金额不超过 支付 + 收益 − 已提现，且在同一事务中记账。",
                     "Before paying out, check per user: the card is one the user paid with (no_agree / bind list) and the "
                     "amount stays within paid + earnings − withdrawn, booked in the same transaction."),
    references=("guide 七 同卡进出", "guide 十 商户付款", "docs/protocol.md §8", "docs/protocol.md §7.2"),
    needs=("payouts",),
    scope="payouts",
)

_ACCEPTED = ("0000",)


def _accepted(exchanges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    confirmed = {(e.get("params") or {}).get("no_order") for e in exchanges
                 if e.get("api") == "confirmPayment" and (e.get("answer") or {}).get("ret_code") in _ACCEPTED}
    out = []
    for e in exchanges:
        if e.get("api") != "payment" or (e.get("envelope") or {}).get("opened") is not True:
            continue
        code = (e.get("answer") or {}).get("ret_code")
        no_order = (e.get("params") or {}).get("no_order")
        if code in _ACCEPTED or no_order in confirmed or code in (None, "9999", "2005", "4009"):
            out.append(e)  # accepted, confirmed, or possibly paid (an ambiguous answer may have paid)
    return out


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("payouts")
    payments = value.get("payments") or []
    if not payments:
        return Judgement.not_applicable(Text("证据中没有支付记录（需要沙箱日志 evidence.sandbox，才能知道用户用哪张卡支付）",
                                             "no payments in the evidence (the sandbox journal, evidence.sandbox, shows "
                                             "which card each user paid with)"))
    exchanges = [e for e in value["exchanges"]]
    payouts = [{"no_order": (e.get("params") or {}).get("no_order"), "card": payout_card_key(e),
                "amount": (e.get("params") or {}).get("money_order"), "at": e.get("at"), "exchange": e}
               for e in _accepted(exchanges)]
    pays = [{"user_id": p.get("user_id"), "card": (p.get("card") or {}).get("ref"), "amount": p.get("amount"),
             "at": p.get("at")} for p in payments]
    owners = value.get("owners") or None
    earnings = {k: Decimal(v) for k, v in (value.get("earnings") or {}).items()} if value.get("earnings") is not None else None
    findings: list[Finding] = []
    for violation in audit_payouts(pays, payouts, owners, earnings):
        exchange = violation["payout"]["exchange"]
        name = payout_name(exchange)
        card = (exchange.get("card") or {}).get("masked") or "?"
        if violation["rule"] == "unknown_card":
            message = Text(f"{name.zh} 付到卡 {card}，没有任何用户用这张卡支付过", f"{name.en} pays card {card}, which no user paid with")
        elif violation["rule"] == "same_card":
            message = Text(f"{name.zh} 付到卡 {card}，不是用户 {violation['user_id']} 支付用过的卡",
                           f"{name.en} pays card {card}, which user {violation['user_id']} never paid with")
        else:
            message = Text(
                f"{name.zh} 使用户 {violation['user_id']} 的累计提现超过 支付 + 收益（支付 {violation['paid']}，收益 "
                f"{violation['earned']}，此前已提现 {violation['withdrawn_before']}）",
                f"{name.en} brings user {violation['user_id']}'s withdrawals above paid + earnings (paid {violation['paid']}, "
                f"earned {violation['earned']}, withdrawn before {violation['withdrawn_before']})")
        findings.append(Finding(message, payout_location(exchange, "card_no" if violation["rule"] != "amount_bound" else "money_order"),
                                uncertain=violation.get("uncertain", False),
                                severity=Severity.MEDIUM if violation.get("uncertain") else None,
                                data={"rule": violation["rule"], "user_id": violation.get("user_id"), "card": card}))
    checked = Text(f"{len(pays)} 笔支付、{len(payouts)} 笔已受理的代付，按时间逐笔核对",
                   f"replayed {len(pays)} payments and {len(payouts)} accepted payouts in time order")
    return Judgement.from_findings(findings, checked)
