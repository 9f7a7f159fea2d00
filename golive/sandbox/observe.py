"""Observing a sandbox run's notifications per order: what was delivered, how the merchant answered,
and -- where golive can read the merchant's books -- how many times each order was credited.

This is the ``sandbox.notify`` evidence (gathered by golive/gatherers/sandbox.py, judged by
LL-NTF-010 and LL-NTF-011). It is plain, redacted data: no notification parameters (they hold the
payer's name, ID number and agreement), only the facts of each delivery::

    {"journal": "golive-sandbox", "runs": 2, "notify_sign_type": "MD5",
     "lianlian_key_sha256": ["9f…"],                       # the sandbox's stand-in LianLian key(s)
     "credits": {"recipe": "live.credits" | None, "via": "http" | "command" | None,
                 "read": 5, "failed": 0, "not_read": 0},
     "orders": [{"no_order", "user_id", "amount", "channel", "scenario", "seq",
                 "paid": "SUCCESS" | "PROCESSING" | "FAILURE" | None,   # what the cashier did
                 "unfinished": false,        # a genuine notification still scheduled (sandbox still running)
                 "deliveries": [{"seq", "at", "role", "forged", "attempt", "copy", "copies", "result_pay",
                                 "outcome", "status", "elapsed_ms", "error", "body",
                                 "positive", "contract_ok", "problem"}],
                 "credits": 1 | None, "credit_error": None | "why it could not be read"}]}

``role`` is the sandbox's: ``genuine`` (LianLian's notification, redelivered until 0000; a burst of
concurrent ``copies`` in the duplicates scenario), ``duplicate`` (one more copy after the 0000),
``stale`` (an older PROCESSING result after the SUCCESS), ``forged`` (a copy made to be refused,
``forged`` says how). The answer is read with the one acknowledgement reader
(golive/judging/acks.py): ``positive`` -- a tolerant reader finds HTTP 200 and ret_code 0000;
``contract_ok`` -- exactly LianLian's contract within 5 s; ``problem`` -- why not.

Credits are read, once per order that reached the cashier, after the run: with ``live.credits``
(an HTTP request or a command reading the merchant's own order books; golive/probes/recipes.py),
never through a test endpoint golive needs. Without it the credit counts are None and the checks
that need them say so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from golive.judging.acks import ack_problem, read_ack

__all__ = ["MAX_CREDIT_READS", "CreditReader", "observe_deliveries"]

MAX_CREDIT_READS = 500
MAX_DELIVERIES_PER_ORDER = 64

# (no_order, user_id) -> (count or None, why not)
CreditReader = Callable[[str, str | None], tuple[int | None, str | None]]


def _delivery(event: Any) -> dict[str, Any]:
    detail = event.detail or {}
    ack = read_ack(event.status, event.response_body if event.status is not None else None, event.elapsed_ms,
                   event.error)
    return {
        "seq": event.seq, "at": event.at, "role": detail.get("role") or ("forged" if event.forged else "genuine"),
        "forged": event.forged, "attempt": event.attempt, "copy": event.copy, "copies": detail.get("copies"),
        "result_pay": detail.get("result_pay") or (event.params or {}).get("result_pay"),
        "outcome": event.outcome.value if event.outcome else None, "status": event.status,
        "elapsed_ms": event.elapsed_ms, "error": event.error, "body": ack.body, "positive": ack.positive,
        "contract_ok": ack.contract_ok, "problem": ack_problem(ack),
    }


def observe_deliveries(path: Path, shown: str, credits: CreditReader | None = None,
                       credits_via: str | None = None) -> dict[str, Any]:
    """The ``sandbox.notify`` value of the journal at `path` (see the module docstring). `credits`
    reads one order's credit count (None: no ``live.credits``). Raises JournalError when unreadable."""
    from golive.sandbox.journal import EventKind, read_events, read_runs

    runs = read_runs(path)
    orders: dict[str, dict[str, Any]] = {}
    last_outcome: dict[int, str | None] = {}  # genuine delivery id -> what became of it last
    delivery_order: dict[int, str] = {}
    kinds = (EventKind.PAY_REQUEST, EventKind.CASHIER, EventKind.NOTIFY_DELIVERY)
    for event in read_events(path, kinds=kinds):
        no_order = event.no_order or ""
        if event.kind is EventKind.PAY_REQUEST:
            if event.accepted and no_order and no_order not in orders:
                orders[no_order] = {
                    "no_order": no_order, "user_id": event.user_id, "amount": (event.params or {}).get("money_order"),
                    "channel": event.channel, "scenario": event.scenario, "seq": event.seq, "paid": None,
                    "unfinished": False, "deliveries": [], "not_listed": 0, "credits": None, "credit_error": None}
            continue
        order = orders.get(no_order)
        if order is None:
            continue
        if event.kind is EventKind.CASHIER:
            order["paid"] = (event.detail or {}).get("result_pay")
            continue
        if event.topic != "payment":
            continue
        if len(order["deliveries"]) < MAX_DELIVERIES_PER_ORDER:
            order["deliveries"].append(_delivery(event))
        else:
            order["not_listed"] += 1
        role = (event.detail or {}).get("role") or "genuine"
        if role == "genuine" and event.delivery_id is not None:
            last_outcome[event.delivery_id] = event.outcome.value if event.outcome else None
            delivery_order[event.delivery_id] = no_order
    for delivery_id, outcome in last_outcome.items():
        if outcome == "retry":
            orders[delivery_order[delivery_id]]["unfinished"] = True
    read = failed = not_read = 0
    for order in orders.values():
        if order["paid"] is None:
            continue  # never reached the cashier: nothing to credit, nothing read
        if credits is None:
            continue
        if read + failed >= MAX_CREDIT_READS:
            order["credit_error"] = f"not read: only the first {MAX_CREDIT_READS} orders' credits are read"
            not_read += 1
            continue
        count, error = credits(order["no_order"], order["user_id"])
        order["credits"], order["credit_error"] = count, error
        if count is None:
            failed += 1
        else:
            read += 1
    settings: Mapping[str, Any] = runs[-1].settings if runs else {}
    return {
        "journal": shown, "runs": len(runs), "killed_runs": sum(1 for r in runs[:-1] if r.stopped_at is None),
        "notify_sign_type": settings.get("notify_sign_type"),
        "lianlian_key_sha256": sorted({str(r.settings.get("lianlian_key_sha256")) for r in runs
                                       if r.settings.get("lianlian_key_sha256")}),
        "credits": {"recipe": "live.credits" if credits is not None else None, "via": credits_via, "read": read,
                    "failed": failed, "not_read": not_read},
        "orders": list(orders.values()),
    }
