"""Same-card probes (同卡进出): ask the merchant's staging server for withdrawals, record the answers.

LianLian's go-live guide (七 同卡进出) requires that a withdrawal goes only to the card the user
paid with, and never above what the user paid plus earnings; the launch review (审核3) checks it.
These probes ask for such withdrawals from the outside, through the merchant's own recipes
(design.md §5), and record what happened:

1. each probe user first pays with card A: a credited test order (``live.create_order`` -> a
   correctly signed SUCCESS notification naming card A's ``no_agree`` -> ``live.credits`` = 1),
   then optionally earns as much again (``live.earn``, when configured);
2. then ``live.withdraw`` is asked for (the attempts are the probe specification's,
   golive/probe_spec.py):

   ============================  =======================================================
   attempt                       what is asked
   ============================  =======================================================
   ``other_card``                the paid amount to card B (never paid with)
   ``over_bound``                paid + earned + 0.01 to card A
   ``control``                   the paid amount to card A (the legitimate request)
   ``over_bound_cumulative``     after ``control``, the same user: earned + 0.01 to card A
   ============================  =======================================================

   Each attempt has its own fresh user, so one attempt's outcome (or a merchant that locks a user
   after a suspicious request) cannot change another's; ``over_bound_cumulative`` deliberately
   reuses the control's user (``follows: control``) to test "− already withdrawn".

Recorded per attempt: the user's figures (paid, earned, the amount asked, which card), the recipe's
answer as it came (HTTP status or exit code, the redacted value at ``live.withdraw.pointer``, or why
there is none), the user's payout count before and after (``live.payouts``, when configured) and
every exchange. Whether an answer means accepted or refused, and whether the merchant kept the
rule, is judged elsewhere (golive/judging/same_card.py) -- the probe never reads the answer.

Cards: the withdraw recipe names the card with a placeholder, so the merchant picks how it
identifies cards: ``{no_agree}`` (LianLian's agreement number from the notification,
protocol.md §5.1 -- the usual and best way), or ``{card_no}`` (the masked number, first 6 and last
4, as LianLian's order query returns it, protocol.md §7.1) or ``{card_last4}``. When the recipe
uses one of the last two, the paying notification also carries card A's masked ``card_no`` so the
merchant can learn it. ``{card}`` is an alias of ``{no_agree}``.
"""

from __future__ import annotations

import json
import secrets as _random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from golive.evidence.bundle import Evidence
from golive.model import Text
from golive.probe_spec import WITHDRAW, plan
from golive.probes.http import Exchange
from golive.probes.recipes import ProbeContext, ProbeError, RecipeAnswer, count_value
from golive.redact import mask_card, mask_free_text, redact_params

CENT = Decimal("0.01")
CARD_NUMBER_PLACEHOLDERS = ("{card_no}", "{card_last4}")
TEST_CARD_BIN = "622202"  # a debit-card BIN shape; the numbers are made up for the probe
MAX_VALUE_CHARS = 500  # of an answer's value kept in the evidence
ATTEMPTS = ("other_card", "over_bound", "control", "over_bound_cumulative")  # what `WithdrawProbes.run` can do


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
    user_id: str = ""
    card: str = ""  # "A" (the paying card) or "B"
    card_shown: str = ""
    amount: str = ""
    paid: str = ""
    earned: str = "0.00"
    follows: str | None = None  # an earlier attempt of the same user (the cumulative follows the control)
    answer: dict[str, Any] | None = None  # the recipe's answer as it came; None: not asked
    payouts_before: int | None = None
    payouts_after: int | None = None
    payouts_error: str | None = None
    error: Text | None = None  # why the attempt could not be made
    exchanges: list[Exchange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "user_id": self.user_id, "card": self.card, "card_shown": self.card_shown,
            "amount": self.amount, "paid": self.paid, "earned": self.earned, "follows": self.follows,
            "answer": self.answer,
            "payouts": {"before": self.payouts_before, "after": self.payouts_after, "error": self.payouts_error},
            "error": self.error.to_dict() if self.error else None,
            "exchanges": [e.to_dict() for e in self.exchanges],
        }


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _recorded_value(value: Any) -> Any:
    """The value at the pointer, fit for evidence: personal data masked, bounded."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return mask_free_text(value[:MAX_VALUE_CHARS])
    wrapped = redact_params({"value": value})["value"]
    text = json.dumps(wrapped, ensure_ascii=False)
    return wrapped if len(text) <= MAX_VALUE_CHARS else mask_free_text(text[:MAX_VALUE_CHARS]) + "…"


def recorded_answer(answer: RecipeAnswer) -> dict[str, Any]:
    """A recipe answer as the evidence keeps it: how it was asked, the status, the value, the error."""
    exchange = answer.exchange
    return {"via": exchange.kind if exchange is not None else None, "status": answer.status,
            "value": _recorded_value(answer.value) if answer.ok else None, "error": answer.error,
            "error_kind": exchange.error_kind if exchange is not None else None}


class WithdrawProbes:
    """Runs the planned attempts on one probe context (sequentially: a few dozen loopback requests)."""

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
        attempt.answer = recorded_answer(answer)
        attempt.payouts_after = self._payouts(attempt, "after")

    def run(self, names: tuple[str, ...] = ATTEMPTS) -> dict[str, Attempt]:
        """Make the attempts `names` (the probe specification's plan), in that order."""
        attempts = {name: Attempt(name) for name in names}
        control_card: Card | None = None
        for name in names:
            attempt = attempts[name]
            try:
                if name == "over_bound_cumulative":
                    control = attempts.get("control")
                    if control is None or control_card is None or control.answer is None:
                        attempt.error = Text("阳性对照提现没有执行，无法测试累计上限", "the control withdrawal was not "
                                             "made, so the cumulative bound could not be tested")
                        continue
                    # Whether the control was accepted is for judging; the request is made either way.
                    attempt.user_id, attempt.paid, attempt.earned = control.user_id, control.paid, control.earned
                    attempt.follows = "control"
                    self._withdraw(attempt, control_card, "A", Decimal(control.earned) + CENT)
                    continue
                card_a = self._paying_user(attempt)
                if name == "other_card":
                    card_b = _test_card(self.ctx, attempt.user_id + "-b", avoid_last4=card_a.last4)
                    self._withdraw(attempt, card_b, "B", self.paid)
                elif name == "over_bound":
                    self._withdraw(attempt, card_a, "A", self.paid + self.earned + CENT)
                elif name == "control":
                    self._withdraw(attempt, card_a, "A", self.paid)
                    control_card = card_a
                else:
                    raise ValueError(f"no withdrawal attempt {name!r}")
            except ProbeError as exc:
                attempt.error = exc.reason
        return attempts

    def evidence_value(self, attempts: Mapping[str, Attempt], groups: tuple[str, ...]) -> dict[str, Any]:
        recipe = self.recipe
        return {
            "recipe": {"pointer": recipe.get("pointer"), "accepted": _values(recipe.get("accepted", "ACCEPTED")),
                       "refused": _values(recipe["refused"]) if "refused" in recipe else None,
                       "cards_by": "card number" if self.by_number else "no_agree",
                       "payouts": self.has_payouts, "earn": self.has_earn},
            "groups": list(groups),
            "attempts": {name: a.to_dict() for name, a in attempts.items()},
        }


def _values(raw: Any) -> list[Any]:
    return list(raw) if isinstance(raw, list) else [raw]


def run_withdraw_probes(ctx: ProbeContext, groups: tuple[str, ...]) -> dict[str, Evidence]:
    """The runner's entry point (golive/probes/runner.py): ``{"probe.withdraw": Evidence}`` for the
    attempts of the planned withdrawal `groups`."""
    ctx.say("probing withdrawals (同卡进出)")
    probes = WithdrawProbes(ctx)
    attempts = probes.run(plan(WITHDRAW, groups))
    return {WITHDRAW: Evidence.ok(probes.evidence_value(attempts, groups), source="live.withdraw")}
