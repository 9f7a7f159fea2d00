"""LL-PAY-001: the payout API is RSA-signed only -- from the sandbox journal, captures and the config."""

from __future__ import annotations

import json
from pathlib import Path

from pay_support import check_of, crafted, demo_flow, envelope, journal_config, payout_params, run_pay, sandbox_running
from sandbox_support import KEYS, OID, sign


def test_demo_merchant_payouts_are_rsa_signed(tmp_path: Path) -> None:
    state, _ = demo_flow()
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-001"), "LL-PAY-001")
    assert check["status"] == "pass", check


def test_md5_signed_payout_fails(tmp_path: Path) -> None:
    from golive.sandbox.cards import card_for_user

    with sandbox_running(tmp_path) as sandbox:
        answer = crafted(sandbox, payout_params("MD5PAY001", card_for_user("x")), sign_type="MD5")
        assert answer["ret_code"] != "0000"
        state = Path(sandbox.sandbox.settings.state_dir)
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-001"), "LL-PAY-001")
    assert check["status"] == "fail"
    assert "MD5PAY001" in check["findings"][0]["message"]["en"] and "RSA" in check["findings"][0]["message"]["en"]
    assert check["findings"][0]["location"]["pointer"].endswith(".sign_type")


def test_config_without_an_uploaded_rsa_key_fails(tmp_path: Path) -> None:
    config = journal_config(tmp_path, demo_flow()[0], signing={"rsa_public_key": None})
    check = check_of(run_pay(config, "LL-PAY-001"), "LL-PAY-001")
    assert check["status"] == "fail" and "signing.rsa_public_key" in check["findings"][0]["message"]["en"]


def test_captured_payout_opened_with_the_stand_in_key(tmp_path: Path) -> None:
    from Crypto.PublicKey import RSA

    from golive.sandbox.cards import card_for_user

    stand_in = RSA.import_key((KEYS / "staging_llpay_private.pem").read_text())
    lines = []
    for no, sign_type in (("CAP001", "RSA"), ("CAP002", "MD5")):
        body = envelope(stand_in.publickey(), sign(payout_params(no, card_for_user("c")), sign_type))
        lines.append({"request": {"method": "POST", "url": "https://instantpay.lianlianpay.com/paymentapi/payment.htm",
                                  "body": json.dumps(body)},
                      "response": {"status": 200, "body": json.dumps({"ret_code": "0000", "no_order": no})}})
    captures = tmp_path / "payouts.jsonl"
    captures.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    from sandbox_support import write_config

    config = write_config(tmp_path, {"evidence": {"captures": [str(captures)]},
                                     "live": {"lianlian_private_key": {"file": str(KEYS / "staging_llpay_private.pem")}}})
    check = check_of(run_pay(config, "LL-PAY-001"), "LL-PAY-001")
    assert check["status"] == "fail" and len(check["findings"]) == 1
    assert check["findings"][0]["location"]["text"].startswith(f"{captures}:2")
    # Without the stand-in key the pay_load cannot be opened: its sign_type is not visible.
    bare = write_config(tmp_path, {"evidence": {"captures": [str(captures)]}}, name="bare.yaml")
    assert check_of(run_pay(bare, "LL-PAY-001"), "LL-PAY-001")["status"] == "not_applicable"
    assert OID


def test_scope_payouts_attested_makes_every_payout_check_not_applicable(tmp_path: Path) -> None:
    from sandbox_support import write_config

    config = write_config(tmp_path, {"scope": {"payouts": {"offered": False, "attested_by": "张三 (CTO)",
                                                           "date": "2026-11-20", "note": "不提现"}}})
    result = run_pay(config, *[f"LL-PAY-00{n}" for n in range(1, 10)], "LL-PAY-010", "LL-PAY-011")
    checks = [c for c in result["checks"] if c["id"].startswith("LL-PAY")]
    assert len(checks) == 11
    assert all(c["status"] == "not_applicable" and c["attestation"]["attested_by"] == "张三 (CTO)" for c in checks)
    unattested = write_config(tmp_path, {"scope": {"payouts": {"offered": False}}}, name="u.yaml")
    assert check_of(run_pay(unattested, "LL-PAY-001"), "LL-PAY-001")["status"] == "manual"
