"""LL-RSK-003: field formats -- GB 11643 IDs, real 14-digit datetimes, mobiles, code sets, conditional fields."""

from __future__ import annotations

import pytest
from conftest import check_of

from golive.examples.captures import make_captures as mc


def _bad_check_digit(id_no: str) -> str:
    return id_no[:17] + ("0" if id_no[17] != "0" else "1")


def test_the_demo_merchant_passes(capture_demo, config_factory, run_checks, tmp_path):
    check = mc.judge(config_factory, run_checks, tmp_path, mc.clean_lines(capture_demo), "LL-RSK-003")
    assert check["status"] == "pass" and check["evidence"][0]["values_checked"] > 20


@pytest.mark.parametrize(("risk", "pointer", "needle"), [
    ({"user_info_dt_register": "20260230120000"}, "risk_item.user_info_dt_register", "not a real date"),
    ({"user_info_dt_register": "1761962400000"}, "risk_item.user_info_dt_register", "epoch milliseconds"),
    ({"user_info_dt_register": "201407251110120"}, "risk_item.user_info_dt_register", "15 digits"),
    ({"user_info_dt_register": "20991231120000"}, "risk_item.user_info_dt_register", "future"),
    ({"user_info_identify_state": "2"}, "risk_item.user_info_identify_state", "allowed: 0, 1"),
    ({"user_info_id_type": "Z"}, "risk_item.user_info_id_type", "not a valid id_type"),
    ({"frms_ware_category": "20O9"}, "risk_item.frms_ware_category", "4-digit"),
    ({"user_info_mail": "nobody"}, "risk_item.user_info_mail", "e-mail"),
])
def test_malformed_values_fail_at_the_field(capture_demo, config_factory, run_checks, tmp_path, risk, pointer, needle):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(risk))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-003")
    assert check["status"] == "fail" and check["severity"] == "high"
    found = {f["location"]["pointer"]: f for f in check["findings"]}
    assert needle in found[pointer]["message"]["en"] and found[pointer]["message"]["zh"]


def test_a_bad_id_check_digit_fails_and_is_shown_masked(capture_demo, config_factory, run_checks, tmp_path):
    def corrupt(fields: dict) -> None:
        fields["user_info_id_no"] = _bad_check_digit(fields["user_info_id_no"])

    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=corrupt)
    bad_id = _bad_check_digit(params["id_no"])
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=corrupt, edit=lambda p: p.update(id_no=bad_id))
    config = config_factory(mc.config_overrides(mc.write_jsonl(tmp_path / "c.jsonl", [mc.pay_line(params)])))
    result = run_checks(config, "LL-RSK-003")
    check = check_of(result, "LL-RSK-003")
    assert {f["location"]["pointer"] for f in check["findings"]} == {"id_no", "risk_item.user_info_id_no"}
    assert all("check character" in f["message"]["en"] for f in check["findings"])
    assert bad_id not in str(result) and bad_id[:3] + "*" in str(result)


def test_identify_state_1_needs_identify_type(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.pop("user_info_identify_type"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-003")
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "risk_item.user_info_identify_type"
    assert "required when user_info_identify_state is 1" in finding["message"]["en"]


def test_identify_state_0_does_not_need_identify_type(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: (f.pop("user_info_identify_type"),
                                                               f.update(user_info_identify_state="0")))
    assert mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-003")["status"] == "pass"


def test_uncertain_rules_are_low_and_say_so(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(user_info_bind_phone="02188886666"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-003")
    assert check["status"] == "fail" and check["severity"] == "low"
    assert check["findings"][0]["uncertain"] is True and "states no rule" in check["findings"][0]["message"]["en"]


def test_a_passport_is_not_checked_as_a_resident_id(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(user_info_id_type="2", user_info_id_no="E12345678"),
                           edit=lambda p: p.update(id_type="2", id_no="E12345678"))
    assert mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-003")["status"] == "pass"


def test_request_fields_and_travel_list_items(capture_demo, config_factory, run_checks, tmp_path):
    passengers = [{"passenger_idcard_type": "0", "passenger_idcard": "11010519491231002X", "dt_flight": "20261301",
                   "passenger_phone": "13812345678"}]
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(airline_list=passengers),
                           edit=lambda p: p.update(money_order="0.001", flag_modify="yes", userreq_ip="203.0.113.7"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-003")
    assert {f["location"]["pointer"] for f in check["findings"]} == {
        "money_order", "flag_modify", "userreq_ip", "risk_item.airline_list[0].dt_flight"}
