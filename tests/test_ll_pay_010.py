"""LL-PAY-010: SUCCESS then CANCEL (returned by the bank) reverses the payout."""

from __future__ import annotations

from probe_support import check, demo_results


def test_correct_demo_merchant_reverses_on_cancel() -> None:
    assert check(demo_results(), "LL-PAY-010")["status"] == "pass"


def test_cancel_ignored_fails() -> None:
    result = check(demo_results("payout_cancel_ignored"), "LL-PAY-010")
    assert result["status"] == "fail" and "CANCEL" in result["findings"][0]["message"]["en"]
