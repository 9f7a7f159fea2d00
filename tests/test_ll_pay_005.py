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


def test_a_captured_payout_without_an_answer_then_paid_again_fails(tmp_path: Path) -> None:
    """No answer at all (a timeout) is the most ambiguous answer: a second apply for the same card
    and amount before any query pays twice. Captures opened with the stand-in LianLian key."""
    import json

    from Crypto.PublicKey import RSA

    from golive.sandbox.cards import card_for_user
    from pay_support import envelope, payout_params
    from sandbox_support import KEYS, sign, write_config

    stand_in = RSA.import_key((KEYS / "staging_llpay_private.pem").read_text()).publickey()
    url = "https://instantpay.lianlianpay.com/paymentapi/payment.htm"
    card = card_for_user("timeout-user")
    lines = [
        {"request": {"method": "POST", "url": url, "body": json.dumps(envelope(stand_in, sign(payout_params("TO001", card))))},
         "response": {"error": "timed out after 10 s"}},
        {"request": {"method": "POST", "url": url, "body": json.dumps(envelope(stand_in, sign(payout_params("TO002", card))))},
         "response": {"status": 200, "body": json.dumps({"ret_code": "0000", "no_order": "TO002"})}},
    ]
    captures = tmp_path / "payouts.jsonl"
    captures.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    config = write_config(tmp_path, {"evidence": {"captures": [str(captures)]},
                                     "live": {"lianlian_private_key": {"file": str(KEYS / "staging_llpay_private.pem")}}})
    check = check_of(run_pay(config, "LL-PAY-005"), "LL-PAY-005")
    assert check["status"] == "fail"
    assert any("no answer" in f["message"]["en"] and "paid twice" in f["message"]["en"] for f in check["findings"])
    assert check["findings"][0]["location"]["text"].startswith(f"{captures}:2")
