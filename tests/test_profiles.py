"""Merchant-type profiles: the shipped ones load and say what protocol.md §4 says; the loader is strict."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from golive import profile as profiles_module
from golive.cli import main
from golive.errors import InputError
from golive.lianlian.fields import FIELDS
from golive.lianlian.validators import FORMATS
from golive.profile import available_profiles, load_profile

BASIC = {"frms_ware_category", "user_info_mercht_userno", "user_info_dt_register", "goods_name"}


def test_the_merchant_types_of_the_protocol_are_all_there():
    assert {"base", "virtual_goods", "physical_goods", "travel", "wealth_realname", "api_direct",
            "education_fees", "large_ticket", "games"} <= set(available_profiles())


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_loads_with_bilingual_titles_and_known_fields(name):
    profile = load_profile(name)
    assert profile.title.zh and profile.title.en
    assert profile.description is not None and profile.description.zh and profile.description.en
    assert BASIC <= set(profile.required_fields)
    for field_name in profile.required_fields + profile.recommended_fields + profile.optional_fields:
        assert field_name in FIELDS
    assert all(fmt in FORMATS for fmt in profile.formats.values())
    assert all(len(code) == 4 and code.isdigit() for code in profile.categories)
    # a field sits at one level only
    levels = [set(profile.required_fields), set(profile.recommended_fields), set(profile.optional_fields)]
    assert not (levels[0] & levels[1]) and not (levels[0] & levels[2]) and not (levels[1] & levels[2])


def test_profiles_follow_the_protocol():
    wealth = load_profile("wealth_realname")
    assert {"user_info_full_name", "user_info_id_no", "user_info_identify_state"} <= set(wealth.required_fields)
    assert "2009" in wealth.categories and wealth.identity_required
    assert "user_info_bind_phone" in wealth.required_fields and "user_info_bind_phone" not in wealth.recommended_fields
    physical = load_profile("physical_goods")
    assert {"delivery_full_name", "delivery_phone", "logistics_mode"} <= set(physical.required_fields)
    assert all(code.startswith("4") for code in physical.categories)
    travel = load_profile("travel")
    assert "airline_list[].passenger_idcard" in travel.required_fields and travel.categories == ("2001", "2002")
    assert load_profile("api_direct").formats["frms_client_chnl"] == "client_chnl"
    assert load_profile("games").extends == ("virtual_goods", "base")
    assert load_profile("wealth_realname_api").required_fields[-2:] == ("frms_client_chnl", "frms_ip_addr")


@pytest.fixture
def fake_profiles(tmp_path, monkeypatch):
    """Point the loader at a folder of our own profiles (the shipped folder stays untouched)."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    shipped = resources.files("golive.profiles") / "base.yaml"  # works installed or editable
    (folder / "base.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(profiles_module, "_profile_files",
                        lambda: {p.stem: p for p in folder.glob("*.yaml")})
    profiles_module._raw.cache_clear()
    profiles_module.load_profile.cache_clear()
    yield folder
    profiles_module._raw.cache_clear()
    profiles_module.load_profile.cache_clear()


def _write(folder: Path, name: str, body: str) -> None:
    header = f"name: {name}\nextends: base\ntitle: {{zh: 测试, en: test}}\n"
    (folder / f"{name}.yaml").write_text(header + body, encoding="utf-8")


@pytest.mark.parametrize(("body", "key", "needle"), [
    ("categories: [2009]\n", "categories[0]", "quote this value"),
    ("categories: [\"2009\", 0001]\n", "categories[1]", "quote this value"),
    ("categories: [\"209\"]\n", "categories[0]", "4-digit"),
    ("risk_item: {required: [user_info_dt_registe]}\n", "risk_item.required[0]", "did you mean 'user_info_dt_register'"),
    ("risk_item: {formats: {user_info_id_no: gb11643}}\n", "risk_item.formats.user_info_id_no", "unknown format"),
    ("risk_item: {mandatory: [goods_name]}\n", "risk_item", "allows only"),
    ("checks: {LL-RSK-2: {severity: low}}\n", "checks.LL-RSK-2", "not a check id"),
    ("checks: {LL-RSK-002: {severity: urgent}}\n", "checks.LL-RSK-002.severity", "severity must be"),
    ("identity_required: yes please\n", "identity_required", "true or false"),
])
def test_the_loader_names_file_key_and_problem(fake_profiles, body, key, needle):
    _write(fake_profiles, "mine", body)
    with pytest.raises(InputError) as caught:
        load_profile("mine")
    assert caught.value.file == "profiles/mine.yaml"
    assert caught.value.key == key
    assert needle in caught.value.message


def test_unknown_keys_cycles_and_names_are_rejected(fake_profiles):
    _write(fake_profiles, "extra", "colour: red\n")
    with pytest.raises(InputError, match="unknown key"):
        load_profile("extra")
    (fake_profiles / "a.yaml").write_text("name: a\nextends: b\ntitle: {zh: a, en: a}\n", encoding="utf-8")
    (fake_profiles / "b.yaml").write_text("name: b\nextends: a\ntitle: {zh: b, en: b}\n", encoding="utf-8")
    with pytest.raises(InputError, match="extends cycle"):
        load_profile("a")
    (fake_profiles / "c.yaml").write_text("name: d\ntitle: {zh: c, en: c}\n", encoding="utf-8")
    with pytest.raises(InputError, match="name must equal"):
        load_profile("c")
    with pytest.raises(InputError, match="unknown profile"):
        load_profile("zzz")


def test_a_broken_profile_names_its_line(fake_profiles):
    _write(fake_profiles, "broken", "description: {zh: a: b}\n  bad: [\n")
    with pytest.raises(InputError) as caught:
        load_profile("broken")
    assert caught.value.line is not None and "not valid YAML" in caught.value.message


def test_a_child_inherits_and_tightens(fake_profiles):
    _write(fake_profiles, "child", "categories: [\"1001\"]\nrisk_item: {required: [user_info_bind_phone], "
                                   "formats: {user_info_bind_phone: mobile_masked}}\n")
    child = load_profile("child")
    assert child.required_fields[-1] == "user_info_bind_phone"
    assert "user_info_bind_phone" not in child.recommended_fields
    assert child.formats["user_info_bind_phone"] == "mobile_masked"
    assert child.formats["user_info_dt_register"] == "datetime14"  # inherited
    assert child.identity_required is True  # inherited from base


def test_golive_profiles_lists_every_profile(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    for name in available_profiles():
        assert name in out


def test_golive_profiles_name_shows_fields_in_both_languages(capsys):
    assert main(["profiles", "wealth_realname"]) == 0
    out = capsys.readouterr().out
    assert "user_info_id_no" in out and "证件号码" in out and "ID number" in out
    assert "GB 11643" in out and "2009" in out


def test_golive_profiles_json_and_unknown_name(capsys):
    assert main(["profiles", "physical_goods", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    required = {row["field"]: row for row in data["required_fields"]}
    assert required["delivery_phone"]["format"] == "mobile" and required["delivery_phone"]["en"]
    assert data["categories"][0] == {"code": "4001", "zh": "家居百货", "en": "household and department goods"}
    assert main(["profiles", "nope"]) == 2
    assert "unknown profile 'nope'" in capsys.readouterr().err
