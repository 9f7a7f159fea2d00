"""LL-REG-002: egress IPs declared and public; DNS only with --online (never resolved in tests)."""

import socket

import pytest
from conftest import check_of, status_of


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("DNS must not be used without --online")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_public_ips_pass_and_dns_is_not_touched(config_factory, run_checks):
    check = check_of(run_checks(config_factory(), "LL-REG-002"), "LL-REG-002")
    assert check["status"] == "pass"
    assert "--online" in check["checked"]["en"]


def test_missing_ips_fail(config_factory, run_checks):
    config = config_factory({"registration": {"server_ips": []}})
    assert status_of(run_checks(config, "LL-REG-002"), "LL-REG-002") == "fail"


@pytest.mark.parametrize("ip", ["10.0.0.8", "127.0.0.1", "192.168.1.20", "not-an-ip"])
def test_private_or_bad_ip_fails(config_factory, run_checks, ip):
    config = config_factory({"registration": {"server_ips": [ip]}})
    check = check_of(run_checks(config, "LL-REG-002"), "LL-REG-002")
    assert check["status"] == "fail"
    assert check["findings"][0]["location"]["pointer"] == "registration.server_ips[0]"


def test_online_resolution_failure_is_a_finding(config_factory, run_checks, monkeypatch):
    # --online with a resolver that fails (patched: still no real DNS traffic)
    def fail(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    check = check_of(run_checks(config_factory(), "LL-REG-002", online=True), "LL-REG-002")
    assert check["status"] == "fail" and check["severity"] == "medium"
