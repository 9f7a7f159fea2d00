"""LL-RSK-002: for every profile, a complete capture passes and one missing a required field fails naming it."""

from __future__ import annotations

import pytest

from golive.examples.captures import make_captures as mc
from golive.profile import available_profiles, load_profile

# A valid value for every risk_item field a profile may require (protocol.md §4).
SAMPLES = {
    "frms_client_chnl": "13", "frms_ip_addr": "203.0.113.7", "frms_imei": "356938035643809",
    "frms_mac_addr": "00-1A-2B-3C-4D-5E", "user_auth_flag": "1", "frms_is_real_name": "1",
    "hotel_com_name": "西湖大酒店", "hotel_phone": "0571-88886666", "dt_arrive": "20261201140000",
    "dt_leave": "20261203120000", "book_phone": "13812345678", "cinema_addr_province": "330000",
    "cinema_addr_city": "330100", "dt_play": "20261205193000", "delivery_full_name": "张三",
    "delivery_addr_province": "330000", "delivery_addr_city": "330100", "delivery_addr_full": "杭州市西湖区 1 号",
    "delivery_phone": "13812345678", "logistics_mode": "2", "delivery_cycle": "24h", "goods_count": "1",
    "virtual_goods_status": "0", "game_id_belongs": "1", "cinema_name": "西湖影城",
    "airline_list": [{"airline_code": "MU5101", "passenger_country": "CN", "passenger_idcard_type": "0",
                      "passenger_idcard": "11010519491231002X", "passenger_name": "张三",
                      "passenger_phone": "1381234****", "airport_to": "PEK", "station_from_province": "SHA",
                      "station_from_city": "310100", "station_to_province": "110000", "station_to_city": "110100",
                      "dt_flight": "20261210"}],
}


def _complete(profile_name: str):
    profile = load_profile(profile_name)

    def fill(fields: dict) -> None:
        for name in profile.required_fields + profile.recommended_fields:
            top = name.split("[]", 1)[0]
            if top not in fields:
                fields[top] = SAMPLES[top]
        fields["frms_ware_category"] = profile.categories[0] if profile.categories else "2009"

    return profile, fill


@pytest.mark.parametrize("name", available_profiles())
def test_complete_capture_passes_and_a_missing_required_field_fails(capture_demo, config_factory, run_checks, tmp_path, name):
    profile, fill = _complete(name)
    category = profile.categories[0] if profile.categories else "2009"
    complete = mc.pay_params(capture_demo, "u1", "O1", 0, risk=fill)
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(complete)], "LL-RSK-002",
                     profile=name, category=category)
    assert check["status"] == "pass", check["findings"]
    assert check["evidence"][0]["recommended_missing"] == {}

    missing = profile.required_fields[-1]

    def drop(fields: dict) -> None:
        fill(fields)
        if "[]." in missing:
            list_name, _, sub = missing.partition("[].")
            fields[list_name] = [{k: v for k, v in item.items() if k != sub} for item in fields[list_name]]
        else:
            del fields[missing]

    lacking = mc.pay_params(capture_demo, "u1", "O2", 1, risk=drop)
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(complete), mc.pay_line(lacking)],
                     "LL-RSK-002", profile=name, category=category)
    assert check["status"] == "fail" and check["severity"] == "high"
    [finding] = check["findings"]
    assert finding["location"]["line"] == 2
    assert finding["location"]["pointer"] == "risk_item." + missing.replace("[]", "[0]")
    assert missing in finding["message"]["en"] and missing in finding["message"]["zh"]


def test_empty_and_misspelt_fields(capture_demo, config_factory, run_checks, tmp_path):
    def misspell(fields: dict) -> None:
        fields["user_info_dt_registe"] = fields.pop("user_info_dt_register")  # as in LianLian's own doc example
        fields["goods_name"] = "  "

    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=misspell)
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-002")
    messages = {f["location"]["pointer"]: f["message"]["en"] for f in check["findings"]}
    assert "similar field 'user_info_dt_registe'" in messages["risk_item.user_info_dt_register"]
    assert "is empty" in messages["risk_item.goods_name"]


def test_recommended_fields_are_counted_not_failed(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.pop("user_info_identify_type"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-002")
    assert check["status"] == "pass"
    assert check["evidence"][0]["recommended_missing"] == {"user_info_identify_type": 1, "frms_is_real_name": 1}


def test_risk_item_that_cannot_be_read_fails_once(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0)
    params["risk_item"] = "{oops"
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-002")
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "risk_item" and "LL-RSK-001" in finding["message"]["en"]
