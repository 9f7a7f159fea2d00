"""Catalogue rules: every check is registered with complete metadata, has its own test module,
and the package ships checks/profiles/templates inside golive (no top-level `checks`)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from golive.registry import ID_PATTERN, RegistryError, all_checks, validate_meta

from conftest import REPO

EXPECTED_IDS = {
    "LL-SIG-001", "LL-SIG-002", "LL-SIG-003", "LL-SIG-004", "LL-SIG-005", "LL-SIG-007",
    "LL-REG-001", "LL-REG-002", "LL-REG-003", "LL-LIM-001", "LL-LIM-002", "LL-LIM-003", "LL-LIM-004",
}


def test_ids_are_unique_valid_and_expected_ones_exist():
    ids = [c.meta.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) for i in ids)
    assert EXPECTED_IDS <= set(ids)


def test_every_check_has_bilingual_metadata_and_a_docstring():
    for check in all_checks():
        module = importlib.import_module(check.module)
        assert (module.__doc__ or "").strip().startswith(check.meta.id), check.module
        assert check.meta.title.zh and check.meta.title.en
        assert check.meta.references


def test_every_check_has_a_test_module():
    tests = {p.name for p in (REPO / "tests").glob("test_*.py")}
    for check in all_checks():
        stem = "test_" + check.meta.id.lower().replace("-", "_")
        assert any(name.startswith(stem) for name in tests), f"no tests/{stem}*.py for {check.meta.id}"


def test_registry_rejects_bad_metadata():
    good = all_checks()[0].meta
    from dataclasses import replace

    with pytest.raises(RegistryError):
        validate_meta(replace(good, id="LL-SIG-1"), "golive.checks.sig.ll_sig_1_x")
    with pytest.raises(RegistryError):
        validate_meta(good, "golive.checks.sig.ll_sig_999_wrong_file")
    with pytest.raises(RegistryError):
        validate_meta(replace(good, references=()), f"golive.checks.sig.{good.id.lower().replace('-', '_')}_x")


def test_no_top_level_checks_package_is_installed():
    from importlib.metadata import distribution

    dist = distribution("lianlian-golive")
    top_level = (dist.read_text("top_level.txt") or "").split()
    assert "checks" not in top_level and "golive" in top_level
    import sysconfig

    assert not (Path(sysconfig.get_paths()["purelib"]) / "checks").exists()


def test_every_check_folder_is_a_package_setuptools_finds():
    # Packages are discovered (tool.setuptools.packages.find through the golive/checks symlink): a
    # check folder without __init__.py would silently leave the wheel.
    from setuptools import find_packages

    found = set(find_packages(where=str(REPO), include=["golive*"]))
    for folder in (REPO / "checks").iterdir():
        if folder.is_dir() and any(folder.glob("ll_*.py")):
            assert f"golive.checks.{folder.name}" in found, folder



# Checks import only the public check API and the LianLian protocol library (and scan rules the
# scan rule API). PENDING lists what still reaches past it, to be emptied, never added to.
ALLOWED_IMPORTS = ("golive.check_api", "golive.lianlian")
SCAN_RULE_IMPORTS = ("golive.scan",)
PENDING: dict[str, set[str]] = {
    "ll_ntf_002_ack_contract": {"golive.probes"},
    "ll_ntf_003_redelivery": {"golive.probes"},
    "ll_ntf_004_concurrent_duplicates": {"golive.probes"},
    "ll_ntf_005_forged": {"golive.probes"},
    "ll_ntf_006_tampered": {"golive.probes"},
    "ll_ntf_007_non_success": {"golive.probes"},
    "ll_ntf_008_sign_method": {"golive.probes"},
    "ll_ntf_009_captured_notifications": {"golive.probes"},
    "ll_ret_001_forged_return": {"golive.probes"},
    "ll_crd_001_withdraw_other_card": {"golive.probes"},
    "ll_crd_002_withdraw_amount_bound": {"golive.probes"},
    "ll_crd_003_ledger_same_card": {"golive.evidence", "golive.probes"},
}


def test_checks_import_only_the_check_api_and_the_lianlian_library():
    import ast

    for path in sorted((REPO / "checks").glob("*/ll_*.py")):
        allowed = ALLOWED_IMPORTS + (SCAN_RULE_IMPORTS if path.parent.name == "sec" else ())
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        outside = {m for m in imported if m.startswith("golive") and not m.startswith(allowed)}
        pending = PENDING.get(path.stem, set())
        assert {m for m in outside if not m.startswith(tuple(pending))} == set(), (path.name, outside)
