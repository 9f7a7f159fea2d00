"""Acceptance scenarios: the ways a real payment can unfold, chosen per order by the merchant.

WeChat Pay's sandbox acceptance cases pick a behaviour from the order amount; this sandbox does the
same, and also reads a tag in a field the merchant sets: ``golive:NAME`` anywhere in ``info_order``
(payments and payouts) picks scenario NAME. ``golive sandbox --scenario NAME`` forces one for every
order. What LianLian does in each case follows protocol.md §5 (notifications only for successful
payments, sync return only after success and only once, redelivery about every 2 minutes up to 30
times, at-least-once delivery so duplicates happen) and §8 (payout results SUCCESS / FAILURE /
CANCEL after SUCCESS; confirmation 4002-4004).

A merchant's acceptance run sends one order per payment scenario. The ``forged`` scenario is not
something LianLian does: it stands in for an attacker who found the notify_url, so that a run of the
merchant's real code shows whether it checks signatures (LL-NTF-005).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Mapping


@dataclass(frozen=True)
class Scenario:
    name: str
    amount: str | None
    """The order amount (yuan) that selects it, or None (tag only)."""
    topic: str
    """``payment`` or ``payout``."""
    lianlian: str
    """What the sandbox does, as LianLian would (English, for the README and --list-scenarios)."""
    merchant: str
    """What a correct merchant does."""


PAYMENT_SCENARIOS: Mapping[str, Scenario] = {s.name: s for s in (
    Scenario("success", None, "payment",
             "pays; sync return to url_return; notification at once, redelivered every 2 min (scaled) until 0000",
             "credits once, answers {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"} within 5 s"),
    Scenario("failure", "0.02", "payment",
             "payment fails at the bank: failure page, no sync return, no notification; order query says FAILURE",
             "keeps the order unpaid; credits nothing"),
    Scenario("processing", "0.03", "payment",
             "order query says PROCESSING for 5 min (scaled), then SUCCESS; the notification comes at SUCCESS",
             "does not fail the order on PROCESSING; credits once on the notification"),
    Scenario("duplicates", "0.04", "payment",
             "first delivery is 3 identical copies at once; after the 0000, one more copy (a lost ack)",
             "credits once, answers every copy 0000"),
    Scenario("late", "0.05", "payment",
             "sync return at once; the notification only after 10 min (scaled)",
             "shows the order as pending on the return page; credits on the notification"),
    Scenario("notify_first", "0.06", "payment",
             "the notification is delivered (and its ack awaited) before the browser gets the sync return",
             "the return page finds the order already paid; credits once"),
    Scenario("out_of_order", "0.07", "payment",
             "after the SUCCESS notification is acked, an older PROCESSING result for the same order arrives",
             "keeps the order paid (never moves back from a final state); credits once"),
    Scenario("forged", "0.08", "payment",
             "before the genuine notification: a copy with a bad signature and a copy with money_order altered",
             "answers the forged copies with an error (never 0000), credits once from the genuine one"),
)}

PAYOUT_SCENARIOS: Mapping[str, Scenario] = {s.name: s for s in (
    Scenario("payout_success", None, "payout",
             "accepted (0000); SUCCESS notification after 2 min (scaled)",
             "marks the withdrawal paid; answers 0000"),
    Scenario("payout_failure", None, "payout",
             "accepted (0000); FAILURE notification with the reason in info_order; query memo says why",
             "records the reason, returns the money to the user's balance; answers 0000"),
    Scenario("payout_cancel", None, "payout",
             "SUCCESS notification, then CANCEL (the bank sent the money back)",
             "reverses the withdrawal on CANCEL; answers both 0000"),
    Scenario("payout_ambiguous", None, "payout",
             "accepts and pays the payout, but answers 9999 (system error) -- an answer §8 says never to take as a "
             "failure", "queries the payout (queryPayment) before anything else; never marks it failed or pays again"),
    Scenario("payout_confirm_duplicate", None, "payout",
             "answers 4002 with a confirm_code (suspected duplicate); also when the same card and amount "
             "were paid out today", "reviews, then calls confirmPayment with the confirm_code within 24 h"),
    Scenario("payout_confirm_name", None, "payout",
             "answers 4003 (account name does not match the card); also when the card paid under another name",
             "reviews the name, confirms or lets it close"),
    Scenario("payout_confirm_both", None, "payout", "answers 4004 (both of the above)", "as for 4002 and 4003"),
)}

ALL_SCENARIOS: Mapping[str, Scenario] = {**PAYMENT_SCENARIOS, **PAYOUT_SCENARIOS}
_BY_AMOUNT = {Decimal(s.amount): s.name for s in PAYMENT_SCENARIOS.values() if s.amount}
_TAG = re.compile(r"golive:([a-z_]+)")


def tagged(info_order: str | None, topic: str) -> str | None:
    """The scenario named by a ``golive:NAME`` tag in `info_order`, if it names one of `topic`."""
    if not info_order:
        return None
    table = PAYMENT_SCENARIOS if topic == "payment" else PAYOUT_SCENARIOS
    for match in _TAG.finditer(info_order):
        if match.group(1) in table:
            return match.group(1)
    return None


def payment_scenario(money_order: str, info_order: str | None, forced: str | None = None) -> str:
    """Which payment scenario an order runs: ``--scenario``, then the tag, then the amount."""
    if forced in PAYMENT_SCENARIOS:
        return forced  # type: ignore[return-value]
    named = tagged(info_order, "payment")
    if named:
        return named
    try:
        return _BY_AMOUNT.get(Decimal(money_order), "success")
    except (InvalidOperation, ValueError):
        return "success"


def payout_scenario(info_order: str | None) -> str:
    return tagged(info_order, "payout") or "payout_success"
