"""LL-CRD-004: in a sandbox run, payouts go only to paying cards, within what was paid (审核3, from the journal)."""

from __future__ import annotations

import json
from pathlib import Path

from pay_support import check_of, demo_flow, journal_config, run_pay


def test_payouts_to_the_paying_cards_pass(tmp_path: Path) -> None:
    state, ledger = demo_flow()
    check = check_of(run_pay(journal_config(tmp_path, state, ledger), "LL-CRD-004"), "LL-CRD-004")
    assert check["status"] == "pass", check
    assert check["item"] == "review.same_card"


def test_a_payout_to_another_card_fails_without_showing_it(tmp_path: Path) -> None:
    from golive.sandbox.cards import card_for_user

    state, ledger = demo_flow(frozenset({"withdraw_any_card"}), (("pay-y1", "", "pay-stranger"),))
    result = run_pay(journal_config(tmp_path, state, ledger), "LL-CRD-004")
    check = check_of(result, "LL-CRD-004")
    assert check["status"] == "fail" and check["findings"][0]["data"]["rule"] in ("unknown_card", "same_card")
    assert "同卡" not in check["findings"][0]["message"]["en"] and "guide" in check["findings"][0]["message"]["en"]
    assert card_for_user("pay-stranger") not in json.dumps(result, ensure_ascii=False)


def test_over_what_was_paid_is_uncertain_without_the_ledger(tmp_path: Path) -> None:
    state, ledger = demo_flow(frozenset({"no_amount_bound"}), (("pay-z1", "", "pay-z1"),), amount="0.05")
    with_ledger = check_of(run_pay(journal_config(tmp_path, state, ledger), "LL-CRD-004"), "LL-CRD-004")
    assert with_ledger["status"] == "fail" and with_ledger["findings"][0]["data"]["rule"] == "amount_bound"
    assert not with_ledger["findings"][0]["uncertain"]
    bare = check_of(run_pay(journal_config(tmp_path, state, name="bare.yaml"), "LL-CRD-004"), "LL-CRD-004")
    assert bare["status"] == "fail" and bare["findings"][0]["uncertain"] and bare["findings"][0]["severity"] == "medium"


def test_no_sandbox_journal_does_not_apply(config_factory, run_checks) -> None:  # type: ignore[no-untyped-def]
    check = check_of(run_checks(config_factory(), "LL-CRD-004"), "LL-CRD-004")
    assert check["status"] == "not_applicable"


def test_withdrawals_declared_out_of_scope(config_factory, run_checks) -> None:  # type: ignore[no-untyped-def]
    config = config_factory({"scope": {"withdrawals": {"offered": False, "attested_by": "张三", "date": "2025-01-01"}}})
    check = check_of(run_checks(config, "LL-CRD-004"), "LL-CRD-004")
    assert check["status"] == "not_applicable" and check["attestation"]
