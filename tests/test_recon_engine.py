"""Reconciliation over generated books: clean books give nothing, planted differences are found exactly;
the statement reader is strict with file:line, and tolerant of the variants docs/protocol.md §9 records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from recon_support import DAYS, OID, Books, Entry, found, plant

from golive.recon.books import read_books
from golive.recon.engine import reconcile
from golive.recon.statements import file_name, parse_name, read_statement

PLANTABLE = ("missing_in_ledger", "missing_at_lianlian", "amount_mismatch", "status_mismatch", "refund_unpaired",
             "duplicate_in_ledger", "settle_date_mismatch", "summary_mismatch", "payout_returned")


def _run(books: Books, tmp_path: Path) -> dict:
    folder = tmp_path / "statements"
    ledger = books.write(folder)
    statements = [read_statement(p.name, p.read_bytes(), oid_partner=OID) for p in sorted(folder.iterdir())]
    assert all(not s.problems for s in statements), [str(p) for s in statements for p in s.problems]
    return reconcile(statements, read_books(ledger, "ledger.csv")).to_dict()


@pytest.mark.parametrize("settle_column", [True, False])
def test_clean_books_reconcile_without_a_difference(tmp_path: Path, settle_column: bool) -> None:
    books = Books.clean()
    books.with_settle_date = settle_column
    value = _run(books, tmp_path)
    assert value["differences"] == []
    assert value["matched"] == len(books.entries)
    assert value["days"] == list(DAYS) and value["payout_days"] == list(DAYS)


@pytest.mark.parametrize("kind", PLANTABLE)
def test_each_planted_difference_is_found_exactly(tmp_path: Path, kind: str) -> None:
    books = Books.clean()
    planted = plant(books, kind)
    assert found(_run(books, tmp_path)) == {planted}


def test_all_planted_differences_together_are_found_exactly(tmp_path: Path) -> None:
    books = Books.clean()
    planted = {plant(books, kind) for kind in PLANTABLE}
    value = _run(books, tmp_path)
    assert found(value) == planted
    both = next(d for d in value["differences"] if d["kind"] == "amount_mismatch")
    assert both["lianlian"] and both["ledger"], "a finding shows both rows"
    assert both["lianlian"][0]["file"].startswith("JYMX_") and both["ledger"][0]["file"] == "ledger.csv"


def test_an_order_booked_before_midnight_on_the_last_day_settles_later(tmp_path: Path) -> None:
    books = Books.clean()
    books.with_settle_date = False
    last = dt.datetime.strptime(DAYS[-1], "%Y%m%d").replace(hour=23, minute=58)
    books.ledger_only.append(Entry("payment", "LATE0001", Decimal("9.9"), last, "", "").ledger_row())
    value = _run(books, tmp_path)
    assert value["differences"] == []
    assert [r["no_order"] for r in value["settles_later"]] == ["LATE0001"]
    # An hour earlier it would have settled the same day: missing at LianLian.
    books.ledger_only[-1]["time"] = last.replace(hour=22).strftime("%Y-%m-%d %H:%M:%S")
    assert found(_run(books, tmp_path / "again")) == {("missing_at_lianlian", "LATE0001")}


def test_double_credit_shows_both_ledger_rows(tmp_path: Path) -> None:
    books = Books.clean()
    plant(books, "duplicate_in_ledger")
    difference = _run(books, tmp_path)["differences"][0]
    assert len(difference["ledger"]) == 2 and all(r["file"] == "ledger.csv" for r in difference["ledger"])


# -- the reader ---------------------------------------------------------------------------------------

HEADER = "商户订单号,商户号,商户订单时间,商户业务编号,银通订单号,银通账务日期,订单金额,商户收款标志,交易状态,更新时间,手续费,支付产品,支付方式,订单信息"
NAME = file_name("JYMX", OID, "20261130")


def test_names() -> None:
    assert parse_name(NAME) == ("JYMX", OID, "20261130")
    assert parse_name(f"JYMXSUM_{OID}_202611.txt") == ("JYMXSUM", OID, "202611")
    assert parse_name("JYMX_1_20261130.txt") is None and parse_name("notes.txt") is None


def test_detail_reads_lianlian_amounts_exactly() -> None:
    raw = (HEADER + "\n" + f"A1,{OID},20261130 10:00:00,101001,2026113000001,20261130,521.6,0,0,20261130 10:00:01,.6,WAP支付渠道,新认证支付（全渠道）,充值\n"
           + f"A2,{OID},20261130 11:00:00,101001,2026113000002,20261130,1,0,0,,,WAP支付渠道,x,\n").encode()
    statement = read_statement(NAME, raw, oid_partner=OID)
    assert not statement.problems
    assert [r.amount for r in statement.rows] == [Decimal("521.6"), Decimal("1")]
    assert statement.rows[0].fee == Decimal("0.6")


@pytest.mark.parametrize("line, needle", [
    (f"A1,{OID},20261130 10:00:00,101001,P1,20261130,1.234,0,0,,,p,m,i", "订单金额"),
    (f"A1,{OID},20261130 10:00:00,101001,P1,20261130,1e3,0,0,,,p,m,i", "订单金额"),
    (f"A1,{OID},2026-11-30 10:00,101001,P1,20261130,1,0,0,,,p,m,i", "商户订单时间"),
    (f"A1,{OID},20261130 10:00:00,101001,P1,20261129,1,0,0,,,p,m,i", "not the file's date"),
    ("A1,201408071000001543,20261130 10:00:00,101001,P1,20261130,1,0,0,,,p,m,i", "not the merchant"),
    (f"A1,{OID},20261130 10:00:00,101001,P1,20261130,1,0,3,,,p,m,i", "交易状态"),
    (f"A1,{OID},20261130 10:00:00,101001,P1,20261130,1,2,0,,,p,m,i", "商户收款标志"),
    (f"A1,{OID},20261130 10:00:00,101001,P1,20261130,1,0,0,,,p,m", "expected 14"),
])
def test_detail_is_strict_with_file_and_line(line: str, needle: str) -> None:
    raw = (HEADER + "\n" + f"OK,{OID},20261130 09:00:00,101001,P0,20261130,2,0,0,,,p,m,i\n" + line + "\n").encode()
    statement = read_statement(NAME, raw, oid_partner=OID)
    assert len(statement.rows) == 1
    assert len(statement.problems) == 1 and statement.problems[0].line == 3
    assert needle in statement.problems[0].message and str(statement.problems[0]).startswith(f"{NAME}:3: ")


def test_wrong_header_and_encoding_are_problems() -> None:
    assert read_statement(NAME, b"no_order,amount\n").problems[0].line == 1
    bad = read_statement(NAME, (HEADER + "\n").encode() + "订单".encode("gb18030") + b"\n")
    assert bad.problems and "UTF-8" in bad.problems[0].message and bad.problems[0].line == 2
    noted = read_statement(NAME, b"\xef\xbb\xbf" + (HEADER + "\r\n").encode())
    assert not noted.problems and any("BOM" in n for n in noted.notes) and any("CRLF" in n for n in noted.notes)


def test_summary_tolerates_empty_fields_and_nothing_else() -> None:
    name = file_name("JYMXSUM", OID, "20261130")
    summary = read_statement(name, b"8|8|551.23|0||0|\n").summary
    assert summary is not None and summary.refund_amount is None and summary.success_amount == Decimal("551.23")
    assert "7" in read_statement(name, b"1|1|521.6|0|0|0\n").problems[0].message
    assert "count" in read_statement(name, b"x|1|521.6|0|0|0|0\n").problems[0].message
    assert "negative" in read_statement(name, b"1|1|521.6|1|5|0|0\n").problems[0].message
    assert read_statement(name, b"1|1|521.6|0|0|0|0\n1|1|1|0|0|0|0\n").problems[0].line == 2


def test_ledger_without_needed_columns_is_bad_input(tmp_path: Path) -> None:
    from golive.errors import InputError

    path = tmp_path / "ledger.csv"
    path.write_text("user_id,no_order,amount\nu1,A1,1\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_books(path, "ledger.csv")
    assert "kind" in str(error.value) and "ledger.csv:1" in str(error.value)


def test_a_settle_date_that_is_no_calendar_day_is_an_unreadable_row_not_a_crash(tmp_path: Path) -> None:
    # Found by the SQL engine's differential test: 20261399 passed the 8-digit test, and a double
    # booking of its order then raised ValueError computing the next day.
    from golive.recon.books import read_books

    ledger = tmp_path / "ledger.csv"
    ledger.write_text("kind,no_order,amount,time,status,settle_date\n"
                      "payment,N1,10.00,2026-11-25 10:00:00,success,20261399\n"
                      "payment,N1,10.00,2026-11-25 10:00:01,success,20261125\n", encoding="utf-8")
    books = read_books(ledger, "ledger.csv")
    assert [line for line, _ in books.problems] == [2]
    assert "is not a yyyyMMdd date" in books.problems[0][1]
    assert [row.line for row in books.rows] == [3]
