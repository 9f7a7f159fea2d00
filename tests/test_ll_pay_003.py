"""LL-PAY-003: branch information, except for the banks the guide exempts."""

from __future__ import annotations

import json
from pathlib import Path

from pay_support import check_of, crafted, demo_flow, journal_config, payout_params, run_pay, sandbox_running


def test_demo_merchant_pays_an_exempt_bank(tmp_path: Path) -> None:
    assert check_of(run_pay(journal_config(tmp_path, demo_flow()[0]), "LL-PAY-003"), "LL-PAY-003")["status"] == "pass"


def test_non_exempt_bank_without_branch_fails_and_with_branch_passes(tmp_path: Path) -> None:
    from golive.sandbox.cards import card_for_user

    bocom = card_for_user("b", "622262")  # 交通银行: not exempt
    ccb = card_for_user("c", "621700")    # 建行: exempt only for corporate payouts
    with sandbox_running(tmp_path) as sandbox:
        crafted(sandbox, payout_params("BR001", bocom))
        crafted(sandbox, payout_params("BR002", bocom, city_code="310000", brabank_name="交通银行上海分行"))
        crafted(sandbox, payout_params("BR003", bocom, prcptcd="301290000007"))
        crafted(sandbox, payout_params("BR004", ccb))
        crafted(sandbox, payout_params("BR005", ccb, flag_card="1", bank_code="01050000"))
        state = Path(sandbox.sandbox.settings.state_dir)
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-003"), "LL-PAY-003")
    assert check["status"] == "fail"
    failed = {f["message"]["en"].split(":")[0] for f in check["findings"]}
    assert failed == {"payout apply BR001", "payout apply BR004"}, json.dumps(check["findings"], ensure_ascii=False)
