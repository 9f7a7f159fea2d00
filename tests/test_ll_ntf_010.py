"""LL-NTF-010: in a sandbox run, each paid order is credited exactly once however often it was notified."""

from __future__ import annotations

from sandbox_notify_support import delivery, judge, order, value

from golive.model import Outcome


def duplicates(credits: int | None = 1, **kw: object) -> dict[str, object]:
    return order("D1", [delivery(10, copies=3), delivery(11, copy=1, copies=3), delivery(12, copy=2, copies=3),
                        delivery(13, role="duplicate")], credits=credits, scenario="duplicates", **kw)  # type: ignore[arg-type]


def test_redelivered_and_credited_once_passes() -> None:
    judgement = judge("LL-NTF-010", value(duplicates(), order("S1", [delivery(20)])))
    assert judgement.outcome is Outcome.CLEAN, judgement
    assert "live.credits (command)" in judgement.checked.en


def test_a_double_credit_fails_naming_the_copies() -> None:
    judgement = judge("LL-NTF-010", value(duplicates(credits=3)))
    assert judgement.outcome is Outcome.VIOLATIONS
    message = judgement.findings[0].message.en
    assert "credited 3 times" in message and "3 concurrent copies" in message and "after the 0000" in message


def test_acknowledged_but_never_credited_fails() -> None:
    judgement = judge("LL-NTF-010", value(duplicates(credits=0)))
    assert judgement.outcome is Outcome.VIOLATIONS and "never credited" in judgement.findings[0].message.en


def test_a_failed_payment_credited_fails() -> None:
    failed = order("F1", [], credits=1, paid="FAILURE", scenario="failure")
    judgement = judge("LL-NTF-010", value(duplicates(), failed))
    assert judgement.outcome is Outcome.VIOLATIONS and "failed at the cashier" in judgement.findings[0].message.en


def test_without_the_books_it_does_not_apply_and_says_what_to_add() -> None:
    judgement = judge("LL-NTF-010", value(duplicates(credits=None), books=False))
    assert judgement.outcome is Outcome.NOT_APPLICABLE and "live.credits" in judgement.reason.en


def test_an_unreadable_count_never_passes() -> None:
    judgement = judge("LL-NTF-010", value(duplicates(credits=None, credit_error="exited with status 1")))
    assert judgement.outcome is Outcome.CANNOT_JUDGE and "exited with status 1" in judgement.reason.en


def test_no_order_notified_twice_tests_nothing() -> None:
    judgement = judge("LL-NTF-010", value(order("S1", [delivery(20)])))
    assert judgement.outcome is Outcome.NOT_APPLICABLE and "0.04" in judgement.reason.en


def test_a_never_acknowledged_order_is_left_to_the_ack_check() -> None:
    refused = order("R1", [delivery(30, body='{"ret_code":"9999"}', attempt=n) for n in (1, 2)], credits=1)
    judgement = judge("LL-NTF-010", value(duplicates(), refused))
    assert judgement.outcome is Outcome.CLEAN and "LL-NTF-009" in judgement.checked.en
