"""LL-LIM-002: production limits opened needs an attestation."""

import datetime as dt

from conftest import check_of, status_of

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)


def test_lim002_not_applicable_in_integration(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-LIM-002"), "LL-LIM-002") == "not_applicable"


def test_lim002_production_without_attestation_is_manual_and_incomplete(config_factory, run_checks):
    result = run_checks(config_factory({"merchant": {"environment": "production"}}), "LL-LIM-002", now=NOW)
    assert status_of(result, "LL-LIM-002") == "manual"
    assert result["verdict"] == "incomplete"


def test_lim002_attested_passes(config_factory, run_checks):
    config = config_factory({"merchant": {"environment": "production"},
                             "limits": {"production_opened": {"attested_by": "连连市场 张三", "date": "2026-11-20"}}})
    check = check_of(run_checks(config, "LL-LIM-002", now=NOW), "LL-LIM-002")
    assert check["status"] == "pass"
    assert check["evidence"][0]["attested_by"] == "连连市场 张三"


def test_lim002_future_attestation_fails(config_factory, run_checks):
    config = config_factory({"merchant": {"environment": "production"},
                             "limits": {"production_opened": {"attested_by": "x", "date": "2027-01-01"}}})
    assert status_of(run_checks(config, "LL-LIM-002", now=NOW), "LL-LIM-002") == "fail"
