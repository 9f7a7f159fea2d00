"""LL-NTF-005: forged notifications are not acknowledged 0000 and credit nothing."""

from __future__ import annotations

from pathlib import Path

from probe_support import check, demo_results, fake_merchant, messages, no_of, probe_config, run_probed, statuses

ID = "LL-NTF-005"


def test_correct_merchant_passes_all_four_forgeries():
    result = demo_results()
    assert statuses(result)[ID] == "pass"
    assert check(result, ID)["checked"]["en"].startswith("4 kinds")


def test_merchant_that_skips_verification_fails():
    result = demo_results("accepts_forged")
    assert statuses(result)[ID] == "fail"
    text = messages(result, ID)
    for variant in ("one character of the signature changed", "signed with a key nobody trusts", "no signature at all"):
        assert variant in text


def test_acking_0000_to_everything_without_crediting_is_never_a_pass(tmp_path: Path):
    # Answers 0000 to everything but credits nothing (LianLian's demo as shipped): the 0000 to a
    # forged message is a medium finding of its own, but "nothing was credited" proves nothing,
    # because the control -- a correct notification for the same order -- was not credited either.
    with fake_merchant(lambda body, merchant: (200, '{"ret_code":"0000","ret_msg":"交易成功"}')) as (url, _):
        result = run_probed(probe_config(tmp_path, url), ID)
    found = check(result, ID)
    assert found["status"] == "error"
    assert {f["severity"] for f in found["findings"]} == {"medium"}
    assert "proves nothing" in found["reason"]["en"]


def test_merchant_that_credits_anything_fails_with_blocker(tmp_path: Path):
    def answer(body, merchant):
        merchant.credit(no_of(body))
        return 200, '{"ret_code":"9999","ret_msg":"交易失败"}'

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url), ID)
    assert check(result, ID)["severity"] == "blocker"
    assert "credited order" in messages(result, ID)
