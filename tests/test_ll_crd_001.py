"""LL-CRD-001: a withdrawal to a card the user never paid with is refused -- probed live on loopback,
with the positive control that keeps a merchant refusing everything from passing."""

from __future__ import annotations

from pathlib import Path

import pytest
from crd_support import (
    attempts,
    forbids_with_403,
    html_for_other_cards,
    refuse_all,
    run_same_card,
    says_refused_but_pays_other_cards,
    scripted_merchant,
    under_review,
)
from probe_support import demo_merchant, demo_results, messages, probe_config, run_probed, statuses

ID = "LL-CRD-001"


def test_correct_demo_merchant_passes():
    result = demo_results()
    assert statuses(result)[ID] == "pass", messages(result, ID)
    seen = attempts(result, ID)
    assert seen["other_card"]["outcome"] == "refused" and seen["control"]["outcome"] == "accepted"
    assert seen["other_card"]["payouts"] == "0 -> 0"  # confirmed through live.payouts


def test_withdraw_any_card_defect_fails_and_names_card_b():
    result = demo_results("withdraw_any_card")
    assert statuses(result)[ID] == "fail"
    text = messages(result, ID)
    assert "accepted a withdrawal it must refuse" in text and "card B (never paid with)" in text
    assert '"ACCEPTED"' in text


def test_a_merchant_refusing_every_withdrawal_fails_the_positive_control(tmp_path: Path):
    with scripted_merchant(refuse_all) as (url, merchant):
        result = run_same_card(tmp_path, url)
    assert statuses(result)[ID] == "fail"
    assert "positive control failed" in messages(result, ID)
    assert attempts(result, ID)["other_card"]["outcome"] == "refused"  # the refusal alone would have "passed"
    assert {r["answer"]["result"] for r in merchant.requests} == {"REFUSED"}


@pytest.mark.parametrize("policy, options, status, text", [
    (says_refused_but_pays_other_cards, {}, "fail", "payout count went from 0 to 1"),
    (says_refused_but_pays_other_cards, {"payouts": False}, "pass", ""),  # without live.payouts the answer decides
    (forbids_with_403, {}, "pass", ""),  # HTTP 403 is a refusal
    (html_for_other_cards, {}, "error", "not JSON"),
    (under_review, {"refused": ["REFUSED", "DENIED"]}, "error", "neither an accepted nor a refused value"),
], ids=["refused-but-paid", "refused-no-payouts-recipe", "http-403", "html-answer", "third-value"])
def test_how_answers_and_payouts_are_read(tmp_path: Path, policy, options: dict, status: str, text: str):
    with scripted_merchant(policy) as (url, _):
        result = run_same_card(tmp_path, url, **options)
    assert statuses(result)[ID] == status, messages(result, ID)
    assert text in messages(result, ID)


def test_cards_named_by_last_four_digits_work_with_the_demo_merchant(tmp_path: Path):
    with demo_merchant() as running:
        result = run_same_card(tmp_path, running.base_url, card="{card_last4}")
    assert statuses(result)[ID] == "pass", messages(result, ID)
    with demo_merchant("withdraw_any_card") as running:
        result = run_same_card(tmp_path, running.base_url, card="{card_no}")
    assert statuses(result)[ID] == "fail"


def test_without_probe_it_is_not_applicable_and_says_why(tmp_path: Path):
    result = run_probed(probe_config(tmp_path, "http://127.0.0.1:9"), ID, probe=False)
    assert statuses(result)[ID] == "not_applicable"
    assert "--probe" in messages(result, ID)
