"""LL-NTF-007 -- a notification whose result_pay is not SUCCESS credits nothing.

Payment notifications are documented for successful payments (protocol.md §5.1), but the
``result_pay`` field exists because other values occur: the demos know SUCCESS, PROCESSING, FAILURE
and REFUND (§5.1), and the success criteria are "signature valid **and** result_pay = SUCCESS"
(§5.1, S7). The guide says the order status is to be taken from ``result_pay`` (guide 五
"订单状态请以 result_pay 的值为准"). A handler that credits on any verified notification credits a
failed or pending payment.

Probes (scenario group ``non_success``): correctly signed notifications with result_pay FAILURE and
PROCESSING for fresh orders. Neither may credit; how the merchant answers them is not judged here.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, probe_judging

META = CheckMeta(
    id="LL-NTF-007",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("result_pay 不是 SUCCESS 的通知不入账", "A notification whose result_pay is not SUCCESS credits nothing"),
    rationale=Text(
        "订单状态以 result_pay 为准；只看验签不看 result_pay，就会给失败或处理中的支付入账。",
        "The order status follows result_pay; crediting any verified notification credits failed or pending payments.",
    ),
    remediation=Text(
        "只有 result_pay 等于 \"SUCCESS\" 时才入账；其他值（FAILURE、PROCESSING、REFUND 等）只记录、不入账，必要时用订单查询接口确认。",
        "Credit only when result_pay equals \"SUCCESS\"; record other values (FAILURE, PROCESSING, REFUND ...) without "
        "crediting, and confirm through the order query API when needed.",
    ),
    references=("protocol.md §5.1 (result_pay, success criteria)", "guide 五 异步通知和同步通知"),
    needs=("probe.notify",),
    probes=("non_success",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    tally = probe_judging.judge_no_credit(evidence.value("probe.notify"), "non_success",
                                 what=Text("非成功结果的通知", "a notification with a non-SUCCESS result"), ack_matters=False)
    return tally.conclude(Text(f"{tally.judged} 种非 SUCCESS 结果（FAILURE、PROCESSING）：均未入账",
                               f"{tally.judged} non-SUCCESS results (FAILURE, PROCESSING): none credited"), ctx.severity)
