"""The ledger reader (golive/evidence/ledger_reader.py, ledger_values.py): lenient header and
values, broken rows that name their line. Read through the live strategy (`iter_ledger_stream`,
what the engine reads) and, where it matters, through the plain reader too: both must agree.
Order: tests/test_ledger_order.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from golive.errors import InputError
from golive.evidence import ledger_reader
from golive.evidence.ledger import (
    LedgerRow, card_token, display_card, iter_ledger_stream, parse_amount, parse_time, read_ledger,
)

HEADER = "user_id,kind,no_order,amount,card,time,status\n"


def write(tmp_path: Path, text: str | bytes, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def rows(path: Path, **kw: int) -> list[LedgerRow]:
    """The rows the engine reads; for a file in time order, the plain reader's rows exactly."""
    found = list(iter_ledger_stream(path, path.name, **kw))
    if not any(r.resorted for r in found):
        assert found == list(read_ledger(path, path.name))
    return found


def problem(row: LedgerRow) -> str:
    assert row.broken and row.problem is not None
    return row.problem.en


def good(found: list[LedgerRow]) -> list[LedgerRow]:
    return [r for r in found if not r.broken]


# -- header and values --------------------------------------------------------------------------------

def test_header_variants_case_bom_and_chinese_values(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffUser, TYPE ,Order-No,Money,No_Agree,Created At,State,extra\n"
                           "U1,支付,N1,\"¥1,234.50\",2026112500011111111,2026-11-25 10:00:05,成功,x\n"
                           "U1,WITHDRAW,N2,3元,2026112500011111111,20261126100000,SUCCESS,y\n")
    first, second = rows(path)
    assert (first.user_id, first.kind, first.amount, first.status, first.when) == \
        ("U1", "payment", Decimal("1234.50"), "success", "20261125100005000000")
    assert first.cards == ("2026112500011111111",) and first.line == 2
    assert (second.kind, second.amount, second.line) == ("withdrawal", Decimal("3"), 3)


def test_quoted_excel_export_with_crlf_commas_and_escaped_quotes(tmp_path: Path) -> None:
    path = write(tmp_path, '"user_id","kind","no_order","amount","card","time","status"\r\n'
                           '"U1","payment","N ""1"", first","1,000.00","C1","2026-11-25 10:00:05","success"\r\n'
                           'U1,withdrawal,N2,5.00,C1,20261126100000,success\r\n')
    first, second = rows(path)
    assert (first.no_order, first.amount, first.line) == ('N "1", first', Decimal("1000.00"), 2)
    assert (second.status, second.time, second.line) == ("success", "20261126100000", 3)


def test_status_column_is_optional_and_extra_card_columns_are_all_matched(tmp_path: Path) -> None:
    path = write(tmp_path, "user_id,kind,amount,card_last4,no_agree,time\n"
                           "U1,payment,1.00,1234,A-1,20261125100000\n"
                           "U1,withdrawal,1.00,,A-1,20261126100000\n")
    pay, withdraw = rows(path)
    assert pay.status == "success" and pay.cards == ("#1234", "A-1") and pay.card == "1234"
    assert withdraw.cards == ("A-1",)


@pytest.mark.parametrize("text, expected", [
    ("20261130235959", "20261130235959000000"),
    ("2026-11-30 23:59:59", "20261130235959000000"),
    ("2026-11-30T15:59:59Z", "20261130235959000000"),
    ("2026-11-30T23:59:59.250+08:00", "20261130235959250000"),
    ("2026-11-30T10:59:59-05:00", "20261130235959000000"),
    ("20240229120000", "20240229120000000000"),
    ("20260229120000", None), ("20261131000000", None), ("20261130240000", None), ("2026-11-30 23:60:00", None),
    ("2026/11/30 10:00", None), ("yesterday", None),
])
def test_times(text: str, expected: str | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("12.34", Decimal("12.34")), ("-5", Decimal("-5")), ("￥1,000", Decimal("1000")), ("0.0001", Decimal("0.0001")),
    ("NaN", None), ("Infinity", None), ("12,3a", None), ("", None),
])
def test_amounts(text: str, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected


def test_card_tokens_and_display() -> None:
    assert card_token("1234") == card_token("622202******1234") == card_token("**** 1234") == "#1234"
    assert card_token("2026112500011111111") == "2026112500011111111"  # a no_agree: never cut to its last four
    assert display_card("6222021234567891234") == "622202*********1234"
    assert display_card("1234") == "1234" and display_card("A-1") == "A-1"


def test_refunds_negative_payments_and_negative_withdrawals(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "U1,payment,N1,-2.00,C1,20261125100000,success\n"
                                    "U1,refund,N2,-1.00,C1,20261125110000,success\n"
                                    "U1,withdrawal,N3,-1.00,C1,20261125120000,success\n")
    refund1, refund2, broken = rows(path)
    assert (refund1.kind, refund1.amount) == ("refund", Decimal("2.00"))
    assert (refund2.kind, refund2.amount) == ("refund", Decimal("1.00"))
    assert broken.broken and "negative withdrawal" in problem(broken) and broken.line == 4


# -- broken rows ----------------------------------------------------------------------------------------

def test_every_broken_row_names_its_line_and_reading_goes_on(tmp_path: Path) -> None:
    body = (HEADER.encode() +
            b"U1,payment,N1,1.00,C1,20261125100000,success\n"
            b"U2,payment,N2,1.00,C\xff\xfe,20261125100000,success\n"     # 3: not UTF-8
            b"U3,payment,N3,1.00,C3,20261125100000\n"                    # 4: a field short
            b"U4,payment,N4,\"1\"x,C4,20261125100000,success\n"          # 5: malformed quoting
            b"U5,bonus-ish,N5,1.00,C5,20261125100000,success\n"          # 6: unknown kind
            b"U6,payment,N6,abc,C6,20261125100000,success\n"             # 7: bad amount
            b"U7,payment,N7,1.00,C7,31/12/2026,success\n"                # 8: bad time
            b"U8,payment,N8,1.00,C8,20261125100000,maybe\n"              # 9: unknown status
            b",payment,N9,1.00,C9,20261125100000,success\n"              # 10: no user
            b"\n"                                                        # 11: blank, skipped
            b"U9,payment,N10,1.00,C10,20261125100000,failed\n")          # 12: fine (failed)
    found = rows(write(tmp_path, body))
    problems = {r.line: problem(r) for r in found if r.broken}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "not UTF-8" in problems[3] and "expected 7 fields, got 6" in problems[4]
    assert "malformed CSV" in problems[5] and "unknown kind 'bonus-ish'" in problems[6]
    assert "amount 'abc'" in problems[7] and "time '31/12/2026'" in problems[8]
    assert "unknown status 'maybe'" in problems[9] and "user_id is empty" in problems[10]
    assert [(r.line, r.status) for r in good(found)] == [(2, "success"), (12, "failed")]


def test_an_over_long_line_is_a_broken_row_not_a_memory_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_reader, "MAX_LINE_BYTES", 64)
    path = write(tmp_path, HEADER + "U1,payment,N1,1.00,C1,20261125100000,success\n"
                 + "U2,payment," + "x" * 500 + ",1.00,C2,20261125100000,success\n"
                 + "U3,payment,N3,1.00,C3,20261125100000,success\n")
    found = rows(path)
    assert [(r.line, r.broken) for r in found] == [(2, False), (3, True), (4, False)]
    assert "longer than 1 MiB" in problem(found[1])


@pytest.mark.parametrize("text, message", [
    ("", "ledger is empty"),
    ("\n\n", "ledger is empty"),
    ("user,type,amount\nU1,payment,1\n", "lacks column(s) card, time"),
    (b"us\xffer,kind,amount,card,time\n", "not UTF-8"),
])
def test_a_file_that_cannot_be_a_ledger_is_an_input_error(tmp_path: Path, text: str | bytes, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        rows(path)
    assert message in str(caught.value) and "ledger.csv" in str(caught.value)


def test_a_nul_in_user_id_is_a_broken_row_in_any_order(tmp_path: Path) -> None:
    # The re-sort keeps a row as one NUL-joined string: a NUL in user_id is refused whatever the order.
    body = ("U\x00,payment,N1,1.00,C1,20261125100000,success\n"
            "U1,payment,N2,1.00,C1,20261126100000,success\n")
    for text in (body, body + "U1,payment,N3,1.00,C1,20261124100000,success\n"):
        found = rows(write(tmp_path, HEADER + text))
        assert [(r.line, r.broken) for r in found][0] == (2, True) and "NUL" in problem(found[0])


def test_far_future_zoned_time_is_a_broken_row_not_a_crash(tmp_path: Path) -> None:
    # 9999-12-31T23:59:59-12:00 is year 10000 in CST: no datetime holds it.
    found = rows(write(tmp_path, HEADER + "U1,payment,N1,1.00,C1,9999-12-31T23:59:59-12:00,success\n"
                                          "U1,payment,N2,1.00,C1,20261125100000,success\n"))
    assert [(r.line, r.broken) for r in found] == [(2, True), (3, False)]
    assert "is not ISO 8601" in problem(found[0])


def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read ledger"):
        rows(tmp_path / "missing.csv")
