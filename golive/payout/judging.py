"""What the LL-PAY checks share (re-exported by golive.check_api): where a payout exchange is, how
to name it, the rules of `golive.payout.rules`, and the order-of-events questions -- what followed an
ambiguous answer (LL-PAY-005) or a request for confirmation (LL-PAY-006)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from golive.lianlian.codes import PAYOUT_CONFIRM_CODES, PAYOUT_QUERY_FIRST_CODES
from golive.model import Location, Text
from golive.payout.rules import branch_problems, field_problems

__all__ = ["balance_after", "payout_probe_scenario", "payout_location", "payout_name", "payout_branch_problems", "payout_field_problems", "payout_followups",
           "payout_card_key", "payout_applies"]

payout_branch_problems = branch_problems
payout_field_problems = field_problems


def payout_location(exchange: Mapping[str, Any], field: str | None = None) -> Location:
    if exchange.get("source") == "journal":
        pointer = f"seq={exchange.get('line')}" + (f".{field}" if field else "")
        return Location(file=exchange.get("file"), line=None, pointer=pointer)
    return Location(file=exchange.get("file"), line=exchange.get("line"), pointer=field, entry=exchange.get("entry"))


def payout_name(exchange: Mapping[str, Any]) -> Text:
    params = exchange.get("params") or {}
    api = {"payment": ("代付申请", "payout apply"), "confirmPayment": ("付款确认", "payout confirm"),
           "queryPayment": ("付款查询", "payout query")}.get(str(exchange.get("api")), ("代付", "payout"))
    no = params.get("no_order") or "?"
    return Text(f"{api[0]} {no}", f"{api[1]} {no}")


def payout_card_key(exchange: Mapping[str, Any]) -> str | None:
    card = exchange.get("card") or {}
    return card.get("ref") or card.get("masked")


def _amount(exchange: Mapping[str, Any]) -> Decimal | None:
    try:
        return Decimal(str((exchange.get("params") or {}).get("money_order")))
    except (InvalidOperation, ValueError):
        return None


def _code(exchange: Mapping[str, Any]) -> str | None:
    answer = exchange.get("answer")
    return answer.get("ret_code") if answer else None


def _ambiguous(exchange: Mapping[str, Any]) -> bool:
    answer = exchange.get("answer")
    if not answer or answer.get("error") or answer.get("ret_code") is None:
        return True  # no answer at all is the most ambiguous answer of all (§8)
    return answer["ret_code"] in PAYOUT_QUERY_FIRST_CODES


def payout_applies(exchanges: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [e for e in exchanges if e.get("api") == "payment"]


def payout_followups(exchanges: list[Mapping[str, Any]], trigger: str) -> list[dict[str, Any]]:
    """For each apply answered ambiguously (`trigger` "ambiguous": 1002, 2005, 4006, 4007, 4009, 9999,
    no answer) or with a request to confirm ("confirm": 4002/4003/4004): what came after it.

    ``handled`` -- a query of that payout ("ambiguous") or a confirmation of it ("confirm") came
    before anything else was done about it; ``paid_again`` -- a new apply for the same card and
    amount under another no_order before that; ``reapplied`` -- the same no_order applied again."""
    out = []
    ordered = sorted(exchanges, key=lambda e: (e.get("at") or 0, e.get("order", 0)))
    for index, first in enumerate(ordered):
        if first.get("api") != "payment":
            continue
        code = _code(first)
        if trigger == "ambiguous" and not _ambiguous(first):
            continue
        if trigger == "confirm" and code not in PAYOUT_CONFIRM_CODES:
            continue
        params = first.get("params") or {}
        no_order = params.get("no_order")
        card, amount = payout_card_key(first), _amount(first)
        handled_by = "queryPayment" if trigger == "ambiguous" else "confirmPayment"
        handled: Mapping[str, Any] | None = None
        paid_again: list[Mapping[str, Any]] = []
        reapplied: list[Mapping[str, Any]] = []
        for later in ordered[index + 1:]:
            later_params = later.get("params") or {}
            if later.get("api") == handled_by and no_order and later_params.get("no_order") == no_order:
                handled = later
                break
            if later.get("api") == "queryPayment" and trigger == "confirm" and later_params.get("no_order") == no_order:
                continue  # asking about it while reviewing is fine
            if later.get("api") != "payment":
                continue
            if later_params.get("no_order") == no_order:
                reapplied.append(later)
            elif card is not None and payout_card_key(later) == card and _amount(later) == amount:
                paid_again.append(later)
        out.append({"first": first, "code": code, "handled": handled, "paid_again": paid_again, "reapplied": reapplied})
    return out


def payout_probe_scenario(value: Mapping[str, Any], name: str) -> tuple[dict[str, Any] | None, Text | None]:
    """A payout-probe scenario that ran to the end, or why it cannot be judged."""
    scenario = (value.get("scenarios") or {}).get(name)
    if not isinstance(scenario, dict):
        return None, Text(f"代付通知探测 {name} 未运行", f"the payout-notification probe {name} did not run")
    error = scenario.get("error")
    if error:
        return None, Text(f"代付通知探测 {name} 未完成：{error.get('zh')}", f"the payout-notification probe {name} did not "
                                                                       f"complete: {error.get('en')}")
    return scenario, None


def balance_after(scenario: Mapping[str, Any], label_start: str) -> list[str | None]:
    """Balances read after each step whose label starts with `label_start`, in order."""
    return [b.get("value") for b in scenario.get("balances") or [] if str(b.get("after", "")).startswith(label_start)]


def failure_restored(scenario: Mapping[str, Any]) -> tuple[str, str, Decimal] | None:
    """The failure scenario's balance after the withdrawal, after the first FAILURE notification,
    and how much that notification gave back; None where a balance could not be read."""
    before = balance_after(scenario, "withdrawal")
    after = balance_after(scenario, "failure: FAILURE")  # the first, then its copies
    if not before or before[0] is None or not after or after[0] is None:
        return None
    return before[0], after[0], Decimal(after[0]) - Decimal(before[0])
