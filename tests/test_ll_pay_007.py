"""LL-PAY-007: payouts go only to paying cards, within paid + earnings − withdrawn (sandbox journal)."""

from __future__ import annotations

import json
from pathlib import Path

from pay_support import check_of, demo_flow, journal_config, run_pay


def test_demo_merchant_pays_out_to_paying_cards(tmp_path: Path) -> None:
    state, ledger = demo_flow()
    check = check_of(run_pay(journal_config(tmp_path, state, ledger), "LL-PAY-007"), "LL-PAY-007")
    assert check["status"] == "pass", check


def test_payout_to_another_card_fails_without_showing_it(tmp_path: Path) -> None:
    from golive.sandbox.cards import card_for_user

    state, ledger = demo_flow(frozenset({"withdraw_any_card"}), (("pay-y1", "", "pay-stranger"),))
    result = run_pay(journal_config(tmp_path, state, ledger), "LL-PAY-007")
    check = check_of(result, "LL-PAY-007")
    assert check["status"] == "fail" and check["findings"][0]["data"]["rule"] in ("unknown_card", "same_card")
    assert card_for_user("pay-stranger") not in json.dumps(result, ensure_ascii=False)


def test_over_the_bound_is_found_and_uncertain_without_the_ledger(tmp_path: Path) -> None:
    state, ledger = demo_flow(frozenset({"no_amount_bound"}), (("pay-z1", "", "pay-z1"),), amount="0.05")
    with_ledger = check_of(run_pay(journal_config(tmp_path, state, ledger), "LL-PAY-007"), "LL-PAY-007")
    assert with_ledger["status"] == "fail" and with_ledger["findings"][0]["data"]["rule"] == "amount_bound"
    assert not with_ledger["findings"][0]["uncertain"]
    bare = check_of(run_pay(journal_config(tmp_path, state, name="bare.yaml"), "LL-PAY-007"), "LL-PAY-007")
    assert bare["status"] == "fail" and bare["findings"][0]["uncertain"] and bare["findings"][0]["severity"] == "medium"
