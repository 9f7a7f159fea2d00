"""LL-SEC-006 -- the notify handler records the payment before it answers ``0000``.

LianLian re-sends a notification about every 2 minutes, 30 times, until the merchant answers
``{"ret_code":"0000","ret_msg":"交易成功"}`` (protocol.md §5.1, guide 五); after that answer it never
sends it again. LianLian's own Java demo (``ReceiveNotifyServlet``) writes and flushes the 0000
answer first and leaves the order update as a ``TODO`` after it: if the update then fails (a
database timeout, a deploy, a crash) the payment is acknowledged and never recorded -- the user
paid and has nothing, and nobody is told. No black-box probe sees this: the ack and the update
run in the same thread, and a healthy test run looks perfect (LL-NTF-002 probes the answer, not
the order of operations).

The rule finds notify handlers (handlers.py: by name, route or a request entry point in a class
or file named for notifications, mentioning LianLian's fields), the places they answer 0000
(a response write or ``res.json``/``echo``/``w.Write`` of a ret_code 0000 body, or a variable
holding one) and the places they update the order (persistence calls, SQL that changes rows,
fulfilment verbs). It reports an answer written before a later update on the same path. An ack
inside a branch that then returns -- "already paid: answer 0000 and stop", the correct duplicate
path -- is not on the update's path and is not reported; neither is a ``return`` of the ack
(frameworks send it after the handler finished).
"""

from __future__ import annotations

from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import LIANLIAN_TRIGGERS, ack_events, handlers, update_events
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.syntax import ALL_LANGUAGES, Syntax

META = CheckMeta(
    id="LL-SEC-006",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("异步通知先更新订单、再应答 0000", "The notify handler updates the order before answering 0000"),
    rationale=Text(
        "连连收到 0000 应答后就不再重发通知。先应答再更新订单（连连 Java demo 就是先写出 0000、把更新留作 TODO），"
        "一旦更新失败，这笔支付已被确认却永远不会入账；同一线程内的先后顺序，外部探测看不到。",
        "LianLian stops re-sending a notification once it gets 0000. Answering first and updating after (LianLian's "
        "Java demo writes 0000 and leaves the update as a TODO) means a failed update loses the payment for good: "
        "acknowledged, never recorded. The order of two steps in one thread is invisible to any outside probe.",
    ),
    remediation=Text(
        "先在事务中验签、校验金额并以条件更新（UPDATE … WHERE no_order=? AND status='待支付'）记录支付，提交成功后再返回 "
        "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}；更新失败时返回非 0000，让连连重发。",
        "Verify the signature and amount, record the payment with a conditional update (UPDATE … WHERE no_order=? AND "
        "status='PENDING') and commit; only then answer {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}. If the update "
        "fails, answer something else so LianLian re-sends.",
    ),
    references=("docs/protocol.md §5.1 (ack contract, redelivery 30×)", "guide 五 异步通知", "LL-NTF-002, LL-NTF-003"),
    needs=("scan",),
    proves_item=False,
)


def find_ack_before_update(syn: Syntax) -> Iterator[Hit]:
    for unit in handlers(syn, "notify"):
        updates = update_events(syn, unit)
        if not updates:
            continue
        for ack in ack_events(syn, unit):
            if ack.returns:
                continue  # the framework sends a returned value after the handler is done
            later = [u for u in updates if u.start >= ack.end]
            if not later:
                continue
            branch = syn.innermost_branch(ack.start, unit)
            if branch is not None and branch.exits and not any(branch.start <= u.start < branch.end for u in later):
                continue  # e.g. "already paid: ack and return" -- the update is on another path
            line = syn.source.position(syn.char(later[0].start))[0]
            yield syn.hit(ack.start, ack.end, Text(
                f"先应答 0000，后更新订单（第 {line} 行 {later[0].callee}）：更新失败时支付已被确认却不会入账",
                f"answers 0000 before the order update ({later[0].callee}, line {line}): if the update fails, "
                "the payment is acknowledged and never recorded"),
                data={"update_line": line, "update": later[0].callee})
            break  # one finding per handler


SCAN = ScanRule(
    code=find_ack_before_update,
    languages=ALL_LANGUAGES,
    triggers=LIANLIAN_TRIGGERS,
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
