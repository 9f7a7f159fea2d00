"""Helpers for the `golive scan` tests: fixture folders copied into real git repositories, keys
generated at run time for the placeholders, and the scan run through its real entry points.

A fixture line that must be reported ends with a comment holding ``expect: LL-SEC-NNN``; a file
without such a comment must be silent for that rule (tests/data/scan/README.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from conftest import REPO

FIXTURES = REPO / "tests" / "data" / "scan"
_EXPECT = re.compile(r"expect: (LL-SEC-\d{3})")
GIT_ENV = {"GIT_AUTHOR_NAME": "golive tests", "GIT_AUTHOR_EMAIL": "tests@example.com",
           "GIT_COMMITTER_NAME": "golive tests", "GIT_COMMITTER_EMAIL": "tests@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ.get("HOME", "/tmp")}


@lru_cache(maxsize=1)
def keys() -> dict[str, str]:
    """Values for the fixture placeholders: one fresh RSA key in the forms merchants commit."""
    from golive.lianlian.keys import new_private_key, private_pem, public_pem
    from golive.lianlian.platform import LIANLIAN_PUBLIC_KEY_B64

    key = new_private_key(1024)
    pkcs8_pem = private_pem(key, pkcs=8).rstrip("\n")
    pkcs1_pem = private_pem(key, pkcs=1).rstrip("\n")
    pkcs8_b64 = "".join(pkcs8_pem.splitlines()[1:-1])
    public_b64 = "".join(public_pem(key).splitlines()[1:-1])
    return {
        "PKCS8_B64": pkcs8_b64,
        "PKCS8_B64_A": pkcs8_b64[:80],
        "PKCS8_B64_B": pkcs8_b64[80:],
        "PKCS8_PEM": pkcs8_pem,
        "PKCS1_PEM": pkcs1_pem,
        "PKCS1_PEM_ESCAPED": pkcs1_pem.replace("\n", "\\n"),
        "PUBLIC_B64": public_b64,
        "LIANLIAN_PUBLIC_B64": LIANLIAN_PUBLIC_KEY_B64,
    }


def secret_values() -> list[str]:
    """Everything that must never appear in a scan output (private key material)."""
    k = keys()
    return [k["PKCS8_B64"], k["PKCS8_B64_A"], k["PKCS8_B64_B"], *k["PKCS1_PEM"].splitlines()[1:-1]]


def fill(text: str) -> str:
    values = keys()
    return re.sub(r"\{\{([A-Z0-9_]+)\}\}", lambda m: values[m.group(1)], text)


def rule_dir(rule: str) -> Path:
    return FIXTURES / rule.lower().replace("-", "_")


def fixture_files(rule: str, kind: str) -> list[str]:
    folder = rule_dir(rule) / kind
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def markers(rule: str, name: str) -> set[int]:
    """1-based lines of `name` (in the rule's bad/ folder) that must be reported."""
    lines = (rule_dir(rule) / "bad" / name).read_text(encoding="utf-8").splitlines()
    return {i for i, line in enumerate(lines, 1) for m in _EXPECT.finditer(line) if m.group(1) == rule}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True)
    return done.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_all(path: Path, message: str = "commit") -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "--no-gpg-sign", "-m", message)
    return git(path, "rev-parse", "HEAD").strip()


def copy_fixtures(rule: str, kind: str, dest: Path) -> Path:
    """The fixture folder, placeholders filled, committed in a fresh git repository."""
    init_repo(dest)
    source = rule_dir(rule) / kind
    for path in source.rglob("*"):
        if path.is_file():
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    commit_all(dest, f"{rule} {kind}")
    return dest


def scan(path: Path, **options: Any) -> Any:
    """Run the scanner (API) and return the ScanOutcome."""
    from golive.scan.runner import ScanOptions, run_scan

    return run_scan(ScanOptions(path=str(path), **options))


def lines_for(outcome: Any, rule: str, name: str) -> set[int]:
    return {f.line for f in outcome.report.findings if f.rule == rule and f.file == name}


def golive(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
           python_prelude: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a fresh process (what CI runs). `python_prelude` runs before the CLI, e.g.
    to make an optional package absent the way a base install lacks it."""
    code = (python_prelude or "") + "\nimport sys\nfrom golive.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, **(env or {})}, timeout=300, stdin=subprocess.DEVNULL)


def copy_tree(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest


_SCANS: dict[tuple[str, str], Any] = {}
_TMP: list[str] = []


def scanned(rule: str, kind: str) -> Any:
    """The scan of one fixture folder (bad/ or good/), run once per test session."""
    if (rule, kind) not in _SCANS:
        import atexit
        import tempfile

        base = tempfile.mkdtemp(prefix="golive-scan-test-")
        if not _TMP:
            atexit.register(lambda: [shutil.rmtree(p, ignore_errors=True) for p in _TMP])
        _TMP.append(base)
        _SCANS[(rule, kind)] = scan(copy_fixtures(rule, kind, Path(base) / "repo"))
    return _SCANS[(rule, kind)]


def judge_with(rule: str, scan_result: Any) -> dict[str, Any]:
    """The rule's check judging `scan_result` through the real engine: the scan saved as JSON, read
    by the scan gatherer (``--scan FILE``), the check run with --select. Returns its result entry."""
    import json
    import tempfile

    from golive.engine import RunOptions, run_check

    folder = Path(tempfile.mkdtemp(prefix="golive-scan-judge-"))
    results = folder / "scan.json"
    results.write_text(json.dumps(scan_result, ensure_ascii=False), encoding="utf-8")
    config = folder / "golive.yaml"
    config.write_text('merchant: {oid_partner: "201811230001000001", name: t, profile: base, environment: integration}\n'
                      "signing: {sign_type: MD5, notify_sign_type: MD5}\n", encoding="utf-8")
    result = run_check(RunOptions(config_path=config, select={rule}, scan=str(results)))
    return next(c for c in result["checks"] if c["id"] == rule)


def rule_tests(rule: str) -> tuple[Any, Any, Any]:
    """The three tests every LL-SEC rule has: each bad fixture reports exactly its marked lines,
    each good fixture is silent, and the rule's check fails on the bad scan and passes on the good
    one (from the JSON document, as a saved scan would be read)."""
    import pytest

    @pytest.mark.parametrize("name", fixture_files(rule, "bad"))
    def test_finds_each_defect(name: str) -> None:
        outcome = scanned(rule, "bad")
        expected = markers(rule, name) or ({1} if name.endswith(".pem") else set())
        assert expected, f"{name}: a bad fixture must mark the lines it expects"
        assert lines_for(outcome, rule, name) == expected
        assert outcome.report.rule(rule).state.value == "full"

    @pytest.mark.parametrize("name", fixture_files(rule, "good"))
    def test_silent_on_correct_forms(name: str) -> None:
        outcome = scanned(rule, "good")
        assert lines_for(outcome, rule, name) == set(), [f.message.en for f in outcome.report.findings
                                                         if f.rule == rule and f.file == name]

    def test_check_judges_the_scan() -> None:
        bad = judge_with(rule, scanned(rule, "bad").report.to_dict())
        assert bad["status"] == "fail" and all(f["location"] and f["location"]["line"] for f in bad["findings"])
        good = judge_with(rule, scanned(rule, "good").report.to_dict())
        assert good["status"] == "pass" and good["checked"] is not None

    return test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan
