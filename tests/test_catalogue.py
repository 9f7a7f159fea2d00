"""Catalogue rules: every check is registered with complete metadata, has its own test module,
and the package ships checks/profiles/templates inside golive (no top-level `checks`)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from conftest import REPO

from golive.registry import ID_PATTERN, RegistryError, all_checks, validate_meta

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
PENDING: dict[str, set[str]] = {}


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


def test_probe_scenario_groups_are_specified_and_read_from_a_needed_kind():
    # A check's CheckMeta.probes names groups of the probe specification, each recording into a
    # kind the check needs; every specified scenario has an implementation in golive.probes.
    from golive import probe_spec
    from golive.probes.notify import implementations as notify_implementations
    from golive.probes.sync_return import implementations as return_implementations
    from golive.probes.withdraw import ATTEMPTS

    for check in all_checks():
        for name in check.meta.probes:
            group = probe_spec.group(name)
            assert group.kind in check.meta.needs, (check.meta.id, name, group.kind)
    implemented = set(notify_implementations()) | set(return_implementations()) | set(ATTEMPTS)
    specified = {s.name for g in probe_spec.GROUPS for s in g.scenarios}
    assert specified == implemented
    read = {name for check in all_checks() for name in check.meta.probes}
    assert read == {g.name for g in probe_spec.GROUPS}, "a scenario group no check reads is never sent"


def test_probes_know_no_check_and_judging_knows_no_probe_code():
    # Probes observe, checks judge: no check id in the probe code or its gatherer, and neither the
    # judging helpers nor the probe specification import golive.probes.
    import ast

    pattern = re.compile(r"LL-[A-Z]{3}-\d{3}")
    for path in sorted((REPO / "golive" / "probes").glob("*.py")) + [REPO / "golive" / "gatherers" / "probes.py"]:
        found = pattern.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.name, found)
    for path in sorted((REPO / "golive" / "judging").glob("*.py")) + [REPO / "golive" / "probe_spec.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not {m for m in imported if m.startswith("golive.probes")}, path.name


def test_every_reference_points_at_something_a_user_has():
    """Checks cite docs/protocol.md sections that exist, the go-live guide by its sections, the README,
    LianLian's public sources or related checks -- never the team's working notes (protocol.md,
    design.md beside the checkout), which users don't have."""
    protocol = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)[. ]", protocol, flags=re.M))
    problems = []
    for check in all_checks():
        for ref in check.meta.references:
            if ref.startswith("docs/protocol.md"):
                cited = re.findall(r"§(\d+(?:\.\d+)?)", ref)
                problems += [f"{check.meta.id}: {ref} (no §{n})" for n in cited if n not in sections]
                if not cited:
                    problems.append(f"{check.meta.id}: {ref} (no section)")
            elif not (ref.startswith(("guide ", "README", "docs/", "http", "LianLian "))  # LianLian's public code/docs
                      or re.fullmatch(r"LL-[A-Z]{3}-\d{3}(, LL-[A-Z]{3}-\d{3})*", ref)):  # related checks
                problems.append(f"{check.meta.id}: {ref}")
    assert problems == []
