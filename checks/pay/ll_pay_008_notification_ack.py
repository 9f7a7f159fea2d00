"""LL-PAY-008 -- payout notifications (SUCCESS, FAILURE, CANCEL) are acknowledged with the contract.

Guide 十 商户付款: "接口提交的订单，失败和成功都会异步通知"; docs/protocol.md §8: the payout result comes as
an RSA-signed JSON POST to the payout's ``notify_url`` and is acknowledged exactly as a payment
notification is (§5.1): HTTP 200 and the JSON object ``{"ret_code":"0000","ret_msg":"交易成功"}``
within 5 s. Anything else counts as not received and is sent again (30 times); a merchant that
acknowledges only successes never stops the redelivery of its failures, and one that cannot verify
the RSA signature acknowledges none. Probed (``--probe``): every notification of every scenario,
copies included, must be acknowledged.
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text,
                              ack_contract)

META = CheckMeta(
    id="LL-PAY-008",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("代付通知（成功、失败、退回）均按约定应答", "Payout notifications (SUCCESS, FAILURE, CANCEL) are acknowledged by the contract"),
    rationale=Text("成功和失败的付款都会异步通知；不按约定应答的通知会被重发，失败未被确认则用户的钱迟迟不能退回。",
                   "Both successful and failed payouts are notified; a notification not acknowledged by the contract is "
                   "sent again, and an unacknowledged failure leaves the user's money in limbo."),
    remediation=Text("代付通知地址用连连公钥验签（RSA），处理后在 5 秒内返回 HTTP 200 与 JSON {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}，"
                     "成功、失败、退回（CANCEL）与重复通知都一样。",
                     "Verify payout notifications with LianLian's public key (RSA) and, once processed, answer HTTP 200 "
                     "with the JSON {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"} within 5 s -- for SUCCESS, "
                     "FAILURE, CANCEL and copies alike."),
    references=("guide 十 商户付款", "docs/protocol.md §8", "docs/protocol.md §5.1"),
    needs=("probe.payout",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.payout")
    findings: list[Finding] = []
    sent = 0
    errors = []
    for name, scenario in (value.get("scenarios") or {}).items():
        if scenario.get("error"):
            errors.append(f"{name}: {scenario['error'].get('en')}")
        for sent_notification in scenario.get("acks") or []:
            sent += 1
            label = str(sent_notification.get("label"))
            ack = ack_contract.ack_of_exchange(sent_notification.get("exchange") or {})
            problem = ack_contract.ack_problem(ack)
            if problem is not None:
                findings.append(Finding(Text(f"代付通知 {label} 未按约定应答：{problem}",
                                             f"payout notification {label} was not acknowledged by the contract: {problem}"),
                                        Location(file="live.payout_notify_url", pointer=label),
                                        data={"ack": {**ack.to_dict(), "result_pay": sent_notification.get("result_pay"),
                                                      "copy": bool(sent_notification.get("copy"))}}))
    if findings:
        return Judgement.violations(findings, Text(f"发送代付通知 {sent} 次", f"sent {sent} payout notifications"))
    if not sent or errors:
        return Judgement.cannot_judge(Text("代付通知探测未能完成：" + "; ".join(errors),
                                           "the payout-notification probes did not complete: " + "; ".join(errors)))
    return Judgement.clean(Text(f"{sent} 次代付通知（成功、失败、退回及重复）均按约定应答",
                                f"all {sent} payout notifications (SUCCESS, FAILURE, CANCEL, copies) acknowledged by the contract"),
                           ({"url": value.get("url"), "signed_with": value.get("signed_with")},))
