"""LL-NTF-008: verification uses the merchant-site method, not the request's or the message's."""

from __future__ import annotations

from pathlib import Path

from probe_support import demo_merchant, demo_results, example_section, messages, probe_config, run_probed, statuses

ID = "LL-NTF-008"


def test_correct_merchant_passes():
    assert statuses(demo_results())[ID] == "pass"


def test_trusting_the_messages_sign_type_fails():
    result = demo_results("accepts_any_sign_type")
    assert statuses(result)[ID] == "fail"
    assert "signed with RSA" in messages(result, ID)


def test_merchant_site_rsa_with_md5_requests(tmp_path: Path):
    # The mirror case: notifications RSA-signed (the staging "LianLian" key), requests MD5.
    signing = {**example_section("signing"), "sign_type": "MD5", "notify_sign_type": "RSA"}
    with demo_merchant(notify_sign_type="RSA", request_sign_type="MD5") as running:
        result = run_probed(probe_config(tmp_path, running.base_url, signing=signing), ID, "LL-NTF-002")
    assert statuses(result)[ID] == "pass"
    assert statuses(result)["LL-NTF-002"] == "pass"


def test_merchant_verifying_with_the_request_method_fails(tmp_path: Path):
    # The site says MD5 but the handler verifies RSA (the request's method): real notifications never credit.
    signing = {**example_section("signing"), "sign_type": "RSA", "notify_sign_type": "MD5"}
    with demo_merchant(notify_sign_type="RSA", request_sign_type="RSA") as running:
        result = run_probed(probe_config(tmp_path, running.base_url, signing=signing), ID)
    assert statuses(result)[ID] == "fail"
    assert "merchant-site method (MD5) was credited 0 times" in messages(result, ID)


def test_without_a_key_for_the_other_method_it_is_not_applicable(tmp_path: Path):
    with demo_merchant() as running:
        result = run_probed(probe_config(tmp_path, running.base_url, {"lianlian_private_key": None}), ID)
    assert statuses(result)[ID] == "not_applicable"
    assert "live.lianlian_private_key" in messages(result, ID)

