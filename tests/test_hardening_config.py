"""Hostile golive.yaml and waivers files (issue 9 §4): alias bombs, deep nesting, alias cycles,
values PyYAML cannot build, NaN/Infinity and secrets in error messages. Each is one line naming
the file and line (exit 2), quickly, and never echoes a secret's value."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_cli_bad_input import assert_one_line_error

from golive.cli import main

BOMB = "".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)])


@pytest.fixture(autouse=True)
def md5_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_TEST_MD5", "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc")


def check(capsys: pytest.CaptureFixture[str], config: Path, *extra: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    code = main(["check", str(config), "--format", "text", "--quiet", *extra])
    return code, capsys.readouterr().err, time.perf_counter() - started


def test_a_600_byte_alias_bomb_config_stops_at_once(config_factory, capsys):
    config = config_factory(text="merchant:\n  oid_partner: '201811230001000001'\n" + BOMB)
    assert len(config.read_bytes()) < 700
    code, err, seconds = check(capsys, config)
    assert code == 2 and seconds < 5
    # the first value past the cap: a4 (66,430 values once expanded), on line 7 of the file
    assert_one_line_error(err, f"{config}:7:", "alias")


def test_an_alias_bomb_waivers_file_stops_at_once(config_factory, capsys, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - check: LL-SIG-007\n" + BOMB.replace("a0:", "x:", 1), encoding="utf-8")
    code, err, seconds = check(capsys, config_factory(), "--waivers", str(waivers))
    assert code == 2 and seconds < 5
    assert_one_line_error(err, f"{waivers}:", "alias")


@pytest.mark.parametrize("text", [
    "merchant: " + "[" * 500 + "]" * 500 + "\n",
    "".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "v\n",
])
def test_yaml_nested_500_deep_is_refused_with_its_line(config_factory, capsys, text):
    code, err, _ = check(capsys, config_factory(text=text))
    assert code == 2
    assert_one_line_error(err, "golive.yaml:", "nested deeper than 40 levels")


def test_an_alias_to_its_own_container_is_a_cycle(config_factory, capsys):
    code, err, _ = check(capsys, config_factory(text="merchant: &m\n  name: x\n  self: *m\n"))
    assert code == 2
    assert_one_line_error(err, "golive.yaml:3:", "cycle")


@pytest.mark.parametrize(("value", "needle"), [
    ("1" * 5000, "more than 4300 digits"),
    ("2026-13-45", "cannot read this value as YAML timestamp"),
    ("0b_", "cannot read this value as YAML int"),
])
def test_values_yaml_cannot_build_name_their_line(config_factory, capsys, value, needle):
    config = config_factory()
    config.write_text(config.read_text(encoding="utf-8") + f"limits:\n  integration_limit_cny: {value}\n",
                      encoding="utf-8")
    code, err, _ = check(capsys, config)
    assert code == 2
    line = len(config.read_text(encoding="utf-8").splitlines())
    assert_one_line_error(err, f"golive.yaml:{line}:", needle)


@pytest.mark.parametrize(("section", "key", "value"), [
    ("live", "settle_s", ".nan"),
    ("live", "timeout_s", ".nan"),
    ("limits", "integration_limit_cny", ".nan"),
    ("limits", "integration_limit_cny", "-.inf"),
])
def test_nan_and_infinity_are_refused_for_numeric_keys(config_factory, capsys, section, key, value):
    # JSON Schema lets NaN through every bound (it compares false both ways): LL-LIM-001 passed it
    config = config_factory()
    config.write_text(config.read_text(encoding="utf-8") + f"{section}:\n  {key}: {value}\n", encoding="utf-8")
    code, err, _ = check(capsys, config)
    assert code == 2
    line = len(config.read_text(encoding="utf-8").splitlines())
    assert_one_line_error(err, f"golive.yaml:{line}:", f"{section}.{key}", "not a finite number")


SECRET = "1234567890123456"


@pytest.mark.parametrize(("key", "value"), [
    ("signing.md5_key", SECRET),
    ("signing.md5_key", f"[{SECRET}, {SECRET}]"),
    ("signing.md5_key", f"0x{SECRET}"),
    ("signing.md5_key", f"{{{SECRET}: x}}"),
    ("signing.md5_key", f"{{env: ENV, extra: {SECRET}}}"),
    ("signing.rsa_private_key", f"[{SECRET}]"),
    ("live.lianlian_private_key", SECRET),
    ("signing.md5_key", "true"),
])
def test_a_secret_is_never_echoed_in_the_error(config_factory, capsys, key, value):
    section, name = key.split(".")
    config = config_factory({section: {name: "@@SECRET@@"}})
    config.write_text(config.read_text(encoding="utf-8").replace("'@@SECRET@@'", value), encoding="utf-8")
    code, err, _ = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "golive.yaml:", key)
    assert SECRET not in err and "True" not in err


def test_an_unquoted_number_elsewhere_is_still_shown(config_factory, capsys):
    config = config_factory({"merchant": {"name": 12345}})
    code, err, _ = check(capsys, config)
    assert code == 2
    assert_one_line_error(err, "merchant.name", "quote this value: 12345")
