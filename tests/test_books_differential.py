"""Differential test: every engine that runs the books audit gives the reference's answer.

Hypothesis writes ledgers with over-withdrawals, other cards, refunds, earnings, pending and
failed rows, ties in time, rows out of order and broken rows (values at the edges of the logical
schema's grammar: exponents, too many places, zones, fractions, masked cards); the same rows go to
the streaming Python auditor and DuckDB (as a CSV file), to DuckDB as JSON Lines, to a real SQLite
file and to a real PostgreSQL server (tables of text columns), and each engine's answer must equal
`books_reference.reference`. A second test writes CSV files with lines no table can hold (not
UTF-8, stray quotes, quoted fields over several lines, wrong field counts, carriage returns) and
holds the two file engines, DuckDB and the Python auditor, to the same findings -- messages,
figures and file:line included."""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
from pathlib import Path
from typing import Any

from books_reference import reference
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pg_support import postgres_dsn  # noqa: F401  (the fixture)

from golive.books.database import DatabaseSource, audit_database
from golive.books.duck import DuckSettings, audit_file
from golive.books.python_engine import audit_csv

EXAMPLES = int(os.environ.get("GOLIVE_BOOKS_EXAMPLES", "50"))  # more for a longer hunt
COLUMNS = ("user_id", "kind", "no_order", "amount", "card", "time", "status")
TIMES = ["20261125100000", "20261125100000", "2026-11-25 10:00:01", "2026-11-25T02:00:02Z", "20261126090000",
         "2026-11-26T09:00:00+08:00", "2026-11-27", "20261127120000", "2026-11-27 12:00:00.5", "bad-time", "20260230100000",
         "2026-11-25T10", "2026-11-25t10:00Z", "2026-11-25T10:00:00,1234567+0530", "2026-11-25T10.5", "20261125T100000",
         "2026-11-25T10:00:00+08:99", "2026-11-25T10:00:00+2400", "9999-12-31T23:00:00-08:00", "1000-01-01 07:59:59",
         "1000-01-01T00:00:00Z", "2024-02-29 12:00:00", "2026-02-29 12:00:00", "20261125240000", " 20261125100000 "]
AMOUNTS = ["10.00", "5", "4.00", "0.50", "1,000.00", "¥3.5", "2元", "-1.00", "0.0001", "abc", "12.5", "7.25",
           "1e3", "0.0000001", "1234567890123", "0001234567890.5", "+.5", "5.", ".", "１２", "¥ 1 000.00元", "-0",
           "999999999999.999999", "Infinity"]
KINDS = ["payment", "withdrawal", "withdrawal", "earning", "refund", "支付", "提现", "Payment", "bonus-ish", " WITHDRAW "]
STATUSES = ["success", "success", "success", "failed", "pending", "成功", "maybe", "Processing"]
CARDS = ["A", "B", "1234", "622202******1234", "2026112500011111111", "", "622202 **** 1234", "xX1234", "١٢٣٤",
         "12345678******1234", "123456789*1234"]
USERS = ["U1", "U2", "U3", " U1 ", ""]

row_strategy = st.fixed_dictionaries({
    "user_id": st.sampled_from(USERS), "kind": st.sampled_from(KINDS), "no_order": st.sampled_from(["N1", "", "W 2"]),
    "amount": st.sampled_from(AMOUNTS), "card": st.sampled_from(CARDS), "time": st.sampled_from(TIMES),
    "status": st.sampled_from(STATUSES),
})


def numbered(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{**row, "line": index} for index, row in enumerate(rows, 2)]  # line 1 is the CSV header


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in COLUMNS])


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    # One line per row, numbered like the CSV: a first line of keys only (an object without rows).
    lines = [json.dumps({c: c for c in COLUMNS})]  # line 1: a header-like object is a row too -- replaced below
    lines = ["", *(json.dumps({c: row[c] for c in COLUMNS}, ensure_ascii=False) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_table(execute: Any, rows: list[dict[str, Any]]) -> None:
    execute("DROP TABLE IF EXISTS books")
    execute("CREATE TABLE books (line INTEGER, user_id TEXT, kind TEXT, no_order TEXT, amount TEXT, card TEXT, "
            "time TEXT, status TEXT)")


def sqlite_audit(path: Path, rows: list[dict[str, Any]]) -> dict[str, Any]:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        load_table(db.execute, rows)
        db.executemany("INSERT INTO books VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(r["line"], *(r[c] for c in COLUMNS)) for r in rows])
    db.close()
    return audit_database(DatabaseSource(dsn=f"sqlite:///{path}", table="books", columns={"line": "line"})).key()


def postgres_audit(dsn: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    import sqlalchemy

    engine = sqlalchemy.create_engine(dsn)
    with engine.begin() as connection:
        load_table(connection.exec_driver_sql, rows)
        if rows:
            connection.exec_driver_sql("INSERT INTO books VALUES (%(line)s, %(user_id)s, %(kind)s, %(no_order)s, "
                                       "%(amount)s, %(card)s, %(time)s, %(status)s)", rows)
    engine.dispose()
    return audit_database(DatabaseSource(dsn=dsn, sql="SELECT * FROM books", columns={"line": "line"})).key()


def expected_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return reference(rows)


# Found by CI: a masked paying card whose mask starts and ends in printable ASCII ('******') was
# never stripped of its mask in SQL, so DuckDB matched it as itself rather than as '#1234'.
MASKED_CARD_THEN_OTHER_CARD = [
    {"user_id": "U1", "kind": "payment", "no_order": "N1", "amount": "10.00", "card": "622202******1234",
     "time": "20261125100000", "status": "success"},
    {"user_id": "U1", "kind": "withdrawal", "no_order": "N1", "amount": "10.00", "card": "A",
     "time": "20261125100000", "status": "success"},
]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row_strategy, min_size=1, max_size=25), st.randoms(use_true_random=False))
@example(MASKED_CARD_THEN_OTHER_CARD, random.Random(0))
def test_every_engine_gives_the_reference_answer(tmp_path: Path, postgres_dsn: str, rows: list[dict[str, str]],
                                                 rnd: Any) -> None:
    # Keep some ledgers in time order per user and shuffle others: order must not matter.
    rows = numbered(rows)
    expected = expected_of(rows)
    write_csv(tmp_path / "l.csv", rows)
    python = audit_csv(tmp_path / "l.csv", "l.csv")
    assert python.key() == expected, "python"
    duck = audit_file(tmp_path / "l.csv", "l.csv")
    got = duck.key()
    assert got == expected, ("duckdb csv", repr(got["violations"][:1]), repr(expected["violations"][:1]))
    assert findings(duck) == findings(python)
    # a file read as several ranges of lines side by side, each numbered on its own
    assert audit_file(tmp_path / "l.csv", "l.csv", settings=DuckSettings(chunks=3)).key() == expected, "duckdb ranges"
    write_jsonl(tmp_path / "l.jsonl", rows)
    assert audit_file(tmp_path / "l.jsonl", "l.jsonl").key() == expected, "duckdb jsonl"
    assert audit_file(tmp_path / "l.jsonl", "l.jsonl", settings=DuckSettings(chunks=2)).key() == expected, "jsonl ranges"
    assert sqlite_audit(tmp_path / "l.sqlite", rows) == expected, "sqlite"
    assert postgres_audit(postgres_dsn, rows) == expected, "postgresql"


def findings(audit: Any) -> dict[str, Any]:
    """The audit as LL-CRD-003 judges it, without what names the engine or times it."""
    value = audit.to_evidence()
    for key in ("engine", "order", "timings_s", "misordered_line"):
        value.pop(key)
    return value


RAW_LINES = [
    b"U1,payment", b"U1,payment,N1,1.00,A,20261125100000,success,extra", b'"unterminated,payment', b"",
    b"   ", b",,,,,,", b'U1,"pay""ment",N1,1.00,A,20261125100000,success', b'U1,"ab"c,N1,1.00,A,20261125100000,success',
    b'U2,payment,"N\n2",3.00,"A",20261125100000,success', b'U3,withdrawal,"W,3",1.00,A,20261126100000,"succ\ness"',
    b"U1,payment,N\xff1,1.00,A,20261125100000,success", b"\xe4\xb8,payment,N1,1.00,A,20261125100000,success",
    b"U1,withdrawal,W9,1.00,A,20261126100000,success\r", b"U1,payment,N1,1.00,A\rB,20261125100000,success",
    b'U4,payment,"N1",1.00,"A"  ,20261125100000,success', b'"U5","withdrawal","W5","9.00","Z","20261126100000","success"',
    b'U6,payment,N6,1.00,A,2026112510000"0,success',
]


def raw_row(row: dict[str, str]) -> bytes:
    return ",".join(row[c] for c in COLUMNS).encode("utf-8")


line_strategy = st.one_of(row_strategy.map(lambda r: ("row", r)), st.sampled_from(RAW_LINES).map(lambda b: ("raw", b)))
SAFE = {"user_id": USERS[:3], "card": CARDS[:5], "no_order": ["N1", "W 2"]}  # no comma, no quote


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line_strategy, min_size=1, max_size=30), st.sampled_from([b"\n", b"\r\n"]), st.booleans(),
       st.sampled_from([1, 2, 3, 7]))
def test_the_file_engines_give_the_same_findings_on_any_csv(tmp_path: Path, lines: list[tuple[str, Any]],
                                                          newline: bytes, bom: bool, chunks: int) -> None:
    body = []
    for what, value in lines:
        if what == "row":
            value = {**value, **{c: (value[c] if value[c] in SAFE[c] else SAFE[c][0]) for c in SAFE}}
            body.append(raw_row(value))
        else:
            body.append(value)
    header = (b"\xef\xbb\xbf" if bom else b"") + ",".join(COLUMNS).encode()
    path = tmp_path / "raw.csv"
    path.write_bytes(newline.join([header, *body]) + newline)
    python = audit_csv(path, "raw.csv")
    duck = audit_file(path, "raw.csv", settings=DuckSettings(chunks=chunks))
    assert findings(duck) == findings(python)


@settings(max_examples=max(5, EXAMPLES // 5), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row_strategy, min_size=20, max_size=120), st.integers(1, 6), st.integers(1, 4), st.sampled_from([0, 1, 3, 2000]))
def test_more_findings_than_shown_give_the_same_first_ones(tmp_path: Path, rows: list[dict[str, str]],
                                                          max_findings: int, max_broken: int, max_unsure: int) -> None:
    # DuckDB judges a one-card ledger in passes (every row with one sort; the withdrawals that
    # leaves unsure, by line or -- above max_unsure -- with a second sort; then only what is shown):
    # with more violations and unreadable rows than the report shows, the ones shown, their figures
    # and paying cards, and the counts must still be the streaming auditor's.
    rows = numbered(rows)
    write_csv(tmp_path / "l.csv", rows)
    python = audit_csv(tmp_path / "l.csv", "l.csv", max_findings=max_findings, max_broken=max_broken)
    duck = audit_file(tmp_path / "l.csv", "l.csv", settings=DuckSettings(max_findings=max_findings, max_broken=max_broken,
                                                                               max_unsure=max_unsure))
    assert findings(duck) == findings(python)


def _row(user: str, kind: str, amount: str, card: str, time: str) -> dict[str, str]:
    return {"user_id": user, "kind": kind, "no_order": "N1", "amount": amount, "card": card, "time": time,
            "status": "success"}


# U1 paid with cards A and C, then withdraws to B (between them: never paid) and to C (paid); U2
# paid with A, B and C and withdraws to B (between A and C: paid). The one-sort first pass cannot
# settle a token strictly between the smallest and largest paying token: these three are unsure.
BETWEEN_TWO_CARDS = [
    _row("U1", "payment", "10.00", "A", "20261125100000"), _row("U1", "payment", "10.00", "C", "20261125100001"),
    _row("U1", "withdrawal", "1.00", "B", "20261125100002"), _row("U1", "withdrawal", "1.00", "C", "20261125100003"),
    _row("U2", "payment", "10.00", "A", "20261125100000"), _row("U2", "payment", "10.00", "B", "20261125100001"),
    _row("U2", "payment", "10.00", "C", "20261125100002"), _row("U2", "withdrawal", "1.00", "B", "20261125100003"),
    _row("U2", "withdrawal", "1.00", "B", "20261125090000"),
]


def test_withdrawals_between_paying_cards_are_settled_exactly(tmp_path: Path) -> None:
    from golive.books import duck
    from golive.books.filescan import read_csv_header, scan_lines
    from golive.books.sql import DUCKDB, single_pass_sql

    rows = numbered(BETWEEN_TWO_CARDS)
    path = tmp_path / "l.csv"
    write_csv(path, rows)
    expected = expected_of(rows)
    assert [v[0] for v in expected["violations"]] == [4, 10]  # U1 to B; U2 to B before paying with it
    scan = read_csv_header(path, "l.csv", "k")
    scan_lines(path, "l.csv", "k", scan)
    connection = duck.connect(duck.DuckSettings(), tmp_path)
    try:
        source, _, has_status = duck._csv_source(connection, path, scan)
        first = connection.execute(single_pass_sql(DUCKDB, source, has_status)).fetchone()
    finally:
        connection.close()
    assert first[7] == 1 and first[11] == 2 and list(first[12]) == [4, 9]  # certain: line 10; unsure: 4 and 9
    python = audit_csv(path, "l.csv")
    for max_unsure in (0, 1, 2, 2000):  # by line, or by the pass with a second sort
        got = audit_file(path, "l.csv", settings=duck.DuckSettings(max_unsure=max_unsure))
        assert got.key() == expected, max_unsure
        assert findings(got) == findings(python), max_unsure


@settings(max_examples=max(3, EXAMPLES // 10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([b"\xff", b"\r", b"long", b"crlf", b"clean"]), min_size=1, max_size=3),
       st.sampled_from([None, 2]), st.booleans())
def test_lines_far_into_a_file_keep_their_numbers(tmp_path: Path, defects: list[bytes], chunks: int | None,
                                                  crlf_end: bool) -> None:
    # The byte pre-scan counts lines only from the first block with something to number (a line
    # not UTF-8, a carriage return, an over-long line): past several 1 MiB blocks of clean rows,
    # every unreadable line must still carry the number the streaming auditor gives it.
    clean = b"".join(b"U%d,payment,N%d,1.00,A,20261125100000,success\n" % (i % 97, i) for i in range(30000))
    parts = [",".join(COLUMNS).encode() + b"\n", clean]
    for defect in defects:
        if defect == b"long":
            parts.append(b"U1,payment,N1," + b"9" * (1 << 20) + b",A,20261125100000,success\n")
        elif defect == b"crlf":
            parts.append(b"U2,withdrawal,W1,1.00,A,20261126100000,success\r\n")
        elif defect == b"clean":
            parts.append(clean)
        else:
            parts.append(b"U3,payment,N" + defect + b"1,1.00,A,20261125100000,success\n")
        parts.append(clean)
    if crlf_end:  # line ends change from \n to \r\n after megabytes: mixed, whatever came first
        parts.append(b"".join(b"U%d,withdrawal,W%d,0.50,A,20261126100000,success\r\n" % (i % 97, i) for i in range(200)))
    path = tmp_path / "far.csv"
    path.write_bytes(b"".join(parts))
    python = audit_csv(path, "far.csv")
    duck = audit_file(path, "far.csv", settings=DuckSettings(chunks=chunks))
    assert findings(duck) == findings(python)


def test_line_ends_that_change_at_a_block_boundary_are_mixed(tmp_path: Path) -> None:
    # \n lines filling the pre-scan's first 1 MiB block exactly, then only \r\n lines: the lines
    # before the first \r are counted late, and must still count as \n-ended.
    from golive.books.filescan import BLOCK

    head = ",".join(COLUMNS).encode() + b"\n"
    row = b"U1,payment,N%07d,1.00,A,20261125100000,success\n"
    body = [head]
    size = len(head)
    while size + 2 * len(row % 0) < BLOCK:
        body.append(row % len(body))
        size += len(body[-1])
    pad = BLOCK - size - len(b"U1,payment,N,1.00,A,20261125100000,success\n")
    body.append(b"U1,payment,N" + b"7" * pad + b",1.00,A,20261125100000,success\n")
    assert sum(map(len, body)) == BLOCK
    body += [b"U1,withdrawal,W%d,0.50,A,20261126100000,success\r\n" % i for i in range(50)]
    path = tmp_path / "ends.csv"
    path.write_bytes(b"".join(body))
    from golive.books.filescan import read_csv_header, scan_lines

    scan = scan_lines(path, "ends.csv", "k", read_csv_header(path, "ends.csv", "k"))
    assert (scan.lines, scan.newlines, scan.crlf, scan.mixed_endings) == (len(body), len(body), 50, True)
    assert findings(audit_file(path, "ends.csv")) == findings(audit_csv(path, "ends.csv"))


def test_ranges_follow_the_file_whatever_the_line_estimate(tmp_path: Path, monkeypatch: Any) -> None:
    # A clean file's line count is an estimate from its first block (golive.books.filescan): ranges
    # cut at estimated lines must still cover every line once, whether the estimate is high or low.
    import golive.books.duck as duck

    rows = numbered([_row(f"U{i % 7}", "payment" if i % 3 else "withdrawal", "1.00", "AB"[i % 11 == 0],
                          f"2026112510{i % 60:02d}00") for i in range(60)])
    path = tmp_path / "l.csv"
    write_csv(path, rows)
    expected = expected_of(rows)
    real = duck.scan_lines
    for factor in (0.2, 0.5, 3.0):
        def estimated(*args: Any, factor: float = factor) -> Any:
            scan = real(*args)
            scan.lines = max(1, int(scan.lines * factor))
            return scan
        monkeypatch.setattr(duck, "scan_lines", estimated)
        assert audit_file(path, "l.csv", settings=DuckSettings(chunks=3)).key() == expected, factor
