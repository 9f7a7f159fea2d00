"""LL-NTF-004 -- identical notifications arriving at the same moment credit the order once.

Duplicates do not only come two minutes apart: a retry can cross a slow first delivery, and several
LianLian servers may deliver the same notification (protocol.md §5.1 lists ten source IPs). A handler
that *reads* "is the order still pending?" and then *writes* the credit in a separate step (the
check-then-act race) passes a sequential redelivery test and still credits twice when two copies
interleave. The guide's rule is absolute: 一笔订单只能成功入账一次 (guide 五).

Probe: scenario group ``burst`` (golive/probe_spec.py: ``burst.1``, ``burst.2``) -- ``live.burst``
(default 16) byte-identical copies of one correctly signed SUCCESS notification, each on its own
connection, released together with a last-byte barrier so they reach the handler at once; then one
late duplicate after the credit (``notes.late_seq``). Two bursts on two orders, so a race that loses
once still shows. A merchant that never credits fails too.
"""

from __future__ import annotations

from golive.check_api import (
    CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text, ack_contract, probe_judging,
)

META = CheckMeta(
    id="LL-NTF-004",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("并发到达的重复通知只入账一次", "Concurrent duplicate notifications credit the order once"),
    rationale=Text(
        "“先查状态、再入账”分两步的处理，在两份相同通知同时到达时会两次都看到“未支付”而重复入账；顺序重发测试发现不了这种竞态。",
        "A handler that first reads the status and then credits in a separate step credits twice when two identical "
        "notifications interleave; a sequential redelivery test cannot see this race.",
    ),
    remediation=Text(
        "让判重与入账成为一个原子操作：在同一事务中执行条件更新 UPDATE … SET status='paid' WHERE no_order=? AND status='pending'，只有影响行数为 1 时才入账；或对订单号加唯一约束/行锁（SELECT … FOR UPDATE）。",
        "Make the duplicate check and the credit one atomic step: a conditional UPDATE … SET status='paid' WHERE "
        "no_order=? AND status='pending' in the crediting transaction, crediting only when it changed one row; or a "
        "unique constraint / row lock (SELECT … FOR UPDATE) on the order.",
    ),
    references=("guide 五 异步通知和同步通知（订单防重）", "protocol.md §5.1 (duplicates, source IPs)"),
    needs=("probe.notify",),
    probes=("burst",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.notify")
    found = probe_judging.scenarios(value, "burst")
    if not found:
        return Judgement.cannot_judge(Text("没有并发探测结果", "no result of the concurrent-duplicate probe"))
    tally = probe_judging.Tally()
    key_problem = probe_judging.key_trust_problem(value)
    sizes = []
    for scenario in found:
        tally.evidence.extend(probe_judging.scenario_evidence(scenario))
        notes = scenario.get("notes") or {}
        size = notes.get("burst", "?")
        sizes.append(size)
        order = probe_judging.no_order(scenario)
        count, reason = probe_judging.final_credit_or_reason(scenario)
        if count is not None and count > 1:
            after = probe_judging.credits(scenario, "main", "after_burst")
            tally.findings.append(Finding(
                Text(f"{size} 份相同通知同时到达后，订单 {order} 入账 {count} 次（并发之后立即查询为 {after} 次）",
                     f"after {size} identical notifications arrived together, order {order} was credited {count} times "
                     f"({after} right after the burst)"),
                data={"scenario": scenario.get("name"), "no_order": order, "credits": count, "burst": size}))
            continue
        error = probe_judging.text_of(scenario.get("error"))
        if error is not None or count is None:
            tally.cannot(scenario, error or reason or Text("?", "?"))
            continue
        if count == 0 and key_problem is not None:
            tally.cannot(scenario, key_problem)
            continue
        if count == 0:
            tally.findings.append(Finding(
                Text(f"{size} 份正确签名的成功通知都没有让订单 {order} 入账（应入账一次）",
                     f"{size} correctly signed SUCCESS notifications never credited order {order} (it must be credited once)"),
                data={"scenario": scenario.get("name"), "no_order": order, "credits": 0}))
            continue
        late_seq = (scenario.get("notes") or {}).get("late_seq")
        late = next((a for a in probe_judging.notifications(scenario) if late_seq is not None and a.seq == late_seq), None)
        if late is not None and late.truncated:
            tally.cannot(scenario, Text("迟到的重复通知的应答过长，无法判断是否为 0000",
                                        "the answer to the late duplicate is longer than golive keeps; whether it "
                                        "was 0000 cannot be read"))
            continue
        if late is not None and not late.positive:
            tally.findings.append(Finding(
                Text(f"订单入账后迟到的重复通知没有应答 0000：{ack_contract.ack_text(late)}（连连会继续重发）",
                     f"the late duplicate after the credit was not answered 0000: {ack_contract.ack_text(late)} (LianLian keeps re-sending)"),
                severity=Severity.HIGH, data={"scenario": scenario.get("name")}))
        tally.judged += 1
    checked = Text(f"{len(found)} 组并发重复通知（每组 {', '.join(map(str, sizes))} 份）及迟到的重复通知：每个订单入账 1 次",
                   f"{len(found)} bursts of identical notifications ({', '.join(map(str, sizes))} copies) and a late duplicate: "
                   f"each order credited once")
    return tally.conclude(checked, ctx.severity)
