"""LL-PAY-004 -- payout fields: flag_card 0/1, money_order with two decimals, info_order, memo.

docs/protocol.md §8: ``flag_card`` is ``0`` personal or ``1`` corporate ([CONFLICT]: S6's text says
1/2, its own sample and every SDK use 0/1); ``money_order`` is yuan with at most two decimals,
0.01-99999999; ``info_order`` is the payout's purpose -- required per S6 and the transcribed payout
document, and mandatory above 50,000 CNY in every source (a missing one below that is UNCERTAIN);
``memo`` is passed to the bank, String(24), and LianLian filters everything but letters, digits,
CJK, ``-`` and ``_`` -- so the payee would read something else than the merchant wrote.
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              payout_field_problems, payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-004",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("代付字段：flag_card、两位小数金额、info_order、memo", "Payout fields: flag_card, two-decimal amount, info_order, memo"),
    rationale=Text("flag_card 或金额错误的付款会被拒绝；缺少用途 info_order 不合规；memo 超长或含非法字符会被截断、过滤。",
                   "A wrong flag_card or amount is refused; a missing purpose (info_order) is not compliant; a memo that "
                   "is too long or holds filtered characters is cut or altered."),
    remediation=Text("flag_card 传 0（对私）或 1（对公）；money_order 用元、最多两位小数；info_order 写明付款用途；memo 不超过 24 个"
                     "字母、数字、汉字、- 或 _。",
                     "Send flag_card 0 (personal) or 1 (corporate); money_order in yuan with at most two decimals; the "
                     "purpose in info_order; a memo of at most 24 letters, digits, CJK, - or _."),
    references=("docs/protocol.md §8", "guide 十 商户付款"),
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
        for problem in payout_field_problems(exchange.get("params") or {}):
            severity = Severity.MEDIUM if problem.uncertain or problem.field == "memo" else None
            findings.append(Finding(Text(f"{name.zh}：{problem.message.zh}", f"{name.en}: {problem.message.en}"),
                                    payout_location(exchange, problem.field), uncertain=problem.uncertain,
                                    severity=severity))
    if not judged:
        return Judgement.not_applicable(Text("没有可解密的代付申请", "no payout apply golive could open"))
    return Judgement.from_findings(findings, Text(f"检查 {judged} 笔代付申请的字段", f"checked the fields of {judged} payouts"))
