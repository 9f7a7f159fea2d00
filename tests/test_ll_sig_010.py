"""LL-SIG-010: merchant.oid_partner is the merchant number the captured traffic uses."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import check_of, status_of

ID = "LL-SIG-010"


def _pay(oid_partner: str) -> str:
    return json.dumps({"kind": "pay_request", "channel": "web", "params": {"oid_partner": oid_partner, "no_order": "A1"}})


def _run(tmp_path: Path, config, run_checks, *lines: str) -> dict:
    captures = tmp_path / "captures.jsonl"
    captures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_checks(config, ID, captures=[str(captures)])


def test_the_configured_number_in_every_record_passes(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory(), run_checks, _pay("201811230001000001"), _pay("201811230001000001"))
    assert status_of(result, ID) == "pass"


def test_another_number_in_the_captures_is_a_finding_naming_both(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory(), run_checks, _pay("201811230001000001"), _pay("201408071000001543"),
                  _pay("201408071000001543"))
    found = check_of(result, ID)
    assert found["status"] == "fail"
    message = found["findings"][0]["message"]["en"]
    assert "2 captured record(s) use merchant number 201408071000001543" in message
    assert "captures.jsonl:2" in message and "201811230001000001" in message


def test_no_record_with_a_merchant_number_is_not_applicable(tmp_path, config_factory, run_checks):
    line = json.dumps({"kind": "pay_request", "params": {"no_order": "A1"}})
    assert status_of(_run(tmp_path, config_factory(), run_checks, line), ID) == "not_applicable"
