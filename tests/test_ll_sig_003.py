"""LL-SIG-003: published test-merchant credentials never in production, demo keys never for own merchant."""

from conftest import check_of, status_of

from golive.lianlian.platform import TEST_MERCHANT_MD5_KEY_DEMO, TEST_MERCHANT_MD5_KEY_GUIDE, TEST_MERCHANT_OID


def test_own_credentials_pass(config_factory, run_checks):
    assert status_of(run_checks(config_factory({"merchant": {"environment": "production"}}), "LL-SIG-003"), "LL-SIG-003") == "pass"


def test_test_merchant_in_integration_passes(config_factory, run_checks, monkeypatch):
    config = config_factory({"merchant": {"oid_partner": TEST_MERCHANT_OID}})
    monkeypatch.setenv("GOLIVE_TEST_MD5", TEST_MERCHANT_MD5_KEY_DEMO)
    assert status_of(run_checks(config, "LL-SIG-003"), "LL-SIG-003") == "pass"


def test_test_merchant_in_production_fails(config_factory, run_checks):
    config = config_factory({"merchant": {"oid_partner": TEST_MERCHANT_OID, "environment": "production"}})
    check = check_of(run_checks(config, "LL-SIG-003"), "LL-SIG-003")
    assert check["status"] == "fail" and check["severity"] == "blocker"


def test_both_spellings_of_the_published_md5_key_are_recognised(config_factory, run_checks, monkeypatch):
    config = config_factory({"merchant": {"environment": "production"}})
    for key in (TEST_MERCHANT_MD5_KEY_DEMO, TEST_MERCHANT_MD5_KEY_GUIDE):
        monkeypatch.setenv("GOLIVE_TEST_MD5", key)
        result = run_checks(config, "LL-SIG-003")
        check = check_of(result, "LL-SIG-003")
        assert check["status"] == "fail", key
        assert "md5_key" in check["findings"][0]["location"]["text"]
        assert key not in str(result)


def test_published_md5_key_with_own_merchant_fails_even_in_integration(config_factory, run_checks, monkeypatch):
    config = config_factory()
    monkeypatch.setenv("GOLIVE_TEST_MD5", TEST_MERCHANT_MD5_KEY_GUIDE)
    assert status_of(run_checks(config, "LL-SIG-003"), "LL-SIG-003") == "fail"
