"""LL-RET-001 -- a forged synchronous return to url_return credits nothing.

After paying, the payer's *browser* is sent back to ``url_return``: on the Web as a form POST of
the result fields, on WAP/H5 as one form field ``res_data`` holding the result as JSON (protocol.md
§5.2). It passes through the payer's hands, is sent only once and some banks never send it at all;
LianLian says never to rely on it for fulfilment -- use the async notification or the order query
(§5.2; guide 五 "同步返回……用来页面显示成功信息"). A return page that books the order lets any payer
credit an unpaid order by posting a form.

Probes (``probe.return``, scenario group ``return`` of golive/probe_spec.py): for a fresh pending order, a return with
result_pay SUCCESS and a signature made with a key nobody trusts, once as a Web form and once as
WAP ``res_data``. Neither may credit the order; the page it shows is not judged.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, probe_judging

META = CheckMeta(
    id="LL-RET-001",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("伪造的同步返回（表单 POST / res_data）不入账", "A forged synchronous return (form POST / res_data) credits nothing"),
    rationale=Text(
        "同步返回经由付款人的浏览器，任何人都能伪造，且只发送一次、部分银行不发送；连连要求不得据此发货或入账。",
        "The synchronous return passes through the payer's browser, so anyone can forge it; it is sent once and some "
        "banks never send it. LianLian says never to fulfil or credit from it.",
    ),
    remediation=Text(
        "url_return 页面只展示结果（可验签后显示），不修改订单状态；入账只在验签通过的异步通知中进行，未收到时用订单查询接口确认。",
        "Let the url_return page only display the result (verified, if shown at all) and never change the order; credit "
        "only from a verified async notification, or confirm through the order query API.",
    ),
    references=("protocol.md §5.2 (synchronous return)", "guide 五 异步通知和同步通知"),
    needs=("probe.return",),
    probes=("return",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    tally = probe_judging.judge_no_credit(evidence.value("probe.return"), "return",
                                 what=Text("伪造的同步返回", "a forged synchronous return"), ack_matters=False)
    return tally.conclude(Text(f"{tally.judged} 种伪造的同步返回（Web 表单、WAP res_data）：均未入账",
                               f"{tally.judged} forged synchronous returns (Web form, WAP res_data): none credited"), ctx.severity)
