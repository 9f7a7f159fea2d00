"""LL-LIM-004: captured integration payments stay within 10 CNY per user per transaction and day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_of, status_of


def _capture(path: Path, payments: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for user, amount, dt_order in payments:
            params = {"oid_partner": "201811230001000001", "user_id": user, "money_order": amount,
                      "dt_order": dt_order, "no_order": f"N{user}{dt_order}{amount}", "sign_type": "MD5", "sign": "x"}
            out.write(json.dumps({"kind": "pay_request", "channel": "web", "params": params}) + "\n")
    return path


def test_small_amounts_pass(config_factory, run_checks, tmp_path):
    capture = _capture(tmp_path / "c.jsonl", [("u1", "0.01", "20261129100000"), ("u1", "9.98", "20261129110000")])
    result = run_checks(config_factory(), "LL-LIM-004", captures=[str(capture)])
    assert status_of(result, "LL-LIM-004") == "pass"


def test_single_payment_above_limit_fails(config_factory, run_checks, tmp_path):
    capture = _capture(tmp_path / "c.jsonl", [("u1", "20.00", "20261129100000")])
    check = check_of(run_checks(config_factory(), "LL-LIM-004", captures=[str(capture)]), "LL-LIM-004")
    assert check["status"] == "fail"
    assert check["findings"][0]["location"]["text"].endswith("c.jsonl:1#money_order")


def test_daily_total_across_payments_fails(config_factory, run_checks, tmp_path):
    capture = _capture(tmp_path / "c.jsonl", [("u1", "6.00", "20261129100000"), ("u2", "6.00", "20261129100000"),
                                              ("u1", "6.00", "20261129180000")])
    check = check_of(run_checks(config_factory(), "LL-LIM-004", captures=[str(capture)]), "LL-LIM-004")
    assert check["status"] == "fail"
    assert check["findings"][0]["data"]["total"] == "12.00"
    assert check["findings"][0]["location"]["line"] == 3


def test_production_is_not_applicable(config_factory, run_checks, tmp_path):
    capture = _capture(tmp_path / "c.jsonl", [("u1", "500.00", "20261129100000")])
    config = config_factory({"merchant": {"environment": "production"}})
    assert status_of(run_checks(config, "LL-LIM-004", captures=[str(capture)]), "LL-LIM-004") == "not_applicable"


def test_no_pay_requests_is_error_not_pass(config_factory, run_checks, tmp_path):
    capture = tmp_path / "c.jsonl"
    capture.write_text('{"kind": "notify", "request": {"body": "{}"}}\n', encoding="utf-8")
    assert status_of(run_checks(config_factory(), "LL-LIM-004", captures=[str(capture)]), "LL-LIM-004") == "error"


def test_a_negative_amount_is_a_finding_and_never_lowers_a_total(config_factory, run_checks, tmp_path):
    # -15 would have brought u1's day back to 5 CNY: the 20 CNY of real payments passed.
    capture = _capture(tmp_path / "c.jsonl", [("u1", "9.00", "20261129100000"), ("u1", "-15.00", "20261129110000"),
                                              ("u1", "9.00", "20261129120000")])
    check = check_of(run_checks(config_factory(), "LL-LIM-004", captures=[str(capture)]), "LL-LIM-004")
    assert check["status"] == "fail"
    messages = [(f["location"]["line"], f["message"]["en"]) for f in check["findings"]]
    assert messages[0] == (2, "money_order -15.00 is not a positive amount (LianLian wants yuan above 0)")
    assert messages[1][0] == 3 and "18.00" in messages[1][1]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "0", "-0.01"])
def test_amounts_that_are_not_positive_numbers_fail(config_factory, run_checks, tmp_path, amount):
    capture = _capture(tmp_path / "c.jsonl", [("u1", amount, "20261129100000")])
    check = check_of(run_checks(config_factory(), "LL-LIM-004", captures=[str(capture)]), "LL-LIM-004")
    assert check["status"] == "fail" and "not a positive amount" in check["findings"][0]["message"]["en"]
