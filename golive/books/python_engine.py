"""The streaming Python auditor: the same-card rule replayed row by row over a ledger CSV.

The engine golive started with, kept as ``evidence.ledger_engine: python`` (README "The books":
why, by measurement). It reads the CSV with golive's own reader (golive.evidence.ledger_reader:
the same grammar of amounts, times, kinds and cards as the SQL), each user's rows in time order
(golive.evidence.ledger_order: file order when the file already is so, else re-sorted on disk),
and keeps per user only the running figures and the paying cards -- memory does not grow with
the file. Its answer is the `BooksAudit` every engine gives: the first violations and unreadable
rows by line (bounded heaps), the counts, and how the rows were ordered.
"""

from __future__ import annotations

import heapq
import time
from decimal import Decimal
from pathlib import Path

from golive.books.result import BooksAudit, BrokenRow, Violation
from golive.evidence.ledger_values import EARNING, FAILED, PAYMENT, PENDING, REFUND, WITHDRAWAL, RowProblem

_ZERO = Decimal(0)


class _Balance:
    """One user's running figures while replaying the ledger."""

    __slots__ = ("paid", "earned", "refunded", "withdrawn", "cards", "last")

    def __init__(self) -> None:
        self.paid = self.earned = self.refunded = self.withdrawn = _ZERO
        # A tuple, not a set: most users pay with one card, and a 1-tuple is a quarter of an empty
        # set's memory -- it counts with 200,000 users in memory.
        self.cards: tuple[str, ...] = ()
        self.last = ""  # time key (parse_time) of the user's latest row, to notice rows out of time order


def audit_csv(path: Path, display: str, max_findings: int = 200, max_broken: int = 20) -> BooksAudit:
    """Replay the ledger CSV at `path` (`display` names it). A file that is no ledger at all raises
    InputError (golive.errors); every unreadable row is counted and the first ones kept."""
    from golive.evidence.ledger_order import iter_ledger_stream

    started = time.perf_counter()
    audit = BooksAudit(source=display, engine="python")
    balances: dict[str, _Balance] = {}
    shown: list[tuple[int, Violation]] = []  # a max-heap by line (negated): the first violations
    broken: list[tuple[int, BrokenRow]] = []
    judged = withdrawals = failed = pending = broken_count = users = violations = 0
    misordered = 0
    resorted = ""
    for record in iter_ledger_stream(path, display):
        _, line, user, kind, _, maybe_amount, _, cards, _, when, status, resorted_by, is_broken, problem = record
        if is_broken:
            broken_count += 1
            if len(broken) < max_broken or -broken[0][0] > line:
                code, detail = (problem.code, problem.detail) if isinstance(problem, RowProblem) else ("unreadable", None)
                heapq.heappush(broken, (-line, BrokenRow(line, code, detail)))
                if len(broken) > max_broken:
                    heapq.heappop(broken)
            continue
        if status == FAILED:
            failed += 1
            continue
        amount: Decimal = maybe_amount  # type: ignore[assignment]  # a readable row has one
        balance = balances.get(user)
        if balance is None:
            if resorted_by:
                # Rows come grouped by user: the previous user is complete, drop its balance.
                resorted = resorted_by
                balances.clear()
            balance = balances[user] = _Balance()
            users += 1
        elif when < balance.last and not misordered:
            misordered = line
        balance.last = when
        judged += 1
        if kind == WITHDRAWAL:  # a quarter of all rows
            withdrawals += 1
            if status == PENDING:
                pending += 1
            before = balance.withdrawn
            balance.withdrawn = withdrawn = before + amount
            paying = balance.cards
            card_ok = cards[0] in paying if len(cards) == 1 else any(c in paying for c in cards)
            amount_ok = withdrawn <= balance.paid + balance.earned - balance.refunded
            if not card_ok or not amount_ok:
                violations += 1
                if len(shown) < max_findings or -shown[0][0] > line:
                    heapq.heappush(shown, (-line, Violation(
                        line=line, user_id=user, no_order=record.no_order, card=record.card, time=record.time,
                        amount=amount, paid=balance.paid, earned=balance.earned, refunded=balance.refunded,
                        withdrawn_before=before, card_ok=card_ok, has_card=bool(cards), amount_ok=amount_ok,
                        paying_cards=tuple(sorted(paying)))))
                    if len(shown) > max_findings:
                        heapq.heappop(shown)
        elif status == PENDING:
            pending += 1  # a payment, earning or refund not yet done moves nothing
        elif kind == PAYMENT:
            balance.paid += amount
            if cards != balance.cards:  # usually the same single card again
                balance.cards += tuple(c for c in cards if c not in balance.cards)
        elif kind == EARNING:
            balance.earned += amount
        elif kind == REFUND:
            balance.refunded += amount
    audit.rows = judged + failed + broken_count
    audit.judged, audit.withdrawals, audit.failed, audit.pending = judged, withdrawals, failed, pending
    audit.broken, audit.users, audit.violation_count = broken_count, users, violations
    audit.violations = sorted((v for _, v in shown), key=lambda v: v.line)
    audit.broken_rows = sorted((b for _, b in broken), key=lambda b: b.line)
    audit.order = resorted
    audit.misordered_line = misordered or None
    audit.timings_s = {"total_s": time.perf_counter() - started}
    return audit
