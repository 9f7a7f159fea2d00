"""LL-PAY-008: payout notifications acknowledged by the contract (golive demo's probes)."""

from __future__ import annotations

from probe_support import check, demo_results


def test_correct_demo_merchant_acks_every_payout_notification() -> None:
    result = check(demo_results(), "LL-PAY-008")
    assert result["status"] == "pass", result
    assert "7" in result["checked"]["en"]  # 2 + 2 + 3 notifications


def test_single_quoted_ack_fails_for_each_notification() -> None:
    result = check(demo_results("wrong_ack_body"), "LL-PAY-008")
    assert result["status"] == "fail" and len(result["findings"]) == 7
    assert {f["data"]["ack"]["result_pay"] for f in result["findings"]} == {"SUCCESS", "FAILURE", "CANCEL"}


def test_unjudged_when_the_probe_users_cannot_be_credited() -> None:
    result = check(demo_results("todo_handler"), "LL-PAY-008")
    assert result["status"] == "error" and "credited" in result["reason"]["en"]
