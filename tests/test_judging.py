"""Judging probe observations (golive/judging/): the one acknowledgement reader, the withdrawal
answer reading, and judging the same probe evidence again after it was saved as JSON -- what makes
"probes observe, checks judge" true. Live parts run against real servers on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golive.judging.acks import ack_findings, ack_of_exchange, ack_problem, read_ack
from golive.judging.same_card import ACCEPTED, REFUSED, UNKNOWN, read_answer
from probe_support import check, demo_merchant, fake_merchant, no_of, probe_config, run_probed

OK = '{"ret_code":"0000","ret_msg":"交易成功"}'


@pytest.mark.parametrize("status, body, elapsed, positive, contract, rules, problem", [
    (200, OK, 40.0, True, True, [], None),
    (200, '{"ret_code":"0000","ret_msg":"ok"}', 40.0, True, True, ["ret_msg"], None),  # low, uncertain
    (200, "{'ret_code':'0000','ret_msg':'交易成功'}", 40.0, True, False, ["json"], "single quotes"),
    (200, '{"ret_code":"9999","ret_msg":"x"}', 40.0, False, False, ["ret_code"], "ret_code '9999'"),
    (500, OK, 40.0, False, False, ["status"], "HTTP 500"),
    (200, OK, 5200.0, True, False, ["slow"], "after 5.2 s"),
    (200, OK, None, True, True, [], None),  # a capture without timing: the 5 s rule is not judged
    (200, "success", 40.0, False, False, ["json"], "not JSON"),
    (200, "[1]", 40.0, False, False, ["json"], "not an object"),
])
def test_one_reader_for_every_answer(status, body, elapsed, positive, contract, rules, problem):
    ack = read_ack(status, body.encode("utf-8"), elapsed)
    assert (ack.positive, ack.contract_ok) == (positive, contract)
    assert [f.data["rule"] for f in ack_findings(ack)] == rules
    found = ack_problem(ack)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_ret_msg_other_than_the_demos_is_low_and_uncertain():
    (finding,) = ack_findings(read_ack(200, '{"ret_code":"0000","ret_msg":"ok"}', 10.0))
    assert (finding.severity.value, finding.uncertain) == ("low", True)


def test_an_answer_kept_only_in_part_is_unreadable_not_wrong():
    exchange = {"seq": 3, "label": "notify", "target": "notify_url", "elapsed_ms": 12.0, "error": None,
                "response": {"status": 200, "body": '{"ret_code":"0000","pad":"xxxx… [900 more chars]',
                             "truncated_chars": 900}}
    ack = ack_of_exchange(exchange)
    assert ack.truncated and not ack.positive and ack.seq == 3
    assert ack_findings(ack) == []  # nothing said about syntax that was not seen
    assert "longer than golive keeps" in (ack_problem(ack) or "")


def test_a_transport_failure_is_no_answer():
    ack = read_ack(None, None, 1500.0, "no complete answer within 1.5 s", "timeout")
    assert not ack.answered and not ack.positive and ack_problem(ack) == "no complete answer within 1.5 s"


@pytest.mark.parametrize("answer, recipe, outcome", [
    ({"via": "http", "status": 200, "value": "ACCEPTED", "error": None}, {"accepted": ["ACCEPTED"]}, ACCEPTED),
    ({"via": "http", "status": 200, "value": "accepted ", "error": None}, {"accepted": "ACCEPTED"}, ACCEPTED),
    ({"via": "http", "status": 200, "value": 1, "error": None}, {"accepted": ["1"]}, ACCEPTED),
    ({"via": "http", "status": 200, "value": "REFUSED", "error": None}, {"accepted": ["ACCEPTED"]}, REFUSED),
    ({"via": "http", "status": 200, "value": "REVIEW", "error": None},
     {"accepted": ["ACCEPTED"], "refused": ["REFUSED"]}, UNKNOWN),
    ({"via": "http", "status": 403, "value": None, "error": "live.withdraw: HTTP 403 (expected 2xx)"}, {}, REFUSED),
    ({"via": "http", "status": 502, "value": None, "error": "live.withdraw: HTTP 502 (expected 2xx)"}, {}, UNKNOWN),
    ({"via": "command", "status": 404, "value": None, "error": "exited with status 404"}, {}, UNKNOWN),  # an exit code
    ({"via": "http", "status": None, "value": None, "error": "no complete answer within 5 s"}, {}, UNKNOWN),
    (None, {}, UNKNOWN),
])
def test_withdrawal_answers_are_read_in_judging(answer, recipe, outcome):
    assert read_answer(answer, recipe)[0] == outcome


def test_saved_probe_evidence_is_judged_the_same(tmp_path: Path):
    # The evidence is plain JSON: judging it again after a round trip gives the same statuses and
    # findings, with no probe code involved -- probes observe, checks judge.
    from crd_support import same_card_live
    from golive.engine import Run, RunOptions
    from golive.evidence.bundle import Evidence

    ids = {"LL-NTF-002", "LL-NTF-004", "LL-NTF-005", "LL-NTF-008", "LL-RET-001", "LL-CRD-001", "LL-CRD-002"}
    with demo_merchant("withdraw_any_card") as running:
        config = probe_config(tmp_path, running.base_url, {**same_card_live(running.base_url), "burst": 4})
        run = Run(RunOptions(config, probe=True, select=ids))
        checks = run.checks()
        run.gather(checks)
    first = {r.check.meta.id: r for r in run.judge(checks) if r.check.meta.id in ids}
    for kind in ("probe.notify", "probe.return", "probe.withdraw"):
        saved = json.loads(json.dumps(run.bundle.value(kind), ensure_ascii=False))
        run.bundle.put(kind, Evidence.ok(saved, source="saved"))
    again = {r.check.meta.id: r for r in run.judge(checks) if r.check.meta.id in ids}
    assert {i: r.status.value for i, r in first.items()} == {i: r.status.value for i, r in again.items()}
    assert first["LL-CRD-001"].status.value == "fail" and first["LL-NTF-005"].status.value == "pass"

    def messages(results):
        return {i: [f.message.en for f in (r.judgement.findings if r.judgement else ())] for i, r in results.items()}

    assert messages(first) == messages(again)


def test_an_ack_too_long_to_keep_is_an_error_never_a_verdict(tmp_path: Path):
    # A 0000 answer padded past what golive keeps of a body: its syntax was not seen, so LL-NTF-002
    # says it cannot judge it -- neither a pass nor an invented "not JSON".
    long_ok = json.dumps({"ret_code": "0000", "ret_msg": "交易成功", "pad": "x" * 6000})

    def answer(body: bytes, merchant) -> tuple[int, str]:
        merchant.credit(no_of(body))
        return 200, long_ok

    with fake_merchant(answer) as (url, _):
        result = run_probed(probe_config(tmp_path, url), "LL-NTF-002")
    found = check(result, "LL-NTF-002")
    assert found["status"] == "error", found
    assert "longer than golive keeps" in found["reason"]["en"]
