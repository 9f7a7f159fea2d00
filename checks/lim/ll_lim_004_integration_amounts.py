"""LL-LIM-004 -- captured integration payments respect the integration limit (10 CNY per user,
per transaction and per day).

Until LianLian opens the limits after the launch review, every user may pay at most 10 CNY per
transaction and per day (guide 七: "联调阶段每个用户单笔单日限额都只有 10 元"); the published
test merchant really charges cards, so the guide asks for 0.01 test amounts (guide 三). Test
payments above the limit are refused by LianLian, so a capture that shows them means the
integration was not tested the way it will be reviewed. design.md folds this into LL-LIM-001;
it is a separate check here so LL-LIM-001 stays judgeable from the config alone.

An amount that is zero, negative, NaN or infinite is a finding of its own, never a pass: LianLian's
``money_order`` is a positive amount in yuan (protocol.md §3), and a negative one would otherwise
pull a user's daily total under the limit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from golive.check_api import (
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Reducer,
    Severity,
    Text,
    text_key,
)

META = CheckMeta(
    id="LL-LIM-004",
    item=Item.RELEASE_LIMITS,
    severity=Severity.MEDIUM,
    title=Text("联调测试金额不超过联调限额（每用户单笔单日 10 元）", "Integration test amounts stay within the integration limit (10 CNY per user per day)"),
    rationale=Text(
        "联调阶段每个用户单笔单日限额只有 10 元，超过的支付会被拒绝；临时商户号会真实扣款，测试 0.01 元即可。",
        "During integration each user may pay at most 10 CNY per transaction and day; larger payments are refused, "
        "and the test merchant really charges cards -- 0.01 is enough.",
    ),
    remediation=Text(
        "联调测试使用 0.01 元等小额，单个用户每天累计不超过 10 元；需要更大金额时先走上线流程开通限额。",
        "Test with small amounts such as 0.01 and keep each user under 10 CNY per day; open the limits through the "
        "go-live process before testing larger amounts.",
    ),
    references=("guide 三 接口联调（测试 0.01 元）", "guide 七 同卡进出（联调限额 10 元）", "docs/protocol.md §10"),
    stream="captures",
)

LIMIT = Decimal("10")
MAX_TRACKED = 200_000  # (user, day) pairs kept; beyond that the check says it stopped counting
MAX_AMOUNTS = 4096  # distinct usual money_order texts remembered with their amount
_ZERO = Decimal()


class Judge(Reducer):
    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.totals: dict[tuple[str, str], Decimal] = {}
        self.usual: dict[str, Decimal] = {}
        self.flagged: set[tuple[str, str]] = set()
        self.payments = 0
        self.untracked = 0

    def feed(self, record: Any) -> None:
        if getattr(record, "broken", False) or getattr(record, "kind", None) != "pay_request":
            return
        params = record.params or {}
        money = params.get("money_order", "")
        # money_order text -> its amount, for the usual amounts (above 0, within the limit): a
        # capture repeats a few, and those need no further question.
        amount = self.usual.get(money) if money.__class__ is str else None
        if amount is not None:
            usual = True
        else:
            try:
                amount = Decimal(str(money))
            except InvalidOperation:
                return  # malformed amounts are LL-RSK/LL-SIG territory, not a limit question
            # is_finite first: comparing Decimal("sNaN") raises
            usual = amount.is_finite() and 0 < amount <= LIMIT
            if usual and money.__class__ is str and len(self.usual) < MAX_AMOUNTS:
                self.usual[money] = amount
        self.payments += 1
        user = params.get("user_id", "")
        if user.__class__ is not str:
            user = text_key(user)  # str(user), except that a saved masked user id keeps its equality
        day = str(params.get("dt_order", ""))[:8]
        if not usual:
            if not amount.is_finite() or amount <= 0:
                # Not a payment amount (Decimal("NaN") > 10 would even raise); never counted in a
                # total, where a negative amount would hide a real excess.
                self.add(Finding(
                    Text(f"money_order {amount} 不是正数金额（连连要求大于 0 的元金额）",
                         f"money_order {amount} is not a positive amount (LianLian wants yuan above 0)"),
                    record.location("money_order"), data={"amount": str(amount)}))
                return
            if amount > LIMIT:
                self.add(Finding(
                    Text(f"单笔金额 {amount} 元超过联调限额 {LIMIT} 元", f"amount {amount} CNY exceeds the {LIMIT} CNY integration limit"),
                    record.location("money_order"), data={"amount": str(amount)}))
        key = (user, day)
        total = self.totals.get(key)
        if total is None:
            if len(self.totals) >= MAX_TRACKED:
                self.untracked += 1
                return
            total = _ZERO + amount  # as a sum from zero (rounded to the context), not the amount itself
        else:
            total += amount
        self.totals[key] = total
        if total > LIMIT and (usual or amount <= LIMIT) and key not in self.flagged:
            self.flagged.add(key)
            self.add(Finding(
                Text(f"同一用户当日累计 {total} 元，超过联调限额 {LIMIT} 元", f"one user's total for the day reached {total} CNY, above the {LIMIT} CNY limit"),
                record.location("money_order"), data={"day": day, "total": str(total)}))

    def finish(self) -> Judgement:
        if self.ctx.environment == "production":
            return Judgement.not_applicable(Text("生产环境：联调限额不适用", "production: the integration limit does not apply"))
        if not self.payments:
            return Judgement.cannot_judge(Text("抓包中没有支付请求", "no pay requests in the captures"))
        note_zh = f"（另有 {self.untracked} 笔未计入累计）" if self.untracked else ""
        note_en = f" ({self.untracked} not counted in daily totals)" if self.untracked else ""
        return Judgement.from_findings(self.findings, Text(f"{self.payments} 笔联调支付请求{note_zh}", f"{self.payments} integration pay request(s){note_en}"))
