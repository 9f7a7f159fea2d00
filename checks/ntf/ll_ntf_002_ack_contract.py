"""LL-NTF-002 -- a correctly signed SUCCESS notification is acknowledged exactly as LianLian expects.

LianLian treats a notification as delivered only when the merchant answers HTTP 200 within 5 s
with the JSON ``{"ret_code":"0000","ret_msg":"交易成功"}`` (protocol.md §5.1, official Java demos);
anything else counts as a failure and the notification is re-sent about every 2 minutes, 30 times
(guide 五). Two traps:

* The go-live guide prints the answer as ``{'ret_code':'0000','ret_msg':'交易成功'}`` -- single
  quotes, which is **not JSON**. Merchants who copy it answer with text a JSON parser rejects.
* ``ret_msg``: the demos send "交易成功", LianLian's English docs show "ok"; presumably only
  ``ret_code`` matters (protocol.md §5.1 and §11 item 4, UNCERTAIN). A different ret_msg is
  therefore a low-severity, uncertain finding.

The acknowledgement must also *mean* the credit is persisted: an ack sent before the credit
commits tells LianLian to stop re-sending while the credit can still be lost. The probe reads the
order's credit count through ``live.credits`` right after the ack; it must already be 1.

Probe: scenario group ``ack`` (golive/probe_spec.py: a fresh order, one notification signed with
the merchant-site method, the order's credits read right after the answer). The answer is read with
the shared acknowledgement reader (`ack_contract`).
"""

from __future__ import annotations

from golive.check_api import (
    CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text, ack_contract, probe_judging,
)

META = CheckMeta(
    id="LL-NTF-002",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("异步通知应答：5 秒内 HTTP 200 与合法 JSON {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}，且应答前已入账",
               "Notification ack: HTTP 200 and valid JSON {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"} within 5 s, credit committed first"),
    rationale=Text(
        "连连只有在 5 秒内收到 HTTP 200 和 ret_code 为 0000 的 JSON 才认为通知成功，否则每 2 分钟重发、共 30 次；先应答后入账则可能在连连停止重发后丢失入账。",
        "LianLian counts a notification as delivered only on HTTP 200 with JSON ret_code 0000 within 5 s, and otherwise "
        "re-sends it every 2 minutes, 30 times; acknowledging before the credit is committed can lose the credit after "
        "LianLian stopped re-sending.",
    ),
    remediation=Text(
        "验签、核对订单并在同一事务中提交入账之后，再返回 HTTP 200 和正文 {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}（双引号的合法 JSON，不要照抄指南里的单引号写法），Content-Type 用 application/json，全程在 5 秒内完成。",
        "Verify, check the order and commit the credit in one transaction, then answer HTTP 200 with the body "
        "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"} -- valid JSON with double quotes, not the guide's single-quoted "
        "text -- as application/json, all within 5 s.",
    ),
    references=("guide 五 异步通知和同步通知", "protocol.md §5.1 (acknowledgement, retry)", "protocol.md §11 item 4"),
    needs=("probe.notify",),
    probes=("ack",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.notify")
    found = probe_judging.scenarios(value, "ack")
    if not found:
        return Judgement.cannot_judge(Text("没有应答探测结果", "no result of the ack probe"))
    scenario = found[0]
    shown = tuple(probe_judging.scenario_evidence(scenario))
    acks = probe_judging.notifications(scenario)
    if not acks:
        reason = probe_judging.text_of(scenario.get("error")) or Text("通知未发出", "the notification was not sent")
        return Judgement.cannot_judge(reason, shown)
    ack = acks[0]
    findings: list[Finding] = []
    if ack.error:
        timeout_s = float(value.get("timeout_s") or 0)
        if ack.error_kind == "timeout" and timeout_s * 1000 >= ack_contract.LIANLIAN_ACK_LIMIT_MS:
            findings.append(Finding(
                Text(f"{timeout_s:g} 秒内没有应答（连连只等 5 秒，超时即视为失败并重发）",
                     f"no answer within {timeout_s:g} s (LianLian waits 5 s, then counts a failure and re-sends)"),
                data={"error": ack.error}))
            return Judgement.violations(findings, Text("应答超时", "the acknowledgement timed out"), shown)
        return Judgement.cannot_judge(Text(f"通知没有得到应答：{ack.error}", f"the notification got no answer: {ack.error}"), shown)
    if ack.truncated:
        return Judgement.cannot_judge(Text("应答过长，golive 只保留了开头，无法判断是否为约定的应答",
                                           "the answer is longer than golive keeps, so it cannot be read as an "
                                           "acknowledgement"), shown)
    key_problem = probe_judging.key_trust_problem(value)
    if not ack.positive and not probe_judging.credits(scenario) and key_problem is not None:
        # Refused, and so was every other correct notification of the run: the key (or the merchant
        # number) is not trusted, or the handler never credits -- not "the ack is wrong".
        return Judgement.cannot_judge(key_problem, shown)
    findings.extend(ack_contract.ack_findings(ack))
    elapsed = float(ack.elapsed_ms or 0)
    after_ack = probe_judging.credits(scenario, "main", "after_ack")
    final = probe_judging.credits(scenario, "main", "final")
    persisted_unknown = False
    if ack.positive:
        if after_ack == 0:
            later = f"，{final} 次入账是之后才出现的" if final else ""
            later_en = f"; the credit ({final}) appeared only later" if final else ""
            findings.append(Finding(Text(f"已应答 0000，但紧接着查询时订单尚未入账：应答早于入账提交{later}",
                                         f"acknowledged with 0000 but the order was not yet credited right after: the ack is sent before the credit is committed{later_en}"),
                                    data={"credits_after_ack": after_ack, "credits_final": final}))
        elif after_ack is not None and after_ack > 1:
            findings.append(Finding(Text(f"一份通知入账 {after_ack} 次", f"one notification credited the order {after_ack} times"),
                                    severity=Severity.BLOCKER, data={"credits_after_ack": after_ack}))
        elif after_ack is None:
            persisted_unknown = True
    if findings:
        return Judgement.violations(findings, Text("应答与入账", "acknowledgement and credit"), shown)
    if persisted_unknown:
        error = probe_judging.credit_error(scenario, "main", "after_ack") or "?"
        return Judgement.cannot_judge(Text(f"应答正确，但无法确认应答前已入账：{error}",
                                           f"the ack is right but whether the credit was committed first is unknown: {error}"), shown)
    if not ack.positive:  # cannot happen without a finding above; never pass by accident
        return Judgement.cannot_judge(Text("应答无法判定", "the answer could not be judged"), shown)
    return Judgement.clean(Text(f"HTTP 200，{ack.body}，用时 {elapsed:.0f} 毫秒，应答时已入账 1 次",
                                f"HTTP 200, {ack.body}, {elapsed:.0f} ms, credited once when acknowledged"), shown)
