"""LL-SIG-009: LianLian's captured callbacks verify with the configured key."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TEST_MD5_KEY, check_of, status_of

from golive.lianlian import platform
from golive.lianlian.sign import sign_params

ID = "LL-SIG-009"
REAL = Path(__file__).resolve().parent / "data" / "lianlian_real" / "t6_authpay_notify_md5.json"


def _notify(params: dict[str, str]) -> str:
    return json.dumps({"kind": "notify", "request": {"method": "POST", "body": json.dumps(params, ensure_ascii=False)},
                       "response": {"status": 200, "body": '{"ret_code":"0000","ret_msg":"交易成功"}'}},
                      ensure_ascii=False)


def _run(tmp_path: Path, config, run_checks, *lines: str) -> dict:
    captures = tmp_path / "captures.jsonl"
    captures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_checks(config, ID, captures=[str(captures)])


def _signed(key: str = TEST_MD5_KEY, **overrides: str) -> dict[str, str]:
    params = {"oid_partner": "201811230001000001", "no_order": "A1", "dt_order": "20261125100000",
              "money_order": "0.01", "result_pay": "SUCCESS", "oid_paybill": "2026112500000001", **overrides}
    return sign_params(params, "MD5", md5_key=key)


def test_callbacks_signed_with_the_configured_key_pass(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory(), run_checks, _notify(_signed()), _notify(_signed(no_order="A2")))
    assert status_of(result, ID) == "pass"


def test_a_callback_that_does_not_verify_says_the_configured_key_does_not_match(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory(), run_checks, _notify(_signed(key="rotated_key_" + "x" * 20)))
    found = check_of(result, ID)
    assert found["status"] == "fail"
    message = found["findings"][0]["message"]["en"]
    assert "the configured key does not match" in message and "not the handler" in message
    assert TEST_MD5_KEY not in json.dumps(result)


def test_lianlian_real_notification_verifies_only_with_the_demo_key(tmp_path, config_factory, run_checks, monkeypatch):
    real = json.loads(REAL.read_text(encoding="utf-8"))["message"]
    line = _notify(real)
    config = config_factory({"merchant": {"oid_partner": "201408071000001543"}})
    monkeypatch.setenv("GOLIVE_TEST_MD5", platform.TEST_MERCHANT_MD5_KEY_DEMO)
    from golive.engine import RunOptions, run_check

    captures = tmp_path / "real.jsonl"
    captures.write_text(line + "\n", encoding="utf-8")
    good = run_check(RunOptions(config_path=config, select={ID}, captures=[str(captures)]))
    assert status_of(good, ID) == "pass"
    # The go-live guide prints the key with a digit missing: LianLian's real notification refutes it.
    monkeypatch.setenv("GOLIVE_TEST_MD5", platform.TEST_MERCHANT_MD5_KEY_GUIDE)
    bad = run_check(RunOptions(config_path=config, select={ID}, captures=[str(captures)]))
    assert status_of(bad, ID) == "fail"


def test_a_callback_signed_with_another_method_than_the_site_method_fails(tmp_path, config_factory, run_checks):
    config = config_factory({"signing": {"notify_sign_type": "RSA"}})
    result = _run(tmp_path, config, run_checks, _notify(_signed()))
    found = check_of(result, ID)
    assert found["status"] == "fail"
    assert "signing.notify_sign_type is RSA" in found["findings"][0]["message"]["en"]


def test_no_callbacks_in_the_captures_is_not_applicable(tmp_path, config_factory, run_checks):
    pay = json.dumps({"kind": "pay_request", "params": {"oid_partner": "201811230001000001"}})
    assert status_of(_run(tmp_path, config_factory(), run_checks, pay), ID) == "not_applicable"


def test_without_the_key_the_callbacks_cannot_be_judged(tmp_path, config_factory, run_checks):
    config = config_factory({"signing": {"md5_key": None, "sign_type": "RSA"}})
    assert status_of(_run(tmp_path, config, run_checks, _notify(_signed())), ID) == "error"
