"""The ledger reader (golive/evidence/ledger.py): lenient header and values, broken rows that name
their line, time order guaranteed per user (file order when it holds, external sort otherwise)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import golive.evidence.ledger as ledger
from golive.errors import InputError
from golive.evidence.ledger import (
    LedgerColumns, LedgerRestart, LedgerRow, RowSpill, card_token, display_card, iter_ledger_rows, iter_ledger_stream,
    order_problem, parse_amount, parse_time,
)

HEADER = "user_id,kind,no_order,amount,card,time,status\n"


def write(tmp_path: Path, text: str | bytes, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def rows(path: Path, **kw: int) -> list[LedgerRow]:
    return list(iter_ledger_rows(path, path.name, **kw))


def good(found: list[LedgerRow]) -> list[LedgerRow]:
    return [r for r in found if not r.broken]


# -- header and values --------------------------------------------------------------------------------

def test_header_variants_case_bom_and_chinese_values(tmp_path: Path):
    path = write(tmp_path, "\ufeffUser, TYPE ,Order-No,Money,No_Agree,Created At,State,extra\n"
                           "U1,支付,N1,\"¥1,234.50\",2026112500011111111,2026-11-25 10:00:05,成功,x\n"
                           "U1,WITHDRAW,N2,3元,2026112500011111111,20261126100000,SUCCESS,y\n")
    first, second = rows(path)
    assert (first.user_id, first.kind, first.amount, first.status, first.when) == \
        ("U1", "payment", Decimal("1234.50"), "success", "20261125100005000000")
    assert first.cards == ("2026112500011111111",) and first.line == 2
    assert (second.kind, second.amount, second.line) == ("withdrawal", Decimal("3"), 3)


def test_quoted_excel_export_with_crlf_commas_and_escaped_quotes(tmp_path: Path):
    path = write(tmp_path, '"user_id","kind","no_order","amount","card","time","status"\r\n'
                           '"U1","payment","N ""1"", first","1,000.00","C1","2026-11-25 10:00:05","success"\r\n'
                           'U1,withdrawal,N2,5.00,C1,20261126100000,success\r\n')
    first, second = rows(path)
    assert (first.no_order, first.amount, first.line) == ('N "1", first', Decimal("1000.00"), 2)
    assert (second.status, second.time, second.line) == ("success", "20261126100000", 3)


def test_status_column_is_optional_and_extra_card_columns_are_all_matched(tmp_path: Path):
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
def test_times(text: str, expected: str | None):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("12.34", Decimal("12.34")), ("-5", Decimal("-5")), ("￥1,000", Decimal("1000")), ("0.0001", Decimal("0.0001")),
    ("NaN", None), ("Infinity", None), ("12,3a", None), ("", None),
])
def test_amounts(text: str, expected: Decimal | None):
    assert parse_amount(text) == expected


def test_card_tokens_and_display():
    assert card_token("1234") == card_token("622202******1234") == card_token("**** 1234") == "#1234"
    assert card_token("2026112500011111111") == "2026112500011111111"  # a no_agree: never cut to its last four
    assert display_card("6222021234567891234") == "622202*********1234"
    assert display_card("1234") == "1234" and display_card("A-1") == "A-1"


def test_refunds_negative_payments_and_negative_withdrawals(tmp_path: Path):
    path = write(tmp_path, HEADER + "U1,payment,N1,-2.00,C1,20261125100000,success\n"
                                    "U1,refund,N2,-1.00,C1,20261125110000,success\n"
                                    "U1,withdrawal,N3,-1.00,C1,20261125120000,success\n")
    refund1, refund2, broken = rows(path)
    assert (refund1.kind, refund1.amount) == ("refund", Decimal("2.00"))
    assert (refund2.kind, refund2.amount) == ("refund", Decimal("1.00"))
    assert broken.broken and "negative withdrawal" in broken.problem.en and broken.line == 4


# -- broken rows ----------------------------------------------------------------------------------------

def test_every_broken_row_names_its_line_and_reading_goes_on(tmp_path: Path):
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
    problems = {r.line: r.problem.en for r in found if r.broken}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "not UTF-8" in problems[3] and "expected 7 fields, got 6" in problems[4]
    assert "malformed CSV" in problems[5] and "unknown kind 'bonus-ish'" in problems[6]
    assert "amount 'abc'" in problems[7] and "time '31/12/2026'" in problems[8]
    assert "unknown status 'maybe'" in problems[9] and "user_id is empty" in problems[10]
    assert [(r.line, r.status) for r in good(found)] == [(2, "success"), (12, "failed")]


def test_an_over_long_line_is_a_broken_row_not_a_memory_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ledger, "MAX_LINE_BYTES", 64)
    path = write(tmp_path, HEADER + "U1,payment,N1,1.00,C1,20261125100000,success\n"
                 + "U2,payment," + "x" * 500 + ",1.00,C2,20261125100000,success\n"
                 + "U3,payment,N3,1.00,C3,20261125100000,success\n")
    found = rows(path)
    assert [(r.line, r.broken) for r in found] == [(2, False), (3, True), (4, False)]
    assert "longer than 1 MiB" in found[1].problem.en


@pytest.mark.parametrize("text, message", [
    ("", "ledger is empty"),
    ("\n\n", "ledger is empty"),
    ("user,type,amount\nU1,payment,1\n", "lacks column(s) card, time"),
    (b"us\xffer,kind,amount,card,time\n", "not UTF-8"),
])
def test_a_file_that_cannot_be_a_ledger_is_an_input_error(tmp_path: Path, text: str | bytes, message: str):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        rows(path)
    assert message in str(caught.value) and "ledger.csv" in str(caught.value)


# -- order ------------------------------------------------------------------------------------------

def test_rows_in_time_order_per_user_come_in_file_order(tmp_path: Path):
    # Globally out of order, but each user's own rows are in time order: no re-sort needed.
    path = write(tmp_path, HEADER + "U2,payment,N1,1,C2,20261126100000,success\n"
                                    "U1,payment,N2,1,C1,20261125100000,success\n"
                                    "U2,withdrawal,N3,1,C2,2026-11-27 10:00:00,success\n"
                                    "U1,withdrawal,N4,1,C1,2026-11-25T10:00:00+08:00,success\n")
    found = rows(path)
    assert [r.line for r in found] == [2, 3, 4, 5] and {r.resorted for r in found} == {""}


def test_rows_out_of_time_order_are_re_sorted_by_user_and_time(tmp_path: Path):
    path = write(tmp_path, HEADER + "U2,withdrawal,N1,1,C2,20261128100000,success\n"
                                    "U1,payment,N2,1,C1,20261125100000,success\n"
                                    "U2,payment,N3,1,C2,20261125100000,success\n"
                                    "U2,payment,N4,1,C2,2026-11-26T02:00:00Z,failed\n"
                                    "U9,oops,N5,1,C9,20261125100000,success\n"
                                    "U1,withdrawal,N6,1,C1,20261125100000,success\n")
    found = rows(path)
    # Broken and failed rows first (they need no order), then by user, time, line.
    assert [r.line for r in found] == [5, 6, 3, 7, 4, 2]
    assert found[2].resorted == "order@4"
    assert [r.amount for r in found[2:]] == [Decimal(1)] * 4


def test_more_users_than_fit_in_memory_are_grouped_by_user(tmp_path: Path):
    body = "".join(f"U{i % 5},payment,N{i},1,C,2026112510{i:04d},success\n" for i in range(20))
    found = rows(write(tmp_path, HEADER + body), max_users=3)
    assert [r.user_id for r in found] == sorted(r.user_id for r in found)
    assert {r.resorted for r in found} == {"users@3"}


def test_a_quoted_field_spanning_lines_is_handled_by_re_sorting(tmp_path: Path):
    path = write(tmp_path, HEADER + 'U1,payment,"N1\nsecond line",1,C1,20261125100000,success\n'
                                    "U1,withdrawal,N2,1,C1,20261126100000,success\n")
    found = rows(path)
    assert [(r.line, r.no_order) for r in found] == [(2, "N1\nsecond line"), (4, "N2")]
    assert found[0].resorted == "multiline@2"


def test_order_pass_compares_mixed_time_formats_by_their_meaning(tmp_path: Path):
    columns = LedgerColumns(user_id=0, kind=1, amount=3, time=5, cards=(4,), no_order=2, status=6, width=7)
    ordered = write(tmp_path, HEADER + "U1,payment,N1,1,C,20261125100000,success\n"
                                       "U1,payment,N2,1,C,2026-11-25T02:00:01Z,success\n"
                                       "U1,payment,N3,1,C,2026-11-25 10:00:02,success\n", "a.csv")
    assert order_problem(ordered, columns, 1, 10) == ""
    disordered = write(tmp_path, HEADER + "U1,payment,N1,1,C,2026-11-25 10:00:02,success\n"
                                          "U1,payment,N2,1,C,2026-11-25T02:00:01Z,success\n", "b.csv")
    assert order_problem(disordered, columns, 1, 10) == "order@3"


def spilled(rows_added: list[LedgerRow], spill: RowSpill, resorted: str = "order@9") -> list[LedgerRow]:
    for row in rows_added:
        spill.add(row)
    return list(spill.sorted_rows(resorted))


def assert_grouped_in_time_order(out: list[LedgerRow], added: list[LedgerRow]) -> None:
    """Every row once; each user's rows contiguous and in (time, line) order. Users in any order."""
    assert sorted(tuple(r[:11]) for r in out) == sorted(tuple(r[:11]) for r in added)
    users = [r.user_id for r in out]
    runs = [u for i, u in enumerate(users) if i == 0 or users[i - 1] != u]
    assert len(runs) == len(set(runs)), "a user's rows are split"
    for user in set(users):
        mine = [(r.when, r.line) for r in out if r.user_id == user]
        assert mine == sorted(mine)


def random_rows(count: int, users: int, times: int, seed: int = 5) -> list[LedgerRow]:
    import random

    generator = random.Random(seed)
    return [LedgerRow("f", line, f"U{generator.randrange(users)}", "payment", f"N{line}", Decimal(line), "C",
                      ("C",), "t", f"{generator.randrange(times):020d}", "success") for line in range(2, 2 + count)]


def test_spill_in_memory_below_a_batch_touches_no_disk():
    spill = RowSpill(batch_rows=1000)
    added = random_rows(200, users=9, times=50)
    out = spilled(added, spill)
    assert_grouped_in_time_order(out, added)
    assert spill._dir is None and {r.resorted for r in out} == {"order@9"} and out[0].amount == Decimal(out[0].line)


def test_spill_buckets_many_users_across_files_and_deletes_them():
    # size_hint makes 16 buckets; small batches put every user's rows in several flushes.
    spill = RowSpill("f", size_hint=16 * 1000 // 6, batch_rows=37, bucket_bytes=1000)
    assert len(spill.buckets) == 16
    added = random_rows(2000, users=300, times=40)  # 300 users, each spread over the whole input
    out = spilled(added, spill)
    assert_grouped_in_time_order(out, added)
    assert sum(1 for r in out if r.user_id == "U7") == sum(1 for r in added if r.user_id == "U7") > 2
    directory = spill._dir
    spill.close()
    assert directory is not None and not directory.exists()


def test_spill_equal_times_keep_file_order():
    spill = RowSpill("f", size_hint=10_000, batch_rows=3, bucket_bytes=1000)
    added = [LedgerRow("f", line, "U1" if line % 2 else "U2", "payment", f"N{line}", Decimal(1), "C", ("C",), "t",
                       "20261125100000000000", "success") for line in range(2, 40)]
    out = spilled(list(reversed(added[20:])) + added[:20], spill)  # added out of file order
    for user in ("U1", "U2"):
        lines = [r.line for r in out if r.user_id == user]
        assert lines == sorted(lines) and len(lines) == 19


def test_spill_bucket_over_the_memory_limit_is_sorted_externally_in_passes(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ledger, "MAX_OPEN_RUNS", 3)
    # One bucket (no size hint) of ~1000 rows of ~60 bytes, limit 500 bytes: ~100 runs, merged in passes.
    spill = RowSpill("f", batch_rows=50, bucket_bytes=500, slice_rows=4)
    added = random_rows(1000, users=3, times=30)  # three big users
    sorted_externally: list[object] = []
    original = RowSpill._merged

    def merged(self: RowSpill, *args: object):
        sorted_externally.append(args)
        return original(self, *args)

    monkeypatch.setattr(RowSpill, "_merged", merged)
    out = spilled(added, spill)
    assert sorted_externally and len(spill.buckets) == 1
    assert [(r.user_id, r.when, r.line) for r in out] == sorted((r.user_id, r.when, r.line) for r in added)
    assert list(spill._dir.iterdir()) == []  # runs and merge passes deleted as they are used up


def test_spill_keeps_odd_fields_exactly():
    # Card tokens other than (card,), several cards, no card, and NUL inside fields.
    added = [
        LedgerRow("f", 2, "U1", "payment", "N1", Decimal("-0.10"), "1234", ("#1234",), "t", "1" * 20, "pending"),
        LedgerRow("f", 3, "U1", "payment", "N2", Decimal("1E+3"), "A-1", ("A-1", "#9999"), "t", "2" * 20, "success"),
        LedgerRow("f", 4, "U1", "earning", "", Decimal("0.01"), "", (), "20261125100000", "3" * 20, "success"),
        LedgerRow("f", 5, "U1", "withdrawal", "N\x00x", Decimal(2), "C\x00", ("C\x00",), "t", "4" * 20, "success"),
        LedgerRow("f", 6, "U1", "withdrawal", "N,\"\n", Decimal(2), "C\x01", ("C\x01",), "t", "5" * 20, "success"),
    ]
    for spill in (RowSpill(), RowSpill(batch_rows=2)):
        out = spilled(added, spill, "")
        assert out == added and [type(r.amount) for r in out] == [Decimal] * 5
        spill.close()


# -- the optimistic stream (iter_ledger_stream, what the engine reads) --------------------------------

def stream(path: Path, **kw: int) -> list[LedgerRow]:
    return list(iter_ledger_stream(path, path.name, **kw))


def test_stream_of_a_file_in_order_is_the_file_in_order_without_a_restart(tmp_path: Path):
    path = write(tmp_path, HEADER + "U2,payment,N1,1,C2,20261126100000,success\n"
                                    "U1,payment,N2,1,C1,20261125100000,success\n"
                                    'U1,payment,"N\n3",1,C1,20261125100000,success\n'  # multi-line: no re-sort needed
                                    "U2,withdrawal,N4,1,C2,2026-11-27 10:00:00,success\n")
    found = stream(path)
    assert [r.line for r in found] == [2, 3, 4, 6] and {r.resorted for r in found} == {""}
    assert not any(type(r) is LedgerRestart for r in found)


def test_stream_found_out_of_order_late_restarts_and_replays_every_good_row_in_time_order(tmp_path: Path):
    body = ("U1,payment,N1,5,C1,20261125100000,success\n"      # 2
            "U1,withdrawal,N2,1,C1,20261125120000,success\n"   # 3
            "U2,payment,N3,1,C2,20261125120000,failed\n"       # 4: failed, yielded once
            "U3,oops,N4,1,C3,20261125100000,success\n"         # 5: broken, yielded once
            + "".join(f"U9,payment,P{i},1,C9,2026112510{i:04d},success\n" for i in range(20))  # 6..25
            + "U1,payment,N5,2,C1,20261125120000,success\n"    # 26: same time as line 3: stays after it
            "U1,payment,N6,2,C1,20261125110000,pending\n"      # 27: goes back in time -> restart
            "U2,payment,N7,1,C2,20261125100000,failed\n"       # 28: failed after the restart
            "U3,oops,N8,1,C3,20261125100000,success\n")        # 29: broken after the restart
    found = stream(write(tmp_path, HEADER + body))
    marker = next(i for i, r in enumerate(found) if type(r) is LedgerRestart)
    assert [r.line for r in found[:marker]] == [2, 3, 4, 5, *range(6, 27)]
    restart = found[marker]
    assert (restart.line, restart.resorted, restart.broken, restart.replayed) == (27, "order@27", True, 23)
    after = found[marker + 1:]
    assert [(r.line, r.broken) for r in after[:2]] == [(28, False), (29, True)]
    assert [r.line for r in after[2:]] == [2, 27, 3, 26, *range(6, 26)]  # by user, time, then file line
    assert {r.resorted for r in after[2:]} == {"order@27"}
    # Every row of the file once, apart from the good rows before the restart, which come twice.
    assert sorted(r.line for r in found if type(r) is not LedgerRestart) == sorted([*range(2, 30), 2, 3, *range(6, 27)])


def test_stream_replay_through_many_bucket_files_matches_the_in_memory_replay(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    import random

    generator = random.Random(3)
    body = [f"U{generator.randrange(60)},payment,N{i},1.{i % 100:02d},C,2026112510{generator.randrange(30):04d},"
            f"{'failed' if i % 17 == 0 else 'success'}\n" for i in range(600)]
    path = write(tmp_path, HEADER + "".join(body))
    in_memory = stream(path)
    monkeypatch.setattr(ledger, "SPILL_BATCH_ROWS", 13)
    monkeypatch.setattr(ledger, "SPILL_BUCKET_BYTES", 2000)  # 600 rows of ~70 bytes: about 30 buckets
    on_disk = stream(path)

    def per_user(found: list[LedgerRow]) -> dict[str, list[tuple[object, ...]]]:
        grouped: dict[str, list[tuple[object, ...]]] = {}
        for row in found:
            grouped.setdefault(row.user_id, []).append(tuple(row))
        return grouped

    def replayed(found: list[LedgerRow]) -> list[LedgerRow]:
        marker = next(i for i, r in enumerate(found) if type(r) is LedgerRestart)
        return [r for r in found[marker + 1:] if r.status != "failed"]

    assert per_user(replayed(on_disk)) == per_user(replayed(in_memory))
    users = [r.user_id for r in replayed(on_disk)]
    assert len([u for i, u in enumerate(users) if i == 0 or users[i - 1] != u]) == len(set(users)) == 60
    for rows_of_user in per_user(replayed(on_disk)).values():  # equal times in file order
        assert [(r[9], r[1]) for r in rows_of_user] == sorted((r[9], r[1]) for r in rows_of_user)


def test_stream_with_more_users_than_fit_restarts_grouped_by_user(tmp_path: Path):
    body = "".join(f"U{i % 5},payment,N{i},1,C,2026112510{i:04d},success\n" for i in range(20))
    found = stream(write(tmp_path, HEADER + body), max_users=3)
    marker = next(i for i, r in enumerate(found) if type(r) is LedgerRestart)
    assert found[marker].resorted == "users@3" and found[marker].line == 5 and found[marker].replayed == 3
    after = found[marker + 1:]
    assert len(after) == 20 and [r.user_id for r in after] == sorted(r.user_id for r in after)
