"""Bad input exits 2 with one line naming the file and the key -- never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_secret

from golive.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("golive: error: ")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def check(capsys, config: Path, *extra: str) -> tuple[int, str]:
    code, _out, err = run_cli(capsys, "check", str(config), "--format", "text", "--quiet", *extra)
    return code, err


@pytest.fixture(autouse=True)
def md5_env(monkeypatch):
    monkeypatch.setenv("GOLIVE_TEST_MD5", "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc")


def test_broken_yaml_names_file_and_line(config_factory, capsys):
    config = config_factory(text="merchant:\n  oid_partner: \"201811230001000001\"\n  name: [unclosed\nsigning: {}\n")
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "golive.yaml:", "not valid YAML")


def test_unknown_key_is_named_with_allowed_keys(config_factory, capsys):
    code, err = check(capsys, config_factory({"merchant": {"colour": "blue"}}))
    assert code == 2
    assert_one_line_error(err, "golive.yaml:", "merchant", "colour", "allowed")


def test_unquoted_number_asks_to_quote(config_factory, capsys):
    config = config_factory()
    config.write_text(config.read_text(encoding="utf-8").replace("'201811230001000001'", "201811230001000001"), encoding="utf-8")
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "merchant.oid_partner", "quote this value")


def test_wrong_enum_value(config_factory, capsys):
    code, err = check(capsys, config_factory({"signing": {"sign_type": "SHA1"}}))
    assert code == 2
    assert_one_line_error(err, "signing.sign_type", "SHA1")


def test_missing_key_file(config_factory, capsys, tmp_path):
    config = config_factory()
    (tmp_path / "keys" / "merchant_private.pem").unlink()
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "merchant_private.pem", "signing.rsa_private_key", "not found")


def test_garbage_pem(config_factory, capsys, tmp_path):
    config = config_factory()
    write_secret(tmp_path / "keys" / "merchant_private.pem", "-----BEGIN PRIVATE KEY-----\nnot base64 at all!!\n-----END PRIVATE KEY-----\n")
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "merchant_private.pem", "signing.rsa_private_key")


def test_public_key_where_private_expected(config_factory, capsys, tmp_path, merchant_pair):
    config = config_factory()
    write_secret(tmp_path / "keys" / "merchant_private.pem", merchant_pair.public_pem)
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "signing.rsa_private_key")


def test_directory_where_file_expected(config_factory, capsys, tmp_path):
    config = config_factory()
    (tmp_path / "keys" / "merchant_public.pem").unlink()
    (tmp_path / "keys" / "merchant_public.pem").mkdir()
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "merchant_public.pem", "directory")


def test_unset_environment_variable(config_factory, capsys, monkeypatch):
    monkeypatch.delenv("GOLIVE_TEST_MD5")
    code, err = check(capsys, config_factory())
    assert code == 2
    assert_one_line_error(err, "signing.md5_key", "GOLIVE_TEST_MD5")


def test_non_utf8_config(config_factory, capsys):
    config = config_factory()
    config.write_bytes("merchant:\n  name: 测试\n".encode("gbk"))
    code, err = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "golive.yaml", "UTF-8")


def test_missing_config_file(capsys, tmp_path):
    code, err = check(capsys, tmp_path / "nope.yaml")
    assert code == 2
    assert_one_line_error(err, "nope.yaml", "not found")


def test_unknown_format(config_factory, capsys):
    code, _out, err = run_cli(capsys, "check", str(config_factory()), "--format", "text,pdf")
    assert code == 2
    assert_one_line_error(err, "--format", "pdf")


def test_unknown_profile_names_the_key(config_factory, capsys):
    code, err = check(capsys, config_factory({"merchant": {"profile": "casino"}}))
    assert code == 2
    assert_one_line_error(err, "merchant.profile", "casino")


def test_waiver_without_approver(config_factory, capsys, tmp_path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - check: LL-SIG-007\n    justification: x\n    expires: 2030-01-01\n", encoding="utf-8")
    code, err = check(capsys, config_factory(), "--waivers", str(waivers))
    assert code == 2
    assert_one_line_error(err, "w.yaml", "waivers[0].approver")


def test_unknown_check_id_in_select(config_factory, capsys):
    code, err = check(capsys, config_factory(), "--select", "LL-XYZ-999")
    assert code == 2
    assert_one_line_error(err, "--select", "LL-XYZ-999")
