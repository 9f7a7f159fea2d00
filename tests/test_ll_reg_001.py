"""LL-REG-001: notify_url / url_return / page hosts are among the registered domains."""

from conftest import check_of, status_of


def test_registered_hosts_pass(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-REG-001"), "LL-REG-001") == "pass"


def test_unregistered_notify_host_fails(config_factory, run_checks):
    config = config_factory({"endpoints": {"notify_url": "https://callbacks.other-host.cn/llpay/notify"}})
    check = check_of(run_checks(config, "LL-REG-001"), "LL-REG-001")
    assert check["status"] == "fail"
    assert check["findings"][0]["data"]["host"] == "callbacks.other-host.cn"
    assert check["findings"][0]["location"]["pointer"] == "endpoints.notify_url"


def test_wildcard_registration_covers_subdomains(config_factory, run_checks):
    config = config_factory({"registration": {"domains": ["*.example.com"]},
                             "endpoints": {"pages": ["https://shop.example.com/checkout"]}})
    assert status_of(run_checks(config, "LL-REG-001"), "LL-REG-001") == "pass"


def test_no_registered_domains_fails(config_factory, run_checks):
    config = config_factory({"registration": {"domains": []}})
    assert status_of(run_checks(config, "LL-REG-001"), "LL-REG-001") == "fail"
