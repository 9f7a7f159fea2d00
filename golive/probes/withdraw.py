"""Same-card probes (同卡进出): ask the merchant's staging server for withdrawals it must refuse.

LianLian's go-live guide (七 同卡进出) requires that a withdrawal goes only to the card the user
paid with, and never above what the user paid plus earnings; the launch review (审核3) checks it.
These probes show it from the outside, through the merchant's own recipes (design.md §5):

1. each probe user first pays with card A: a credited test order (``live.create_order`` -> a
   correctly signed SUCCESS notification naming card A's ``no_agree`` -> ``live.credits`` = 1),
   then optionally earns as much again (``live.earn``, when configured);
2. then ``live.withdraw`` is asked for:

   ============================  =======================================  ==========  =============
   attempt                       what                                     expected    judged by
   ============================  =======================================  ==========  =============
   ``other_card``                paid amount to card B (never paid with)  refused     LL-CRD-001
   ``over_bound``                paid + earned + 0.01 to card A           refused     LL-CRD-002
   ``control``                   paid amount to card A                    accepted    both (control)
   ``over_bound_cumulative``     after ``control``: earned + 0.01 to A    refused     LL-CRD-002
   ============================  =======================================  ==========  =============

   Each attempt has its own fresh user, so one attempt's outcome (or a merchant that locks a user
   after a suspicious request) cannot change another's; ``over_bound_cumulative`` deliberately
   reuses the control's user to test "− already withdrawn".

The **positive control** is what makes a refusal mean something: a merchant that refuses every
withdrawal would "pass" the negative attempts, so both checks fail when the legitimate
withdrawal is not accepted.

Reading the answer: the value at ``live.withdraw.pointer`` is *accepted* when it equals
``accepted`` (a value or a list); with ``refused`` configured, only those values are refusals
and anything else is inconclusive; without it, any other value is a refusal. An HTTP 4xx answer
is a refusal (a server may refuse with 403); no answer, a 5xx or a non-JSON answer is
inconclusive. When ``live.payouts`` is configured, the user's payout count is read before and
after every attempt: a "refusal" with a new payout is no refusal.

Cards: the withdraw recipe names the card with a placeholder, so the merchant picks how it
identifies cards: ``{no_agree}`` (LianLian's agreement number from the notification,
protocol.md §5.1 -- the usual and best way), or ``{card_no}`` (the masked number, first 6 and last
4, as LianLian's order query returns it, protocol.md §7.1) or ``{card_last4}``. When the recipe
uses one of the last two, the paying notification also carries card A's masked ``card_no`` so the
merchant can learn it. ``{card}`` is an alias of ``{no_agree}``.

Every exchange is kept, redacted by the probe client, in the ``probe.withdraw`` evidence.
"""

from __future__ import annotations

import json
import secrets as _random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from golive.evidence.bundle import Evidence
from golive.model import Finding, Judgement, Location, Text
from golive.probes.http import Exchange
from golive.probes.recipes import ProbeContext, ProbeError, RecipeAnswer, count_value
from golive.redact import mask_card

EVIDENCE = "probe.withdraw"
# The go-live guide's own words (七 同卡进出), quoted in every same-card finding.
GUIDE_RULE = Text("控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的总和",
                  "the withdrawal card must be a card the user paid with, and the amount withdrawn must not exceed "
                  "what the user paid plus earnings")
CENT = Decimal("0.01")
ACCEPTED, REFUSED, UNKNOWN = "accepted", "refused", "unknown"
CARD_NUMBER_PLACEHOLDERS = ("{card_no}", "{card_last4}")
TEST_CARD_BIN = "622202"  # a debit-card BIN shape; the numbers are made up for the probe


@dataclass(frozen=True)
class Card:
    """A card as the probe names it to the merchant."""

    no_agree: str
    number: str  # a made-up full number; only its masked form ever leaves this module

    @property
    def masked(self) -> str:
        return mask_card(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def placeholders(self) -> dict[str, str]:
        return {"no_agree": self.no_agree, "card": self.no_agree, "card_no": self.masked, "card_last4": self.last4}

    def shown(self) -> str:
        return f"no_agree {self.no_agree} / {self.masked}"


def _test_card(ctx: ProbeContext, owner: str, avoid_last4: str = "") -> Card:
    last4 = avoid_last4
    while last4 == avoid_last4:
        last4 = f"{_random.randbelow(10_000):04d}"
    middle = "".join(str(_random.randbelow(10)) for _ in range(9))
    return Card(ctx.no_agree_for(owner), TEST_CARD_BIN + middle + last4)


@dataclass
class Attempt:
    """One withdrawal request and everything seen around it. Plain data once `to_dict`-ed."""

    name: str
    check: str  # LL-CRD-001, LL-CRD-002, or "control"
    expect: str  # accepted | refused
    description: Text
    user_id: str = ""
    card: str = ""  # "A" (the paying card) or "B"
    card_shown: str = ""
    amount: str = ""
    paid: str = ""
    earned: str = "0.00"
    withdrawn_before: str = "0.00"
    outcome: str | None = None  # accepted | refused | unknown; None: not run
    answer: Any = None  # the value at the pointer, or the HTTP status that decided
    why: str = ""  # how the outcome was read
    payouts_before: int | None = None
    payouts_after: int | None = None
    payouts_error: str | None = None
    error: Text | None = None  # why the attempt could not be made or read
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def bound(self) -> str:
        return _money(Decimal(self.paid or "0") + Decimal(self.earned) - Decimal(self.withdrawn_before))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "check": self.check, "expect": self.expect, "description": self.description.to_dict(),
            "user_id": self.user_id, "card": self.card, "card_shown": self.card_shown, "amount": self.amount,
            "paid": self.paid, "earned": self.earned, "withdrawn_before": self.withdrawn_before,
            "bound": self.bound if self.paid else None, "outcome": self.outcome, "answer": self.answer,
            "why": self.why, "payouts_before": self.payouts_before, "payouts_after": self.payouts_after,
            "payouts_error": self.payouts_error, "error": self.error.to_dict() if self.error else None,
            "exchanges": [e.to_dict() for e in self.exchanges],
        }


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _values(raw: Any) -> list[Any]:
    return list(raw) if isinstance(raw, list) else [raw]


def _same(value: Any, wanted: Any) -> bool:
    """Recipe values compare leniently: "ACCEPTED" == "accepted", 1 == "1", true == "true"."""
    if isinstance(value, bool) or isinstance(wanted, bool):
        return str(value).lower() == str(wanted).lower()
    return str(value).strip().lower() == str(wanted).strip().lower()


def classify(answer: RecipeAnswer, recipe: Mapping[str, Any]) -> tuple[str, Any, str]:
    """(outcome, the deciding value, how it was read) for a withdraw recipe's answer."""
    accepted = _values(recipe.get("accepted", "ACCEPTED"))
    refused = _values(recipe["refused"]) if "refused" in recipe else None
    if not answer.ok:
        status = answer.status
        if answer.exchange is not None and answer.exchange.kind == "http" and status is not None and 400 <= status < 500:
            return REFUSED, status, f"HTTP {status}: a client error answer is a refusal"
        return UNKNOWN, status, str(answer.error)
    value = answer.value
    if any(_same(value, v) for v in accepted):
        return ACCEPTED, value, "the value at the pointer is an accepted value"
    if refused is None:
        return REFUSED, value, "the value at the pointer is not an accepted value"
    if any(_same(value, v) for v in refused):
        return REFUSED, value, "the value at the pointer is a refused value"
    return UNKNOWN, value, "the value at the pointer is neither an accepted nor a refused value"


def _shown_value(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value if not isinstance(value, str) else value[:80]
    return json.dumps(value, ensure_ascii=False)[:80]


class WithdrawProbes:
    """Runs the four attempts on one probe context (sequentially: a few dozen loopback requests)."""

    def __init__(self, ctx: ProbeContext) -> None:
        self.ctx = ctx
        self.recipe: Mapping[str, Any] = ctx.live.get("withdraw") or {}
        recipe_text = json.dumps(self.recipe, ensure_ascii=False)
        # Only a merchant that names cards by number needs to be told card A's number.
        self.by_number = any(p in recipe_text for p in CARD_NUMBER_PLACEHOLDERS)
        self.has_payouts = bool(ctx.live.get("payouts"))
        self.has_earn = bool(ctx.live.get("earn"))
        try:
            self.paid = Decimal(ctx.amount).quantize(CENT)
        except InvalidOperation:
            self.paid = Decimal("0.01")
        self.earned = self.paid if self.has_earn else Decimal(0)

    # -- setup ----------------------------------------------------------------------------------
    def _paying_user(self, attempt: Attempt) -> Card:
        """A fresh user who paid `self.paid` with card A (and earned `self.earned`)."""
        ctx = self.ctx
        user = ctx.fresh_user_id()
        card_a = _test_card(ctx, user)
        extra = {"card_no": card_a.masked} if self.by_number else None
        try:
            order = ctx.credited_order(user, _money(self.paid), attempt.exchanges, notification=extra)
        except ProbeError as exc:
            raise ProbeError(Text(f"无法让测试用户用卡 A 支付：{exc.reason.zh}", f"could not have the probe user pay "
                                  f"with card A: {exc.reason.en}"), exc.exchange) from None
        attempt.user_id, attempt.paid = order.user_id, _money(Decimal(order.amount))
        if order.no_agree != card_a.no_agree:  # the notification is what names the paying card
            card_a = Card(order.no_agree, card_a.number)
        if self.has_earn:
            answer = ctx.run_recipe("earn", {"user_id": order.user_id, "amount": _money(self.earned)}, label="earn")
            if answer.exchange is not None:
                attempt.exchanges.append(answer.exchange)
            if not answer.ok:
                raise ProbeError(Text(f"live.earn 失败：{answer.error}", f"live.earn failed: {answer.error}"))
            attempt.earned = _money(self.earned)
        return card_a

    def _payouts(self, attempt: Attempt, moment: str) -> int | None:
        if not self.has_payouts:
            return None
        answer = self.ctx.run_recipe("payouts", {"user_id": attempt.user_id}, label=f"payouts ({moment})")
        if answer.exchange is not None:
            attempt.exchanges.append(answer.exchange)
        try:
            if not answer.ok:
                raise ProbeError(Text(str(answer.error), str(answer.error)))
            return count_value(answer.value, "live.payouts")
        except ProbeError as exc:
            attempt.payouts_error = f"{moment}: {exc.reason.en}"
            return None

    # -- one attempt ----------------------------------------------------------------------------
    def _withdraw(self, attempt: Attempt, card: Card, label: str, amount: Decimal) -> None:
        attempt.card, attempt.card_shown, attempt.amount = label, card.shown(), _money(amount)
        attempt.payouts_before = self._payouts(attempt, "before")
        answer = self.ctx.run_recipe("withdraw", {"user_id": attempt.user_id, "amount": attempt.amount,
                                                  **card.placeholders()}, label=f"withdraw ({attempt.name})")
        if answer.exchange is not None:
            attempt.exchanges.append(answer.exchange)
        outcome, value, why = classify(answer, self.recipe)
        attempt.outcome, attempt.answer, attempt.why = outcome, _shown_value(value), why
        if outcome == UNKNOWN:
            attempt.error = Text(f"无法判断提现结果：{why}", f"the withdrawal answer could not be read: {why}")
        attempt.payouts_after = self._payouts(attempt, "after")

    def run(self) -> dict[str, Attempt]:
        attempts = {
            "other_card": Attempt("other_card", "LL-CRD-001", REFUSED, Text(
                "用卡 A 支付后，申请把已支付金额提现到从未支付过的卡 B", "after paying with card A, ask to withdraw the paid "
                "amount to card B, which the user never paid with")),
            "over_bound": Attempt("over_bound", "LL-CRD-002", REFUSED, Text(
                "申请提现 支付 + 收益 + 0.01 到支付卡 A", "ask to withdraw paid + earnings + 0.01 to the paying card A")),
            "control": Attempt("control", "control", ACCEPTED, Text(
                "阳性对照：申请把已支付金额提现到支付卡 A（合法，应当受理）", "positive control: ask to withdraw the paid "
                "amount to the paying card A (legitimate, must be accepted)")),
            "over_bound_cumulative": Attempt("over_bound_cumulative", "LL-CRD-002", REFUSED, Text(
                "阳性对照提现成功后，再申请 收益 + 0.01（超过 支付 + 收益 − 已提现）", "after the control withdrawal, ask "
                "for earnings + 0.01 more (above paid + earnings − already withdrawn)")),
        }
        control_card: Card | None = None
        for name in ("other_card", "over_bound", "control"):
            attempt = attempts[name]
            try:
                card_a = self._paying_user(attempt)
                if name == "other_card":
                    card_b = _test_card(self.ctx, attempt.user_id + "-b", avoid_last4=card_a.last4)
                    self._withdraw(attempt, card_b, "B", self.paid)
                elif name == "over_bound":
                    self._withdraw(attempt, card_a, "A", self.paid + self.earned + CENT)
                else:
                    self._withdraw(attempt, card_a, "A", self.paid)
                    control_card = card_a
            except ProbeError as exc:
                attempt.error = exc.reason
        cumulative, control = attempts["over_bound_cumulative"], attempts["control"]
        if control_card is not None and control.outcome == ACCEPTED:
            cumulative.user_id, cumulative.paid, cumulative.earned = control.user_id, control.paid, control.earned
            cumulative.withdrawn_before = control.amount
            self._withdraw(cumulative, control_card, "A", Decimal(control.earned) + CENT)
        else:
            cumulative.error = Text("阳性对照提现未被受理，无法测试累计上限", "the control withdrawal was not accepted, so "
                                    "the cumulative bound could not be tested")
        return attempts

    def evidence_value(self, attempts: Mapping[str, Attempt]) -> dict[str, Any]:
        recipe = self.recipe
        return {
            "recipe": {"pointer": recipe.get("pointer"), "accepted": _values(recipe.get("accepted", "ACCEPTED")),
                       "refused": _values(recipe["refused"]) if "refused" in recipe else None,
                       "cards_by": "card number" if self.by_number else "no_agree",
                       "payouts": self.has_payouts, "earn": self.has_earn},
            "attempts": {name: a.to_dict() for name, a in attempts.items()},
        }


def run_withdraw_probes(ctx: ProbeContext) -> dict[str, Evidence]:
    """The runner's entry point (golive/probes/runner.py): ``{"probe.withdraw": Evidence}``."""
    ctx.say("probing withdrawals (同卡进出)")
    probes = WithdrawProbes(ctx)
    attempts = probes.run()
    return {EVIDENCE: Evidence.ok(probes.evidence_value(attempts), source="live.withdraw")}


# -- reading the evidence (pure: used by the checks LL-CRD-001 and LL-CRD-002) ----------------------

def _attempt_text(a: Mapping[str, Any]) -> tuple[str, str]:
    card = "支付卡 A" if a.get("card") == "A" else "从未支付过的卡 B"
    card_en = "the paying card A" if a.get("card") == "A" else "card B (never paid with)"
    figures_zh = (f"用户 {a.get('user_id')} 支付 {a.get('paid')}，收益 {a.get('earned')}，已提现 {a.get('withdrawn_before')}，"
                  f"上限 {a.get('bound')}；申请 {a.get('amount')} 到{card}（{a.get('card_shown')}）")
    figures_en = (f"user {a.get('user_id')} paid {a.get('paid')}, earned {a.get('earned')}, withdrew "
                  f"{a.get('withdrawn_before')} before, bound {a.get('bound')}; asked for {a.get('amount')} to "
                  f"{card_en} ({a.get('card_shown')})")
    return figures_zh, figures_en


def attempt_evidence(a: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A summary of one attempt and its withdraw exchange (plus the failing one, if any)."""
    summary = {
        "kind": "probe", "scenario": a.get("name"), "description": (a.get("description") or {}).get("en"),
        "description_zh": (a.get("description") or {}).get("zh"), "expect": a.get("expect"),
        "outcome": a.get("outcome"), "answer": a.get("answer"), "user_id": a.get("user_id"), "card": a.get("card"),
        "card_shown": a.get("card_shown"), "amount": a.get("amount"), "paid": a.get("paid"),
        "earned": a.get("earned"), "withdrawn_before": a.get("withdrawn_before"), "bound": a.get("bound"),
        "payouts": f"{a.get('payouts_before')} -> {a.get('payouts_after')}" if a.get("payouts_before") is not None else None,
    }
    if a.get("error"):
        summary["error"] = a["error"].get("en")
    every = list(a.get("exchanges") or [])
    shown = [e for e in every if str(e.get("label", "")).startswith("withdraw")]
    failed = [e for e in every if e.get("error") and e not in shown]
    return [summary, *shown, *failed[:1]]


def _negative(a: Mapping[str, Any], rule: Text, where: Location, findings: list[Finding], unjudged: list[Text]) -> None:
    figures_zh, figures_en = _attempt_text(a)
    outcome = a.get("outcome")
    if outcome == ACCEPTED:
        findings.append(Finding(Text(f"商户受理了应当拒绝的提现（{rule.zh}）：{figures_zh}；应答 {a.get('answer')!r}。"
                                     f"指南要求：{GUIDE_RULE.zh}。",
                                     f"the merchant accepted a withdrawal it must refuse ({rule.en}): {figures_en}; "
                                     f"answer {a.get('answer')!r}. The guide: {GUIDE_RULE.en}."), where,
                                data={"attempt": a.get("name"), "answer": a.get("answer"), "amount": a.get("amount"),
                                      "bound": a.get("bound"), "card": a.get("card_shown")}))
        return
    if outcome != REFUSED:
        reason = a.get("error") or {"zh": "未执行", "en": "not run"}
        unjudged.append(Text(f"{a.get('name')}：{reason['zh']}", f"{a.get('name')}: {reason['en']}"))
        return
    before, after = a.get("payouts_before"), a.get("payouts_after")
    if a.get("payouts_error"):
        unjudged.append(Text(f"{a.get('name')}：应答为拒绝，但无法通过 live.payouts 核实：{a['payouts_error']}",
                             f"{a.get('name')}: answered as refused, but live.payouts could not confirm it: "
                             f"{a['payouts_error']}"))
    elif before is not None and after is not None and after > before:
        findings.append(Finding(Text(f"应答为拒绝，但出款记录从 {before} 笔变为 {after} 笔（{rule.zh}）：{figures_zh}。"
                                     f"指南要求：{GUIDE_RULE.zh}。",
                                     f"answered as refused, but the payout count went from {before} to {after} "
                                     f"({rule.en}): {figures_en}. The guide: {GUIDE_RULE.en}."), where,
                                data={"attempt": a.get("name"), "payouts_before": before, "payouts_after": after}))


def _control(a: Mapping[str, Any] | None, where: Location, findings: list[Finding], unjudged: list[Text]) -> None:
    if a is None:
        unjudged.append(Text("没有阳性对照结果", "no positive-control result"))
        return
    outcome = a.get("outcome")
    if outcome == ACCEPTED:
        return
    figures_zh, figures_en = _attempt_text(a)
    if outcome == REFUSED:
        findings.append(Finding(Text(
            f"阳性对照失败：合法的提现（支付卡、上限以内）被拒绝（{figures_zh}；应答 {a.get('answer')!r}）。"
            "一律拒绝提现的商户不能证明做好了同卡进出，拒绝结果因此不能作为证据。",
            f"positive control failed: a legitimate withdrawal (paying card, within the bound) was refused "
            f"({figures_en}; answer {a.get('answer')!r}). A merchant that refuses every withdrawal shows nothing "
            "about same card in, same card out, so its refusals prove nothing."),
            where,
            data={"attempt": "control", "answer": a.get("answer"), "amount": a.get("amount"), "bound": a.get("bound")}))
        return
    reason = a.get("error") or {"zh": "未执行", "en": "not run"}
    unjudged.append(Text(f"阳性对照：{reason['zh']}", f"positive control: {reason['en']}"))


def judge_attempts(value: Mapping[str, Any], names: tuple[str, ...], rule: Text, where: Location) -> Judgement:
    """The Judgement of a same-card check over its attempts `names` plus the positive control:
    a violation if the merchant accepted (or paid out) a withdrawal it must refuse, or refused
    the legitimate one; cannot_judge if anything needed could not be read; clean otherwise.
    Findings point at `where` (the config's live.withdraw) and name their attempt in `data`."""
    attempts: Mapping[str, Any] = value.get("attempts") or {}
    findings: list[Finding] = []
    unjudged: list[Text] = []
    evidence: list[Mapping[str, Any]] = []
    for name in names:
        attempt = attempts.get(name)
        if attempt is None:
            unjudged.append(Text(f"{name}：没有探测结果", f"{name}: no probe result"))
            continue
        _negative(attempt, rule, where, findings, unjudged)
        evidence += attempt_evidence(attempt)
    control = attempts.get("control")
    _control(control, where, findings, unjudged)
    if control is not None:
        evidence += attempt_evidence(control)
    recipe = value.get("recipe") or {}
    checked = Text(
        f"向预发布环境申请提现并读取应答（{recipe.get('pointer')} 为 {recipe.get('accepted')} 即受理；卡以 "
        f"{'卡号' if recipe.get('cards_by') == 'card number' else 'no_agree'} 标识；"
        f"{'以 live.payouts 核对出款笔数' if recipe.get('payouts') else '未配置 live.payouts，仅依据应答'}），含阳性对照",
        f"asked the staging server for withdrawals and read the answers ({recipe.get('pointer')} in "
        f"{recipe.get('accepted')} means accepted; cards named by {recipe.get('cards_by')}; "
        f"{'payout counts confirmed through live.payouts' if recipe.get('payouts') else 'no live.payouts: answers only'}),"
        " with a positive control")
    if findings:
        if unjudged:
            checked = Text(checked.zh + "；未能判断：" + "；".join(t.zh for t in unjudged),
                           checked.en + "; not judged: " + "; ".join(t.en for t in unjudged))
        return Judgement.violations(findings, checked, tuple(evidence))
    if unjudged:
        return Judgement.cannot_judge(Text("；".join(t.zh for t in unjudged), "; ".join(t.en for t in unjudged)),
                                      tuple(evidence))
    return Judgement.clean(checked, tuple(evidence))
