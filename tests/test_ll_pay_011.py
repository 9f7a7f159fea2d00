"""LL-PAY-011: copies of a payout notification change nothing."""

from __future__ import annotations

from probe_support import check, demo_results


def test_correct_demo_merchant_ignores_copies() -> None:
    assert check(demo_results(), "LL-PAY-011")["status"] == "pass"


def test_refunding_every_copy_fails() -> None:
    result = check(demo_results("payout_refund_twice"), "LL-PAY-011")
    assert result["status"] == "fail"
    assert {f["location"]["pointer"] for f in result["findings"]} == {"failure", "cancel"}


def test_unjudged_when_the_first_failure_gave_nothing_back() -> None:
    # A merchant that ignores payout notifications leaves every balance unchanged: the copies'
    # "nothing changed" proves nothing without the control (the first FAILURE restored the money).
    result = check(demo_results("failure_not_refunded"), "LL-PAY-011")
    assert result["status"] == "error" and "prove nothing" in result["reason"]["en"]
