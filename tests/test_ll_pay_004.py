"""LL-PAY-004: flag_card 0/1, two-decimal amounts, info_order, memo within its charset and length."""

from __future__ import annotations

import json
from pathlib import Path

from pay_support import check_of, crafted, demo_flow, journal_config, payout_params, run_pay, sandbox_running


def test_demo_merchant_fields_pass(tmp_path: Path) -> None:
    assert check_of(run_pay(journal_config(tmp_path, demo_flow()[0]), "LL-PAY-004"), "LL-PAY-004")["status"] == "pass"


def test_bad_fields_fail_each_at_its_field(tmp_path: Path) -> None:
    from golive.sandbox.cards import card_for_user

    card = card_for_user("f")
    with sandbox_running(tmp_path) as sandbox:
        crafted(sandbox, payout_params("FD001", card, flag_card="2"))
        crafted(sandbox, payout_params("FD002", card, amount="1.234"))
        crafted(sandbox, payout_params("FD003", card, info_order=None))
        crafted(sandbox, payout_params("FD004", card, memo="提现到账请查收！Thanks for using us"))
        crafted(sandbox, payout_params("FD005", card, memo="月度收益-2026_11"))
        state = Path(sandbox.sandbox.settings.state_dir)
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-004"), "LL-PAY-004")
    assert check["status"] == "fail"
    fields = sorted(f["location"]["pointer"].split(".")[-1] for f in check["findings"])
    assert fields == ["flag_card", "info_order", "memo", "memo", "money_order"], json.dumps(check["findings"], ensure_ascii=False)
    assert not any("FD005" in f["message"]["en"] for f in check["findings"])
