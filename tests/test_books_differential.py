"""Differential test: every engine that runs the books audit gives the reference's answer.

Hypothesis writes ledgers with over-withdrawals, other cards, refunds, earnings, pending and
failed rows, ties in time, rows out of order and broken rows; the same rows go to DuckDB (as a
CSV file and as JSON Lines), to a real SQLite file and to a real PostgreSQL server (tables of
text columns), and each engine's answer must equal `books_reference.reference`."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from books_reference import reference
from golive.books.database import DatabaseSource, audit_database
from golive.books.duck import audit_file
from pg_support import postgres_dsn  # noqa: F401  (the fixture)

COLUMNS = ("user_id", "kind", "no_order", "amount", "card", "time", "status")
TIMES = ["20261125100000", "20261125100000", "2026-11-25 10:00:01", "2026-11-25T02:00:02Z", "20261126090000",
         "2026-11-26T09:00:00+08:00", "2026-11-27", "20261127120000", "2026-11-27 12:00:00.5", "bad-time", "20260230100000"]
AMOUNTS = ["10.00", "5", "4.00", "0.50", "1,000.00", "¥3.5", "2元", "-1.00", "0.0001", "abc", "12.5", "7.25"]
KINDS = ["payment", "withdrawal", "withdrawal", "earning", "refund", "支付", "提现", "Payment", "bonus-ish"]
STATUSES = ["success", "success", "success", "failed", "pending", "成功", "maybe"]
CARDS = ["A", "B", "1234", "622202******1234", "2026112500011111111", ""]
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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row_strategy, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_every_engine_gives_the_reference_answer(tmp_path: Path, postgres_dsn: str, rows: list[dict[str, str]],
                                                 rnd: Any) -> None:
    # Keep some ledgers in time order per user and shuffle others: order must not matter.
    rows = numbered(rows)
    expected = expected_of(rows)
    write_csv(tmp_path / "l.csv", rows)
    got = audit_file(tmp_path / "l.csv", "l.csv").key()
    assert got == expected, ("duckdb csv", repr(got["violations"][:1]), repr(expected["violations"][:1]))
    write_jsonl(tmp_path / "l.jsonl", rows)
    assert audit_file(tmp_path / "l.jsonl", "l.jsonl").key() == expected, "duckdb jsonl"
    assert sqlite_audit(tmp_path / "l.sqlite", rows) == expected, "sqlite"
    assert postgres_audit(postgres_dsn, rows) == expected, "postgresql"
