"""The sandbox writes the day's JYMX/JYMXSUM/FKMX for what it processed and serves them over SFTP;
a reconciliation of the demo merchant's books against them, through golive check, finds nothing --
and finds the double credit of a merchant without idempotency (LL-REC-006), after the fact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from conftest import check_of, status_of
from sandbox_support import OID, TIMEOUT, sandbox_running, write_config


def _client_key(tmp_path: Path) -> tuple[Path, str]:
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / "sftp_id"
    path.write_bytes(key.export_private_key("openssh"))
    path.chmod(0o600)
    return path, key.export_public_key("openssh").decode().strip()


def _flow(tmp_path: Path, defects: frozenset[str]) -> tuple[dict[str, Any], Path, Any]:
    """Pay through the sandbox (success, duplicates), withdraw to the paying card; return the run's
    result of LL-REC-* over SFTP, the state directory, and what the demo merchant booked."""
    from golive.engine import RunOptions, run_check
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant
    from golive.sandbox.cards import card_for_user
    from golive.sandbox.demo import pay, wait_until
    from golive.sandbox.journal import read_events

    key_file, public_line = _client_key(tmp_path)
    with sandbox_running(tmp_path, sftp_port=0, sftp_authorized_keys=(public_line,)) as sandbox:
        assert sandbox.sftp is not None
        settings = DemoSettings.from_example_keys(db_path=tmp_path / "merchant.sqlite3", defects=defects) \
            .against(sandbox.base_url, sandbox.key.public_pem)
        with start_demo_merchant(settings) as merchant:
            for user, amount in (("rec-u1", "0.01"), ("rec-u2", "0.04"), ("rec-u3", "0.06")):
                pay(merchant.base_url, user, amount, "web")
            wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
            agreement = next(e.detail["no_agree"] for e in read_events(sandbox.journal, kinds=["cashier"])
                             if e.user_id == "rec-u1")
            answer = requests.post(merchant.url("/test/withdrawals"), json={
                "user": "rec-u1", "card": agreement, "amount": "0.01", "card_no": card_for_user("rec-u1")},
                timeout=TIMEOUT).json()
            assert answer["result"] == "ACCEPTED"
            wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
            ledger = tmp_path / "ledger.csv"
            ledger.write_text(requests.get(merchant.url("/test/ledger.csv"), timeout=TIMEOUT).text, encoding="utf-8")
            config = write_config(tmp_path, {"evidence": {"ledger": str(ledger)}, "reconciliation": {"sftp": {
                "host": "127.0.0.1", "port": sandbox.sftp.port, "username": "merchant",
                "private_key": {"file": str(key_file)}, "host_key": sandbox.sftp.host_key_line, "directory": "/"}}},
                name="check.yaml")
            result = run_check(RunOptions(config_path=config, select={f"LL-REC-00{n}" for n in range(1, 7)}))
        return result, sandbox.sandbox.settings.state_dir, ledger


def test_sandbox_statements_over_sftp_reconcile_with_the_demo_merchant(tmp_path: Path) -> None:
    result, state_dir, _ = _flow(tmp_path, frozenset())
    for n in range(1, 7):
        assert status_of(result, f"LL-REC-00{n}") == "pass", check_of(result, f"LL-REC-00{n}")
    files = sorted(p.name for p in (Path(state_dir) / "statements").iterdir())
    assert any(n.startswith(f"JYMX_{OID}_") for n in files) and any(n.startswith(f"FKMX_{OID}_") for n in files)
    assert any(n.startswith(f"JYMXSUM_{OID}_") for n in files)
    source = check_of(result, "LL-REC-001")["evidence"][0]["source"]
    assert source["kind"] == "sftp"


def test_double_credit_is_found_after_the_fact(tmp_path: Path) -> None:
    result, _, _ = _flow(tmp_path, frozenset({"no_idempotency"}))
    check = check_of(result, "LL-REC-006")
    assert check["status"] == "fail", check
    assert len(check["findings"][0]["data"]["ledger"]) >= 2
    assert status_of(result, "LL-REC-004") == "pass"


def test_statements_endpoint_and_cli_options(tmp_path: Path) -> None:
    with sandbox_running(tmp_path) as sandbox:
        answer = requests.post(sandbox.url("/_sandbox/statements"), timeout=TIMEOUT).json()
        assert answer["ok"] is True and answer["files"] == []  # nothing processed yet
    from golive.cli import main

    config = write_config(tmp_path, name="c.yaml")
    assert main(["sandbox", str(config), "--port", "0", "--state-dir", str(tmp_path / "s2"), "--sftp-port", "0"]) == 2
    bad = tmp_path / "bad.pub"
    bad.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    assert main(["sandbox", str(config), "--port", "0", "--state-dir", str(tmp_path / "s3"), "--sftp-port", "0",
                 "--sftp-authorized-key", str(bad)]) == 2
