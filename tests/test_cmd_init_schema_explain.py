"""`golive init`, `golive schema`, `golive explain`, `golive checks`: small commands, real output."""

from __future__ import annotations

import json

import yaml
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
