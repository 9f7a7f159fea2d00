"""LL-RSK-006: 认证支付 identity with flag_modify=1; repeat payments reuse no_agree, never with card_no."""

from __future__ import annotations

import pytest

from golive.examples.captures import make_captures as mc


def test_identity_locked_and_agreement_reused_passes(capture_demo, config_factory, run_checks, tmp_path):
    check = mc.judge(config_factory, run_checks, tmp_path, mc.clean_lines(capture_demo), "LL-RSK-006")
    assert check["status"] == "pass"
    assert check["evidence"][0]["records_judged"] == 3 and check["evidence"][0]["users"] == 2


@pytest.mark.parametrize(("edit", "pointer", "needle"), [
    (lambda p: p.update(flag_modify="0"), "flag_modify", "must be \"1\""),
    (lambda p: p.pop("flag_modify"), "flag_modify", "not sent (default 0)"),
    (lambda p: (p.pop("id_no"), p.pop("acct_name")), "id_no", "id_no, acct_name"),
])
def test_identity_missing_or_unlocked_fails(capture_demo, config_factory, run_checks, tmp_path, edit, pointer, needle):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, edit=edit)
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-006")
    assert check["status"] == "fail" and check["severity"] == "high"
    assert check["findings"][0]["location"]["pointer"] == pointer and needle in check["findings"][0]["message"]["en"]


def test_card_no_with_no_agree_fails(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, no_agree="A1", edit=lambda p: p.update(card_no="6222021234567890123"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-006")
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "card_no" and "together" in finding["message"]["en"]


def test_repeat_payment_must_use_the_agreement_from_the_notification(capture_demo, config_factory, run_checks, tmp_path):
    card = lambda p: p.update(card_no="6222021234567890123")  # noqa: E731
    first = mc.pay_params(capture_demo, "u1", "O1", 0, edit=card)
    again = mc.pay_params(capture_demo, "u1", "O2", 30, edit=card)
    lines = [mc.pay_line(first), mc.notify_line(capture_demo, first, "A1", "P1"), mc.pay_line(again)]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-RSK-006")
    [finding] = check["findings"]
    assert finding["location"]["line"] == 3 and "already has a no_agree" in finding["message"]["en"]
    assert check["severity"] == "medium"


def test_repeat_payment_with_the_card_again_without_a_notification(capture_demo, config_factory, run_checks, tmp_path):
    card = lambda p: p.update(card_no="6222021234567890123")  # noqa: E731
    lines = [mc.pay_line(mc.pay_params(capture_demo, "u1", f"O{i}", i, edit=card)) for i in range(2)]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-RSK-006")
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "card_no" and "sends card_no again" in finding["message"]["en"]


def test_identity_left_out_beside_no_agree_is_only_low(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, no_agree="A1",
                           edit=lambda p: [p.pop(k) for k in ("id_type", "id_no", "acct_name")])
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-006")
    assert check["status"] == "fail" and check["severity"] == "low" and check["findings"][0]["uncertain"]


def test_virtual_goods_profile_lowers_the_severity(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(frms_ware_category="1002"),
                           edit=lambda p: p.update(flag_modify="0"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-006",
                     profile="virtual_goods", category="1002")
    assert check["status"] == "fail" and check["severity"] == "medium"


def test_the_literal_null_is_no_agreement(capture_demo, config_factory, run_checks, tmp_path):
    # LianLian's demo pages post the text "null" for an unset field, and the signer's old-demo
    # rule drops it: it is no no_agree. Before, it was taken as an agreement number: "card_no and
    # no_agree together" on line 1 and "already has a no_agree" on line 3.
    card_and_null = lambda p: p.update(card_no="6222021234567890123", no_agree="null")  # noqa: E731
    first = mc.pay_params(capture_demo, "u1", "O1", 0, edit=card_and_null)
    again = mc.pay_params(capture_demo, "u1", "O2", 30, edit=lambda p: p.update(card_no="6222021234567890123"))
    lines = [mc.pay_line(first), mc.notify_line(capture_demo, first, "NULL", "P1"), mc.pay_line(again)]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-RSK-006")
    [finding] = check["findings"]
    assert finding["location"]["line"] == 3 and "sends card_no again" in finding["message"]["en"]


def test_the_literal_null_is_no_identity(capture_demo, config_factory, run_checks, tmp_path):
    params = mc.pay_params(capture_demo, "u1", "O1", 0, edit=lambda p: p.update(id_no="null"))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-RSK-006")
    assert check["status"] == "fail"
    assert check["findings"][0]["location"]["pointer"] == "id_no" and "id_no" in check["findings"][0]["message"]["en"]
