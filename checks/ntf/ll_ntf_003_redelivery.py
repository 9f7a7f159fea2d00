"""LL-NTF-003 -- redelivered notifications are all acknowledged and credit the order exactly once.

LianLian re-sends a notification about every 2 minutes, up to 30 times, until it gets the 0000
answer (guide 五; protocol.md §5.1 "duplicates can arrive; process idempotently"). The guide's bold
rule: 一笔订单只能成功入账一次，避免多次回调多次入账. So every copy -- including the ones for an order
that is already paid -- must be answered 0000 (a duplicate answered "9999 already processed" keeps
LianLian re-sending), and the order must end with exactly one credit. A merchant that never credits
does not pass either: the first notification must credit once.

Probe: scenario group ``redelivery`` (golive/probe_spec.py) -- ``live.redeliveries`` (default 30)
byte-identical copies of one correctly signed SUCCESS notification, one after another,
``live.redelivery_interval_s`` apart (default 0: the 2-minute schedule compressed). The final
credit count is read after all probes finished and ``live.settle_s`` passed. Only ret_code is
judged here (`ack_contract`, leniently); the exact ack text and timing are LL-NTF-002's business.
"""

from __future__ import annotations

from golive.check_api import (
    CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text, ack_contract, probe_judging,
)

META = CheckMeta(
    id="LL-NTF-003",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("重发的异步通知每份都应答 0000，订单只入账一次", "Every redelivered notification is acknowledged 0000 and the order is credited once"),
    rationale=Text(
        "连连约每 2 分钟重发一次、共 30 次；一笔订单只能成功入账一次，否则多次回调就会多次入账，造成资金损失。",
        "LianLian re-sends about every 2 minutes, 30 times; an order may be credited only once, or every callback "
        "credits again and the merchant loses money.",
    ),
    remediation=Text(
        "入账前按订单号判重：在一个事务里用条件更新（如 UPDATE orders SET status='paid' WHERE no_order=? AND status='pending'）并仅在更新成功时记入账；已入账的订单再收到通知时直接应答 0000。",
        "Make crediting idempotent per order: in one transaction, a conditional update (UPDATE orders SET status='paid' "
        "WHERE no_order=? AND status='pending') and the credit only if it changed a row; answer 0000 to notifications "
        "for orders that are already paid.",
    ),
    references=("guide 五 异步通知和同步通知（订单防重）", "protocol.md §5.1 (retry, duplicates)"),
    needs=("probe.notify",),
    probes=("redelivery",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.notify")
    found = probe_judging.scenarios(value, "redelivery")
    if not found:
        return Judgement.cannot_judge(Text("没有重发探测结果", "no result of the redelivery probe"))
    scenario = found[0]
    acks = probe_judging.notifications(scenario)
    copies = (scenario.get("notes") or {}).get("copies", len(acks))
    # A copy whose answer was too long to keep cannot be read either way; it keeps the check from passing.
    unreadable = [a for a in acks if a.answered and a.truncated]
    not_acked = [a for a in acks if a.answered and not a.truncated and not a.positive]
    shown = tuple(probe_judging.scenario_evidence(scenario, interesting=tuple(a.seq for a in not_acked[:2])))
    count, reason = probe_judging.final_credit_or_reason(scenario)
    findings: list[Finding] = []
    order = probe_judging.no_order(scenario)
    if count is not None and count > 1:
        findings.append(Finding(Text(f"同一通知发送 {len(acks)} 次后，订单 {order} 入账 {count} 次",
                                     f"after {len(acks)} copies of one notification, order {order} was credited {count} times"),
                                data={"no_order": order, "credits": count, "copies_sent": len(acks)}))
    error = probe_judging.text_of(scenario.get("error"))
    if error is not None or count is None:
        if findings:
            return Judgement.violations(findings, Text("重发与入账", "redelivery and credits"), shown)
        return Judgement.cannot_judge(error or reason or Text("?", "?"), shown)
    key_problem = probe_judging.key_trust_problem(value)
    if count == 0 and key_problem is not None:
        return Judgement.cannot_judge(key_problem, shown)
    if count == 0:
        findings.append(Finding(Text(f"正确签名的成功通知发送 {len(acks)} 次，订单 {order} 一次也没有入账（首份通知就应入账一次）",
                                     f"{len(acks)} copies of a correctly signed SUCCESS notification never credited order {order} "
                                     f"(the first one must credit it once)"),
                                data={"no_order": order, "credits": 0}))
    if not_acked:
        first = not_acked[0]
        findings.append(Finding(Text(f"{len(not_acked)}/{len(acks)} 份通知没有应答 0000（如 {first.label}：{ack_contract.ack_text(first)}），连连会继续重发",
                                     f"{len(not_acked)} of {len(acks)} copies were not answered 0000 (e.g. {first.label}: "
                                     f"{ack_contract.ack_text(first)}); LianLian keeps re-sending those"),
                                severity=Severity.HIGH, data={"not_acknowledged": len(not_acked)}))
    if unreadable and not findings:
        return Judgement.cannot_judge(Text(f"{len(unreadable)} 份应答过长，golive 只保留了开头，无法判断是否为 0000",
                                           f"{len(unreadable)} answer(s) were longer than golive keeps, so whether they "
                                           "were 0000 cannot be read"), shown)
    acked = len(acks) - len(not_acked) - len(unreadable)
    checked = Text(f"同一通知顺序发送 {copies} 次：{acked} 份应答 0000，订单入账 {count} 次",
                   f"{copies} identical copies sent in sequence: {acked} answered 0000, the order credited {count} time(s)")
    return Judgement.from_findings(findings, checked, shown)
