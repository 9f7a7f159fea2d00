"""LL-CRD-001: a withdrawal to a card the user never paid with is refused -- probed live on loopback,
with the positive control that keeps a merchant refusing everything from passing."""

from __future__ import annotations

from pathlib import Path

from crd_support import (
    attempts, forbids_with_403, html_for_other_cards, refuse_all, run_same_card, says_refused_but_pays_other_cards,
    scripted_merchant, under_review,
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
    assert "'ACCEPTED'" in text


def test_a_merchant_refusing_every_withdrawal_fails_the_positive_control(tmp_path: Path):
    with scripted_merchant(refuse_all) as (url, merchant):
        result = run_same_card(tmp_path, url)
    assert statuses(result)[ID] == "fail"
    assert "positive control failed" in messages(result, ID)
    assert attempts(result, ID)["other_card"]["outcome"] == "refused"  # the refusal alone would have "passed"
    assert {r["answer"]["result"] for r in merchant.requests} == {"REFUSED"}


def test_refused_answer_with_a_new_payout_fails(tmp_path: Path):
    with scripted_merchant(says_refused_but_pays_other_cards) as (url, _):
        result = run_same_card(tmp_path, url)
    assert statuses(result)[ID] == "fail"
    assert "payout count went from 0 to 1" in messages(result, ID)


def test_without_payouts_recipe_the_answer_alone_decides(tmp_path: Path):
    with scripted_merchant(says_refused_but_pays_other_cards) as (url, _):
        result = run_same_card(tmp_path, url, payouts=False)
    assert statuses(result)[ID] == "pass"
    assert "answers only" in next(c for c in result["checks"] if c["id"] == ID)["checked"]["en"]


def test_http_403_is_a_refusal(tmp_path: Path):
    with scripted_merchant(forbids_with_403) as (url, _):
        result = run_same_card(tmp_path, url)
    assert statuses(result)[ID] == "pass", messages(result, ID)
    assert attempts(result, ID)["other_card"]["answer"] == 403


def test_an_unreadable_answer_cannot_pass(tmp_path: Path):
    with scripted_merchant(html_for_other_cards) as (url, _):
        result = run_same_card(tmp_path, url)
    assert statuses(result)[ID] == "error"
    assert "not JSON" in messages(result, ID)


def test_with_refused_values_configured_another_value_is_inconclusive(tmp_path: Path):
    with scripted_merchant(under_review) as (url, _):
        result = run_same_card(tmp_path, url, refused=["REFUSED", "DENIED"])
    assert statuses(result)[ID] == "error"
    assert "neither an accepted nor a refused value" in messages(result, ID)


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
