"""LL-NTF-004: a burst of identical notifications credits once; the check-then-act race is caught
every time."""

from __future__ import annotations

from pathlib import Path

from probe_support import demo_merchant, demo_results, fake_merchant, messages, probe_config, run_probed, statuses

ID = "LL-NTF-004"


def test_correct_merchant_passes():
    assert statuses(demo_results())[ID] == "pass"


def test_check_then_act_race_fails():
    result = demo_results("no_duplicate_guard")
    assert statuses(result)[ID] == "fail"
    assert "identical notifications arrived together" in messages(result, ID)


def test_the_race_is_caught_twenty_times_out_of_twenty(tmp_path: Path):
    with demo_merchant("no_duplicate_guard") as running:
        config = probe_config(tmp_path, running.base_url, {"settle_s": 0})
        outcomes = [statuses(run_probed(config, ID))[ID] for _ in range(20)]
    assert outcomes == ["fail"] * 20


def test_a_merchant_that_never_credits_fails(tmp_path: Path):
    with fake_merchant(lambda body, merchant: (200, '{"ret_code":"0000","ret_msg":"交易成功"}')) as (url, _):
        result = run_probed(probe_config(tmp_path, url, {"burst": 4}), ID)
    assert statuses(result)[ID] == "fail"
    assert "never credited" in messages(result, ID)
