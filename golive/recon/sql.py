"""Reconciliation's matching as SQL over two logical relations, run by DuckDB (``reconciliation.engine: duckdb``).

The Python engine (golive/recon/engine.py) stays the reference; this module states the same rules
once as SQL, and tests/test_recon_sql.py checks on generated books that both report exactly the same
differences, in the same order, with the same messages. The statement files and the ledger are read
by the same Python readers as before (strict, with ``file:line`` problems); their rows are loaded into
DuckDB as these relations (`SCHEMA`):

``statement_rows`` -- one row per readable JYMX/FKMX detail line, in file order then line order:

============ ======= =================================================================================
column       type    meaning
============ ======= =================================================================================
seq          BIGINT  0, 1, 2, ... in the order the files were given: "first" means the lowest seq
kind         VARCHAR ``JYMX`` (payments, refunds) or ``FKMX`` (payouts)
no_order     VARCHAR the merchant order number (银通 rows are matched on it)
oid_paybill  VARCHAR LianLian's number; for a refund row, the original payment's no_order
settle_date  VARCHAR yyyyMMdd (银通账务日期)
amount_micro BIGINT  the amount as LianLian wrote it (a refund negative), in exact micro-yuan
status       VARCHAR ``0`` success, ``5`` refunded (with a negative amount: the refund itself)
============ ======= =================================================================================

``ledger_rows`` -- one row per readable ledger row, in file order:

============ ========= ===============================================================================
seq          BIGINT    0, 1, 2, ... in ledger order
kind         VARCHAR   payment / refund / withdrawal / earning (earnings are not reconciled)
no_order     VARCHAR   the merchant order number
amount_micro BIGINT    the amount, positive, in exact micro-yuan
time         TIMESTAMP when the merchant booked it, China Standard Time wall clock (microseconds)
status       VARCHAR   success / failed / pending / refunded
settle_date  VARCHAR   yyyyMMdd from the notification, or NULL
============ ========= ===============================================================================

and ``covered(kind, day)``: for each ledger kind the settle days the files cover (payments and
refunds: the JYMX days; withdrawals: the FKMX days). Amounts are integers of micro-yuan, never
floats; a ledger amount finer than a micro-yuan (or beyond ±9.2 trillion yuan) cannot be one, and
then the Python engine reconciles instead (a note says so) -- the findings are the same.

`MATCH_SQL` is one statement that yields every finding as a tagged row (`what`, the statement and
ledger rows it shows by `seq`, and its place in the reference engine's order); Python then builds the
`Difference` values with the reference engine's own builders, so messages cannot drift. The
JYMXSUM check compares a file with its day's detail and stays in the shared Python code.

SQL features relied on (DuckDB ≥ 1.1): common table expressions, ``LEFT JOIN`` equi-joins (the
matching on ``(kind, no_order)``, the refund's ``oid_paybill`` to its original), aggregates with
``FILTER (WHERE …)`` and ordered ``list(seq ORDER BY seq)``, ``bool_or``, ``UNION ALL``,
``strftime``/``try_strptime`` and ``TIMESTAMP``/``DATE``/``TIME`` arithmetic (``date_diff``,
``INTERVAL 1 DAY``), and temporary macros. ``list`` is DuckDB's (PostgreSQL: ``array_agg``).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from golive.errors import InputError
from golive.recon import engine
from golive.recon.books import BookRow, Books
from golive.recon.statements import StatementFile, StatementRow

__all__ = ["MATCH_SQL", "SCHEMA", "match"]

MAX_MICRO = (1 << 63) - 1

SCHEMA = {
    "statement_rows": {"seq": "BIGINT", "kind": "VARCHAR", "no_order": "VARCHAR", "oid_paybill": "VARCHAR",
                       "settle_date": "VARCHAR", "amount_micro": "BIGINT", "status": "VARCHAR"},
    "ledger_rows": {"seq": "BIGINT", "kind": "VARCHAR", "no_order": "VARCHAR", "amount_micro": "BIGINT",
                    "time": "TIMESTAMP", "status": "VARCHAR", "settle_date": "VARCHAR"},
}

# The day after a yyyyMMdd day; NULL for text that is no date (a ledger settle_date is only checked
# to be 8 digits).
_MACROS = (
    "CREATE TEMP MACRO next_day(d) AS strftime(try_strptime(d, '%Y%m%d') + INTERVAL 1 DAY, '%Y%m%d')",
    # booked within `minutes` before the midnight that ends its day (engine._near_midnight)
    "CREATE TEMP MACRO near_midnight(t, minutes) AS "
    "date_diff('microsecond', t, CAST(CAST(t AS DATE) + INTERVAL 1 DAY AS TIMESTAMP)) <= CAST(minutes AS BIGINT) * 60000000",
)

# `phase`, `rank`, `grp`, `sub` order the findings as the reference engine adds them (the first 500
# differences are kept in that order, then sorted by day, file, line): 1 the ledger's duplicates, 2
# payments, 3 refunds, 4 payouts, 5 the ledger rows LianLian lacks; within a phase by ledger kind
# (`rank`), by the order's first row (`grp`), and by the check (`sub`).
MATCH_SQL = """
WITH
s AS (  -- statement rows with the side of the books they meet
    SELECT seq, no_order, oid_paybill, settle_date, amount_micro, status,
           CASE WHEN kind = 'FKMX' THEN 'withdrawal'
                WHEN status = '5' AND amount_micro < 0 THEN 'refund'
                ELSE 'payment' END AS side
    FROM statement_rows),
sg AS (  -- one group per side and order: its first row, how many rows, all of them
    SELECT side, no_order, min(seq) AS seq, count(*) AS n, list(seq ORDER BY seq) AS seqs
    FROM s GROUP BY side, no_order),
sf AS (  -- the first row of each group is the one compared
    SELECT sg.side, sg.no_order, sg.seq, sg.n, sg.seqs, s.oid_paybill, s.settle_date, s.amount_micro, s.status
    FROM sg JOIN s ON s.seq = sg.seq),
l AS (  -- ledger rows that move money at LianLian, the day each should settle on
    SELECT seq, kind, no_order, amount_micro, time, status, settle_date,
           coalesce(settle_date, strftime(time, '%Y%m%d')) AS day,
           status IN ('success', 'refunded') AS booked
    FROM ledger_rows WHERE kind IN ('payment', 'refund', 'withdrawal')),
lg AS (  -- one group per kind and order: its first row, its first booked row, booked and other rows
    SELECT l.kind, l.no_order, min(l.seq) AS seq,
           min(l.seq) FILTER (WHERE l.booked) AS book_seq,
           count(*) FILTER (WHERE l.booked) AS n_booked,
           list(l.seq ORDER BY l.seq) FILTER (WHERE l.booked) AS booked_seqs,
           list(l.seq ORDER BY l.seq) FILTER (WHERE NOT l.booked) AS other_seqs,
           -- a double credit is reported when a booked copy settles on, or the day before, a covered day
           coalesce(bool_or(l.booked AND (c1.day IS NOT NULL OR c2.day IS NOT NULL)), false) AS in_window
    FROM l
    LEFT JOIN covered c1 ON c1.kind = l.kind AND c1.day = l.day
    LEFT JOIN covered c2 ON c2.kind = l.kind AND c2.day = next_day(l.day)
    GROUP BY l.kind, l.no_order),
lb AS (  -- each group with its first booked row's values
    SELECT lg.*, b.amount_micro, b.status, b.settle_date, b.time, b.day,
           CASE lg.kind WHEN 'payment' THEN 0 WHEN 'refund' THEN 1 ELSE 2 END AS rank
    FROM lg LEFT JOIN l b ON b.seq = lg.book_seq),
refunded AS (  -- originals LianLian refunded: any refund row's oid_paybill
    SELECT DISTINCT oid_paybill FROM s WHERE side = 'refund'),
pay AS (
    SELECT p.*, b.book_seq, b.other_seqs, b.amount_micro AS b_amount, b.status AS b_status,
           b.settle_date AS b_settle, b.time AS b_time,
           coalesce(r.n_booked, 0) > 0 AS booked_refund, o.oid_paybill IS NOT NULL AS refund_at_lianlian
    FROM sf p
    LEFT JOIN lb b ON b.kind = 'payment' AND b.no_order = p.no_order
    LEFT JOIN lg r ON r.kind = 'refund' AND r.no_order = p.no_order
    LEFT JOIN refunded o ON o.oid_paybill = p.no_order
    WHERE p.side = 'payment'),
ref AS (  -- a refund pairs with its original through oid_paybill, in the files or the books
    SELECT r.*, p.seq IS NOT NULL AS original_at_lianlian, o.book_seq AS paid_seq, o.status AS paid_status,
           b.book_seq, b.amount_micro AS b_amount
    FROM sf r
    LEFT JOIN sg p ON p.side = 'payment' AND p.no_order = r.oid_paybill
    LEFT JOIN lb o ON o.kind = 'payment' AND o.no_order = r.oid_paybill
    LEFT JOIN lb b ON b.kind = 'refund' AND b.no_order = r.no_order
    WHERE r.side = 'refund'),
pout AS (
    SELECT w.*, b.book_seq, b.other_seqs, b.amount_micro AS b_amount, b.status AS b_status
    FROM sf w LEFT JOIN lb b ON b.kind = 'withdrawal' AND b.no_order = w.no_order
    WHERE w.side = 'withdrawal'),
last_day AS (SELECT kind, max(day) AS day FROM covered GROUP BY kind),
lonely AS (  -- booked ledger orders due on a covered day that the files lack
    SELECT b.*, b.settle_date IS NULL AND b.day = d.day AND
           CASE WHEN b.kind = 'withdrawal' THEN CAST(b.time AS TIME) >= TIME '14:00:00'  -- LianLian's last payout batch
                ELSE near_midnight(b.time, $cutoff) END AS late
    FROM lb b
    JOIN covered c ON c.kind = b.kind AND c.day = b.day
    JOIN last_day d ON d.kind = b.kind
    LEFT JOIN sg ON sg.side = b.kind AND sg.no_order = b.no_order
    WHERE b.book_seq IS NOT NULL AND sg.seq IS NULL)
SELECT 'duplicate_in_ledger' AS what, 1 AS phase, rank, seq AS grp, 0 AS sub,
       NULL::BIGINT[] AS ll, booked_seqs AS books, false AS near, 0::BIGINT AS n
    FROM lb WHERE n_booked > 1 AND in_window
UNION ALL SELECT 'duplicate_at_lianlian', 2, 0, seq, 0, seqs, NULL, false, 0 FROM pay WHERE n > 1
UNION ALL SELECT CASE WHEN other_seqs IS NULL THEN 'payment_missing' ELSE 'payment_not_credited' END,
                 2, 0, seq, 1, [seq], other_seqs, false, 0
    FROM pay WHERE book_seq IS NULL
UNION ALL SELECT 'payment_amount', 2, 0, seq, 2, [seq], [book_seq], false, 0
    FROM pay WHERE book_seq IS NOT NULL AND b_amount <> amount_micro
UNION ALL SELECT 'payment_not_refunded', 2, 0, seq, 3, [seq], [book_seq], false, 0
    FROM pay WHERE book_seq IS NOT NULL AND status = '5' AND amount_micro > 0 AND b_status = 'success'
                   AND NOT booked_refund AND NOT refund_at_lianlian
UNION ALL SELECT 'settle_date_mismatch', 2, 0, seq, 4, [seq], [book_seq],
                 near_midnight(b_time, $cutoff) AND settle_date = next_day(strftime(b_time, '%Y%m%d')), 0
    FROM pay WHERE book_seq IS NOT NULL AND b_settle IS NOT NULL AND b_settle <> settle_date
UNION ALL SELECT 'refund_unpaired', 3, 0, seq, 0, [seq], NULL, false, 0
    FROM ref WHERE NOT original_at_lianlian AND paid_seq IS NULL
UNION ALL SELECT 'refund_missing', 3, 0, seq, 1, [seq], CASE WHEN paid_seq IS NULL THEN NULL ELSE [paid_seq] END, false, 0
    FROM ref WHERE book_seq IS NULL AND paid_status IS DISTINCT FROM 'refunded'
UNION ALL SELECT 'refund_amount', 3, 0, seq, 2, [seq], [book_seq], false, 0
    FROM ref WHERE book_seq IS NOT NULL AND b_amount <> abs(amount_micro)
UNION ALL SELECT 'payout_missing', 4, 0, seq, 1, [seq], other_seqs, false, 0
    FROM pout WHERE book_seq IS NULL AND NOT (status = '5' AND other_seqs IS NOT NULL)
UNION ALL SELECT 'payout_amount', 4, 0, seq, 2, [seq], [book_seq], false, 0
    FROM pout WHERE book_seq IS NOT NULL AND b_amount <> abs(amount_micro)
UNION ALL SELECT 'payout_returned', 4, 0, seq, 3, [seq], [book_seq], false, 0
    FROM pout WHERE book_seq IS NOT NULL AND status = '5' AND b_status = 'success'
UNION ALL SELECT CASE WHEN late THEN 'settles_later' ELSE 'missing_at_lianlian' END, 5, rank, seq, 0,
                 NULL, [book_seq], false, 0
    FROM lonely
UNION ALL SELECT 'matched', 9, 0, 0, 0, NULL, NULL, false,
       (SELECT count(*) FROM pay WHERE book_seq IS NOT NULL)
     + (SELECT count(*) FROM ref WHERE book_seq IS NOT NULL OR paid_status = 'refunded')  -- or the original marked refunded
     + (SELECT count(*) FROM pout WHERE book_seq IS NOT NULL OR (status = '5' AND other_seqs IS NOT NULL))
"""

_ORDER = "ORDER BY phase, rank, grp, sub"


def _micro(amount: Decimal) -> int | None:
    """Exact micro-yuan, or None when the amount is finer or beyond a 64-bit integer."""
    scaled = amount.scaleb(6)
    if scaled != scaled.to_integral_value():
        return None
    value = int(scaled)
    return value if -MAX_MICRO <= value <= MAX_MICRO else None


def _statement_rows(files: Sequence[StatementFile]) -> list[StatementRow]:
    return [row for statement in files for row in statement.rows]


def _write(path: Path, rows: Any) -> int:
    # Every text field quoted, so an empty string stays one (read with allow_quoted_nulls=false)
    # and any character an order number may hold (comma, quote, newline) survives.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _load(connection: Any, name: str, path: Path, count: int) -> None:
    """The relation `name` with its `SCHEMA` types, filled from the CSV hand-off (no rows: empty)."""
    connection.execute(f"CREATE TEMP TABLE {name} ({', '.join(f'{c} {t}' for c, t in SCHEMA[name].items())})")
    if not count:  # DuckDB cannot sniff an empty file
        return
    columns = ", ".join(f"'{column}': '{kind}'" for column, kind in SCHEMA[name].items())
    connection.execute(
        f"INSERT INTO {name} SELECT * FROM read_csv('{path}', header = false, delim = ',', quote = '\"', "
        f"escape = '\"', new_line = '\\n', allow_quoted_nulls = false, columns = {{{columns}}})")


def match(files: Sequence[StatementFile], books: Books, result: engine.Reconciliation, cutoff_minutes: int,
          memory_mb: int = 512) -> bool:
    """Match the rows in DuckDB -- within `memory_mb` (evidence.ledger_memory_mb), spilling beyond
    it, as the books audit does -- and add the findings to `result`; False (with a note) when an
    amount is no whole number of micro-yuan, and the caller should reconcile in Python instead."""
    statement_rows = _statement_rows(files)
    ll_micro = [_micro(row.amount) for row in statement_rows]
    book_micro = [_micro(row.amount) for row in books.rows]
    if None in ll_micro or None in book_micro:
        result.notes.append("an amount is finer than 0.000001 yuan or too large for the SQL engine; "
                            "reconciled by the Python engine")
        return False
    from golive.books.duck import DuckSettings, connect  # DuckDB lazily, as for the books

    # The hand-off: a private directory (mkdtemp: mode 0700), removed afterwards; only the columns of
    # the relations are written -- no user ids, no card numbers.
    folder = Path(tempfile.mkdtemp(prefix="golive-recon-"))
    try:
        statement_count = _write(folder / "statement_rows.csv", (
            (seq, row.kind, row.no_order, row.oid_paybill, row.settle_date, micro, row.status)
            for seq, (row, micro) in enumerate(zip(statement_rows, ll_micro))))
        ledger_count = _write(folder / "ledger_rows.csv", (
            (seq, row.kind, row.no_order, micro, row.time.replace(tzinfo=None).isoformat(sep=" "), row.status,
             row.settle_date or "")
            for seq, (row, micro) in enumerate(zip(books.rows, book_micro))))
        try:
            connection = connect(DuckSettings(memory_mb=memory_mb), folder)
        except InputError as exc:
            raise InputError("DuckDB is not installed (pip install duckdb); or use reconciliation.engine: python",
                             key="reconciliation.engine") from exc
        try:
            for macro in _MACROS:
                connection.execute(macro)
            _load(connection, "statement_rows", folder / "statement_rows.csv", statement_count)
            _load(connection, "ledger_rows", folder / "ledger_rows.csv", ledger_count)
            # the ledger's settle_date is NULL when it has none (written as an empty string)
            connection.execute("UPDATE ledger_rows SET settle_date = NULL WHERE settle_date = ''")
            connection.execute("CREATE TEMP TABLE covered (kind VARCHAR, day VARCHAR)")
            covered = [(kind, day) for kind in ("payment", "refund") for day in result.days]
            covered += [("withdrawal", day) for day in result.payout_days]
            if covered:
                connection.executemany("INSERT INTO covered VALUES (?, ?)", covered)
            connection.execute(f"CREATE TEMP TABLE findings AS {MATCH_SQL}", {"cutoff": cutoff_minutes})
            _collect(connection, statement_rows, books.rows, result)
        finally:
            connection.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return True


def _collect(connection: Any, statement_rows: list[StatementRow], book_rows: list[BookRow],
             result: engine.Reconciliation) -> None:
    matched = connection.execute("SELECT sum(n) FROM findings WHERE what = 'matched'").fetchone()
    result.matched += int(matched[0] or 0)
    # The reference engine keeps the first MAX_DIFFERENCES in its order and counts the rest.
    room = max(0, engine.MAX_DIFFERENCES - len(result.differences))
    total = connection.execute("SELECT count(*) FROM findings WHERE what NOT IN ('matched', 'settles_later')").fetchone()
    rows = connection.execute(f"SELECT what, ll, books, near FROM findings WHERE what NOT IN ('matched', 'settles_later') "
                              f"{_ORDER} LIMIT {room}").fetchall()
    for what, ll_seqs, book_seqs, near in rows:
        lls = [statement_rows[i] for i in ll_seqs or ()]
        books = [book_rows[i] for i in book_seqs or ()]
        result.add(_difference(what, lls, books, bool(near)))
    result.dropped += int(total[0]) - len(rows)
    later = connection.execute(f"SELECT books[1] FROM findings WHERE what = 'settles_later' {_ORDER}").fetchall()
    result.settles_later.extend(engine.settles_later(book_rows[seq]) for (seq,) in later)


def _difference(what: str, lls: list[StatementRow], books: list[BookRow], near: bool) -> engine.Difference:
    """The reference engine's difference for a finding row of `MATCH_SQL`."""
    if what == "duplicate_in_ledger":
        return engine.duplicate_in_ledger(books)
    if what == "duplicate_at_lianlian":
        return engine.duplicate_at_lianlian(lls)
    if what == "missing_at_lianlian":
        return engine.missing_at_lianlian(books[0], books[0].kind)
    ll = lls[0]
    book = books[0] if books else None
    if what == "payment_missing":
        return engine.payment_missing(ll)
    if what == "payment_not_credited":
        return engine.payment_not_credited(ll, books)
    if what == "refund_unpaired":
        return engine.refund_unpaired(ll)
    if what == "refund_missing":
        return engine.refund_missing(ll, book)
    if what == "payout_missing":
        return engine.payout_missing(ll, books)
    assert book is not None, what
    if what == "settle_date_mismatch":
        return engine.settle_date_mismatch(ll, book, near)
    builders = {"payment_amount": engine.payment_amount, "payment_not_refunded": engine.payment_not_refunded,
                "refund_amount": engine.refund_amount, "payout_amount": engine.payout_amount,
                "payout_returned": engine.payout_returned}
    return builders[what](ll, book)
