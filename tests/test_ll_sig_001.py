"""LL-SIG-001: sign_type and notify_sign_type declared, with the keys each needs."""

from conftest import check_of, status_of


def test_clean_config_passes(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-SIG-001"), "LL-SIG-001") == "pass"


def test_missing_notify_sign_type_fails(config_factory, run_checks):
    result = run_checks(config_factory({"signing": {"notify_sign_type": None}}), "LL-SIG-001")
    check = check_of(result, "LL-SIG-001")
    assert check["status"] == "fail"
    assert any("notify_sign_type" in f["location"]["text"] for f in check["findings"])


def test_rsa_requests_without_private_key_fail(config_factory, run_checks):
    config = config_factory({"signing": {"rsa_private_key": None, "rsa_public_key": None}})
    check = check_of(run_checks(config, "LL-SIG-001"), "LL-SIG-001")
    assert check["status"] == "fail"
    assert "rsa_private_key" in check["findings"][0]["message"]["en"]


def test_rsa_callbacks_need_lianlian_key(config_factory, run_checks):
    config = config_factory({"signing": {"notify_sign_type": "RSA", "lianlian_public_key": None}})
    assert status_of(run_checks(config, "LL-SIG-001"), "LL-SIG-001") == "fail"
