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


def test_a_slow_machine_does_not_turn_a_correct_merchant_into_an_error(tmp_path: Path, monkeypatch):
    # A loaded 2-core machine opens the sixteen connections slowly: here one copy of each burst
    # takes longer to connect than the whole timeout. The wait at the barrier is golive's own, not
    # the merchant's, so the burst still goes out together and the merchant's answers are timed from
    # the last byte.
    import threading
    import time

    from golive.probes.http import HttpClient

    original = HttpClient._connect
    calls = {"n": 0}
    lock = threading.Lock()

    def slow_sometimes(self, address, port, timeout):
        with lock:
            calls["n"] += 1
            slow = calls["n"] % 7 == 0
        if slow:
            time.sleep(1.3)
        return original(self, address, port, timeout)

    monkeypatch.setattr(HttpClient, "_connect", slow_sometimes)
    with demo_merchant() as running:
        result = run_probed(probe_config(tmp_path, running.base_url, {"timeout_s": 1.0, "burst": 8}), ID)
    assert statuses(result)[ID] == "pass", messages(result, ID)
