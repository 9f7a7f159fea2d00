"""LL-SEC-011 -- the synchronous return (``url_return``) handler does not fulfil orders.

After a payment LianLian redirects the *browser* to ``url_return`` with a form POST (Web) or a
``res_data`` parameter (WAP) -- once, only on success, and some banks never redirect at all
(protocol.md §5.2). It is for showing a result page; the docs say never to rely on it for
fulfilment (§5.2: use the async notification or the order query). A return handler that marks
the order paid, credits or ships is driven by the user's browser: it can be replayed or forged
(LL-RET-001 probes that at run time), it credits twice alongside the notification, and it misses
payments whose bank never redirects.

The rule finds return handlers (by name or route: ``payReturn``, ``/pay/return``,
``return_url.php``, ``ReturnServlet``; mentioning LianLian's fields) and reports any order update
in them -- persistence calls, SQL that changes rows, fulfilment verbs. Reading the order's state
to render the page is the correct form.
"""

from __future__ import annotations

from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import LIANLIAN_TRIGGERS, handlers, update_events
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.syntax import ALL_LANGUAGES, Syntax

META = CheckMeta(
    id="LL-SEC-011",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("同步返回（url_return）只展示结果，不做入账发货", "The synchronous return (url_return) only shows the result; it does not fulfil"),
    rationale=Text(
        "url_return 由用户浏览器带着支付结果跳转而来，只发一次、部分银行不跳转；连连文档要求不要据此发货。在同步返回里更新订单，"
        "订单状态就由浏览器驱动：可被重放或伪造，与异步通知一起重复入账，银行不跳转时又漏单。",
        "url_return is reached by the user's browser carrying the result, once, and some banks never redirect; "
        "LianLian's docs say not to fulfil on it. Updating the order there lets the browser drive the order state: "
        "it can be replayed or forged, credits twice alongside the notification, and misses payments that never "
        "redirect.",
    ),
    remediation=Text(
        "同步返回页只查询订单状态并展示（订单尚未入账时显示“处理中”并轮询）；入账、发货只在验签通过的异步通知（或主动查询订单）中进行。",
        "Have the return page only read the order's state and show it (show 'processing' and poll while the "
        "notification has not arrived); credit and ship only in the verified async notification handler (or after "
        "an order query).",
    ),
    references=("docs/protocol.md §5.2 (synchronous return: display only)", "guide 五 同步通知", "LL-RET-001"),
    needs=("scan",),
    proves_item=False,
)


def find_return_fulfilment(syn: Syntax) -> Iterator[Hit]:
    for unit in handlers(syn, "return"):
        for update in update_events(syn, unit):
            yield syn.hit(update.start, update.end, Text(
                f"同步返回处理中更新订单（{update.callee}）：订单状态由浏览器驱动，可被伪造、重复入账",
                f"the synchronous return handler updates the order ({update.callee}): the browser drives the order "
                "state, which can be forged or credited twice"), data={"update": update.callee})
            break  # one finding per handler


SCAN = ScanRule(
    code=find_return_fulfilment,
    languages=ALL_LANGUAGES,
    triggers=LIANLIAN_TRIGGERS,  # return handlers must mention LianLian's fields
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
