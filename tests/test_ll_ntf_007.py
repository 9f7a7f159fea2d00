"""LL-NTF-007: result_pay other than SUCCESS credits nothing."""

from __future__ import annotations

from probe_support import demo_results, messages, statuses

ID = "LL-NTF-007"


def test_correct_merchant_passes():
    assert statuses(demo_results())[ID] == "pass"


def test_crediting_failure_and_processing_fails():
    result = demo_results("credits_non_success")
    assert statuses(result)[ID] == "fail"
    text = messages(result, ID)
    assert "result_pay=FAILURE" in text and "result_pay=PROCESSING" in text
