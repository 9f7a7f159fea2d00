"""`golive check --sandbox DIR`: a merchant with no golive test endpoint, shaped like LianLian's public
认证支付 demo (tests/sandbox_merchants/authpay_demo_style.py), runs its real checkout, notify handler,
return page and payout call through a real `golive sandbox` on 127.0.0.1; then `golive check` judges
the journal alone. A correct merchant gets every 审核 item judged and passed; each planted defect
fails the check it should.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from sandbox_support import TIMEOUT, sandbox_running, wait_for

from golive.cli import main
from golive.sandbox import browser
from golive.sandbox.cards import card_for_user

HERE = Path(__file__).resolve().parent
REVIEW_ITEMS = ("review.risk", "review.notify", "review.same_card")
# (amount, scenario): one order per scenario the demo-style merchant is accepted on
ALSO_FAILS = {"payout_other_card": {"LL-PAY-007"}}
PAYMENTS = (("0.01", "success"), ("0.04", "duplicates"), ("0.08", "forged"), ("0.02", "failure"))


def _config(tmp_path: Path, merchant_pair: Any) -> dict[str, Any]:
    from conftest import TEST_MD5_KEY
    from sandbox_merchants.authpay_demo_style import OID

    (tmp_path / "md5.key").write_text(TEST_MD5_KEY)
    (tmp_path / "md5.key").chmod(0o600)  # a secret kept as LL-SIG-007 asks
    (tmp_path / "public.pem").write_text(merchant_pair.public_pem)
    books_query = HERE / "sandbox_merchants" / "books_query.py"
    return {"merchant": {"oid_partner": OID, "profile": "base", "frms_ware_category": "1002", "channels": ["web"]},
            "signing": {"sign_type": "MD5", "notify_sign_type": "MD5", "md5_key": {"file": str(tmp_path / "md5.key")},
                        "rsa_public_key": {"file": str(tmp_path / "public.pem")}},
            # exactly-once: the merchant's own books, read by a query on its database (no endpoint)
            "live": {"credits": {"command": f"{sys.executable} {books_query} {tmp_path / 'books.sqlite3'} {{no_order}}",
                                 "pointer": "/credits"}}}


def run_merchant(tmp_path: Path, merchant_pair: Any, defect: str | None) -> tuple[Path, Path]:
    """Drive the demo-style merchant through a real sandbox; returns (golive.yaml, state directory)."""
    from conftest import TEST_MD5_KEY
    from sandbox_merchants.authpay_demo_style import DemoStyleMerchant, PartnerConfig, ServerURLConfig, serve

    from golive.lianlian.keys import load_private_key

    overrides = _config(tmp_path, merchant_pair)
    with sandbox_running(tmp_path, overrides, max_deliveries=6) as sandbox:
        merchant = DemoStyleMerchant(PartnerConfig(TEST_MD5_KEY, load_private_key(merchant_pair.private_pem),
                                                   sandbox.key.public_key),
                                     ServerURLConfig(sandbox.base_url), tmp_path / "books.sqlite3", defect)
        server = serve(merchant)
        try:
            for number, (amount, scenario) in enumerate(PAYMENTS):
                user = f"zhao{number}"
                page = browser.get(f"{merchant.base_url}/gotoPrepositPay.jsp?user={user}&amount={amount}")
                answer = browser.submit(page.forms[0], referer=page.url)
                if answer.data.get("state") == "return":  # the sync return, carried by the payer's browser
                    assert "支付成功" in browser.submit(answer.forms[0], referer=answer.url).text
                else:
                    assert scenario == "failure" or defect in ("missing_risk_field", "unsorted_sign"), answer.text[:300]
                assert wait_for(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
            for card in (card_for_user("stranger"), card_for_user("zhao0")):  # another card, then the paying one
                requests.post(merchant.base_url + "/withdraw", timeout=TIMEOUT,
                              data={"user": "zhao0", "card_no": card, "amount": "0.01"})
            assert wait_for(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
        finally:
            server.shutdown()
            server.server_close()
    return tmp_path / "golive.yaml", tmp_path / "state"


def check(config: Path, state: Path, out: Path, *extra: str) -> dict[str, Any]:
    code = main(["check", str(config), "--sandbox", str(state), "--format", "json", "--output-dir", str(out),
                 "--no-progress", "-q", *extra])
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    result["exit_code"] = code
    return result


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in result["checks"]}


@pytest.fixture(scope="module")
def correct_run(tmp_path_factory: pytest.TempPathFactory, merchant_pair: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("demo_style")
    config, state = run_merchant(root, merchant_pair, None)
    result = check(config, state, root / "report")
    result["_root"] = root
    return result


def test_every_review_item_is_judged_from_the_sandbox_run(correct_run: dict[str, Any]) -> None:
    found = statuses(correct_run)
    items = correct_run["summary"]["items"]
    assert {item: items[item]["state"] for item in REVIEW_ITEMS} == {item: "pass" for item in REVIEW_ITEMS}, \
        {k: v for k, v in found.items() if v not in ("pass", "not_applicable", "skipped")}
    # judged from the real run, not merely "not applicable": each item has checks that passed on it
    for check_id in ("LL-RSK-001", "LL-RSK-002", "LL-RSK-003", "LL-RSK-004", "LL-RSK-005", "LL-RSK-006",
                     "LL-NTF-009", "LL-NTF-010", "LL-NTF-011", "LL-CRD-004", "LL-SIG-006", "LL-PAY-007"):
        assert found[check_id] == "pass", (check_id, found[check_id])
    assert not [c for c, s in found.items() if s == "fail"], found


def test_sandbox_callbacks_are_not_taken_for_lianlian_s_key(correct_run: dict[str, Any]) -> None:
    sig9 = next(c for c in correct_run["checks"] if c["id"] == "LL-SIG-009")
    assert sig9["status"] == "not_applicable"
    assert "stand-in" in sig9["reason"]["en"]


def test_the_report_names_the_journal_events(correct_run: dict[str, Any]) -> None:
    ntf10 = next(c for c in correct_run["checks"] if c["id"] == "LL-NTF-010")
    assert "live.credits (command)" in ntf10["checked"]["en"]
    shown = {e.get("no_order"): e for e in ntf10["evidence"]}
    assert any(e.get("notifications", 0) > 1 and e.get("credits") == 1 for e in shown.values()), shown


def test_without_a_credits_recipe_exactly_once_does_not_pass(correct_run: dict[str, Any], tmp_path: Path) -> None:
    import yaml

    config_path = correct_run["_root"] / "golive.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.pop("live")
    bare = config_path.parent / "bare.yaml"
    bare.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = check(bare, correct_run["_root"] / "state", tmp_path / "report")
    found = statuses(result)
    assert found["LL-NTF-010"] == "not_applicable"
    reason = next(c for c in result["checks"] if c["id"] == "LL-NTF-010")["reason"]["en"]
    assert "live.credits" in reason
    # forged copies refused and the genuine one acknowledged still count, without the books
    assert found["LL-NTF-011"] == "pass"


@pytest.mark.parametrize("defect", ["missing_risk_field", "unsorted_sign", "ack_single_quoted", "double_credit",
                                    "no_signature_check", "payout_other_card"])
def test_each_planted_defect_fails_its_check(tmp_path: Path, merchant_pair: Any, defect: str) -> None:
    from sandbox_merchants.authpay_demo_style import EXPECTED_FAILURE

    config, state = run_merchant(tmp_path, merchant_pair, defect)
    result = check(config, state, tmp_path / "report")
    found = statuses(result)
    expected = EXPECTED_FAILURE[defect]
    assert found[expected] == "fail", (defect, expected, found[expected],
                                       next(c for c in result["checks"] if c["id"] == expected)["reason"])
    # and nothing else: one defect, one failing check (a payout to another card also fails the payout item's audit)
    assert {c for c, s in found.items() if s == "fail"} == {expected} | ALSO_FAILS.get(defect, set()), found
    assert result["verdict"] == "not_ready" and result["exit_code"] == 1


def test_the_journal_reads_as_capture_records(correct_run: dict[str, Any]) -> None:
    from golive.evidence.journal_records import iter_journal_records
    from golive.sandbox.journal import EventKind, read_events

    state = correct_run["_root"] / "state"
    records = list(iter_journal_records(state / "sandbox.sqlite3", "golive-sandbox"))
    assert {r.kind for r in records} == {"pay_request", "query", "notify", "return"}
    assert all(r.source == "sandbox" and r.file == "golive-sandbox" and not r.broken for r in records)
    pay = next(r for r in records if r.kind == "pay_request")
    assert pay.channel == "web" and pay.wrapped == "form" and pay.risk_item().state == "string"
    assert pay.response and pay.response["status"] == 200
    forged = {e.seq for e in read_events(state, kinds=[EventKind.NOTIFY_DELIVERY]) if e.forged}
    notified = [r for r in records if r.kind == "notify"]
    assert forged and not forged & {r.line for r in notified}  # forged copies are LL-NTF-011's, never "captured acks"
    assert all(r.response and r.response.get("elapsed_ms") is not None for r in notified)


def test_a_directory_without_a_journal_is_bad_input(correct_run: dict[str, Any], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(correct_run["_root"] / "golive.yaml"), "--sandbox", str(tmp_path), "--format", "json",
                 "--output-dir", str(tmp_path / "out"), "--no-progress", "-q"])
    assert code == 2 and "--sandbox" in capsys.readouterr().err


def test_saved_sandbox_evidence_is_judged_again_the_same(correct_run: dict[str, Any], tmp_path: Path) -> None:
    root = correct_run["_root"]
    saved = check(root / "golive.yaml", root / "state", tmp_path / "first", "--save-evidence", str(tmp_path / "saved"))
    code = main(["check", "--from-evidence", str(tmp_path / "saved"), "--format", "json", "--output-dir",
                 str(tmp_path / "again"), "--no-progress", "-q"])
    again = json.loads((tmp_path / "again" / "result.json").read_text(encoding="utf-8"))
    assert code == saved["exit_code"] == 0
    assert statuses(again) == statuses(saved)
    text = (tmp_path / "saved").joinpath("captures.jsonl").read_text(encoding="utf-8")
    assert "110101199003070011" not in text  # the payer's ID number is masked in what is saved


def test_evidence_sandbox_in_the_config_is_the_same_as_the_flag(correct_run: dict[str, Any], tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    root = correct_run["_root"]
    config = yaml.safe_load((root / "golive.yaml").read_text(encoding="utf-8"))
    config["evidence"] = {"sandbox": str(root / "state")}
    path = root / "with-evidence.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    code = main(["check", str(path), "--format", "json", "--output-dir", str(tmp_path / "a"), "--no-progress", "-q"])
    assert code == 0
    assert statuses(json.loads((tmp_path / "a" / "result.json").read_text(encoding="utf-8"))) == statuses(correct_run)
    config["evidence"] = {"sandbox": str(tmp_path / "nowhere")}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    code = main(["check", str(path), "--format", "json", "--output-dir", str(tmp_path / "b"), "--no-progress", "-q"])
    assert code == 2 and "evidence.sandbox" in capsys.readouterr().err
