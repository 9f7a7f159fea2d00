"""Statuses, verdict and exit codes (design.md §3), through the CLI and the engine."""

from __future__ import annotations

import json

import pytest

from golive.cli import main
from golive.engine import CheckResult, compute_verdict, status_from_judgement
from golive.model import Check, CheckMeta, Finding, Item, Judgement, Severity, Status, Text, Verdict

from conftest import REPO, TEST_MD5_KEY, check_of

EXAMPLE_CONFIG = REPO / "examples" / "golive.yaml"


@pytest.fixture(autouse=True)
def md5_env(monkeypatch):
    monkeypatch.setenv("GOLIVE_TEST_MD5", TEST_MD5_KEY)


def _meta(check_id: str = "LL-SIG-001", item: Item = Item.INTEGRATION_SIGNATURE) -> CheckMeta:
    text = Text("中", "en")
    return CheckMeta(check_id, item, Severity.HIGH, text, text, text, ("x",))


def _result(status: Status, severity: Severity = Severity.HIGH, item: Item = Item.INTEGRATION_SIGNATURE) -> CheckResult:
    return CheckResult(Check(_meta(item=item)), status, severity, None)


def test_exit_0_when_ready(capsys, tmp_path):
    # A full run of the example merchant's config: every review item judged from its evidence.
    code = main(["check", str(EXAMPLE_CONFIG), "--format", "text,json", "--output-dir", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().out
    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert result["schema"] == "golive.result/2" and result["verdict"] == "ready"
    assert len(result["provenance"]["config_sha256"]) == 64
    assert result["provenance"]["selection"] is None


def test_deselecting_a_golive_item_never_leaves_it_green(capsys, tmp_path):
    # --skip of every same-card check used to print 可以上线 while the table said 审核3 未判定.
    code = main(["check", str(EXAMPLE_CONFIG), "--skip", "LL-CRD-001,LL-CRD-002,LL-CRD-003", "--format", "json",
                 "--output-dir", str(tmp_path)])
    assert code == 3
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["verdict"] == "incomplete"
    assert {"kind": "deselected", "item": "review.same_card"} in [
        {"kind": r["kind"], "item": r.get("item")} for r in result["summary"]["reasons"]]
    selection = result["provenance"]["selection"]
    assert selection["skip"] == ["LL-CRD-001", "LL-CRD-002", "LL-CRD-003"]
    assert "review.same_card" in selection["items_without_judgement"]


def test_exit_1_when_not_ready(config_factory, capsys, tmp_path):
    config = config_factory({"signing": {"notify_sign_type": None}})
    assert main(["check", str(config), "--select", "LL-SIG-001", "--format", "text", "--output-dir", str(tmp_path)]) == 1


def test_exit_3_when_incomplete(config_factory, capsys, tmp_path):
    config = config_factory({"merchant": {"environment": "production"}})
    assert main(["check", str(config), "--select", "LL-LIM-002", "--format", "text", "--output-dir", str(tmp_path)]) == 3


def test_fail_on_threshold(config_factory, capsys, tmp_path):
    # a medium-severity finding (world-readable key) is below the default gate, at/above --fail-on medium
    config = config_factory()
    (tmp_path / "keys" / "merchant_private.pem").chmod(0o644)
    args = ["check", str(config), "--select", "LL-SIG-007", "--format", "text", "--output-dir", str(tmp_path / "o")]
    assert main(args) == 3  # below the gate; incomplete only because --select left the review items unjudged
    assert main(args + ["--fail-on", "medium"]) == 1


def test_uncovered_review_items_keep_the_verdict_from_ready(config_factory, run_checks):
    result = run_checks(config_factory())
    assert result["verdict"] == "incomplete"
    uncovered = {r["item"] for r in result["summary"]["reasons"] if r["kind"] == "uncovered"}
    assert "review.notify" in uncovered  # no probes, no captured notifications: nothing shown


def test_status_mapping():
    finding = Finding(Text("a", "a"), severity=Severity.LOW)
    assert status_from_judgement(Judgement.violations([finding], Text("x", "x")), Severity.HIGH) == (Status.FAIL, Severity.LOW)
    assert status_from_judgement(Judgement.clean(Text("x", "x")), Severity.HIGH)[0] is Status.PASS
    assert status_from_judgement(Judgement.cannot_judge(Text("r", "r")), Severity.HIGH)[0] is Status.ERROR
    assert status_from_judgement(Judgement.needs_attestation(Text("r", "r")), Severity.HIGH)[0] is Status.MANUAL
    assert status_from_judgement(Judgement.not_applicable(Text("r", "r")), Severity.HIGH)[0] is Status.NOT_APPLICABLE


def test_verdict_rules():
    ok = _result(Status.PASS)
    assert compute_verdict([ok], Severity.HIGH, "integration")[0] is Verdict.READY
    assert compute_verdict([ok, _result(Status.FAIL)], Severity.HIGH, "integration")[0] is Verdict.NOT_READY
    assert compute_verdict([ok, _result(Status.FAIL, Severity.LOW)], Severity.HIGH, "integration")[0] is Verdict.READY
    assert compute_verdict([ok, _result(Status.ERROR)], Severity.HIGH, "integration")[0] is Verdict.INCOMPLETE
    assert compute_verdict([ok, _result(Status.WAIVED)], Severity.HIGH, "integration")[0] is Verdict.READY
    # a review item with only not_applicable/error checks is not covered
    na = _result(Status.NOT_APPLICABLE, item=Item.REVIEW_NOTIFY)
    assert compute_verdict([ok, na], Severity.HIGH, "integration")[0] is Verdict.INCOMPLETE
    # pre-release items are required in production only
    release = _result(Status.NOT_APPLICABLE, item=Item.RELEASE_LIMITS)
    assert compute_verdict([ok, release], Severity.HIGH, "integration")[0] is Verdict.READY
    assert compute_verdict([ok, release], Severity.HIGH, "production")[0] is Verdict.INCOMPLETE


def test_crashing_check_is_error_not_pass(config_factory, run_checks, monkeypatch):
    import golive.registry as registry

    checks = registry.all_checks()
    target = next(c for c in checks if c.meta.id == "LL-SIG-001")

    def boom(bundle, ctx):
        raise RuntimeError("kaboom")

    patched = tuple(Check(c.meta, boom, c.stream_judge, c.module) if c is target else c for c in checks)
    monkeypatch.setattr(registry, "all_checks", lambda: patched)
    check = check_of(run_checks(config_factory(), "LL-SIG-001"), "LL-SIG-001")
    assert check["status"] == "error"
    assert "kaboom" in check["reason"]["en"]


def test_crashing_stream_check_is_error_and_the_run_goes_on(config_factory, run_checks, monkeypatch, tmp_path):
    import golive.registry as registry
    from golive.model import Reducer

    class Boom(Reducer):
        def feed(self, record):
            raise ValueError("bad record handling")

        def finish(self):  # pragma: no cover - never reached
            raise AssertionError

    checks = registry.all_checks()
    patched = tuple(Check(c.meta, c.judge, Boom, c.module) if c.meta.id == "LL-LIM-004" else c for c in checks)
    monkeypatch.setattr(registry, "all_checks", lambda: patched)
    capture = tmp_path / "c.jsonl"
    capture.write_text('{"kind":"pay_request","params":{"money_order":"0.01","user_id":"u","dt_order":"20261129100000"}}\n',
                       encoding="utf-8")
    result = run_checks(config_factory(), "LL-LIM-004", "LL-SIG-001", captures=[str(capture)])
    assert check_of(result, "LL-LIM-004")["status"] == "error"
    assert "bad record handling" in check_of(result, "LL-LIM-004")["reason"]["en"]
    assert check_of(result, "LL-SIG-001")["status"] == "pass"
