"""LL-PAY-009: a FAILURE gives the money back exactly once and shows the reason."""

from __future__ import annotations

from probe_support import check, demo_results


def test_correct_demo_merchant_restores_and_shows_the_reason() -> None:
    result = check(demo_results(), "LL-PAY-009")
    assert result["status"] == "pass", result


def test_failure_not_refunded_fails() -> None:
    result = check(demo_results("failure_not_refunded"), "LL-PAY-009")
    assert result["status"] == "fail" and "moved by 0" in result["findings"][0]["message"]["en"]


def test_dropped_reason_fails_at_high() -> None:
    result = check(demo_results("payout_reason_dropped"), "LL-PAY-009")
    assert result["status"] == "fail" and result["findings"][0]["severity"] == "high"
    assert result["findings"][0]["location"]["file"] == "live.payout_status"
