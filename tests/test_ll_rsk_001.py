"""LL-RSK-001: risk_item is a JSON string of an object of strings (protocol.md §2.1 step 5, §4)."""

from __future__ import annotations

import json

import pytest

from golive.examples.captures import make_captures as mc


def test_web_and_wap_requests_with_a_json_string_pass(capture_demo, config_factory, run_checks, tmp_path):
    check = mc.judge(config_factory, run_checks, tmp_path, mc.clean_lines(capture_demo), "LL-RSK-001")
    assert check["status"] == "pass"
    assert check["evidence"][0]["risk_item_as_string"] == 3 and check["evidence"][0]["records_judged"] == 3


def test_nested_object_fails_at_the_field(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, channel="wap")
    params["risk_item"] = json.loads(params["risk_item"])
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params, "wap")], "LL-RSK-001")
    assert check["status"] == "fail" and check["severity"] == "high"
    finding = check["findings"][0]
    assert finding["location"]["text"].endswith("capture.jsonl:1#risk_item")
    assert "nested JSON object" in finding["message"]["en"] and "嵌套" in finding["message"]["zh"]


@pytest.mark.parametrize(("risk_item", "needle"), [
    ('{"frms_ware_category":"2009",', "not valid JSON"),
    ("[1,2]", "not an object"),
    ("", "empty"),
    (None, "no risk_item"),
    (2009, "not a JSON string"),
])
def test_unusable_risk_item_fails(capture_demo, config_factory, run_checks, tmp_path, risk_item, needle):
    params = mc.pay_params(capture_demo, "u1", "O1", 0)
    if risk_item is None:
        del params["risk_item"]
    else:
        params["risk_item"] = risk_item
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-001")
    assert check["status"] == "fail" and needle in check["findings"][0]["message"]["en"]


def test_number_and_object_values_inside_are_flagged(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(
        frms_ware_category=2009, user_info_identify_state=True, extra={"a": "b"}))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-001")
    pointers = {f["location"]["pointer"]: f["data"]["kind"] for f in check["findings"]}
    assert pointers == {"risk_item.frms_ware_category": "number", "risk_item.user_info_identify_state": "boolean",
                        "risk_item.extra": "object"}


def test_airline_list_may_be_a_list_of_objects_of_strings(capture_demo, config_factory, run_checks, tmp_path):
    good = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(airline_list=[{"passenger_name": "张三"}]))
    bad = mc.pay_params(capture_demo, "u1", "O2", 1, risk=lambda f: f.update(airline_list=[{"dt_flight": 20261201}, "x"]))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(good), mc.pay_line(bad)], "LL-RSK-001")
    assert check["status"] == "fail"
    assert [f["location"]["pointer"] for f in check["findings"]] == ["risk_item.airline_list[0].dt_flight",
                                                                     "risk_item.airline_list[1]"]
    assert all(f["location"]["line"] == 2 for f in check["findings"])


def test_repeated_mistakes_are_listed_five_times_and_counted(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0)
    params["risk_item"] = json.loads(params["risk_item"])
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)] * 20, "LL-RSK-001")
    assert len(check["findings"]) == 5
    assert check["evidence"][0]["findings_not_listed"] == {"nested": 15}
    assert "15" in check["checked"]["en"]


def test_no_pay_request_cannot_be_judged(capture_demo, config_factory, run_checks, tmp_path):
    first = mc.pay_params(capture_demo, "u1", "O1", 0)
    lines = [mc.notify_line(capture_demo, first, "A1", "P1"), b"\xff\xfe broken"]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-RSK-001")
    assert check["status"] == "error"
    assert "no pay requests" in check["reason"]["en"] and "1 broken" in check["reason"]["en"]
    assert check["evidence"][0]["skipped"][0]["location"].endswith("capture.jsonl:2")


def test_without_captures_the_check_is_not_applicable(config_factory, run_checks):
    from conftest import status_of

    assert status_of(run_checks(config_factory(), "LL-RSK-001"), "LL-RSK-001") == "not_applicable"
