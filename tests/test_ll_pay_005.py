"""LL-PAY-005: an ambiguous answer (the sandbox accepts, answers 9999) is followed by a query, never
by paying again -- the demo merchant queries; with payout_retry_on_ambiguous it pays twice."""

from __future__ import annotations

from pathlib import Path

from pay_support import check_of, demo_flow, journal_config, run_pay


def test_demo_merchant_queries_after_9999(tmp_path: Path) -> None:
    check = check_of(run_pay(journal_config(tmp_path, demo_flow()[0]), "LL-PAY-005"), "LL-PAY-005")
    assert check["status"] == "pass", check
    assert "1" in check["checked"]["en"]


def test_retry_on_ambiguous_pays_twice(tmp_path: Path) -> None:
    state, _ = demo_flow(frozenset({"payout_retry_on_ambiguous"}))
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-005"), "LL-PAY-005")
    assert check["status"] == "fail" and check["severity"] == "blocker"
    messages = " ".join(f["message"]["en"] for f in check["findings"])
    assert "paid twice" in messages and "never queried" in messages


def test_no_ambiguous_answer_is_not_applicable(tmp_path: Path) -> None:
    state, _ = demo_flow(plan=(("pay-x1", "", "pay-x1"),))
    assert check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-005"), "LL-PAY-005")["status"] == "not_applicable"
