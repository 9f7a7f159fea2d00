"""The merchant's ledger CSV (design.md §5) as golive's own reader sees it: what the streaming Python
auditor (golive/books/python_engine.py, ``evidence.ledger_engine: python``) and the tests import.
Its value grammar and problem catalogue (ledger_values.py) are the ones every engine of golive.books
reads by.

Four small modules do the work:

- ledger_values.py: kinds, statuses, amounts, times and cards as exports write them;
- ledger_reader.py: the plain reader, typed rows in file order, broken rows naming file:line;
- ledger_order.py: the order strategy (`iter_ledger_stream`, what the engine reads): each user's
  rows in time order, decided by a cheap scan before the first row is yielded;
- ledger_spill.py: the on-disk re-sort it falls back on, in bounded memory.
"""

from __future__ import annotations

from golive.evidence.ledger_order import MAX_USERS_IN_MEMORY, iter_ledger_stream, resort_reason
from golive.evidence.ledger_reader import LedgerColumns, LedgerRow, read_ledger
from golive.evidence.ledger_values import (
    EARNING,
    FAILED,
    PAYMENT,
    PENDING,
    REFUND,
    SUCCESS,
    WITHDRAWAL,
    card_token,
    display_card,
    parse_amount,
    parse_time,
)

__all__ = [
    "EARNING", "FAILED", "MAX_USERS_IN_MEMORY", "PAYMENT", "PENDING", "REFUND", "SUCCESS", "WITHDRAWAL",
    "LedgerColumns", "LedgerRow", "card_token", "display_card", "iter_ledger_stream", "parse_amount", "parse_time",
    "read_ledger", "resort_reason",
]
