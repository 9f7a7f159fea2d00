"""LL-PAY-006: 4002/4003/4004 go through the confirm flow (the demo confirms; re-applying fails)."""

from __future__ import annotations

from pathlib import Path

from pay_support import check_of, crafted, demo_flow, journal_config, payout_params, run_pay, sandbox_running


def test_demo_merchant_confirms(tmp_path: Path) -> None:
    check = check_of(run_pay(journal_config(tmp_path, demo_flow()[0]), "LL-PAY-006"), "LL-PAY-006")
    assert check["status"] == "pass", check


def test_reapplying_instead_of_confirming_fails(tmp_path: Path) -> None:
    from golive.sandbox.cards import card_for_user

    card = card_for_user("r")
    with sandbox_running(tmp_path) as sandbox:
        first = crafted(sandbox, payout_params("CF001", card, info_order="提现 golive:payout_confirm_duplicate"))
        assert first["ret_code"] == "4002" and first.get("confirm_code")
        crafted(sandbox, payout_params("CF002", card))  # same card, same amount, new number: no confirmation
        unconfirmed = crafted(sandbox, payout_params("CF003", card_for_user("s"), info_order="golive:payout_confirm_name"))
        assert unconfirmed["ret_code"] == "4003"
        state = Path(sandbox.sandbox.settings.state_dir)
    check = check_of(run_pay(journal_config(tmp_path, state), "LL-PAY-006"), "LL-PAY-006")
    assert check["status"] == "fail"
    by_severity = {f["severity"]: f["message"]["en"] for f in check["findings"]}
    assert "CF002" in by_severity["high"] and "CF003" in by_severity["medium"]
