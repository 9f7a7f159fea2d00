"""Same card in, same card out -- for payouts (guide 七 同卡进出 and 十 商户付款).

A helper the same-card checks can share: given the payments LianLian took (who paid, with which
card, how much) and the payouts the merchant applied for (to which card, how much), in time order,
every payout must go to a card its user paid with and keep that user's running total within
paid + earnings − already withdrawn. The payout API carries no user id, so a payout is the user's
whose withdrawal it pays (``owners``: payout no_order -> user_id, from the ledger when given), else
the one user who paid with that card; a card nobody paid with fails at once.

Pure: `audit_payouts(payments, payouts, owners, earnings)` returns violations as plain dicts.
LL-PAY-007 uses it on the sandbox journal's payments and payouts; LL-CRD-* may call it too.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

__all__ = ["audit_payouts"]


def _money(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def audit_payouts(payments: Iterable[Mapping[str, Any]], payouts: Iterable[Mapping[str, Any]],
                  owners: Mapping[str, str] | None = None,
                  earnings: Mapping[str, Decimal] | None = None) -> list[dict[str, Any]]:
    """`payments`: {user_id, card (ref), amount, at}; `payouts`: {no_order, card (ref), amount, at, ...}.
    Each violation: {payout, rule ("same_card" | "amount_bound" | "unknown_card"), user_id, paid,
    earned, withdrawn_before, bound, uncertain}."""
    events = [(p.get("at") or 0, 0, "pay", p) for p in payments] + [(p.get("at") or 0, 1, "out", p) for p in payouts]
    events.sort(key=lambda e: (e[0], e[1]))
    cards: dict[str, set[str]] = defaultdict(set)
    payers_of: dict[str, set[str]] = defaultdict(set)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    withdrawn: dict[str, Decimal] = defaultdict(Decimal)
    out: list[dict[str, Any]] = []
    for _, _, what, item in events:
        card, amount = item.get("card"), _money(item.get("amount"))
        if what == "pay":
            user = str(item.get("user_id") or "")
            if card:
                cards[user].add(card)
                payers_of[card].add(user)
            paid[user] += amount or Decimal(0)
            continue
        owner = (owners or {}).get(str(item.get("no_order")))
        candidates = payers_of.get(card or "", set())
        if owner is None:
            if not candidates:
                out.append({"payout": item, "rule": "unknown_card", "user_id": None, "uncertain": False})
                continue
            if len(candidates) > 1:
                continue  # several payers share the card: which one withdrew is not known without the ledger
            owner = next(iter(candidates))
        if card not in cards.get(owner, set()):
            out.append({"payout": item, "rule": "same_card", "user_id": owner, "uncertain": False})
        earned = (earnings or {}).get(owner, Decimal(0))
        before = withdrawn[owner]
        withdrawn[owner] = before + (amount or Decimal(0))
        bound = paid[owner] + earned
        if withdrawn[owner] > bound:
            out.append({"payout": item, "rule": "amount_bound", "user_id": owner, "paid": str(paid[owner]),
                        "earned": str(earned), "withdrawn_before": str(before), "bound": str(bound),
                        "uncertain": earnings is None})
    return out
