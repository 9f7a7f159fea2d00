"""LL-RSK-005: user ids, real-name fields vs identity, registration before the order."""

from __future__ import annotations

from conftest import check_of

from golive.examples.captures import make_captures as mc


def test_consistent_requests_pass(capture_demo, config_factory, run_checks, tmp_path):
    check = mc.judge(config_factory, run_checks, tmp_path, mc.clean_lines(capture_demo), "LL-RSK-005")
    assert check["status"] == "pass" and check["evidence"][0]["users_tracked"] == 2


def test_register_after_order_fails(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(user_info_dt_register="20261125100001"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-005")
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "risk_item.user_info_dt_register"
    assert "after the order time" in finding["message"]["en"]
    assert check["severity"] == "high"  # wealth_realname raises LL-RSK-005 to high


def test_real_name_fields_must_match_the_identity_and_are_shown_masked(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, edit=lambda p: p.update(acct_name="李四", id_no="11010519491231002X"))
    config = config_factory(mc.config_overrides(mc.write_jsonl(tmp_path / "c.jsonl", [mc.pay_line(params)])))
    result = run_checks(config, "LL-RSK-005")
    check = check_of(result, "LL-RSK-005")
    assert {f["location"]["pointer"] for f in check["findings"]} == {"risk_item.user_info_full_name",
                                                                     "risk_item.user_info_id_no"}
    text = str(result)
    assert "李四" not in text and "李*" in text and "11010519491231002X" not in text


def test_id_numbers_compare_without_case(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(user_info_id_no="11010519491231002x"),
                           edit=lambda p: p.update(id_no="11010519491231002X"))
    assert mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-005")["status"] == "pass"


def test_one_user_id_with_two_merchant_user_numbers(capture_demo, config_factory, run_checks, tmp_path):
    first = mc.pay_params(capture_demo, "u1", "O1", 0)
    second = mc.pay_params(capture_demo, "u1", "O2", 1, risk=lambda f: f.update(user_info_mercht_userno="member-77"))
    other = mc.pay_params(capture_demo, "u9", "O3", 2, risk=lambda f: f.update(user_info_mercht_userno="u1"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(p) for p in (first, second, other)],
                     "LL-RSK-005")
    found = [(f["location"]["line"], f["location"]["pointer"]) for f in check["findings"]]
    assert found == [(2, "risk_item.user_info_mercht_userno"), (3, "user_id")]
    assert "on line 1" in check["findings"][0]["message"]["en"]
