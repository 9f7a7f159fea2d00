"""LL-CRD-003 -- ledger audit: no withdrawal in the merchant's books breaks 同卡进出.

LianLian's go-live guide (七 同卡进出) calls same-card-in-same-card-out the highest risk of
认证支付, whose limits are high: "控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上
收益的总和" -- a withdrawal must go to a card the user paid with, and never more than paid plus
earnings. The launch review (审核3) and the pre-release list (发布前3) both ask for it. The cards
are the ones LianLian names in the payment notification (`no_agree`, protocol.md §5.1) or lists
for the user (bind-card list, protocol.md §7.2).

This check replays the ledger (design.md §5) per user in time order -- rows with the same time
in file order, so a payment booked in the same second as the withdrawal it funds must come first
-- keeping a running balance: paid (successful payments, minus refunds), earned (earnings, which
may be negative), withdrawn (successful and pending withdrawals: pending money is already on its
way out), and the user's paying cards so far. Each withdrawal must go to one of those cards and
must not bring the withdrawn total above paid + earned. Refunds go back to the paying card
through LianLian, so they lower the bound but leave the card among the user's cards. Failed rows
are counted and ignored; unreadable rows are reported and keep the check from passing (an
unreadable row could be the one bad withdrawal). A ledger without a single withdrawal shows
nothing and cannot pass.

The reader (golive.evidence.ledger) hands over each user's rows in time order: in file order
when the file already is so (the common case, which it checks before reading), otherwise
re-sorted on disk and grouped by user -- then a user's balance is dropped as soon as the next user
starts, so memory stays bounded however many users the ledger has. A row that still goes back in
time for its user would be a reader bug; it keeps the check from passing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from golive.evidence.ledger import (
    EARNING, FAILED, PAYMENT, PENDING, REFUND, WITHDRAWAL, LedgerRow, display_card, resort_reason,
)
from golive.check_api import (
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Location,
    Reducer,
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
    references=("guide 七 同卡进出", "guide 九 正式发布前确认事项 3", "protocol.md §5.1 (no_agree)",
                "protocol.md §7.2 (bind-card list)", "design.md §5 (ledger CSV)"),
    stream="ledger",
    scope="withdrawals",
)

_ZERO = Decimal(0)
MAX_BROKEN_FINDINGS = 20


class _Balance:
    """One user's running figures while replaying the ledger."""

    __slots__ = ("paid", "earned", "refunded", "withdrawn", "cards", "last")

    def __init__(self) -> None:
        self.paid = self.earned = self.refunded = self.withdrawn = _ZERO
        # A tuple, not a set: most users pay with one card, and a 1-tuple is a quarter of an empty
        # set's memory -- it counts with 200,000 users in memory.
        self.cards: tuple[str, ...] = ()
        self.last = ""  # time key (parse_time) of the user's latest row, to notice rows out of time order


def _money(value: Decimal) -> str:
    return f"{value:f}"


class Judge(Reducer):
    """Replays the ledger per user in time order (see the module docstring)."""

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.balances: dict[str, _Balance] = {}
        self.users = 0
        self.current_user: str | None = None
        self.resorted = ""
        self.misordered: LedgerRow | None = None
        self.judged = self.withdrawals = self.failed = self.pending = 0
        self.broken: list[LedgerRow] = []
        self.broken_count = 0

    def feed(self, record: Any) -> None:
        # One unpacking instead of a dozen attribute reads: this runs for every row of the ledger.
        _, _, user, kind, _, amount, _, cards, _, when, status, resorted, broken, _ = record
        if broken:
            self.broken_count += 1
            if len(self.broken) < MAX_BROKEN_FINDINGS:
                self.broken.append(record)
            return
        if status == FAILED:
            self.failed += 1
            return
        balance = self.balances.get(user)
        if balance is None:
            if resorted:
                # Rows come grouped by user: the previous user is complete, drop its balance.
                self.resorted = resorted
                self.balances.clear()
            balance = self.balances[user] = _Balance()
            self.users += 1
        elif when < balance.last and self.misordered is None:
            self.misordered = record
        balance.last = when
        self.judged += 1
        if kind == WITHDRAWAL:  # checked inline (a quarter of all rows); _report says what is wrong
            self.withdrawals += 1
            if status == PENDING:
                self.pending += 1
            before = balance.withdrawn
            balance.withdrawn = withdrawn = before + amount
            bound = balance.paid + balance.earned - balance.refunded
            paying = balance.cards
            card_ok = cards[0] in paying if len(cards) == 1 else any(c in paying for c in cards)
            if not card_ok or withdrawn > bound:
                self._report(balance, record, before, bound, card_ok, withdrawn <= bound)
        elif status == PENDING:
            self.pending += 1  # a payment, earning or refund not yet done moves nothing
        elif kind == PAYMENT:
            balance.paid += amount
            if cards != balance.cards:  # usually the same single card again
                balance.cards += tuple(c for c in cards if c not in balance.cards)
        elif kind == EARNING:
            balance.earned += amount
        elif kind == REFUND:
            balance.refunded += amount

    def _report(self, balance: _Balance, row: LedgerRow, before: Decimal, bound: Decimal,
                card_ok: bool, amount_ok: bool) -> None:
        amount: Decimal = row.amount  # type: ignore[assignment]
        card = display_card(row.card)
        figures = (f"支付 {_money(balance.paid)}，收益 {_money(balance.earned)}，退款 {_money(balance.refunded)}，"
                   f"此前已提现 {_money(before)}，本笔 {_money(amount)}，上限 {_money(bound)}",
                   f"paid {_money(balance.paid)}, earned {_money(balance.earned)}, refunded "
                   f"{_money(balance.refunded)}, withdrawn before {_money(before)}, this {_money(amount)}, "
                   f"bound {_money(bound)}")
        who = (f"用户 {row.user_id} 在 {row.time} 的提现{f'（{row.no_order}）' if row.no_order else ''}",
               f"withdrawal{f' {row.no_order}' if row.no_order else ''} by user {row.user_id} at {row.time}")
        problems_zh: list[str] = []
        problems_en: list[str] = []
        if not card_ok:
            if not row.cards:
                problems_zh.append("未记录提现卡，无法证明提现到支付卡")
                problems_en.append("records no card, so nothing shows it went to a paying card")
            elif not balance.cards:
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
        self.add(Finding(
            message,
            Location(file=row.file, line=row.line, pointer="card" if not card_ok else "amount"),
            data={"user_id": row.user_id, "no_order": row.no_order, "time": row.time, "card": card,
                  "rules_broken": [r for r, ok in (("same_card", card_ok), ("amount_bound", amount_ok)) if not ok],
                  "paid": _money(balance.paid), "earned": _money(balance.earned),
                  "refunded": _money(balance.refunded), "withdrawn_before": _money(before),
                  "amount": _money(amount), "bound": _money(bound),
                  "paying_cards": sorted(display_card(c.lstrip("#")) for c in balance.cards)[:10]},
        ))

    # -- the end ----------------------------------------------------------------------------------
    def finish(self) -> Judgement:
        users = self.users
        self.rows = self.judged + self.failed + self.broken_count
        order = self._order_text()
        evidence = ({"rows": self.rows, "judged": self.judged, "withdrawals": self.withdrawals,
                     "failed_rows": self.failed, "pending_rows": self.pending, "broken_rows": self.broken_count,
                     "users": users, "order": order.en, "findings_not_shown": self.dropped_findings},)
        checked = Text(
            f"按时间逐用户复核台账 {self.rows} 行：{users} 个用户，{self.withdrawals} 笔提现，失败行 {self.failed}，"
            f"无法读取 {self.broken_count} 行；{order.zh}",
            f"replayed {self.rows} ledger rows per user in time order: {users} users, {self.withdrawals} "
            f"withdrawals, {self.failed} failed rows ignored, {self.broken_count} unreadable; {order.en}")
        if self.dropped_findings:
            checked = Text(f"{checked.zh}；另有 {self.dropped_findings} 条违规未列出",
                           f"{checked.en}; {self.dropped_findings} more violations not listed")
        broken = tuple(self._broken_findings())
        if self.resorted:  # findings came grouped by user: list them in file order
            self.findings.sort(key=lambda f: f.location.line or 0 if f.location else 0)
        if self.findings:
            return Judgement.violations(list(self.findings) + list(broken), checked, evidence)
        if self.misordered is not None:
            row = self.misordered
            return Judgement.cannot_judge(Text(
                f"台账行未按时间顺序送达（{row.location_text()}），无法按时间复核",
                f"ledger rows reached the check out of time order ({row.location_text()}), so they could not be "
                "replayed in time order"), evidence)
        if self.broken_count:
            first = self.broken[0]
            return Judgement.cannot_judge(Text(
                f"台账有 {self.broken_count} 行无法读取（首个：{first.location_text()}），其中可能有违规提现，不能判定通过",
                f"{self.broken_count} ledger rows could not be read (first: {first.location_text()}); any of them "
                "could be a bad withdrawal, so the ledger cannot pass"), evidence, broken)
        if self.judged == 0:
            return Judgement.cannot_judge(Text(
                f"台账没有可判定的行（共 {self.rows} 行，失败 {self.failed} 行）",
                f"the ledger has no rows to judge ({self.rows} rows, {self.failed} failed)"), evidence)
        if self.withdrawals == 0:
            return Judgement.cannot_judge(Text(
                "台账中没有任何提现，无法证明同卡进出；请提供包含提现记录的台账",
                "the ledger holds no withdrawal, so it shows nothing about same card in, same card out; "
                "provide a ledger with withdrawals"), evidence)
        return Judgement.clean(checked, evidence)

    def _order_text(self) -> Text:
        if not self.resorted:
            return Text("各用户的行按时间顺序排列，按文件顺序判定", "each user's rows were in time order and were judged in file order")
        why = resort_reason(self.resorted)
        return Text(f"已按用户和时间重排后判定（{why.zh}）", f"judged re-sorted by user and time ({why.en})")

    def _broken_findings(self) -> list[Finding]:
        out = []
        for row in self.broken:
            problem = row.problem or Text("无法读取", "unreadable")
            out.append(Finding(Text(f"台账行无法读取：{problem.zh}", f"unreadable ledger row: {problem.en}"),
                               Location(file=row.file, line=row.line), severity=Severity.MEDIUM))
        if self.broken_count > len(self.broken):
            more = self.broken_count - len(self.broken)
            out.append(Finding(Text(f"另有 {more} 行无法读取", f"{more} more unreadable rows"), severity=Severity.MEDIUM))
        return out
