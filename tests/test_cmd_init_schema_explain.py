"""`golive init`, `golive schema`, `golive explain`, `golive checks`: small commands, real output."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import REPO
from jsonschema import Draft202012Validator

from golive.cli import main
from golive.config import load_config
from golive.profile import available_profiles


def test_init_template_is_a_valid_config_for_every_profile(tmp_path, capsys):
    for profile in available_profiles():
        target = tmp_path / f"{profile}.yaml"
        assert main(["init", "--profile", profile, "--output", str(target)]) == 0
        config = load_config(target)  # validates against the schema
        assert config.get("merchant.profile") == profile
        assert isinstance(config.get("merchant.frms_ware_category"), str)


def test_init_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "golive.yaml"
    target.write_text("x", encoding="utf-8")
    assert main(["init", "--output", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "x"


def test_schema_is_valid_json_schema_and_accepts_the_example(capsys):
    from importlib import resources

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    Draft202012Validator.check_schema(schema)
    example = yaml.safe_load((resources.files("golive.examples") / "golive.yaml").read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(schema).iter_errors(example))
    assert errors == []
    bad = dict(example, surprise=True)
    assert list(Draft202012Validator(schema).iter_errors(bad))


def test_explain_known_and_unknown(capsys):
    assert main(["explain", "ll-sig-003"]) == 0
    out = capsys.readouterr().out
    assert "LL-SIG-003" in out and "201408071000001543" in out
    assert main(["explain", "LL-NOPE-001"]) == 2


def test_checks_json_lists_every_registered_check(capsys):
    from golive.registry import all_checks

    assert main(["checks", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in listed] == [c.meta.id for c in all_checks()]


# -- the first hour --------------------------------------------------------------------------------

def _first_hour_commands() -> str:
    """The ```sh blocks of README's "The first hour" section, joined."""
    import re

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## The first hour", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, re.S))


def test_the_readme_first_hour_runs_word_for_word(tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    commands = _first_hour_commands()
    assert "golive init" in commands and "golive keys" in commands and "golive check" in commands
    bindir = str(Path(shutil.which("golive") or Path(sys.executable).with_name("golive")).parent)
    env = {k: v for k, v in os.environ.items() if k != "LLPAY_MD5_KEY"}
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    done = subprocess.run(["bash", "-c", "set -e\n" + commands.replace("golive check", "golive check --no-progress")
                           + "\ntest -s golive-report/report.html"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    # The first report is incomplete (exit 3): no evidence of the review items yet. Anything else
    # -- a missing key file, a schema error, a traceback -- breaks the first hour.
    assert done.returncode == 3, (done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    assert (tmp_path / "golive.schema.json").is_file() and (tmp_path / "keys" / "merchant_private.pem").is_file()


def test_init_and_keys_agree_on_the_key_files(tmp_path, capsys):
    import yaml

    assert main(["init", "-o", str(tmp_path / "golive.yaml")]) == 0
    assert main(["keys", "--bits", "1024", "--out-dir", str(tmp_path / "keys")]) == 0
    config = yaml.safe_load((tmp_path / "golive.yaml").read_text(encoding="utf-8"))
    for key in ("rsa_private_key", "rsa_public_key", "lianlian_public_key"):
        assert (tmp_path / config["signing"][key]["file"]).is_file(), key
    first = (tmp_path / "golive.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./golive.schema.json"


def test_the_schema_describes_every_key_in_both_languages_with_profile_names():
    import json

    from golive.commands.schema_cmd import schema_text
    from golive.config_docs import doc_for
    from golive.config_schema import CONFIG_SCHEMA
    from golive.profile import available_profiles

    missing: list[str] = []

    def walk(node, path):
        for name, child in (node.get("properties") or {}).items():
            key = f"{path}.{name}" if path else name
            if doc_for(key) is None:
                missing.append(key)
            walk(child, key)
            if isinstance(child.get("items"), dict):
                walk(child["items"], key + "[]")

    walk(CONFIG_SCHEMA, "")
    assert missing == []
    published = json.loads(schema_text())
    oid = published["properties"]["merchant"]["properties"]["oid_partner"]
    assert "商户号" in oid["description"] and "merchant number" in oid["description"] and oid["examples"]
    assert set(published["properties"]["merchant"]["properties"]["profile"]["enum"]) == set(available_profiles())


def test_captures_flag_does_not_swallow_the_config_path(tmp_path, capsys):
    import argparse

    from golive.commands.check import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--captures", "a.har", "shop.yaml"])
    assert args.config == "shop.yaml" and args.captures == ["a.har"]
    args = parser.parse_args(["shop.yaml", "--captures", "a.har,b.jsonl", "--captures", "c.jsonl"])
    assert args.captures == ["a.har,b.jsonl", "c.jsonl"]


def test_the_config_golive_demo_keeps_names_files_that_exist(tmp_path, capsys):
    import yaml

    assert main(["demo", "--output-dir", str(tmp_path), "--format", "json", "--no-progress"]) == 0
    kept = yaml.safe_load((tmp_path / "demo-golive.yaml").read_text(encoding="utf-8"))
    for path in kept["evidence"]["captures"] + [kept["evidence"]["ledger"]]:
        assert Path(path).is_file(), path
    assert main(["check", str(tmp_path / "demo-golive.yaml"), "--format", "json", "--output-dir",
                 str(tmp_path / "again")]) == 0
