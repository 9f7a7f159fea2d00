"""LL-REG-003: app identifiers for the SDK channels in use."""

from conftest import status_of


def test_not_applicable_without_app_channels(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-REG-003"), "LL-REG-003") == "not_applicable"


def test_android_with_registered_package_passes(config_factory, run_checks):
    config = config_factory({"merchant": {"channels": ["web", "android"]}})
    assert status_of(run_checks(config, "LL-REG-003"), "LL-REG-003") == "pass"


def test_ios_without_bundle_id_fails(config_factory, run_checks):
    config = config_factory({"merchant": {"channels": ["ios"]}})
    assert status_of(run_checks(config, "LL-REG-003"), "LL-REG-003") == "fail"


def test_malformed_package_fails(config_factory, run_checks):
    config = config_factory({"merchant": {"channels": ["android"]}, "registration": {"app_ids": {"android": "my app"}}})
    assert status_of(run_checks(config, "LL-REG-003"), "LL-REG-003") == "fail"
