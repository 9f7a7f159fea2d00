"""LL-SIG-002: MD5 key format (letters, digits, underscore, <= 100) and weak keys."""

import pytest
from conftest import check_of, status_of


def test_strong_key_passes(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-SIG-002"), "LL-SIG-002") == "pass"


@pytest.mark.parametrize("key", ["has-dash-and-space here", "x" * 101, "中文密钥abc"])
def test_key_the_merchant_site_refuses_fails(config_factory, run_checks, monkeypatch, key):
    config = config_factory()
    monkeypatch.setenv("GOLIVE_TEST_MD5", key)
    result = run_checks(config, "LL-SIG-002")
    check = check_of(result, "LL-SIG-002")
    assert check["status"] == "fail" and check["severity"] == "high"
    assert key not in str(result)  # the key itself is never shown


def test_short_key_is_warned_at_low_severity(config_factory, run_checks, monkeypatch):
    config = config_factory()
    monkeypatch.setenv("GOLIVE_TEST_MD5", "abc_123")
    result = run_checks(config, "LL-SIG-002")
    check = check_of(result, "LL-SIG-002")
    assert check["status"] == "fail" and check["severity"] == "low"
    assert result["verdict"] != "not_ready" or any(r["check"] != "LL-SIG-002" for r in result["summary"]["reasons"])


def test_not_applicable_without_md5(config_factory, run_checks):
    config = config_factory({"signing": {"notify_sign_type": "RSA", "md5_key": None}})
    assert status_of(run_checks(config, "LL-SIG-002"), "LL-SIG-002") == "not_applicable"


def test_md5_in_use_without_key_fails(config_factory, run_checks):
    config = config_factory({"signing": {"md5_key": None}})
    assert status_of(run_checks(config, "LL-SIG-002"), "LL-SIG-002") == "fail"
