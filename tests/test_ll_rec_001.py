"""LL-REC-001: reconciliation set up -- manual with what to set up, attested, fetched (folder and SFTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_of, status_of
from rec_checks_support import books_config
from recon_support import Books, start_sftp


def test_not_set_up_is_manual_with_what_to_set_up(config_factory, run_checks) -> None:
    result = run_checks(config_factory(), "LL-REC-001", "LL-REC-004")
    check = check_of(result, "LL-REC-001")
    assert check["status"] == "manual"
    assert "reconciliation" in check["reason"]["en"] and "sftp" in check["reason"]["en"]
    assert status_of(result, "LL-REC-004") == "not_applicable"


def test_manual_reconciliation_attested(config_factory, run_checks) -> None:
    config = config_factory({"reconciliation": {"manual": {"attested_by": "张三 (财务)", "date": "2026-11-20"}}})
    assert status_of(run_checks(config, "LL-REC-001"), "LL-REC-001") == "pass"
    future = config_factory({"reconciliation": {"manual": {"attested_by": "张三", "date": "2999-01-01"}}}, name="f.yaml")
    assert status_of(run_checks(future, "LL-REC-001"), "LL-REC-001") == "fail"


def test_folder_source_passes(config_factory, run_checks, tmp_path: Path) -> None:
    config = books_config(config_factory, tmp_path, Books.clean())
    result = run_checks(config, "LL-REC-001")
    assert status_of(result, "LL-REC-001") == "pass"
    assert "statements" in check_of(result, "LL-REC-001")["checked"]["en"]


def test_folder_without_files_or_ledger_cannot_pass(config_factory, run_checks, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    config = config_factory({"reconciliation": {"path": "empty"}})
    assert status_of(run_checks(config, "LL-REC-001"), "LL-REC-001") == "error"
    Books.clean().write(tmp_path / "statements", tmp_path / "ledger.csv")
    no_ledger = config_factory({"reconciliation": {"path": "statements"}}, name="n.yaml")
    assert status_of(run_checks(no_ledger, "LL-REC-001"), "LL-REC-001") == "error"


def test_missing_folder_is_bad_input(config_factory, tmp_path: Path, monkeypatch) -> None:
    from golive.cli import main

    monkeypatch.setenv("GOLIVE_TEST_MD5", "x" * 32)
    config = config_factory({"reconciliation": {"path": "nowhere"}})
    assert main(["check", str(config), "--select", "LL-REC-001", "-q", "--output-dir", str(tmp_path / "out")]) == 2


@pytest.fixture
def sftp(tmp_path: Path):
    books = Books.clean()
    books.write(tmp_path / "remote", tmp_path / "ledger.csv")
    yield from start_sftp(tmp_path / "remote", tmp_path / "keys")


def _sftp_config(config_factory, sftp, host_key: str, key_file: str = "keys/sftp_id_ed25519", name: str = "golive.yaml") -> Path:
    return config_factory({"reconciliation": {"sftp": {
        "host": "127.0.0.1", "port": sftp.port, "username": "merchant", "private_key": {"file": key_file},
        "host_key": host_key, "directory": "/", "timeout_s": 5}}, "evidence": {"ledger": "ledger.csv"}}, name=name)


def test_sftp_with_pinned_host_key_and_key_login(config_factory, run_checks, sftp) -> None:
    for pin in (sftp.host_key_line, sftp.fingerprint, f"[127.0.0.1]:{sftp.port} {sftp.host_key_line}"):
        result = run_checks(_sftp_config(config_factory, sftp, pin), "LL-REC-001", "LL-REC-004", "LL-REC-006")
        assert status_of(result, "LL-REC-001") == "pass", check_of(result, "LL-REC-001")
        assert "sftp://merchant@127.0.0.1" in check_of(result, "LL-REC-001")["checked"]["en"]
        assert status_of(result, "LL-REC-004") == "pass"
    assert sftp.server.logins


def test_sftp_host_key_mismatch_is_an_error_naming_the_pin(config_factory, run_checks, sftp) -> None:
    import asyncssh

    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()
    result = run_checks(_sftp_config(config_factory, sftp, other), "LL-REC-001")
    check = check_of(result, "LL-REC-001")
    assert check["status"] == "error" and "host_key" in check["reason"]["en"]


def test_sftp_wrong_client_key_is_refused(config_factory, run_checks, sftp, tmp_path: Path) -> None:
    import asyncssh

    (tmp_path / "keys" / "other").write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    result = run_checks(_sftp_config(config_factory, sftp, sftp.host_key_line, "keys/other"), "LL-REC-001")
    assert status_of(result, "LL-REC-001") == "error"
    assert "refused the key login" in check_of(result, "LL-REC-001")["reason"]["en"]


def test_sftp_key_never_reaches_any_output(config_factory, run_checks, sftp, tmp_path: Path) -> None:
    import json

    key_text = (tmp_path / "keys" / "sftp_id_ed25519").read_text()
    body = "".join(key_text.splitlines()[1:-1])
    inline = config_factory({"reconciliation": {"sftp": {
        "host": "127.0.0.1", "port": sftp.port, "username": "merchant", "private_key": key_text,
        "host_key": sftp.host_key_line, "directory": "/"}}, "evidence": {"ledger": "ledger.csv"}}, name="inline.yaml")
    result = run_checks(inline, "LL-REC-001", "LL-SIG-007")
    text = json.dumps(result, ensure_ascii=False)
    assert body[:40] not in text and "OPENSSH PRIVATE KEY" not in text
    assert status_of(result, "LL-SIG-007") == "fail"  # an inline secret is a finding


def test_bad_pin_is_bad_input(config_factory, sftp, tmp_path: Path, monkeypatch, capsys) -> None:
    from golive.cli import main

    monkeypatch.setenv("GOLIVE_TEST_MD5", "x" * 32)
    config = _sftp_config(config_factory, sftp, "not a key at all")
    assert main(["check", str(config), "--select", "LL-REC-001", "-q", "--output-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "reconciliation.sftp.host_key" in err and "Traceback" not in err


def test_unreadable_sftp_key_is_bad_input_without_the_key(config_factory, sftp, tmp_path: Path, monkeypatch,
                                                          capsys) -> None:
    from golive.cli import main

    monkeypatch.setenv("GOLIVE_TEST_MD5", "x" * 32)
    (tmp_path / "keys" / "garbage").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0c2VjcmV0\n"
                                               "-----END OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    config = _sftp_config(config_factory, sftp, sftp.host_key_line, "keys/garbage")
    assert main(["check", str(config), "--select", "LL-REC-001", "-q", "--output-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "reconciliation.sftp.private_key" in err and "c2VjcmV0" not in err and "Traceback" not in err
