"""LL-NTF-003: sequential redelivery -- every copy answered 0000, exactly one credit."""

from __future__ import annotations

from pathlib import Path

from probe_support import check, demo_results, fake_merchant, messages, no_of, probe_config, run_probed, statuses

ID = "LL-NTF-003"
OK = '{"ret_code":"0000","ret_msg":"交易成功"}'


def test_correct_merchant_passes_after_thirty_copies():
    result = demo_results()
    assert statuses(result)[ID] == "pass"
    assert "30 identical copies" in check(result, ID)["checked"]["en"]


def test_crediting_every_copy_fails():
    result = demo_results("no_idempotency")
    assert statuses(result)[ID] == "fail"
    assert "credited 30 times" in messages(result, ID)


def test_a_merchant_that_never_credits_fails_rather_than_passes(tmp_path: Path):
    with fake_merchant(lambda body, merchant: (200, OK)) as (url, _):
        result = run_probed(probe_config(tmp_path, url, {"redeliveries": 5}), ID)
    assert statuses(result)[ID] == "fail"
    assert "never credited" in messages(result, ID)


def test_duplicates_answered_9999_fail(tmp_path: Path):
    def answer(body, merchant):
        no = no_of(body)
        if merchant.credits.get(no):
            return 200, '{"ret_code":"9999","ret_msg":"重复通知"}'
        merchant.credit(no)
        return 200, OK

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url, {"redeliveries": 4}), ID)
    assert statuses(result)[ID] == "fail"
    assert "3 of 4 copies were not answered 0000" in messages(result, ID)
