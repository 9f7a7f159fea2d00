"""LL-NTF-006: correctly signed notifications that do not match the order credit nothing."""

from __future__ import annotations

from pathlib import Path

from probe_support import demo_results, fake_merchant, messages, no_of, probe_config, run_probed, statuses

ID = "LL-NTF-006"


def test_correct_merchant_passes():
    assert statuses(demo_results())[ID] == "pass"


def test_merchant_ignoring_amount_and_partner_fails():
    result = demo_results("ignores_amount")
    assert statuses(result)[ID] == "fail"
    text = messages(result, ID)
    assert "money_order raised" in text and "oid_partner" in text


def test_an_unknown_order_number_is_judged_through_the_404_of_the_credits_recipe(tmp_path: Path):
    # Credits whatever order the notification names, creating it if unknown: caught on the unknown number.
    def answer(body, merchant):
        no = no_of(body)
        with merchant.lock:
            merchant.credits[no] = merchant.credits.get(no, 0) + 1
        return 200, '{"ret_code":"0000","ret_msg":"交易成功"}'

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url), ID)
    assert statuses(result)[ID] == "fail"
    assert "an order number the merchant never issued" in messages(result, ID)
