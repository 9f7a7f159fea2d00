"""LL-PAY-011 -- copies of a payout notification change nothing.

LianLian delivers payout notifications as it delivers payment notifications: again every 2 minutes
until acknowledged, so a copy arrives whenever an acknowledgement is lost (docs/protocol.md §5.1,
§8). A merchant that gives the money back on every FAILURE or CANCEL it receives pays the user
twice. Probed (``--probe``): after the first SUCCESS, FAILURE or CANCEL, an identical copy must
leave the balance exactly where the first left it.

"Nothing changed" proves something only if the merchant acts on payout notifications at all: the
control is the failure scenario's first FAILURE, which must have given the money back. A merchant
that ignores every payout notification leaves every balance unchanged, and is `error` here, never
`pass`.
"""

from __future__ import annotations

from decimal import Decimal

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text, failure_restored, payout_probe_scenario

META = CheckMeta(
    id="LL-PAY-011",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.BLOCKER,
    title=Text("重复的代付通知不改变任何东西", "Copies of a payout notification change nothing"),
    rationale=Text("代付通知未被确认就会重发；每次都退款或记账会让用户多拿钱。",
                   "Payout notifications are resent until acknowledged; refunding or booking on every copy pays the "
                   "user again."),
    remediation=Text("按付款单号做幂等：只有状态真的改变时才退款（UPDATE … WHERE status='PROCESSING'），重复通知直接应答 0000。",
                     "Be idempotent per payout: restore the balance only when the state actually changes (UPDATE ... "
                     "WHERE status='PROCESSING'); answer copies 0000 and do nothing else."),
    references=("docs/protocol.md §8", "docs/protocol.md §5.1", "guide 五 异步通知和同步通知"),
    needs=("probe.payout",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.payout")
    if not value.get("balance"):
        return Judgement.cannot_judge(Text("未配置 live.balance，无法读取用户余额", "live.balance is not configured: the "
                                           "user's balance cannot be read"))
    findings: list[Finding] = []
    judged = 0
    for name in ("success", "failure", "cancel"):
        scenario, why = payout_probe_scenario(value, name)
        if scenario is None:
            return Judgement.cannot_judge(why or Text("", ""))
        balances = scenario.get("balances") or []
        for index, entry in enumerate(balances):
            if not str(entry.get("after", "")).endswith("(copy)") or index == 0:
                continue
            judged += 1
            before, after = balances[index - 1].get("value"), entry.get("value")
            if before is None or after is None:
                return Judgement.cannot_judge(Text("未能读取余额", "the balance could not be read"))
            if before != after:
                findings.append(Finding(Text(f"{entry['after']}：重复通知改变了余额（{before} → {after}）",
                                             f"{entry['after']}: the copy changed the balance ({before} -> {after})"),
                                        Location(file="live.payout_notify_url", pointer=name)))
    if not judged:
        return Judgement.cannot_judge(Text("没有发送重复通知", "no copy was sent"))
    if findings:
        return Judgement.from_findings(findings, Text(f"{judged} 次重复代付通知后的余额",
                                                      f"the balance after {judged} copies of payout notifications"))
    # The control: the first FAILURE of the same run gave the money back (see the module docstring).
    failure, _why = payout_probe_scenario(value, "failure")
    restored = failure_restored(failure) if failure is not None else None
    if failure is None or restored is None or restored[2] != Decimal(failure["amount"]):
        return Judgement.cannot_judge(Text(
            "首个代付失败（FAILURE）通知没有退回款项，重复通知不改变余额不能说明任何问题",
            "the first FAILURE payout notification did not give the money back, so copies that change nothing "
            "prove nothing"))
    return Judgement.from_findings(findings, Text(f"{judged} 次重复代付通知后的余额", f"the balance after {judged} copies of payout notifications"))
