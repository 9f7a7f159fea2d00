"""LL-PAY-003 -- payouts send branch information, except to the banks the guide exempts.

Guide 十 商户付款: "提现除工、农、中、招、光大、浦发（对私打款），建行（对公打款）可以不传城市编码和支行信息之外
其他的银行都需要提供支行信息". A payout to any other bank needs ``prcptcd`` (大额行号, 12 digits) or
``city_code`` (6-digit region code) and ``brabank_name``; corporate payouts (``flag_card`` 1) name
the bank (``bank_code``, 8 digits, docs/protocol.md §8). Without it LianLian refuses the payout or
the bank returns it. The bank is the one the request names, else the one its card BIN shows; when
neither is known the finding says so (UNCERTAIN: the transcribed payout document speaks of
"14 banks" without listing them).
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              payout_branch_problems, payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-003",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("代付传支行信息（指南列明的银行除外）", "Payouts send branch information (except to the banks the guide exempts)"),
    rationale=Text("除对私的工、农、中、招、光大、浦发和对公的建行外，付款到其他银行必须提供支行信息，否则付款失败或被退回。",
                   "Except personal payouts to ICBC, ABC, BOC, CMB, CEB, SPDB and corporate payouts to CCB, payouts need "
                   "the payee's branch, or they fail or come back."),
    remediation=Text("提现时收集开户行所在城市与支行名称（city_code + brabank_name），或用 prcptcdquery 查大额行号 prcptcd 一并传送；"
                     "对公付款传 bank_code。",
                     "Collect the payee's city and branch at withdrawal (city_code + brabank_name), or look up the "
                     "large-value bank code prcptcd (prcptcdquery) and send it; corporate payouts send bank_code."),
    references=("guide 十 商户付款", "docs/protocol.md §8"),
    needs=("payouts",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    findings: list[Finding] = []
    judged = 0
    for exchange in evidence.value("payouts")["exchanges"]:
        if exchange.get("api") != "payment" or (exchange.get("envelope") or {}).get("opened") is not True:
            continue
        judged += 1
        name = payout_name(exchange)
        for problem in payout_branch_problems(exchange.get("params") or {}, exchange.get("bank_code")):
            findings.append(Finding(Text(f"{name.zh}：{problem.message.zh}", f"{name.en}: {problem.message.en}"),
                                    payout_location(exchange, problem.field), uncertain=problem.uncertain,
                                    severity=Severity.MEDIUM if problem.uncertain else None,
                                    data={"bank_code": exchange.get("bank_code"), "from": exchange.get("bank_code_from"),
                                          "flag_card": (exchange.get("params") or {}).get("flag_card")}))
    if not judged:
        return Judgement.not_applicable(Text("没有可解密的代付申请", "no payout apply golive could open"))
    return Judgement.from_findings(findings, Text(f"检查 {judged} 笔代付申请的支行信息", f"checked branch information of {judged} payouts"))
