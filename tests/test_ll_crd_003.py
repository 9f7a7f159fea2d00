"""LL-CRD-003: the ledger audit, run through the real engine (config on disk, --ledger file), by
each engine that audits a file: DuckDB (the default) and the streaming Python auditor."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import REPO, check_of, status_of

from golive.evidence import ledger_order, ledger_spill

ID = "LL-CRD-003"
HEADER = "user_id,kind,no_order,amount,card,time,status\n"
EXAMPLES = REPO / "examples"


@pytest.fixture(params=["duckdb", "python"])
def audit(request: pytest.FixtureRequest, tmp_path: Path, config_factory: Callable[..., Path],
          run_checks: Callable[..., dict[str, Any]]):
    """audit(csv_text_or_bytes | Path) -> the LL-CRD-003 result entry (``audit.engine`` says which ran)."""
    config = config_factory({"evidence": {"ledger_engine": request.param}})

    def run(ledger_text: str | bytes | Path) -> dict[str, Any]:
        if isinstance(ledger_text, Path):
            path = ledger_text
        else:
            path = tmp_path / "ledger.csv"
            path.write_bytes(ledger_text if isinstance(ledger_text, bytes) else ledger_text.encode("utf-8"))
        check = check_of(run_checks(config, ID, ledger=str(path)), ID)
        if check["evidence"]:
            assert check["evidence"][0]["engine"] == request.param
        return check

    run.engine = request.param  # type: ignore[attr-defined]
    return run


def lines_of(check: dict[str, Any]) -> list[int]:
    return [f["location"]["line"] for f in check["findings"] if f["location"]]


def test_the_example_ledger_is_clean(audit):
    check = audit(EXAMPLES / "captures" / "ledger.csv")
    assert check["status"] == "pass", check["findings"]
    assert check["evidence"][0]["withdrawals"] == 5 and check["evidence"][0]["failed_rows"] == 2


@pytest.mark.parametrize("name, line", [("other_card", 3), ("over_withdrawal", 6), ("refund_then_withdraw", 4),
                                        ("out_of_order", 2)])
def test_each_example_defect_ledger_fails_at_its_row(audit, name: str, line: int):
    check = audit(EXAMPLES / "ledgers" / f"{name}.csv")
    assert check["status"] == "fail" and lines_of(check) == [line]


def test_withdrawal_to_a_never_used_card_fails_with_the_guide_wording(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,AGREE-A,20261125100000,success\n"
                           "U1,withdrawal,W1,5.00,AGREE-B,20261126100000,success\n")
    assert check["status"] == "fail" and check["severity"] == "blocker"
    finding = check["findings"][0]
    assert finding["location"]["text"].endswith("ledger.csv:3#card")
    assert finding["data"]["rules_broken"] == ["same_card"] and finding["data"]["card"] == "AGREE-B"
    assert "控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的总和" in finding["message"]["zh"]
    assert "which the user never paid with" in finding["message"]["en"]
    assert "no_agree" in check["remediation"]["en"] and "paid / earned / withdrawn" in check["remediation"]["en"]


@pytest.mark.parametrize("body, lines", [
    ("U1,payment,N1,10.00,AGREE-A,20261125100000,success\n"    # another user's paying card is still wrong
     "U2,payment,N2,10.00,AGREE-B,20261125100000,success\n"
     "U1,withdrawal,W1,5.00,AGREE-B,20261126100000,success\n", [4]),
    ("U1,payment,N1,10.00,A,20261125100000,success\n"          # earnings after the withdrawal do not count
     "U1,withdrawal,W1,10.50,A,20261127100000,success\n"
     "U1,earning,,0.50,,20261128000000,success\n", [3]),
    ("U2,withdrawal,W2,9.00,B,20261127100000,success\n"        # out of time order: listed in file order
     "U1,withdrawal,W1,9.00,X,20261127100000,success\n"
     "U1,payment,N1,10.00,A,20261125100000,success\n"
     "U2,payment,N2,1.00,B,20261125100000,success\n", [2, 3]),
], ids=["other-users-card", "late-earnings", "out-of-order"])
def test_violations_are_reported_at_their_rows(audit, body: str, lines: list[int]):
    check = audit(HEADER + body)
    assert check["status"] == "fail" and lines_of(check) == lines


def test_over_withdrawal_reached_across_several_rows_is_reported_with_running_figures(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U1,withdrawal,W1,4.00,A,20261126100000,success\n"
                           "U1,withdrawal,W2,4.00,A,20261127100000,success\n"
                           "U1,withdrawal,W3,4.00,A,20261128100000,success\n"
                           "U1,withdrawal,W4,1.00,A,20261129100000,success\n")
    assert check["status"] == "fail" and lines_of(check) == [5, 6]
    data = check["findings"][0]["data"]
    assert (data["paid"], data["earned"], data["withdrawn_before"], data["amount"], data["bound"]) == \
        ("10.00", "0", "8.00", "4.00", "10.00")
    assert data["rules_broken"] == ["amount_bound"]


def test_earnings_legitimately_raise_the_bound(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U1,earning,,0.50,,20261126000000,success\n"
                           "U1,withdrawal,W1,10.50,A,20261127100000,success\n")
    assert check["status"] == "pass", check["findings"]


def test_refunds_lower_the_bound_but_keep_the_card(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U1,refund,R1,4.00,A,20261126100000,success\n"
                           "U1,withdrawal,W1,6.00,A,20261127100000,success\n"
                           "U1,withdrawal,W2,0.01,A,20261127110000,success\n")
    assert check["status"] == "fail" and lines_of(check) == [5]
    assert check["findings"][0]["data"]["refunded"] == "4.00"


def test_rows_out_of_time_order_are_judged_in_time_order(audit):
    # In file order the withdrawal would come before the payment; in time order it is fine.
    check = audit(HEADER + "U1,withdrawal,W1,5.00,A,20261127100000,success\n"
                           "U2,payment,N2,1.00,B,20261125100000,success\n"
                           "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U2,withdrawal,W2,1.00,B,20261126100000,success\n")
    assert check["status"] == "pass", check["findings"]
    if audit.engine == "python":
        assert "re-sorted by user and time" in check["checked"]["en"] and "line 4" in check["checked"]["en"]
    else:
        assert "ordered by user, time and line by duckdb" in check["checked"]["en"]


def test_disorder_found_late_is_judged_in_time_order_only(audit):
    # In file order U1's withdrawal (line 2) would go to a card never paid with; line 14 shows the
    # file is not in time order, so the check only ever sees it re-sorted: no such finding. The
    # real violation is U2's over-withdrawal, found once; every row is counted once.
    check = audit(HEADER + "U1,withdrawal,W1,5.00,A,20261127100000,success\n"
                  + "U3,payment,N0,1.00,C,20261125090000,failed\n"
                  + "U3,bonus-ish,N0,1.00,C,20261125090000,success\n"
                  + "".join(f"U2,payment,P{i},1.00,B,2026112510{i:04d},success\n" for i in range(8))
                  + "U2,withdrawal,W2,9.00,B,20261126100000,success\n"
                  + "U1,payment,N1,10.00,A,20261125100000,success\n"
                  + "U3,payment,N3,1.00,C,20261125090000,failed\n")
    assert check["status"] == "fail" and lines_of(check) == [13, 4]
    assert [f["data"].get("rules_broken") for f in check["findings"]] == [["amount_bound"], None]
    evidence = check["evidence"][0]
    assert (evidence["rows"], evidence["judged"], evidence["withdrawals"], evidence["users"]) == (14, 11, 2, 2)
    assert (evidence["failed_rows"], evidence["broken_rows"]) == (2, 1)
    assert "line 14" in check["checked"]["en"] or audit.engine != "python"


def test_failed_rows_are_ignored_and_pending_withdrawals_count(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U1,payment,N2,90.00,A,20261125110000,failed\n"
                           "U1,withdrawal,W1,50.00,A,20261126100000,失败\n"
                           "U1,withdrawal,W2,8.00,A,20261126110000,processing\n"
                           "U1,withdrawal,W3,3.00,A,20261126120000,success\n")
    assert check["status"] == "fail" and lines_of(check) == [6]
    assert check["evidence"][0]["failed_rows"] == 2 and check["evidence"][0]["pending_rows"] == 1


def test_a_full_card_number_is_masked_in_findings(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,6222021234567890123,20261125100000,success\n"
                           "U1,withdrawal,W1,5.00,6222029876543210987,20261126100000,success\n")
    text = str(check)
    assert "6222029876543210987" not in text and "622202*********0987" in text


def test_a_withdrawal_without_a_card_fails(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U1,withdrawal,W1,5.00,,20261126100000,success\n")
    assert check["status"] == "fail" and "records no card" in check["findings"][0]["message"]["en"]


def test_broken_rows_keep_a_clean_ledger_from_passing(audit):
    check = audit(HEADER.encode() + b"U1,payment,N1,10.00,A,20261125100000,success\n"
                                    b"U1,withdrawal,W1,5.00,\xb9\xa4\xd0\xd0,20261126100000,success\n"
                                    b"U1,withdrawal,W2,5.00,A,20261126100000,success\n")
    assert check["status"] == "error"
    assert "1 ledger rows could not be read (first: " in check["reason"]["en"] and "ledger.csv:3" in check["reason"]["en"]
    assert "not UTF-8" in check["findings"][0]["message"]["en"]


def test_broken_rows_do_not_hide_a_violation(audit):
    check = audit(HEADER + "U1,payment,N1,10.00,A,20261125100000,success\n"
                           "U1,withdrawal,W1,5.00,A,not a time,success\n"
                           "U1,withdrawal,W2,50.00,A,20261126100000,success\n")
    assert check["status"] == "fail"
    assert [f["severity"] for f in check["findings"]] == ["blocker", "medium"]


@pytest.mark.parametrize("body, reason", [
    ("", "no rows to judge"),
    ("U1,payment,N1,10.00,A,20261125100000,failed\n", "no rows to judge"),
    ("U1,payment,N1,10.00,A,20261125100000,success\n", "holds no withdrawal"),
])
def test_nothing_to_judge_is_never_a_pass(audit, body: str, reason: str):
    check = audit(HEADER + body)
    assert check["status"] == "error" and reason in check["reason"]["en"]


def test_many_users_are_judged_grouped_with_the_same_result(audit, monkeypatch: pytest.MonkeyPatch):
    body = "".join(f"U{u},payment,N{u},10.00,A{u},2026112510{u:04d},success\n" for u in range(30))
    body += "".join(f"U{u},withdrawal,W{u},{'11.00' if u == 7 else '10.00'},A{u},2026112610{u:04d},success\n"
                    for u in range(30))
    expected = audit(HEADER + body)
    monkeypatch.setattr(ledger_order, "MAX_USERS_IN_MEMORY", 4)
    grouped = audit(HEADER + body)
    assert expected["status"] == grouped["status"] == "fail"
    assert lines_of(expected) == lines_of(grouped) == [2 + 30 + 7]
    assert "more than 4 users" in grouped["checked"]["en"] or audit.engine != "python"


def test_a_shuffled_ledger_judged_through_many_spill_buckets_gives_the_same_result(audit,
                                                                                    monkeypatch: pytest.MonkeyPatch):
    # Each user pays, then withdraws; the file is in reverse, so the reader replays it re-sorted.
    body = "".join(f"U{u},payment,N{u},10.00,A{u},2026112510{u:04d},success\n" for u in range(40))
    body += "".join(f"U{u},withdrawal,W{u},{'11.00' if u == 7 else '10.00'},{'B' if u == 23 else 'A'}{u},"
                    f"2026112610{u:04d},success\n" for u in range(40))
    text = HEADER + "".join(reversed(body.splitlines(keepends=True)))
    in_memory = audit(text)
    monkeypatch.setattr(ledger_spill, "SPILL_BATCH_ROWS", 7)
    monkeypatch.setattr(ledger_spill, "SPILL_BUCKET_BYTES", 600)  # a 4 kB file: about 40 buckets on disk
    bucketed = audit(text)
    assert in_memory["status"] == bucketed["status"] == "fail"
    assert lines_of(in_memory) == lines_of(bucketed) == [2 + 39 - 23, 2 + 39 - 7]  # the two bad withdrawals
    assert in_memory["evidence"] == bucketed["evidence"]
    assert "re-sorted" in bucketed["checked"]["en"] or audit.engine != "python"


def test_without_a_ledger_it_is_not_applicable(config_factory, run_checks):
    result = run_checks(config_factory(), ID)
    assert status_of(result, ID) == "not_applicable"
    assert "evidence.ledger" in check_of(result, ID)["reason"]["en"]


def test_a_ledger_without_the_needed_columns_is_a_usage_error(tmp_path: Path, config_factory, run_checks):
    from golive.errors import InputError

    path = tmp_path / "bad.csv"
    path.write_text("user,amount\nU1,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run_checks(config_factory(), ID, ledger=str(path))
    assert "bad.csv" in str(caught.value) and "kind, card, time" in str(caught.value)


@pytest.mark.parametrize("defect, status", [(None, "pass"), ("withdraw_any_card", "fail"), ("no_amount_bound", "fail")])
def test_the_demo_merchants_own_books_after_the_probes(tmp_path: Path, audit, defect: str | None, status: str):
    """The demo merchant exports its books in the ledger shape (GET /test/ledger.csv): after the
    same-card probes ran against it, the audit agrees with the probes."""
    import requests
    from crd_support import run_same_card
    from probe_support import demo_merchant

    with demo_merchant(*([defect] if defect else [])) as running:
        probe_dir = tmp_path / "probe"  # not next to the audit's own golive.yaml
        probe_dir.mkdir()
        run_same_card(probe_dir, running.base_url, earn=True)
        books = requests.get(running.base_url + "/test/ledger.csv", timeout=10).content
    check = audit(books)
    assert check["status"] == status, check["findings"]
    if defect == "withdraw_any_card":
        assert [f["data"]["rules_broken"] for f in check["findings"]] == [["same_card"]]
