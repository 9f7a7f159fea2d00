"""LL-PAY-010 -- SUCCESS followed by CANCEL (returned by the bank) gives the money back.

docs/protocol.md §8 (S4 ``PaymentStatusEnum``, S6): ``CANCEL`` means the bank sent the money back
after a success, and LianLian notifies twice -- first ``SUCCESS``, then ``CANCEL``. A merchant that
treats SUCCESS as final and ignores what follows keeps money that is the user's again. Probed
(``--probe``): SUCCESS must leave the balance as the withdrawal left it; CANCEL must bring back
exactly the payout's amount.
"""

from __future__ import annotations

from decimal import Decimal

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text,
                              balance_after, payout_probe_scenario)

META = CheckMeta(
    id="LL-PAY-010",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("成功后又退回（CANCEL）的代付被正确冲正", "A payout returned after success (CANCEL) is reversed"),
    rationale=Text("银行退回的付款会先通知成功、再通知 CANCEL；不处理 CANCEL 会让退回的钱不回到用户余额。",
                   "A payout the bank returns is notified SUCCESS, then CANCEL; ignoring CANCEL keeps the returned money "
                   "from the user."),
    remediation=Text("不要把 SUCCESS 当作不可改变的终态：收到 CANCEL 时冲正该提现并退回余额（只一次）。",
                     "Do not treat SUCCESS as immutable: on CANCEL reverse the withdrawal and restore the balance (once)."),
    references=("docs/protocol.md §8", "guide 十 商户付款"),
    needs=("probe.payout",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.payout")
    if not value.get("balance"):
        return Judgement.cannot_judge(Text("未配置 live.balance，无法读取用户余额", "live.balance is not configured: the "
                                           "user's balance cannot be read"))
    scenario, why = payout_probe_scenario(value, "cancel")
    if scenario is None:
        return Judgement.cannot_judge(why or Text("", ""))
    amount = Decimal(scenario["amount"])
    base = balance_after(scenario, "withdrawal")
    success = balance_after(scenario, "cancel: SUCCESS")
    cancel = balance_after(scenario, "cancel: CANCEL")
    if not base or not success or not cancel or base[0] is None or success[0] is None or cancel[0] is None:
        return Judgement.cannot_judge(Text("未能读取余额", "the balance could not be read"))
    findings: list[Finding] = []
    where = Location(file="live.payout_notify_url", pointer="cancel")
    if Decimal(success[0]) != Decimal(base[0]):
        findings.append(Finding(Text(f"SUCCESS 通知改变了余额（{base[0]} → {success[0]}）",
                                     f"the SUCCESS notification changed the balance ({base[0]} -> {success[0]})"), where))
    back = Decimal(cancel[0]) - Decimal(success[0])
    if back != amount:
        findings.append(Finding(Text(f"CANCEL 后余额变化 {back}，应恰好退回 {amount}",
                                     f"after CANCEL the balance moved by {back}; it must come back by exactly {amount}"), where))
    return Judgement.from_findings(findings, Text(f"成功后退回：余额恢复 {back}（应为 {amount}）",
                                                  f"returned after success: the balance came back by {back} (expected {amount})"))
