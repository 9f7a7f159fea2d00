"""LL-CRD-002: a withdrawal above paid + earnings − already withdrawn is refused -- probed live on
loopback, with the positive control."""

from __future__ import annotations

from pathlib import Path

from crd_support import attempts, forgets_withdrawn, refuse_all, run_same_card, same_card_live, scripted_merchant
from probe_support import demo_merchant, demo_results, messages, probe_config, run_probed, statuses

ID = "LL-CRD-002"


def test_correct_demo_merchant_passes():
    result = demo_results()
    assert statuses(result)[ID] == "pass", messages(result, ID)
    seen = attempts(result, ID)
    assert seen["over_bound"]["outcome"] == "refused"
    assert seen["over_bound_cumulative"]["withdrawn_before"] == seen["control"]["amount"]


def test_no_amount_bound_defect_fails_both_the_single_and_the_cumulative_attempt():
    result = demo_results("no_amount_bound")
    assert statuses(result)[ID] == "fail"
    check = next(c for c in result["checks"] if c["id"] == ID)
    assert {f["data"]["attempt"] for f in check["findings"]} == {"over_bound", "over_bound_cumulative"}
    assert "bound 0.01; asked for 0.02" in messages(result, ID)


def test_earnings_raise_the_bound_and_the_correct_merchant_still_passes(tmp_path: Path):
    with demo_merchant() as running:
        result = run_same_card(tmp_path, running.base_url, earn=True)
    assert statuses(result)[ID] == "pass", messages(result, ID)
    seen = attempts(result, ID)
    assert (seen["over_bound"]["earned"], seen["over_bound"]["bound"], seen["over_bound"]["amount"]) == ("0.01", "0.02", "0.03")


def test_forgetting_what_was_already_withdrawn_fails_only_the_cumulative_attempt(tmp_path: Path):
    with scripted_merchant(forgets_withdrawn) as (url, _):
        result = run_same_card(tmp_path, url, earn=True)
    assert statuses(result)[ID] == "fail"
    check = next(c for c in result["checks"] if c["id"] == ID)
    assert [f["data"]["attempt"] for f in check["findings"]] == ["over_bound_cumulative"]
    assert statuses(result)["LL-CRD-001"] == "pass"


def test_a_merchant_refusing_every_withdrawal_fails_the_positive_control(tmp_path: Path):
    with scripted_merchant(refuse_all) as (url, _):
        result = run_same_card(tmp_path, url)
    assert statuses(result)[ID] == "fail"
    assert "positive control failed" in messages(result, ID)
    checked = next(c for c in result["checks"] if c["id"] == ID)["checked"]["en"]
    assert "not judged: over_bound_cumulative: the control withdrawal was not accepted" in checked


def test_a_merchant_that_cannot_credit_the_test_order_cannot_pass(tmp_path: Path):
    with scripted_merchant(refuse_all) as (url, _):
        live = {**same_card_live(url), "credits": {"http": {"method": "GET", "url": url + "/nowhere/{no_order}"},
                                                   "pointer": "/credits"}}
        config = probe_config(tmp_path, url, live)
        result = run_probed(config, ID)
    assert statuses(result)[ID] == "error"
    assert "could not have the probe user pay with card A" in messages(result, ID)


def test_without_probe_it_is_not_applicable(tmp_path: Path):
    result = run_probed(probe_config(tmp_path, "http://127.0.0.1:9"), ID, probe=False)
    assert statuses(result)[ID] == "not_applicable"
