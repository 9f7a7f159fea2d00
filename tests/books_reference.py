"""A small reference implementation of the books audit, for the differential test.

It reads logical rows with the Python reader's own value parsers (golive.evidence.ledger:
parse_amount, parse_time, card_token and its word tables) and replays each user's rows in
(time, line) order exactly as LL-CRD-003's Judge does -- so every engine is held to the Python
auditor's semantics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from golive.evidence.ledger_values import (
    KIND_WORDS,
    STATUS_WORDS,
    amount_problem,
    card_token,
    parse_amount,
    parse_time,
)

SPACE = " \t\r\n\x0b\x0c"


def reference(rows: list[dict[str, str]], max_findings: int = 200, max_broken: int = 20) -> dict[str, Any]:
    """rows: dicts with line, user_id, kind, no_order, amount, card, time, status (text)."""
    good: list[tuple[Any, ...]] = []
    broken: list[tuple[int, str]] = []
    failed = 0
    for row in rows:
        user = row["user_id"].strip(SPACE)
        kind_text = row["kind"].strip()
        kind = KIND_WORDS.get(kind_text) or KIND_WORDS.get(kind_text.lower())
        amount = parse_amount(row["amount"].strip())
        when = parse_time(row["time"].strip()) if row["time"].strip() else None
        status_text = row["status"].strip()
        status = STATUS_WORDS.get(status_text) or STATUS_WORDS.get(status_text.lower())
        card = row["card"].strip()
        problem = ("user" if not user else "kind" if kind is None else amount_problem(row["amount"].strip()) if amount is None
                   else "time" if when is None else "status" if status is None else None)
        if problem is None and amount is not None and amount.is_signed():
            if kind in ("payment", "refund"):
                kind, amount = "refund", -amount
            elif kind == "withdrawal":
                problem = "negative"
        if problem:
            broken.append((row["line"], problem))
            continue
        if status == "failed":
            failed += 1
            continue
        good.append((user, when, row["line"], kind, amount, card, (card_token(card),) if card else (), row, status))
    good.sort(key=lambda g: (g[0], g[1], g[2]))
    violations = []
    balances: dict[str, dict[str, Any]] = {}
    withdrawals = pending = 0
    for user, _when, line, kind, amount, card, cards, row, status in good:
        b = balances.setdefault(user, {"paid": Decimal(0), "earned": Decimal(0), "refunded": Decimal(0),
                                       "withdrawn": Decimal(0), "cards": []})
        if kind == "withdrawal":
            withdrawals += 1
            pending += status == "pending"
            before = b["withdrawn"]
            b["withdrawn"] = before + amount
            bound = b["paid"] + b["earned"] - b["refunded"]
            card_ok = any(c in b["cards"] for c in cards)
            amount_ok = b["withdrawn"] <= bound
            if not card_ok or not amount_ok:
                violations.append((line, user, row["no_order"].strip(), card, row["time"].strip(), str(amount),
                                   str(b["paid"]), str(b["earned"]), str(b["refunded"]), str(before),
                                   [r for r, ok in (("same_card", card_ok), ("amount_bound", amount_ok)) if not ok],
                                   bool(cards), tuple(sorted(b["cards"]))))
        elif status == "pending":
            pending += 1
        elif kind == "payment":
            b["paid"] += amount
            b["cards"] += [c for c in cards if c not in b["cards"]]
        elif kind == "earning":
            b["earned"] += amount
        elif kind == "refund":
            b["refunded"] += amount
    violations.sort(key=lambda v: v[0])
    broken.sort()
    counts = (len(rows), len(good), withdrawals, failed, pending, len(broken), len({g[0] for g in good}), len(violations))
    return {"counts": counts, "violations": violations[:max_findings], "broken": broken[:max_broken]}
