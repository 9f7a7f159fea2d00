"""LL-RSK-004: frms_ware_category equals the assigned category; profile fit is low severity and UNCERTAIN."""

from __future__ import annotations

from golive.examples.captures import make_captures as mc


def test_assigned_category_sent_passes(capture_demo, config_factory, run_checks, tmp_path):
    check = mc.judge(config_factory, run_checks, tmp_path, mc.clean_lines(capture_demo), "LL-RSK-004")
    assert check["status"] == "pass"
    assert check["evidence"][0]["sent"] == {"2009": 3} and check["evidence"][0]["assigned"] == "2009"


def test_another_category_fails_high(capture_demo, config_factory, run_checks, tmp_path):
    good = mc.pay_params(capture_demo, "u1", "O1", 0)
    copied = mc.pay_params(capture_demo, "u2", "O2", 1, risk=lambda f: f.update(frms_ware_category="1999"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(good), mc.pay_line(copied)], "LL-RSK-004")
    assert check["status"] == "fail" and check["severity"] == "high"
    mismatch = check["findings"][0]
    assert mismatch["location"]["line"] == 2 and mismatch["location"]["pointer"] == "risk_item.frms_ware_category"
    assert "1999" in mismatch["message"]["en"] and "2009" in mismatch["message"]["en"]
    fit = check["findings"][1]  # 1999 does not fit wealth_realname either
    assert fit["severity"] == "low" and fit["uncertain"] and "UNCERTAIN" in fit["message"]["en"]


def test_category_outside_the_profile_is_only_low(capture_demo, config_factory, run_checks, tmp_path):
    lines = [mc.pay_line(mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(frms_ware_category="4001")))]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-RSK-004", category="4001")
    assert check["status"] == "fail" and check["severity"] == "low"
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "merchant.frms_ware_category" and finding["uncertain"]


def test_base_profile_accepts_any_category(capture_demo, config_factory, run_checks, tmp_path):
    lines = [mc.pay_line(mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(frms_ware_category="4001")))]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-RSK-004", category="4001", profile="base")
    assert check["status"] == "pass"


def test_without_the_assigned_category_in_the_config(capture_demo, config_factory, run_checks, tmp_path):
    path = mc.write_jsonl(tmp_path / "c.jsonl", mc.clean_lines(capture_demo)[:1])
    overrides = mc.config_overrides(path)
    overrides["merchant"]["frms_ware_category"] = None
    result = run_checks(config_factory(overrides), "LL-RSK-004")
    check = next(c for c in result["checks"] if c["id"] == "LL-RSK-004")
    assert check["status"] == "fail" and check["severity"] == "medium"
    assert check["findings"][0]["location"]["pointer"] == "merchant.frms_ware_category"
