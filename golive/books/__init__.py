"""golive.books: the same-card rule (同卡进出) brought to the merchant's books, wherever they sit.

LL-CRD-003 judges a ledger. A large merchant's books run to hundreds of millions of rows and live
in a database or a warehouse, so this package states the rule once, as SQL over a documented
logical schema (`golive.books.schema`), and runs it in the engine the books already sit in:

- `golive.books.duck`: embedded DuckDB over CSV, Parquet and JSON Lines files, out of core under a
  memory cap, spilling to a private temporary directory;
- `golive.books.database`: the merchant's own database through SQLAlchemy (PostgreSQL and SQLite
  tested), the rule pushed down so only findings and counts come back, in a read-only transaction
  with a statement timeout;
- `golive.books.python_engine`: the streaming Python auditor (``evidence.ledger_engine: python``),
  row by row over a CSV with golive's own reader (golive/evidence/ledger_*.py), in the least memory.

Whichever engine runs it, the answer is one `golive.books.result.BooksAudit` (counts, the first
violations with their running figures, the first unreadable rows), and it is the same answer:
tests/test_books_differential.py holds every engine to a small reference implementation.

Entry point: `audit_books(ledger_spec(config, ...))` (golive.books.run); the ledger gatherer
(golive/gatherers/ledger.py) makes the audit the evidence kind ``ledger`` that LL-CRD-003 judges.
"""

from __future__ import annotations
