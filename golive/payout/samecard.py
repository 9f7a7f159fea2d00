"""Same card in, same card out -- for payouts (guide 七 同卡进出 and 十 商户付款).

A helper the same-card checks can share: given the payments LianLian took (who paid, with which
card, how much) and the payouts the merchant applied for (to which card, how much), in time order,
every payout must go to a card its user paid with and keep that user's running total within
paid + earnings − already withdrawn. The payout API carries no user id, so a payout is the user's
whose withdrawal it pays (``owners``: payout no_order -> user_id, from the ledger when given), else
the one user who paid with that card; a card nobody paid with fails at once.

Pure: `audit_payouts(payments, payouts, owners, earnings)` returns violations as plain dicts;
`audit_payout_evidence(value)` applies it to the ``payouts`` evidence (the payouts that were
accepted, confirmed or may have paid, against the sandbox's payments). LL-PAY-007 (the payout item)
and LL-CRD-004 (审核3, same card) both use it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

__all__ = ["accepted_payouts", "audit_payout_evidence", "audit_payouts"]

_ACCEPTED = ("0000",)
# An answer that may have paid all the same (protocol.md §8: 9999 system error, 2005 / 4009 in process).
_MAYBE_PAID = (None, "9999", "2005", "4009")


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


def accepted_payouts(exchanges: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The payout applications (pay_load opened) that were accepted, later confirmed, or answered in
    a way that may have paid all the same."""
    exchanges = list(exchanges)
    confirmed = {(e.get("params") or {}).get("no_order") for e in exchanges
                 if e.get("api") == "confirmPayment" and (e.get("answer") or {}).get("ret_code") in _ACCEPTED}
    out = []
    for e in exchanges:
        if e.get("api") != "payment" or (e.get("envelope") or {}).get("opened") is not True:
            continue
        code = (e.get("answer") or {}).get("ret_code")
        if code in _ACCEPTED or (e.get("params") or {}).get("no_order") in confirmed or code in _MAYBE_PAID:
            out.append(e)
    return out


def audit_payout_evidence(value: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                             list[dict[str, Any]]]:
    """(payments, payouts, violations) of the ``payouts`` evidence value: each payout that may have paid
    (`accepted_payouts`) replayed in time order against the payments, the ledger's owners and earnings
    when given. A violation's ``payout["exchange"]`` is the payout exchange."""
    from golive.payout.judging import payout_card_key

    payouts = [{"no_order": (e.get("params") or {}).get("no_order"), "card": payout_card_key(e),
                "amount": (e.get("params") or {}).get("money_order"), "at": e.get("at"), "exchange": e}
               for e in accepted_payouts(value.get("exchanges") or [])]
    pays = [{"user_id": p.get("user_id"), "card": (p.get("card") or {}).get("ref"), "amount": p.get("amount"),
             "at": p.get("at")} for p in value.get("payments") or []]
    owners = value.get("owners") or None
    raw = value.get("earnings")
    earnings = {k: Decimal(str(v)) for k, v in raw.items()} if isinstance(raw, Mapping) else None
    return pays, payouts, audit_payouts(pays, payouts, owners, earnings)
