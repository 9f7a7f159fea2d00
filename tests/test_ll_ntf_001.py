"""LL-NTF-001: notify_url shape, scheme and host (static, from endpoints.notify_url)."""

from __future__ import annotations

import pytest
from conftest import check_of, status_of

ID = "LL-NTF-001"


def _run(config_factory, run_checks, url, environment="integration"):
    config = config_factory({"endpoints": {"notify_url": url}, "merchant": {"environment": environment}})
    return run_checks(config, ID)


def test_public_https_url_passes(config_factory, run_checks):
    assert status_of(_run(config_factory, run_checks, "https://pay.example.com/llpay/notify"), ID) == "pass"


def test_plain_http_is_accepted_in_integration_but_not_in_production(config_factory, run_checks):
    assert status_of(_run(config_factory, run_checks, "http://pay.example.com/llpay/notify"), ID) == "pass"
    result = _run(config_factory, run_checks, "http://pay.example.com/llpay/notify", "production")
    assert status_of(result, ID) == "fail"
    assert any("https" in f["message"]["en"] for f in check_of(result, ID)["findings"])


@pytest.mark.parametrize("url, words", [
    ("http://localhost:8080/notify", "local machine"),
    ("http://127.0.0.1/notify", "loopback"),
    ("https://10.1.2.3/notify", "private"),
    ("https://169.254.10.1/notify", "link-local"),
    ("https://payserver/notify", "fully qualified"),
    ("https://pay.corp.local/notify", "intranet"),
    ("/llpay/notify", "absolute"),
    ("ftp://pay.example.com/notify", "absolute"),
    ("https://pay.example.com/" + "n" * 120, "128"),
])
def test_unreachable_or_malformed_urls_fail(config_factory, run_checks, url, words):
    result = _run(config_factory, run_checks, url)
    assert status_of(result, ID) == "fail"
    assert words in " ".join(f["message"]["en"] for f in check_of(result, ID)["findings"])


def test_reserved_example_domain_is_flagged_only_in_production(config_factory, run_checks):
    url = "https://pay.demo-merchant.example/llpay/notify"
    assert status_of(_run(config_factory, run_checks, url), ID) == "pass"
    assert status_of(_run(config_factory, run_checks, url, "production"), ID) == "fail"


def test_missing_notify_url_is_not_applicable(config_factory, run_checks):
    result = run_checks(config_factory({"endpoints": None}), ID)
    assert status_of(result, ID) == "not_applicable"
