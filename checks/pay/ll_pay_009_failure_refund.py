"""LL-PAY-009 -- a FAILURE payout notification gives the money back, exactly, and shows the reason.

Guide 十 商户付款: "失败的订单，回调中 info_order 字段是失败的原因"; docs/protocol.md §8. When a payout fails,
the money never left LianLian: the merchant must put it back on the user's balance -- once, the
exact amount -- and tell the user why (the reason LianLian sends in ``info_order``; the query
returns it in ``memo``). Probed (``--probe``): a fresh user pays, withdraws it, and golive notifies
FAILURE with a reason; the balance (``live.balance``) must rise by exactly the payout's amount, and
the payout as the user sees it (``live.payout_status``) must carry the reason.
"""

from __future__ import annotations

from decimal import Decimal

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text, failure_restored, payout_probe_scenario

META = CheckMeta(
    id="LL-PAY-009",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.BLOCKER,
    title=Text("代付失败：余额恰好退回一次，并展示失败原因", "Payout FAILURE: the balance comes back exactly once, and the reason is shown"),
    rationale=Text("付款失败时钱没有付出，必须退回用户余额；失败原因在 info_order 中，应告诉用户。",
                   "A failed payout never left: the money must return to the user's balance; the reason comes in "
                   "info_order and should reach the user."),
    remediation=Text("收到 FAILURE（验签通过）时，在同一事务中把提现改为失败并退回余额（带条件更新，只做一次），保存 info_order 作为失败原因展示给用户。",
                     "On a verified FAILURE, mark the withdrawal failed and restore the balance in one transaction "
                     "(a conditional update, once), and keep info_order as the reason shown to the user."),
    references=("guide 十 商户付款", "docs/protocol.md §8"),
    needs=("probe.payout",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.payout")
    if not value.get("balance"):
        return Judgement.cannot_judge(Text("未配置 live.balance，无法读取用户余额", "live.balance is not configured: the "
                                           "user's balance cannot be read"))
    scenario, why = payout_probe_scenario(value, "failure")
    if scenario is None:
        return Judgement.cannot_judge(why or Text("", ""))
    amount = Decimal(scenario["amount"])
    balances = failure_restored(scenario)
    if balances is None:
        return Judgement.cannot_judge(Text("未能读取余额", "the balance could not be read"))
    before, after, restored = balances
    where = Location(file="live.payout_notify_url", pointer="failure")
    findings: list[Finding] = []
    if restored != amount:
        findings.append(Finding(Text(f"FAILURE 后余额变化 {restored}（提现后 {before}，通知后 {after}），应恰好退回 {amount}",
                                     f"after FAILURE the balance moved by {restored} (after the withdrawal {before}, "
                                     f"after the notification {after}); it must come back by exactly {amount}"), where))
    shown = scenario.get("shown")
    reason = scenario.get("reason_sent") or ""
    if value.get("payout_status"):
        text = (shown or {}).get("reason") or ""
        if not text or reason[:6] not in text:
            findings.append(Finding(Text("用户看到的付款状态中没有连连给出的失败原因（info_order）",
                                         "the payout as the user sees it does not carry LianLian's failure reason (info_order)"),
                                    Location(file="live.payout_status", pointer="reason"), severity=Severity.HIGH,
                                    data={"sent": reason, "shown": text[:80]}))
    checked = Text(f"代付失败通知后余额恢复 {restored}（应为 {amount}）", f"after a FAILURE notification the balance came back by {restored} (expected {amount})")
    if findings:
        return Judgement.violations(findings, checked)
    if not value.get("payout_status"):
        checked = Text(checked.zh + "；未配置 live.payout_status，失败原因的展示未检查",
                       checked.en + "; live.payout_status is not configured, so the shown reason was not checked")
    return Judgement.clean(checked)
