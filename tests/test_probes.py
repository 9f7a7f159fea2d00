"""The probe machinery: recipes, placeholders, pointers, commands, target policy, redaction,
credited test orders, and the runner's bookkeeping -- against real loopback servers."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from golive.probes.http import Blocked, HttpClient, HttpRequest, TargetPolicy, redact_body, redact_headers
from golive.probes.recipes import ProbeError, fill, resolve_pointer
from probe_support import demo_merchant, probe_config


def _context(config_path: Path):
    from golive.config import load_config
    from golive.gatherers.config import gather_keys
    from golive.probes.runner import build_context

    config = load_config(config_path)
    return build_context(config, gather_keys(config)[2], environ={"GOLIVE_PROBE_LOOPBACK_ONLY": "1"})


def test_resolve_pointer_follows_rfc6901():
    doc = {"data": {"no": "X1", "a/b": 1, "m~n": 2, "list": [10, 20]}}
    assert resolve_pointer(doc, "/data/no") == "X1"
    assert resolve_pointer(doc, "/data/a~1b") == 1
    assert resolve_pointer(doc, "/data/m~0n") == 2
    assert resolve_pointer(doc, "/data/list/1") == 20
    assert resolve_pointer(doc, "") == doc
    with pytest.raises(LookupError, match="/data/missing"):
        resolve_pointer(doc, "/data/missing")


def test_placeholders_are_filled_and_url_encoded_and_unknown_ones_are_named():
    assert fill("/orders/{no_order}", {"no_order": "A B/1"}, "k", url=True) == "/orders/A%20B%2F1"
    assert fill('{"raw": 1, "v": "{amount}"}', {"amount": "0.01"}, "k") == '{"raw": 1, "v": "0.01"}'
    with pytest.raises(ProbeError, match=r"unknown placeholder \{nope\} in live.credits.http.url"):
        fill("/x/{nope}", {"no_order": "1"}, "live.credits.http.url")


def test_credited_order_against_the_demo_merchant(tmp_path: Path):
    with demo_merchant() as running:
        ctx = _context(probe_config(tmp_path, running.base_url))
        exchanges: list = []
        order = ctx.credited_order(exchanges=exchanges)
        assert running.merchant.store.credit_count(order.no_order) == 1
    no_order, user_id, no_agree, amount = order
    assert (amount, len(no_agree)) == ("0.01", 16) and user_id.startswith("golive")
    assert [e.label for e in exchanges] == ["create_order", "notify (credit a test order)", "credits"]
    notify = exchanges[1].to_dict()
    assert notify["request"]["headers"]["Content-Type"] == "text/json;charset=utf-8"
    sent = json.loads(notify["request"]["body"])
    # LianLian's field set (protocol.md §5.1), with personal data redacted in the stored exchange.
    assert set(sent) == {"oid_partner", "sign_type", "sign", "dt_order", "no_order", "oid_paybill", "money_order",
                         "result_pay", "settle_date", "info_order", "pay_type", "bank_code", "no_agree", "id_type",
                         "id_no", "acct_name"}
    assert sent["acct_name"].endswith("*") and "*" in sent["id_no"]


def test_command_recipe_runs_without_a_shell_and_reads_stdout_json(tmp_path: Path):
    script = tmp_path / "credits.py"
    script.write_text("import json, sys\nprint(json.dumps({'count': len(sys.argv[1])}))\n", encoding="utf-8")
    with demo_merchant() as running:
        config = probe_config(tmp_path, running.base_url, {"credits": {
            "command": f"{sys.executable} {script} {{no_order}}", "pointer": "/count"}})
        ctx = _context(config)
        answer = ctx.run_recipe("credits", {"no_order": "abc; rm -rf /"})
    assert answer.ok and answer.value == len("abc; rm -rf /")  # one argument, never a shell
    assert answer.exchange is not None and answer.exchange.kind == "command"


def test_failing_command_recipe_reports_its_exit_status(tmp_path: Path):
    with demo_merchant() as running:
        config = probe_config(tmp_path, running.base_url, {"credits": {
            "command": f"{sys.executable} -c \"import sys; sys.exit(3)\"", "pointer": "/count"}})
        answer = _context(config).run_recipe("credits", {"no_order": "x"})
    assert not answer.ok and "exited with status 3" in (answer.error or "")


def test_policy_refuses_hosts_that_are_not_in_the_live_config():
    policy = TargetPolicy(frozenset({"127.0.0.1"}))
    with pytest.raises(Blocked, match="not one of the live: hosts"):
        policy.address_for("pay.example.com", 443)
    client = HttpClient(policy, 1.0, time.monotonic() + 5)
    response, exchange = client.send(HttpRequest("GET", "http://203.0.113.9/x"))
    assert response.error_kind == "blocked" and exchange.error_kind == "blocked"


def test_loopback_only_policy_refuses_a_configured_public_address():
    policy = TargetPolicy(frozenset({"203.0.113.9"}), loopback_only=True)
    with pytest.raises(Blocked, match="restricted to loopback"):
        policy.address_for("203.0.113.9", 80)


def test_redaction_of_bodies_and_headers():
    body = json.dumps({"id_no": "110101199003071234", "acct_name": "张三", "card_no": "6222020200001234567"})
    shown = json.loads(redact_body(body.encode(), "text/json") or "{}")
    assert shown == {"id_no": "110***********1234", "acct_name": "张*", "card_no": "622202*********4567"}
    assert redact_headers({"Authorization": "Bearer abc", "X-Api-Key": "k"})["Authorization"].startswith("[redacted")


def _gathered(config_path: Path, *ids: str):
    """The engine's gathering for `--probe --select IDS`: what the probes sent and recorded."""
    from golive.engine import Run, RunOptions

    run = Run(RunOptions(config_path, probe=True, select=set(ids)))
    run.gather(run.checks())
    return run


def test_select_limits_the_probes_to_the_selected_checks(tmp_path: Path):
    # The engine plans the probe scenario groups from the selected checks (CheckMeta.probes): only
    # what a selected check will judge is sent.
    with demo_merchant() as running:
        run = _gathered(probe_config(tmp_path, running.base_url), "LL-NTF-007")
    assert set(run.bundle.value("probe.notify")["scenarios"]) == {"non_success.FAILURE", "non_success.PROCESSING"}
    assert run.bundle.get("probe.return").state.value == "missing"  # no selected check reads it: nothing sent
    assert any(t.endswith("/llpay/notify") for t in run.provenance["probe_targets"])


def test_select_forged_sends_only_the_forgeries_and_their_controls(tmp_path: Path):
    with demo_merchant() as running:
        run = _gathered(probe_config(tmp_path, running.base_url), "LL-NTF-005")
    scenarios = run.bundle.value("probe.notify")["scenarios"]
    assert set(scenarios) == {"forged.bad_signature", "forged.wrong_key", "forged.unsigned", "forged.other_sign_type"}
    for name, scenario in scenarios.items():
        notified = [e for e in scenario["exchanges"] if e["target"] == "notify_url"]
        # the forgery, then its positive control: a correct notification for the same order
        assert [e["label"] for e in notified] == [f"forged notification ({name.split('.')[1]})",
                                                  "control: correct notification, same order"], name
        assert scenario["notes"]["control_seq"] == notified[1]["seq"]


def test_select_same_card_sends_only_the_withdrawals(tmp_path: Path):
    from crd_support import same_card_live

    with demo_merchant() as running:
        config = probe_config(tmp_path, running.base_url, same_card_live(running.base_url))
        run = _gathered(config, "LL-CRD-001")
    assert run.bundle.get("probe.notify").state.value == "missing"
    value = run.bundle.value("probe.withdraw")
    assert set(value["attempts"]) == {"other_card", "control"}  # no over-bound attempts: nobody judges them
    assert value["groups"] == ["withdraw.other_card"]


def test_probe_evidence_holds_observations_not_verdicts(tmp_path: Path):
    # Raw, redacted observations: exchanges with status, body, timing and target; credit counts per
    # moment; no acknowledgement verdicts (they are judging, golive/judging/).
    with demo_merchant() as running:
        config = probe_config(tmp_path, running.base_url, {"burst": 4, "redeliveries": 3})
        run = _gathered(config, "LL-NTF-002", "LL-NTF-004")
    value = run.bundle.value("probe.notify")
    text = json.dumps(value)
    for verdict in ('"positive"', '"contract_ok"', '"sends"', '"check"', "LL-NTF"):
        assert verdict not in text, verdict
    ack = value["scenarios"]["ack"]
    assert set(ack) == {"name", "error", "orders", "exchanges", "notes", "elapsed_ms"}
    assert ack["orders"]["main"]["credits"] == {"after_ack": 1, "final": 1}
    notify = next(e for e in ack["exchanges"] if e["target"] == "notify_url")
    assert (notify["response"]["status"], notify["timed_from"], notify["response"]["truncated_chars"]) == (200, "request", 0)
    assert json.loads(notify["response"]["body"]) == {"ret_code": "0000", "ret_msg": "交易成功"}
    burst = value["scenarios"]["burst.1"]
    copies = [e for e in burst["exchanges"] if e["label"].startswith("notify burst copy")]
    assert len(copies) == 4 and {e["timed_from"] for e in copies} == {"last_byte"}
    assert burst["notes"]["late_seq"] in {e["seq"] for e in burst["exchanges"]}


def test_a_server_dripping_its_answer_is_cut_off_by_the_whole_exchange_timeout():
    from probe_support import tiny_server

    with tiny_server("drip") as url:
        policy = TargetPolicy(frozenset({"127.0.0.1"}), loopback_only=True)
        response, exchange = HttpClient(policy, 0.5, time.monotonic() + 30).send(HttpRequest("GET", url + "/x"))
    assert (response.error_kind, exchange.error_kind) == ("timeout", "timeout")
    assert "no complete answer within 0.5 s" in (response.error or "")
