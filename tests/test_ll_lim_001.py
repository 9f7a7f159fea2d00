"""LL-LIM-001: environment consistency (test merchant, test hosts, integration limit)."""

import datetime as dt

from conftest import status_of

from golive.lianlian.platform import TEST_MERCHANT_OID

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)


def test_lim001_integration_passes(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-LIM-001"), "LL-LIM-001") == "pass"


def test_lim001_production_with_test_merchant_fails(config_factory, run_checks):
    config = config_factory({"merchant": {"environment": "production", "oid_partner": TEST_MERCHANT_OID}})
    assert status_of(run_checks(config, "LL-LIM-001"), "LL-LIM-001") == "fail"


def test_lim001_integration_limit_above_10_fails(config_factory, run_checks):
    config = config_factory({"limits": {"integration_limit_cny": 50}})
    assert status_of(run_checks(config, "LL-LIM-001"), "LL-LIM-001") == "fail"
