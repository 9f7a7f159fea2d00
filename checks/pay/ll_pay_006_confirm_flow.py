"""LL-PAY-006 -- 4002/4003/4004 go through the confirm flow.

docs/protocol.md §8 (S4 ``RetCodeEnum``; S6): LianLian answers a suspected duplicate (``4002``: the
same card and amount today), a name that does not match the card (``4003``) or both (``4004``) with a
``confirm_code`` and holds the payout for review. The merchant reviews it and calls
``confirmPayment.htm`` with ``no_order`` and ``confirm_code`` within 24 hours -- or lets it close
(``4010``). Treating these codes as failures and applying again under a new ``no_order`` sidesteps
the duplicate protection (and, if the first is confirmed later, pays twice).
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              payout_followups, payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-006",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("4002/4003/4004 走付款确认流程", "4002/4003/4004 go through the confirm flow"),
    rationale=Text("疑似重复或户名不符的付款等待商户确认；当作失败换单重付会绕过重复付款保护。",
                   "A suspected duplicate or name mismatch waits for the merchant's review; treating it as failed and "
                   "applying again sidesteps the duplicate protection."),
    remediation=Text("保存应答中的 confirm_code，人工或规则复核后在 24 小时内用原 no_order 调用 confirmPayment；不通过则任其关闭，不要换单重付。",
                     "Keep the confirm_code, review, and call confirmPayment with the original no_order within 24 h; if "
                     "the review says no, let it close -- never apply again under a new number."),
    references=("docs/protocol.md §8", "guide 十 商户付款"),
    needs=("payouts",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    cases = payout_followups(list(evidence.value("payouts")["exchanges"]), "confirm")
    findings: list[Finding] = []
    for case in cases:
        first = case["first"]
        name = payout_name(first)
        for again in case["paid_again"] + case["reapplied"]:
            findings.append(Finding(Text(
                f"{name.zh} 得到 {case['code']}（待确认）后，未确认就重新申请（{(again.get('params') or {}).get('no_order')}）",
                f"{name.en} was answered {case['code']} (awaiting confirmation); instead of confirming it, a payout was "
                f"applied again ({(again.get('params') or {}).get('no_order')})"), payout_location(again, "no_order")))
        if case["handled"] is None and not case["paid_again"] and not case["reapplied"]:
            findings.append(Finding(Text(f"{name.zh} 得到 {case['code']} 后没有调用付款确认（confirmPayment）：24 小时后关闭（4010）",
                                         f"{name.en} was answered {case['code']} and never confirmed (confirmPayment): it "
                                         "closes after 24 h (4010)"), payout_location(first, "confirm_code"),
                                    severity=Severity.MEDIUM))
    if not cases:
        return Judgement.not_applicable(Text("没有代付得到 4002/4003/4004（沙箱可用 golive:payout_confirm_duplicate 标签制造）",
                                             "no payout was answered 4002/4003/4004 (the sandbox answers 4002 to info_order "
                                             "tagged golive:payout_confirm_duplicate)"))
    return Judgement.from_findings(findings, Text(f"{len(cases)} 笔待确认代付的处理", f"what followed {len(cases)} payouts awaiting confirmation"))
