"""LL-RET-001: a forged synchronous return (Web form, WAP res_data) credits nothing."""

from __future__ import annotations

from pathlib import Path

from probe_support import demo_merchant, demo_results, messages, probe_config, run_probed, statuses

ID = "LL-RET-001"


def test_correct_merchant_passes():
    assert statuses(demo_results())[ID] == "pass"


def test_crediting_from_the_return_page_fails_for_both_shapes():
    result = demo_results("credits_sync_return")
    assert statuses(result)[ID] == "fail"
    text = messages(result, ID)
    assert "Web return (form POST)" in text and "WAP return (res_data)" in text


def test_without_live_url_return_it_is_not_applicable(tmp_path: Path):
    with demo_merchant() as running:
        result = run_probed(probe_config(tmp_path, running.base_url, {"url_return": None}), ID)
    assert statuses(result)[ID] == "not_applicable"
    assert "url_return" in messages(result, ID)
