"""LL-LIM-003: whitelist entries not expired (7 days default, 30 max)."""

import datetime as dt

from conftest import check_of, status_of

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)


def test_lim003_fresh_whitelist_passes(config_factory, run_checks):
    config = config_factory({"whitelist": [{"card_last4": "1234", "added": "2026-11-25", "days": 7}]})
    assert status_of(run_checks(config, "LL-LIM-003", now=NOW), "LL-LIM-003") == "pass"


def test_lim003_expired_whitelist_fails(config_factory, run_checks):
    config = config_factory({"whitelist": [{"card_last4": "1234", "added": "2026-11-01"}]})
    check = check_of(run_checks(config, "LL-LIM-003", now=NOW), "LL-LIM-003")
    assert check["status"] == "fail"
    assert check["findings"][0]["data"]["expired"] == "2026-11-08"


def test_lim003_more_than_30_days_fails(config_factory, run_checks):
    config = config_factory({"whitelist": [{"card_last4": "1234", "added": "2026-11-29", "days": 45}]})
    assert status_of(run_checks(config, "LL-LIM-003", now=NOW), "LL-LIM-003") == "fail"


def test_lim003_not_applicable_without_whitelist(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-LIM-003"), "LL-LIM-003") == "not_applicable"
