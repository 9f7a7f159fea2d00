"""LL-PAY-005 -- an ambiguous payout answer is followed by a query, never by failing or paying again.

docs/protocol.md §8 (S4 ``RetCodeEnum.isNeedQuery`` and README): a payout answered ``1002``
(already applied), ``2005`` (being processed), ``4006``/``4007`` (encryption), ``4009``, ``9999``
(system error) -- or not answered at all (a timeout) -- may well exist and be paid. The merchant must
query it (``queryPayment.htm``) before doing anything else: marking it failed gives the user the
money back while the bank pays it too, and applying again under a new ``no_order`` pays twice.

Judged from the order of the payout exchanges: after each such answer the next thing done about that
payout must be a query of its ``no_order``; an apply for the same card and amount under another
``no_order`` before that query is a second payment. (Marking it failed shows on the books: the
payout-notification probes and reconciliation, LL-PAY-009 and LL-REC-005.)
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              payout_followups, payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-005",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.BLOCKER,
    title=Text("代付结果不明（1002、2005、4006、4007、4009、9999、无应答）时先查询，绝不判失败或重付",
               "An ambiguous payout answer (1002, 2005, 4006, 4007, 4009, 9999, none) is queried, never failed or paid again"),
    rationale=Text("这些应答不代表付款失败，付款可能已受理并到账；直接判失败或换单号重付会让用户收到两笔钱。",
                   "These answers do not mean the payout failed: it may be accepted and paid; failing it or applying "
                   "again under a new order number pays the user twice."),
    remediation=Text("收到这些应答或超时后，用同一 no_order 调用付款查询（queryPayment），按查询结果处理；在得到终态前保持提现处理中。",
                     "On these answers, or a timeout, query the payout with the same no_order (queryPayment) and act on "
                     "its result; keep the withdrawal pending until a final state."),
    references=("docs/protocol.md §8", "LianLian LLP-InstantPay-Java RetCodeEnum.isNeedQuery", "guide 十 商户付款"),
    needs=("payouts",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    exchanges = list(evidence.value("payouts")["exchanges"])
    cases = payout_followups(exchanges, "ambiguous")
    findings: list[Finding] = []
    for case in cases:
        first = case["first"]
        name = payout_name(first)
        code = case["code"] or "无应答 / no answer"
        for again in case["paid_again"]:
            findings.append(Finding(Text(
                f"{name.zh} 得到 {code} 后未查询，就以新单号 {(again.get('params') or {}).get('no_order')} 向同一张卡付同样金额：重复付款",
                f"{name.en} was answered {code}; without querying it, the same card was paid the same amount again under "
                f"{(again.get('params') or {}).get('no_order')}: paid twice"),
                payout_location(again, "no_order"), data={"first": payout_location(first).__str__()}))
        if case["handled"] is None:
            reapplied = f"，而是以同一单号重新申请 {len(case['reapplied'])} 次" if case["reapplied"] else ""
            reapplied_en = f"; the same no_order was applied again {len(case['reapplied'])} times" if case["reapplied"] else ""
            findings.append(Finding(Text(f"{name.zh} 得到 {code} 后没有查询该付款{reapplied}",
                                         f"{name.en} was answered {code} and never queried{reapplied_en}"),
                                    payout_location(first, "ret_code"),
                                    severity=Severity.HIGH if not case["paid_again"] else None))
    if not cases:
        applies = sum(1 for e in exchanges if e.get("api") == "payment")
        return Judgement.not_applicable(Text(
            f"{applies} 笔代付申请都得到了明确应答，没有需要查询的情况（沙箱可用 golive:payout_ambiguous 标签制造 9999）",
            f"all {applies} payout applies got a definite answer; nothing needed a query (the sandbox answers 9999 to "
            "info_order tagged golive:payout_ambiguous)"))
    return Judgement.from_findings(findings, Text(f"{len(cases)} 笔结果不明的代付之后的处理", f"what followed {len(cases)} ambiguous payout answers"))
