"""LL-SIG-008: literal "null" (UNCERTAIN, low), surrounding spaces and non-string values in requests."""

from __future__ import annotations

from golive.examples.captures import make_captures as mc


def test_clean_requests_pass(capture_demo, config_factory, run_checks, tmp_path):
    check = mc.judge(config_factory, run_checks, tmp_path, mc.clean_lines(capture_demo), "LL-SIG-008")
    assert check["status"] == "pass" and check["evidence"][0]["pitfalls"] == {"null": 0, "spaces": 0, "non_string": 0}


def test_literal_null_is_low_and_says_uncertain(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, edit=lambda p: p.update(url_order="NULL"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-SIG-008")
    assert check["status"] == "fail" and check["severity"] == "low"
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "url_order" and finding["uncertain"]
    assert "UNCERTAIN" in finding["message"]["en"] and "不确定" in finding["message"]["zh"]


def test_spaces_and_non_strings_are_medium(capture_demo, config_factory, run_checks, tmp_path):
    spaced = mc.pay_params(capture_demo, "u1", "O1", 0, edit=lambda p: p.update(name_goods="示例理财 "))
    typed = mc.pay_params(capture_demo, "u1", "O2", 1, channel="wap")
    typed.update(valid_order=10080, money_order="@amount@", flag_modify=True, risk_item={"a": "b"})
    wap = mc.pay_line(typed, "wap")
    # the merchant's JSON encoder wrote the amount as the number 0.10
    wap["params"]["req_data"] = wap["params"]["req_data"].replace('"@amount@"', "0.10")
    lines = [mc.pay_line(spaced), wap]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-SIG-008")
    assert check["status"] == "fail" and check["severity"] == "medium"
    found = {(f["location"]["line"], f["location"]["pointer"]): f for f in check["findings"]}
    assert "whitespace" in found[(1, "name_goods")]["message"]["en"]
    assert found[(2, "valid_order")]["data"]["kind"] == "number"
    assert "0.10" in found[(2, "money_order")]["message"]["en"]  # the exact JSON text, not 0.1
    assert found[(2, "flag_modify")]["data"]["kind"] == "boolean"
    assert "LL-RSK-001" in found[(2, "risk_item")]["message"]["en"]


def test_notifications_are_not_judged_here(capture_demo, config_factory, run_checks, tmp_path):
    first = mc.pay_params(capture_demo, "u1", "O1", 0)
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.notify_line(capture_demo, first, "A1", "P1")], "LL-SIG-008")
    assert check["status"] == "error" and "signed merchant requests" in check["reason"]["en"]
