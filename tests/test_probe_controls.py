"""Positive controls behind the negative probes (LL-NTF-005…008, LL-RET-001), and key trust.

A rejection proves something only when, in the same run, a correct notification for the same order
was then credited exactly once. These tests run merchants that would have earned a vacuous ✔ before:
one that answers 0000 and never credits, one whose staging server trusts another key, and one that
credits the real notification twice.
"""

from __future__ import annotations

import json
from pathlib import Path

from probe_support import EXAMPLES, check, demo_merchant, fake_merchant, probe_config, run_probed, statuses

from golive.lianlian.keys import fingerprint_sha256, load_private_key
from golive.lianlian.sign import md5_verify

NEGATIVE = ("LL-NTF-005", "LL-NTF-006", "LL-NTF-007", "LL-RET-001")
OK = '{"ret_code":"0000","ret_msg":"交易成功"}'
FAIL = '{"ret_code":"9999","ret_msg":"交易失败"}'
MD5_KEY = (EXAMPLES / "keys" / "md5.key").read_text(encoding="utf-8").strip()


def test_a_handler_that_acks_and_never_credits_earns_no_negative_pass(tmp_path: Path):
    # LianLian's demo as shipped: verify, then a TODO, then 0000. Only the negative checks are
    # selected, so the controls must come from the negative scenarios themselves.
    with demo_merchant("todo_handler") as running:
        result = run_probed(probe_config(tmp_path, running.base_url), *NEGATIVE, "LL-NTF-008")
    got = statuses(result)
    for check_id in NEGATIVE:
        assert got[check_id] == "error", (check_id, check(result, check_id))
        assert "(the control) was never credited" in check(result, check_id)["reason"]["en"]
    # LL-NTF-008 passes only when the configured method demonstrably credits: here it never does.
    assert got["LL-NTF-008"] == "fail"
    assert "pass" not in {got[c] for c in (*NEGATIVE, "LL-NTF-008")}


def test_a_correct_merchant_passes_the_same_negative_checks(tmp_path: Path):
    with demo_merchant() as running:
        result = run_probed(probe_config(tmp_path, running.base_url), *NEGATIVE, "LL-NTF-008")
    assert {statuses(result)[c] for c in (*NEGATIVE, "LL-NTF-008")} == {"pass"}


def test_staging_that_trusts_another_rsa_key_is_told_which_key_to_trust(tmp_path: Path):
    # The staging server still verifies RSA callbacks with LianLian's production key: it refuses
    # every golive notification for the key, whatever the probe tests.
    with demo_merchant("stale_key", notify_sign_type="RSA") as running:
        config = probe_config(tmp_path, running.base_url, signing={
            **_example_signing(), "notify_sign_type": "RSA"})
        result = run_probed(config, "LL-NTF-002", "LL-NTF-005", "LL-NTF-006", "LL-NTF-008")
    staging_key = load_private_key((EXAMPLES / "keys" / "staging_llpay_private.pem").read_text(encoding="ascii"))
    fingerprint = fingerprint_sha256(staging_key)
    for check_id in ("LL-NTF-002", "LL-NTF-005", "LL-NTF-006", "LL-NTF-008"):
        found = check(result, check_id)
        assert found["status"] == "error", (check_id, found)
        reason = found["reason"]["en"]
        assert fingerprint in reason and "nothing about the handler was proven" in reason, reason
        assert "must trust the public key" in reason


def test_staging_with_another_md5_key_is_an_error_not_a_broken_handler(tmp_path: Path):
    with demo_merchant("stale_key") as running:
        result = run_probed(probe_config(tmp_path, running.base_url), "LL-NTF-002", "LL-NTF-003", "LL-NTF-007")
    for check_id in ("LL-NTF-002", "LL-NTF-003", "LL-NTF-007"):
        found = check(result, check_id)
        assert found["status"] == "error", (check_id, found)
        assert "same MD5 key as signing.md5_key" in found["reason"]["en"]
        assert MD5_KEY not in json.dumps(found)


def test_a_real_notification_credited_twice_after_a_refusal_is_a_finding(tmp_path: Path):
    # Verifies properly and refuses forgeries, but books every verified notification twice: the
    # control shows the order credited twice after one correct notification.
    def answer(body: bytes, merchant) -> tuple[int, str]:
        params = json.loads(body.decode("utf-8"))
        if params.get("sign_type") != "MD5" or not md5_verify(params, MD5_KEY):
            return 200, FAIL
        merchant.credit(params["no_order"])
        merchant.credit(params["no_order"])
        return 200, OK

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url), "LL-NTF-005")
    found = check(result, "LL-NTF-005")
    assert found["status"] == "fail"
    assert "credited 2 times (expected once)" in " ".join(f["message"]["en"] for f in found["findings"])


def _example_signing() -> dict[str, object]:
    from probe_support import example_section

    return example_section("signing")
