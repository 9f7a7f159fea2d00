"""LL-NTF-011: in a sandbox run, forged and tampered notifications are refused, the genuine one accepted."""

from __future__ import annotations

from sandbox_notify_support import delivery, judge, order, value

from golive.model import Outcome

NACK = '{"ret_code":"9999","ret_msg":"验签失败"}'


def forged_order(forged_body: str = NACK, genuine_body: str = '{"ret_code":"0000","ret_msg":"交易成功"}',
                 credits: int | None = 1) -> dict[str, object]:
    return order("G1", [delivery(1, role="forged", forged="bad_signature", body=forged_body),
                        delivery(2, role="forged", forged="tampered_amount", body=forged_body),
                        delivery(3, body=genuine_body)], credits=credits, scenario="forged")


def test_refused_forgeries_with_an_accepted_control_pass() -> None:
    judgement = judge("LL-NTF-011", value(forged_order()))
    assert judgement.outcome is Outcome.CLEAN, judgement
    assert "credited once" in judgement.checked.en


def test_a_forgery_answered_0000_fails() -> None:
    judgement = judge("LL-NTF-011", value(forged_order(forged_body='{"ret_code":"0000"}')))
    assert judgement.outcome is Outcome.VIOLATIONS
    assert {f.data["forged"] for f in judgement.findings} == {"bad_signature", "tampered_amount"}


def test_refusals_prove_nothing_when_the_genuine_one_is_refused_too() -> None:
    judgement = judge("LL-NTF-011", value(forged_order(genuine_body=NACK), sign_type="RSA"))
    assert judgement.outcome is Outcome.CANNOT_JUDGE
    assert "proves nothing" in judgement.reason.en and "ab" * 32 in judgement.reason.en


def test_the_control_must_have_been_credited_where_the_books_are_read() -> None:
    assert judge("LL-NTF-011", value(forged_order(credits=0))).outcome is Outcome.CANNOT_JUDGE
    doubled = judge("LL-NTF-011", value(forged_order(credits=2)))
    assert doubled.outcome is Outcome.VIOLATIONS and "credited 2 times" in doubled.findings[0].message.en


def test_without_the_books_the_acknowledged_control_is_enough() -> None:
    judgement = judge("LL-NTF-011", value(forged_order(credits=None), books=False))
    assert judgement.outcome is Outcome.CLEAN and "credited once" not in judgement.checked.en


def test_no_forged_order_does_not_apply() -> None:
    judgement = judge("LL-NTF-011", value(order("S1", [delivery(1)])))
    assert judgement.outcome is Outcome.NOT_APPLICABLE and "0.08" in judgement.reason.en
