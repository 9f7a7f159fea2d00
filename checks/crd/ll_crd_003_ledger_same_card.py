"""LL-CRD-003 -- ledger audit: no withdrawal in the merchant's books breaks 同卡进出.

LianLian's go-live guide (七 同卡进出) calls same-card-in-same-card-out the highest risk of
认证支付, whose limits are high: "控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上
收益的总和" -- a withdrawal must go to a card the user paid with, and never more than paid plus
earnings. The launch review (审核3) and the pre-release list (发布前3) both ask for it. The cards
are the ones LianLian names in the payment notification (`no_agree`, protocol.md §5.1) or lists
for the user (bind-card list, protocol.md §7.2).

The rule replays the ledger (design.md §5) per user in time order -- rows with the same time in
file order (or the order the merchant's ``line`` column gives), so a payment booked in the same
second as the withdrawal it funds must come first -- keeping a running balance: paid (successful
payments, minus refunds), earned (earnings, which may be negative), withdrawn (successful and
pending withdrawals: pending money is already on its way out), and the user's paying cards so far.
Each withdrawal must go to one of those cards and must not bring the withdrawn total above paid +
earned. Refunds go back to the paying card through LianLian, so they lower the bound but leave the
card among the user's cards. Failed rows are counted and ignored; unreadable rows are reported and
keep the check from passing (an unreadable row could be the one bad withdrawal). A ledger without
a single withdrawal shows nothing and cannot pass.

The ledger gatherer runs the rule where the books are (golive/books: DuckDB over a CSV, Parquet or
JSON Lines file; the merchant's own database; or the streaming Python auditor) and hands over the
audit -- counts, the first violations by line with the user's running figures just before each,
the first unreadable rows. This check judges it: every engine gives the same audit
(tests/test_books_differential.py), so the findings are the same whichever ran.
"""

from __future__ import annotations

from typing import Any

from golive.check_api import (
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Location,
    Severity,
    Text,
    same_card,
)

GUIDE_RULE = same_card.GUIDE_RULE

META = CheckMeta(
    id="LL-CRD-003",
    item=Item.REVIEW_SAME_CARD,
    severity=Severity.BLOCKER,
    title=Text("台账审计：每笔提现都符合同卡进出", "Ledger audit: every withdrawal keeps same card in, same card out"),
    rationale=Text(
        f"认证支付限额大、风险高，上线指南要求务必做好同卡进出：“{GUIDE_RULE.zh}”。"
        "台账中任何一笔提现到非支付卡、或使累计提现超过支付加收益，都说明控制没有做好。",
        "认证支付 has high limits and high risk; LianLian's go-live guide demands same card in, same card out: "
        "a withdrawal must go to a card the user paid with, and the amount withdrawn must never exceed what the "
        "user paid plus earnings. Any withdrawal in the books to another card, or beyond that bound, shows the "
        "control is missing.",
    ),
    remediation=Text(
        "提现只允许到用户支付时使用的卡：保存异步通知中的 no_agree 并把提现绑定到它（或用用户绑卡列表查询核对）；"
        "为每个用户维护 已支付 / 收益 / 已提现 余额，在同一事务中校验 提现金额 ≤ 支付 + 收益 − 已提现 后再出款。",
        "Allow withdrawals only to the card the user paid with: store the no_agree from the payment notification "
        "and bind withdrawals to it (or check against the user's bind-card list); keep a per-user paid / earned / "
        "withdrawn balance and, in the same transaction as the payout, refuse any amount above "
        "paid + earnings − already withdrawn.",
    ),
    references=("guide 七 同卡进出", "guide 九 正式发布前确认事项 3", "docs/protocol.md §5.1 (no_agree)",
                "docs/protocol.md §7.2 (bind-card list)", "README: The books"),
    needs=("ledger",),
    scope="withdrawals",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    audit: dict[str, Any] = evidence.value("ledger")
    malformed = same_card.ledger_problem(audit)
    if malformed is not None:  # saved evidence edited by hand, say: judged only when well-formed
        return Judgement.cannot_judge(Text(f"台账审计证据格式不对（{malformed}）",
                                           f"the ledger audit evidence is malformed ({malformed})"))
    source = str(audit["source"])
    findings = [_violation(v, source) for v in audit["shown"]]
    not_shown = max(0, int(audit["violations"]) - len(findings))
    broken = _broken_findings(audit, source)
    order = _order_text(audit)
    rows, users, withdrawals = audit["rows"], audit["users"], audit["withdrawals"]
    failed, unreadable = audit["failed_rows"], audit["broken_rows"]
    facts = ({"rows": rows, "judged": audit["judged"], "withdrawals": withdrawals, "failed_rows": failed,
              "pending_rows": audit["pending_rows"], "broken_rows": unreadable, "users": users,
              "order": order.en, "findings_not_shown": not_shown, "engine": audit["engine"]},)
    checked = Text(
        f"按时间逐用户复核台账 {rows} 行：{users} 个用户，{withdrawals} 笔提现，失败行 {failed}，"
        f"无法读取 {unreadable} 行；{order.zh}",
        f"replayed {rows} ledger rows per user in time order: {users} users, {withdrawals} "
        f"withdrawals, {failed} failed rows ignored, {unreadable} unreadable; {order.en}")
    if not_shown:
        checked = Text(f"{checked.zh}；另有 {not_shown} 条违规未列出", f"{checked.en}; {not_shown} more violations not listed")
    if findings:
        return Judgement.violations(findings + broken, checked, facts)
    if audit.get("misordered_line"):
        where = f"{source}:{audit['misordered_line']}"
        return Judgement.cannot_judge(Text(
            f"台账行未按时间顺序送达（{where}），无法按时间复核",
            f"ledger rows reached the check out of time order ({where}), so they could not be replayed in time "
            "order"), facts)
    if unreadable:
        first = f"{source}:{audit['unreadable'][0]['line']}" if audit["unreadable"] else source
        return Judgement.cannot_judge(Text(
            f"台账有 {unreadable} 行无法读取（首个：{first}），其中可能有违规提现，不能判定通过",
            f"{unreadable} ledger rows could not be read (first: {first}); any of them could be a bad "
            "withdrawal, so the ledger cannot pass"), facts, tuple(broken))
    if audit["judged"] == 0:
        return Judgement.cannot_judge(Text(
            f"台账没有可判定的行（共 {rows} 行，失败 {failed} 行）",
            f"the ledger has no rows to judge ({rows} rows, {failed} failed)"), facts)
    if withdrawals == 0:
        return Judgement.cannot_judge(Text(
            "台账中没有任何提现，无法证明同卡进出；请提供包含提现记录的台账",
            "the ledger holds no withdrawal, so it shows nothing about same card in, same card out; "
            "provide a ledger with withdrawals"), facts)
    return Judgement.clean(checked, facts)


def _violation(v: dict[str, Any], source: str) -> Finding:
    card_ok = "same_card" not in v["rules_broken"]
    amount_ok = "amount_bound" not in v["rules_broken"]
    no_order, card = v["no_order"], v["card"]
    figures = (f"支付 {v['paid']}，收益 {v['earned']}，退款 {v['refunded']}，此前已提现 {v['withdrawn_before']}，"
               f"本笔 {v['amount']}，上限 {v['bound']}",
               f"paid {v['paid']}, earned {v['earned']}, refunded {v['refunded']}, withdrawn before "
               f"{v['withdrawn_before']}, this {v['amount']}, bound {v['bound']}")
    who = (f"用户 {v['user_id']} 在 {v['time']} 的提现{f'（{no_order}）' if no_order else ''}",
           f"withdrawal{f' {no_order}' if no_order else ''} by user {v['user_id']} at {v['time']}")
    problems_zh: list[str] = []
    problems_en: list[str] = []
    if not card_ok:
        if not v["has_card"]:
            problems_zh.append("未记录提现卡，无法证明提现到支付卡")
            problems_en.append("records no card, so nothing shows it went to a paying card")
        elif not v["paying_cards"]:
            problems_zh.append(f"提现到卡 {card}，但该用户此前没有任何成功支付的卡")
            problems_en.append(f"goes to card {card}, but the user had paid with no card before it")
        else:
            problems_zh.append(f"提现到卡 {card}，不是该用户支付使用过的卡")
            problems_en.append(f"goes to card {card}, which the user never paid with")
    if not amount_ok:
        problems_zh.append("累计提现超过 支付 + 收益（− 退款）")
        problems_en.append("brings the withdrawn total above paid + earnings (− refunds)")
    message = Text(f"{who[0]}{'；'.join(problems_zh)}（{figures[0]}）。指南要求：{GUIDE_RULE.zh}。",
                   f"The {who[1]} {'; and '.join(problems_en)} ({figures[1]}). The guide: {GUIDE_RULE.en}.")
    return Finding(
        message,
        Location(file=source, line=v["line"], pointer="card" if not card_ok else "amount"),
        data={"user_id": v["user_id"], "no_order": no_order, "time": v["time"], "card": card,
              "rules_broken": list(v["rules_broken"]), "paid": v["paid"], "earned": v["earned"],
              "refunded": v["refunded"], "withdrawn_before": v["withdrawn_before"], "amount": v["amount"],
              "bound": v["bound"], "paying_cards": list(v["paying_cards"])},
    )


def _order_text(audit: dict[str, Any]) -> Text:
    return same_card.ledger_order(audit.get("order") or "", audit["engine"])


def _broken_findings(audit: dict[str, Any], source: str) -> list[Finding]:
    out = []
    for row in audit["unreadable"]:
        problem = row["message"]
        out.append(Finding(Text(f"台账行无法读取：{problem['zh']}", f"unreadable ledger row: {problem['en']}"),
                           Location(file=source, line=row["line"]), severity=Severity.MEDIUM))
    more = int(audit["broken_rows"]) - len(audit["unreadable"])
    if more > 0:
        out.append(Finding(Text(f"另有 {more} 行无法读取", f"{more} more unreadable rows"), severity=Severity.MEDIUM))
    return out
