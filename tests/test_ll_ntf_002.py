"""LL-NTF-002: the acknowledgement contract, probed against real loopback servers."""

from __future__ import annotations

from pathlib import Path

from probe_support import demo_results, fake_merchant, messages, no_of, probe_config, run_probed, statuses

ID = "LL-NTF-002"
OK = '{"ret_code":"0000","ret_msg":"交易成功"}'


def test_correct_merchant_passes():
    assert statuses(demo_results())[ID] == "pass"


def test_single_quoted_ack_fails_and_says_the_guide_prints_it_that_way():
    result = demo_results("wrong_ack_body")
    assert statuses(result)[ID] == "fail"
    assert "single quotes, which is not JSON" in messages(result, ID)
    assert "guide" in messages(result, ID)


def test_ack_before_the_credit_is_committed_fails():
    result = demo_results("ack_before_commit")
    assert statuses(result)[ID] == "fail"
    assert "before the credit is committed" in messages(result, ID)


def test_ret_msg_ok_is_a_low_uncertain_finding(tmp_path: Path):
    def answer(body, merchant):
        merchant.credit(no_of(body))
        return 200, '{"ret_code":"0000","ret_msg":"ok"}'

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url), ID)
    found = next(c for c in result["checks"] if c["id"] == ID)
    assert found["status"] == "fail"
    assert [(f["severity"], f["uncertain"]) for f in found["findings"]] == [("low", True)]


def test_http_500_with_the_right_body_fails(tmp_path: Path):
    def answer(body, merchant):
        merchant.credit(no_of(body))
        return 500, OK

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url), ID)
    assert statuses(result)[ID] == "fail"
    assert "HTTP status 500" in messages(result, ID)


def test_without_probe_it_is_not_applicable_and_says_so(tmp_path: Path):
    result = run_probed(probe_config(tmp_path, "http://127.0.0.1:9"), ID, probe=False)
    assert statuses(result)[ID] == "not_applicable"
    assert "--probe" in messages(result, ID)


def test_probe_without_live_section_is_an_error_naming_live(tmp_path: Path):
    result = run_probed(probe_config(tmp_path, "http://127.0.0.1:9", without=("live",)), ID)
    assert statuses(result)[ID] == "error"
    assert "live:" in messages(result, ID)
