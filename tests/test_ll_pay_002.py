"""LL-PAY-002: the pay_load envelope -- structure without a key, opened with the sandbox's key."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from pay_support import check_of, crafted, demo_flow, journal_config, payout_params, run_pay, sandbox_running
from sandbox_support import TIMEOUT, write_config


def test_demo_merchant_envelopes_pass(tmp_path: Path) -> None:
    check = check_of(run_pay(journal_config(tmp_path, demo_flow()[0]), "LL-PAY-002"), "LL-PAY-002")
    assert check["status"] == "pass", check
    assert "opened" in check["checked"]["en"]


def test_clear_fields_and_a_foreign_key_fail(tmp_path: Path) -> None:
    from Crypto.PublicKey import RSA

    from golive.sandbox.cards import card_for_user

    with sandbox_running(tmp_path) as sandbox:
        crafted(sandbox, payout_params("ENV001", card_for_user("e")), card_no=card_for_user("e"))  # a card in clear
        crafted(sandbox, payout_params("ENV002", card_for_user("e")), key=RSA.generate(1024).publickey())
        requests.post(sandbox.base_url + "/paymentapi/payment.htm",
                      json={"oid_partner": "201811230001000001", "pay_load": "lianpay1_0_1$abc$def"}, timeout=TIMEOUT)
        state = Path(sandbox.sandbox.settings.state_dir)
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-002"), "LL-PAY-002")
    assert check["status"] == "fail"
    text = json.dumps(check["findings"], ensure_ascii=False)
    assert "in clear: card_no" in text and "4007" in text and "3 '$'-separated parts" in text
    assert card_for_user("e") not in json.dumps(check, ensure_ascii=False)


def test_captured_envelope_structure_without_any_key(tmp_path: Path) -> None:
    import base64

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    parts = ["lianpay1_0_1", b64(b"k" * 128), b64(b"a" * 128), b64(b"12345678"), b64(b"cipher"), b64(b"h" * 32)]
    good = {"request": {"url": "https://instantpay.lianlianpay.com/paymentapi/payment.htm",
                        "body": json.dumps({"oid_partner": "201811230001000001", "pay_load": "$".join(parts)})}}
    captures = tmp_path / "c.jsonl"
    captures.write_text(json.dumps(good) + "\n", encoding="utf-8")
    config = write_config(tmp_path, {"evidence": {"captures": [str(captures)]}})
    check = check_of(run_pay(config, "LL-PAY-002"), "LL-PAY-002")
    assert check["status"] == "pass", check  # 6 parts, 1024-bit blocks, 8-byte nonce, 32-byte HMAC; not opened
    bad = dict(good)
    bad["request"] = {**good["request"], "body": json.dumps({"oid_partner": "201811230001000001",
                                                              "pay_load": "lianpay1_0_2$x$y$z$w$v"})}
    captures.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    check = check_of(run_pay(config, "LL-PAY-002"), "LL-PAY-002")
    assert check["status"] == "fail" and "lianpay1_0_1" in json.dumps(check["findings"])
