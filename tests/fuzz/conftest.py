"""Fuzz suite fixtures: a session copy of the example merchant (config, keys, captures, ledgers) to
mutate, and the tally written at the end in tally mode (see harness.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fuzz.harness import EXAMPLES, write_tally


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    write_tally()


@pytest.fixture(scope="session")
def merchant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/ copied (keys with mode 0600), so mutated configs can point at real key files."""
    root = tmp_path_factory.mktemp("fuzz-merchant")
    shutil.copytree(EXAMPLES / "keys", root / "keys")
    shutil.copytree(EXAMPLES / "captures", root / "captures")
    shutil.copy(EXAMPLES / "golive.yaml", root / "golive.yaml")
    shutil.copy(EXAMPLES / "waivers.yaml", root / "waivers.yaml")
    for key in (root / "keys").iterdir():
        key.chmod(0o600)
    return root


@pytest.fixture(autouse=True)
def _md5_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_FUZZ_MD5", (EXAMPLES / "keys" / "md5.key").read_text(encoding="utf-8").strip())
