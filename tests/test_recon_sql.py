"""The SQL reconciliation (golive/recon/sql.py, DuckDB) against the Python engine, the reference:
on generated statement files and ledgers -- duplicates on both sides, amount, status and settle_date
mismatches, refunds with and without their payment, payouts (returned ones too), rows near midnight
on the last covered day, payouts either side of 14:00, unreadable rows -- both must report exactly
the same differences (kinds, rows, order, messages), matches, rows settling later and notes.

Order numbers come from a small pool, so the generated rows collide the way real mistakes do; the
pool holds the characters a CSV hand-off could lose (comma, quote, newline, NUL, CJK)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golive.recon import engine as reference
from golive.recon.books import CST, BookRow, Books
from golive.recon.engine import reconcile
from golive.recon.statements import Problem, StatementFile, StatementRow, Summary

OID = "201811230001000001"
DAYS = ("20261128", "20261129", "20261130")
SETTLE_DAYS = ("20261127",) + DAYS + ("20261201",)  # one day either side of the files
ORDERS = ("A1", "A2", "A3", "A4", "A5", "a,6", 'q"7', "n\n8", "订单9", "z\x0010")
AMOUNTS = tuple(Decimal(v) for v in ("0", "0.01", "1", "1.00", "9.9", "100", "100.5", "521.6", "12345678.9"))
KINDS = ("payment", "refund", "withdrawal", "earning")
TIMES = (dt.time(0, 0), dt.time(9, 30), dt.time(13, 59, 59), dt.time(14, 0), dt.time(14, 30), dt.time(15, 30),
         dt.time(23, 29, 59), dt.time(23, 30), dt.time(23, 58), dt.time(23, 59, 59, 500000))


@st.composite
def statement_rows(draw: Any, kind: str) -> dict[str, Any]:
    refund = kind == "JYMX" and draw(st.booleans())
    amount = draw(st.sampled_from(AMOUNTS))
    status = "5" if refund else draw(st.sampled_from(("0", "0", "5")))
    return {"no_order": draw(st.sampled_from(ORDERS)),
            "oid_paybill": draw(st.sampled_from(ORDERS[:5] + ("P1",))),  # a refund's original, or LianLian's number
            "amount": -amount if refund or draw(st.integers(0, 9)) == 0 else amount,  # now and then a negative payment
            "status": status, "day": draw(st.sampled_from(DAYS))}


@st.composite
def statement_files(draw: Any) -> list[StatementFile]:
    files: list[StatementFile] = []
    for day in draw(st.lists(st.sampled_from(DAYS), unique=True, max_size=3)):
        files.append(StatementFile(f"JYMX_{OID}_{day}.txt", "JYMX", OID, day))
    payout_days = draw(st.sampled_from(((), DAYS[:1], DAYS[1:], ("202611",))))  # "202611": a monthly file
    for day in payout_days:
        files.append(StatementFile(f"FKMX_{OID}_{day}.txt", "FKMX", OID, day))
    for statement in files:
        for line, row in enumerate(draw(st.lists(statement_rows(statement.kind), max_size=8)), start=2):
            settle = statement.date if statement.daily else row["day"]
            statement.rows.append(StatementRow(
                statement.path, line, statement.kind, row["no_order"], OID, f"{settle} 10:00:00", "101001",
                row["oid_paybill"], settle, row["amount"], "1" if statement.kind == "FKMX" else "0", row["status"]))
        if draw(st.integers(0, 5)) == 0:  # an unreadable line: its row is not there
            statement.add(len(statement.rows) + 2, "expected 14 comma-separated fields, found 3")
    for statement in [f for f in files if f.kind == "JYMX" and draw(st.booleans())]:
        count = len(statement.rows) + draw(st.sampled_from((0, 0, 1)))
        files.append(StatementFile(f"JYMXSUM_{OID}_{statement.date}.txt", "JYMXSUM", OID, statement.date,
                                   summary=Summary("", 1, count, None, None, None, None, 0, None)))
    return draw(st.permutations(files))


def _book_kind(row: StatementRow) -> str:
    return "withdrawal" if row.kind == "FKMX" else "refund" if row.is_refund else "payment"


@st.composite
def ledgers(draw: Any, statements: list[StatementFile]) -> Books:
    """The books: mostly mirrors of statement rows (booked on the settle day or just before its
    midnight, now and then with another amount, status or settle_date), and some rows of their own."""
    rows: list[BookRow] = []

    def add(kind: str, no_order: str, amount: Decimal, moment: dt.datetime, settle: str | None) -> None:
        status = draw(st.sampled_from(("success", "success", "success", "failed", "pending", "refunded")))
        rows.append(BookRow("ledger.csv", len(rows) + 2, kind, no_order, amount, moment, status, settle,
                            draw(st.sampled_from((None, "P1")))))

    for row in [r for s in statements for r in s.rows]:
        for _ in range(draw(st.sampled_from((0, 1, 1, 1, 2)))):  # 2: a double credit
            day = dt.datetime.strptime(row.settle_date, "%Y%m%d").date()
            if draw(st.booleans()):  # booked the evening before: LianLian settled it the next day
                day -= dt.timedelta(days=1)
            moment = dt.datetime.combine(day, draw(st.sampled_from(TIMES)), CST)
            settle = draw(st.sampled_from((None, row.settle_date, row.settle_date, day.strftime("%Y%m%d"))))
            amount = abs(row.amount) if draw(st.integers(0, 4)) else draw(st.sampled_from(AMOUNTS))
            add(_book_kind(row) if draw(st.integers(0, 5)) else draw(st.sampled_from(KINDS)), row.no_order,
                amount, moment, settle)
    for _ in range(draw(st.integers(0, 8))):
        day = dt.datetime.strptime(draw(st.sampled_from(SETTLE_DAYS)), "%Y%m%d").date()
        add(draw(st.sampled_from(KINDS)), draw(st.sampled_from(ORDERS)), draw(st.sampled_from(AMOUNTS)),
            dt.datetime.combine(day, draw(st.sampled_from(TIMES)), CST), draw(st.sampled_from((None, None) + SETTLE_DAYS)))
    rows = draw(st.permutations(rows))
    rows = [BookRow(r.file, line, r.kind, r.no_order, r.amount, r.time, r.status, r.settle_date, r.oid_paybill)
            for line, r in enumerate(rows, start=2)]
    problems = [(len(rows) + 2, "amount 'x' is not a decimal")] if draw(st.booleans()) else []
    return Books("ledger.csv", rows, problems, ("kind", "no_order", "amount", "time", "status", "settle_date"))


@st.composite
def cases(draw: Any) -> tuple[list[StatementFile], Books]:
    statements = draw(statement_files())
    return statements, draw(ledgers(statements))


def _same(statements: list[StatementFile], books: Books, cutoff: int) -> reference.Reconciliation:
    python = reconcile(statements, books, cutoff_minutes=cutoff)
    duck = reconcile(statements, books, cutoff_minutes=cutoff, engine="duckdb")
    assert [(d.kind, d.file, d.line) for d in duck.differences] == [(d.kind, d.file, d.line) for d in python.differences]
    assert duck.differences == python.differences  # the rows shown and the messages, too
    assert (duck.matched, duck.dropped, duck.settles_later, duck.notes) == \
        (python.matched, python.dropped, python.settles_later, python.notes)
    assert duck.to_dict() == python.to_dict()
    return python


@settings(max_examples=int(os.environ.get("GOLIVE_RECON_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases(), st.sampled_from((0, 1, 30, 720)))
def test_sql_reports_exactly_what_the_python_engine_does(case: tuple[list[StatementFile], Books], cutoff: int) -> None:
    _same(*case, cutoff)


def _row(path: str, line: int, no_order: str, amount: str, kind: str = "JYMX") -> StatementRow:
    return StatementRow(path, line, kind, no_order, OID, "20261130 10:00:00", "101001", "P", "20261130",
                        Decimal(amount), "1" if kind == "FKMX" else "0", "0")


def test_more_differences_than_are_listed_keep_the_reference_order() -> None:
    """Beyond MAX_DIFFERENCES the reference keeps the first found (in its order), then sorts them."""
    jymx = StatementFile(f"JYMX_{OID}_20261130.txt", "JYMX", OID, "20261130")
    jymx.rows = [_row(jymx.path, line, f"L{line:04d}", "1") for line in range(2, 402)]
    moment = dt.datetime(2026, 11, 30, 12, 0, tzinfo=CST)
    rows = [BookRow("ledger.csv", line, "payment", f"B{line:04d}", Decimal("2"), moment, "success")
            for line in range(2, 302)]
    rows += [BookRow("ledger.csv", 400 + n, "payment", "L0002", Decimal("3"), moment, "success") for n in range(2)]
    result = _same([jymx], Books("ledger.csv", rows, [], ("kind",)), 30)
    found = 399 + 1 + 1 + 300  # missing in the ledger, an amount, a double credit, missing at LianLian
    assert len(result.differences) == reference.MAX_DIFFERENCES and result.dropped == found - reference.MAX_DIFFERENCES


def test_an_amount_finer_than_a_micro_yuan_is_reconciled_in_python_with_a_note() -> None:
    jymx = StatementFile(f"JYMX_{OID}_20261130.txt", "JYMX", OID, "20261130", rows=[_row("J", 2, "A1", "1")])
    books = Books("ledger.csv", [BookRow("ledger.csv", 2, "payment", "A1", Decimal("1.0000001"),
                                         dt.datetime(2026, 11, 30, 12, 0, tzinfo=CST), "success")], [], ("kind",))
    duck = reconcile([jymx], books, engine="duckdb")
    assert [d.kind for d in duck.differences] == ["amount_mismatch"]
    assert any("Python engine" in note for note in duck.notes)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError):
        reconcile([], Books("ledger.csv", [], [], ()), engine="spark")


def test_problem_lines_are_not_rows() -> None:
    """An unreadable statement line (a Problem) is absent from statement_rows on both engines."""
    jymx = StatementFile(f"JYMX_{OID}_20261130.txt", "JYMX", OID, "20261130", problems=[Problem("J", 3, "bad")])
    assert _same([jymx], Books("ledger.csv", [], [(2, "bad")], ()), 30).differences == []


# -- each rule once by hand, both engines: what the generated cases reach only now and then -------------

def _at(day: str, time: str) -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%Y%m%d %H:%M:%S").replace(tzinfo=CST)


def _book(line: int, kind: str, no_order: str, moment: dt.datetime, status: str = "success",
          settle: str | None = None, amount: str = "1") -> BookRow:
    return BookRow("ledger.csv", line, kind, no_order, Decimal(amount), moment, status, settle)


def _kinds(statements: list[StatementFile], rows: list[BookRow]) -> tuple[list[str], int]:
    result = _same(statements, Books("ledger.csv", rows, [], ("kind",)), 30)
    return [d.kind for d in result.differences], len(result.settles_later)


@pytest.mark.parametrize("time, expected", [("14:00:00", ([], 1)), ("13:59:59", (["missing_at_lianlian"], 0))])
def test_a_payout_after_the_last_batch_on_the_last_day_settles_later(time: str, expected: tuple) -> None:
    fkmx = StatementFile(f"FKMX_{OID}_20261130.txt", "FKMX", OID, "20261130")
    assert _kinds([fkmx], [_book(2, "withdrawal", "W1", _at("20261130", time))]) == expected


@pytest.mark.parametrize("settle, expected", [("20261127", ["duplicate_in_ledger"]), ("20261126", [])])
def test_a_double_credit_is_reported_when_it_settles_on_or_the_day_before_a_covered_day(settle: str,
                                                                                      expected: list) -> None:
    jymx = StatementFile(f"JYMX_{OID}_20261128.txt", "JYMX", OID, "20261128")
    moment = _at(settle, "10:00:00")
    assert _kinds([jymx], [_book(2, "payment", "D1", moment, settle=settle),
                           _book(3, "payment", "D1", moment, settle=settle)]) == (expected, 0)


@pytest.mark.parametrize("status, expected", [("refunded", []), ("success", ["status_mismatch"])])
def test_a_refund_the_books_record_on_its_original(status: str, expected: list) -> None:
    jymx = StatementFile(f"JYMX_{OID}_20261130.txt", "JYMX", OID, "20261130")
    jymx.rows = [_row(jymx.path, 2, "O1", "1"),
                 StatementRow(jymx.path, 3, "JYMX", "R1", OID, "20261130 11:00:00", "101001", "O1", "20261130",
                              Decimal("-1"), "0", "5")]
    assert _kinds([jymx], [_book(2, "payment", "O1", _at("20261130", "10:00:00"), status)]) == (expected, 0)


@pytest.mark.parametrize("booked, why", [("20261129", True), ("20261128", False)])
def test_a_payment_paid_before_midnight_says_why_its_settle_date_differs(booked: str, why: bool) -> None:
    """Only when LianLian settled it the very next day is midnight the reason."""
    jymx = StatementFile(f"JYMX_{OID}_20261130.txt", "JYMX", OID, "20261130", rows=[_row("J", 2, "M1", "1")])
    result = _same([jymx], Books("ledger.csv", [_book(2, "payment", "M1", _at(booked, "23:59:00"),
                                                      settle=booked)], [], ("kind",)), 30)
    assert [d.kind for d in result.differences] == ["settle_date_mismatch"]
    assert ("shortly before midnight" in result.differences[0].message.en) is why
