"""LL-NTF-010 -- in a sandbox run, every paid order is credited exactly once, however often it was notified.

The go-live guide's bold rule (五): 一笔订单只能成功入账一次，避免多次回调多次入账. LianLian delivers
at least once: it re-sends every 2 minutes until the 0000 answer, and copies arrive together or
after the answer (protocol.md §5.1). ``golive sandbox`` does exactly that to the merchant's *real*
notify handler -- redelivery until 0000, three concurrent copies and one more after the 0000 in the
``duplicates`` scenario -- and journals every delivery (``sandbox.notify``, golive/sandbox/observe.py).

What the journal cannot show is the merchant's books. They are read after the run through
``live.credits``: an HTTP request or a command that asks the merchant's *own* order books how many
times an order was credited (its order query, a count of its payment rows) -- no golive test
endpoint. Then, per order that reached the cashier:

* paid and its notification answered 0000: credited exactly once -- more is a double credit (the
  handler is not idempotent, or concurrent copies raced past its check), none means the merchant
  told LianLian "received" and booked nothing;
* paid but never answered 0000 (the schedule ran out, or is still running): more than once is
  still a double credit; once or not at all is the acknowledgement's business (LL-NTF-009);
* failed at the cashier (no SUCCESS notification was ever sent): credited not at all.

It passes only when at least one order was notified more than once (a redelivery or a duplicate
copy) and credited once: otherwise exactly-once under redelivery was not tested. Without
``live.credits`` it does not apply (the reason says what to add); a count that could not be read
keeps it from passing.
"""

from __future__ import annotations

from typing import Any, Mapping

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text

META = CheckMeta(
    id="LL-NTF-010",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("沙箱运行：每笔已支付订单只入账一次，无论收到几份通知",
               "Sandbox run: every paid order is credited exactly once, however often it was notified"),
    rationale=Text(
        "连连的通知至少送达一次：没收到 0000 就每 2 分钟重发，也会有并发副本和应答之后的副本；一笔订单只能成功入账一次，否则多次回调就会多次入账。",
        "LianLian delivers at least once: it re-sends every 2 minutes until 0000, and copies arrive together or after "
        "the answer; an order may be credited only once, or every callback credits it again.",
    ),
    remediation=Text(
        "入账前按订单号判重：在一个事务里用条件更新（UPDATE orders SET status='paid' WHERE no_order=? AND status<>'paid'）并仅在更新成功时记入账；"
        "已入账的订单再收到通知时直接应答 0000。配置 live.credits，让 golive 读取本商户自己账上的入账次数。",
        "Make crediting idempotent per order: in one transaction, a conditional update (UPDATE orders SET "
        "status='paid' WHERE no_order=? AND status<>'paid') and a credit only when it changed a row; answer 0000 to "
        "any later copy. Configure live.credits so golive can read the credit count from your own books.",
    ),
    references=("guide 五 异步通知和同步通知", "docs/protocol.md §5.1 (acknowledgement, redelivery, duplicates)",
                "README \"golive check --sandbox\""),
    needs=("sandbox.notify",),
)


def _where(value: Mapping[str, Any], order: Mapping[str, Any]) -> Location:
    return Location(file=value.get("journal"), line=order.get("seq"), pointer=f"no_order={order.get('no_order')}")


def _genuine(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Deliveries of LianLian's own SUCCESS notification (every attempt and copy, the duplicate after 0000)."""
    return [d for d in order.get("deliveries") or [] if d.get("role") in ("genuine", "duplicate")
            and d.get("result_pay") in (None, "SUCCESS")]


def _how_often(deliveries: list[Mapping[str, Any]]) -> Text:
    attempts = max((int(d.get("attempt") or 1) for d in deliveries), default=0)
    copies = max((int(d.get("copies") or 1) for d in deliveries), default=1)
    after = sum(1 for d in deliveries if d.get("role") == "duplicate")
    zh = f"收到 {len(deliveries)} 份（{attempts} 次投递"
    en = f"received {len(deliveries)} copies ({attempts} attempt(s)"
    if copies > 1:
        zh += f"，其中一次为 {copies} 份并发副本"
        en += f", one of them {copies} concurrent copies"
    if after:
        zh += "，应答 0000 之后又一份"
        en += ", one more after the 0000"
    return Text(zh + "）", en + ")")


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("sandbox.notify")
    credits = value.get("credits") or {}
    if not credits.get("recipe"):
        return Judgement.not_applicable(Text(
            "沙箱日志只能看到商户的应答，看不到商户的账：未配置 live.credits（读取本商户自己账上某订单入账次数的 HTTP 请求或命令），无法判断是否只入账一次",
            "the sandbox journal shows the merchant's answers, not its books: live.credits (an HTTP request or a command "
            "reading how many times your own books credited an order) is not configured, so exactly-once cannot be judged"))
    orders = [o for o in value.get("orders") or [] if o.get("paid") is not None]
    if not orders:
        return Judgement.not_applicable(Text("沙箱日志中没有到达收银台的订单", "no order in the sandbox journal reached the cashier"))
    findings: list[Finding] = []
    unread: list[Text] = []
    notes: list[Text] = []
    repeated = judged = 0
    shown: list[dict[str, Any]] = []
    for order in orders:
        no_order = order.get("no_order")
        count = order.get("credits")
        genuine = _genuine(order)
        acked = any(d.get("positive") for d in genuine)
        summary = {"kind": "sandbox", "no_order": no_order, "scenario": order.get("scenario"), "paid": order.get("paid"),
                   "notifications": len(genuine), "acknowledged": acked, "credits": count}
        if len(shown) < 20:
            shown.append(summary)
        if count is None:
            why = order.get("credit_error") or "?"
            unread.append(Text(f"订单 {no_order}：无法读取入账次数（{why}）", f"order {no_order}: the credit count could not be read ({why})"))
            continue
        often = _how_often(genuine)
        if order.get("paid") == "FAILURE":
            if count > 0:
                findings.append(Finding(Text(
                    f"订单 {no_order} 在收银台支付失败（连连不会发成功通知），却入账 {count} 次",
                    f"order {no_order} failed at the cashier (LianLian sends no SUCCESS notification) yet was credited {count} time(s)"),
                    _where(value, order), data=summary))
            else:
                judged += 1
            continue
        if count > 1:
            findings.append(Finding(Text(
                f"订单 {no_order} {often.zh}，入账 {count} 次（应为 1）：重复通知被重复入账",
                f"order {no_order} {often.en} and was credited {count} times (expected once): a repeated notification "
                f"was credited again"), _where(value, order), data=summary))
            continue
        if not acked:
            why = "仍在重发" if order.get("unfinished") else "一直没有应答 0000"
            why_en = "still being re-sent" if order.get("unfinished") else "never answered 0000"
            notes.append(Text(f"订单 {no_order}：通知{why}，入账 {count} 次（应答由 LL-NTF-009 判断）",
                              f"order {no_order}: its notification was {why_en}, credited {count} time(s) (the answers are "
                              f"LL-NTF-009's business)"))
            continue
        if count == 0:
            findings.append(Finding(Text(
                f"订单 {no_order} 的通知已应答 0000，但商户账上没有入账：告诉连连“已收到”却没有记账（连连不会再发）",
                f"order {no_order}'s notification was answered 0000 but the merchant's books never credited it: LianLian "
                f"was told \"received\" and will not send it again"), _where(value, order), severity=Severity.HIGH,
                data=summary))
            continue
        judged += 1
        if len(genuine) > 1:
            repeated += 1
    evidence_entries = tuple(shown)
    checked = Text(
        f"{len(orders)} 笔订单经 live.credits（{credits.get('via')}）读取商户账上的入账次数；{repeated} 笔收到多份通知仍只入账一次",
        f"read the merchant's own credit counts of {len(orders)} orders through live.credits ({credits.get('via')}); "
        f"{repeated} order(s) notified more than once were credited once")
    if notes:
        checked = Text(checked.zh + "；" + "；".join(n.zh for n in notes[:5]), checked.en + "; " + "; ".join(n.en for n in notes[:5]))
    if findings:
        if unread:
            checked = Text(checked.zh + "；未能判断：" + "；".join(t.zh for t in unread[:5]),
                           checked.en + "; not judged: " + "; ".join(t.en for t in unread[:5]))
        return Judgement.violations(findings, checked, evidence_entries)
    if unread:
        return Judgement.cannot_judge(Text("；".join(t.zh for t in unread[:5]), "; ".join(t.en for t in unread[:5])),
                                      evidence_entries)
    if not repeated:
        return Judgement.not_applicable(Text(
            "本次沙箱运行中没有订单收到一份以上的通知（每份都第一次就应答 0000），重发时是否只入账一次没有经过检验：支付一笔 0.04 元的订单（duplicates 场景）再检查",
            "no order in this sandbox run was notified more than once (each was answered 0000 the first time), so "
            "exactly-once under redelivery was not tested: pay one order of 0.04 (the duplicates scenario) and check again"))
    return Judgement.clean(checked, evidence_entries)
