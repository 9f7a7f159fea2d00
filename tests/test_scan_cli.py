"""`golive scan` on bad input: one line and exit 2 for usage errors, a note (never a traceback)
for files it cannot or should not read; odd encodings still scanned. `golive explain` and
`golive checks` know the LL-SEC rules."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scan_support import commit_all, golive, init_repo, scan

KEY_LINE = 'String MD5_KEY = "Lk8Jh5Gf2Ds9Ap6Zx3Cv7Bn";\n'


def _one_line_error(done: object) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("golive: error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize("args, expected", [
    (["/no/such/place"], "no such file or directory"),
    ([".", "--select", "LL-SEC-999"], "unknown rule id(s) LL-SEC-999"),
    ([".", "--update-baseline"], "--update-baseline needs --baseline FILE"),
    ([".", "--max-file-size", "lots"], "not a size"),
    ([".", "--format", "xml"], "unknown format(s) xml"),
    ([".", "--history-depth", "0"], "must be at least 1"),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    line = _one_line_error(golive("scan", *args, cwd=tmp_path))
    assert expected in line


@pytest.mark.parametrize("content, expected", [
    ("{not json", "baseline file is not JSON"),
    ('{"schema": "something/1", "findings": []}', "not a golive scan baseline"),
    ('{"schema": "golive.scan-baseline/1", "findings": [{"hash": "abc"}]}', "64-hex"),
    (None, "baseline file not found"),
])
def test_a_broken_baseline_is_a_usage_error(tmp_path: Path, content: str | None, expected: str) -> None:
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    (tmp_path / "A.java").write_text(KEY_LINE, encoding="utf-8")
    line = _one_line_error(golive("scan", str(tmp_path), "--baseline", str(baseline)))
    assert expected in line and "baseline.json" in line


def test_a_non_utf8_baseline_is_a_usage_error(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes(b"\xff\xfe\x00{")
    assert "is not UTF-8" in _one_line_error(golive("scan", str(tmp_path), "--baseline", str(baseline)))


def test_odd_files_become_notes_not_tracebacks(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "merchant")
    # GBK (common in older Chinese Java code): decoded, still scanned, noted
    (repo / "PartnerConfig.java").write_bytes(("// 连连支付配置\n" + KEY_LINE).encode("gbk"))
    # UTF-16 with a BOM (Windows editors): decoded
    (repo / "Web.config").write_bytes('<add key="MD5_KEY" value="Po9Iu6Yt3Re8Wq5Ml2Nk7Jb" />\n'.encode("utf-16"))
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + KEY_LINE.encode())  # binary: skipped
    (repo / "dump.sql").write_text("-- big\n" + "x" * 3000 + "\n" + KEY_LINE, encoding="utf-8")
    (repo / "gone.txt").write_text("soon deleted\n", encoding="utf-8")
    commit_all(repo)
    (repo / "gone.txt").unlink()  # tracked, missing on disk
    os.mkfifo(repo / "pipe")  # not a regular file (and must never be opened: it would block)

    outcome = scan(repo, all_files=False, max_file_size=2048)
    found = {(f.file, f.rule) for f in outcome.report.findings}
    assert ("PartnerConfig.java", "LL-SEC-002") in found and ("Web.config", "LL-SEC-002") in found
    stats = outcome.report.stats
    assert stats["skipped_binary"] == 1 and stats["skipped_too_large"] == 1 and stats["skipped_unreadable"] == 1
    assert stats["encoding_gb18030"] == 1 and stats["encoding_utf-16"] == 1
    notes = {(n.file, n.kind) for n in outcome.report.notes}
    assert ("PartnerConfig.java", "encoding") in notes and ("dump.sql", "skipped") in notes
    walked = scan(repo, all_files=True)
    assert walked.report.stats["skipped_not_a_file"] == 1  # the FIFO


def test_cli_on_odd_files_exits_normally(tmp_path: Path) -> None:
    (tmp_path / "PartnerConfig.java").write_bytes(KEY_LINE.encode("gbk") + b"\n\xff\xfe broken bytes\n")
    done = golive("scan", str(tmp_path), "--format", "text,json", "--output-dir", str(tmp_path / "out"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    document = json.loads((tmp_path / "out" / "scan.json").read_text(encoding="utf-8"))
    assert document["findings"][0]["rule"] == "LL-SEC-002"


def test_a_single_file_can_be_scanned(tmp_path: Path) -> None:
    target = tmp_path / "PartnerConfig.java"
    target.write_text(KEY_LINE, encoding="utf-8")
    outcome = scan(target)
    assert outcome.report.options["mode"] == "file" and [f.file for f in outcome.report.findings] == ["PartnerConfig.java"]


def test_exit_codes_follow_the_threshold(tmp_path: Path) -> None:
    (tmp_path / "config.properties").write_text("llpay.oid_partner=201408071000001543\n", encoding="utf-8")
    # the test merchant number alone is a medium finding
    assert golive("scan", str(tmp_path)).returncode == 0
    assert golive("scan", str(tmp_path), "--fail-on", "medium").returncode == 1
    assert golive("scan", str(tmp_path), "--skip", "LL-SEC-003", "--fail-on", "info").returncode == 0


def test_exclude_skips_paths(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "A.java").write_text(KEY_LINE, encoding="utf-8")
    assert scan(tmp_path, excludes=("fixtures",)).report.findings == ()
    assert scan(tmp_path, excludes=("*.java",)).report.findings == ()
    assert len(scan(tmp_path).report.findings) == 1


def test_explain_and_catalogue_know_the_rules() -> None:
    done = golive("explain", "LL-SEC-006", "--lang", "en")
    assert done.returncode == 0 and "before answering 0000" in done.stdout and "review.notify" in done.stdout
    catalogue = json.loads(golive("checks", "--json").stdout)
    sec = {c["id"]: c for c in catalogue if c["id"].startswith("LL-SEC-")}
    assert len(sec) == 11
    assert {c["item"] for c in sec.values()} == {"integration.signature", "review.notify", "integration.hygiene"}
    assert all(c["needs"] == ["scan"] and c["proves_item"] is False for c in sec.values())


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_scan_with_real_flags(name: str) -> None:
    """The CI examples' scan job parses with golive's own parser, writes SARIF and JSON, reads git
    history, and gates on the scan's exit codes."""
    import re
    import shlex

    import yaml

    from conftest import REPO
    from golive.cli import build_parser

    text = (REPO / "docs" / "ci" / name).read_text(encoding="utf-8")
    yaml.safe_load(text)
    line = re.search(r"golive scan \. [^\n]*", text)
    assert line, "no golive scan command"
    argv = [a for a in shlex.split(line.group(0).replace('"${baseline[@]}"', ""))[1:]]
    args = build_parser("scan").parse_args(argv)
    assert set(args.format.split(",")) == {"text", "json", "sarif"} and args.history
    assert "[scan]" in text and "scan.sarif" in text  # the wheel with its tree-sitter grammars
    assert "0 no open finding at or above --fail-on" in text


def test_pre_commit_hooks_parse() -> None:
    import shlex

    import yaml

    from conftest import REPO
    from golive.cli import build_parser

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"golive-scan", "golive-scan-keys"}
    for hook in hooks:
        argv = shlex.split(hook["entry"])[1:] + hook.get("args", [])
        assert argv[0] == "scan" and hook["pass_filenames"] is False and hook["language"] == "python"
        build_parser("scan").parse_args(argv)
    grammars = {d.split(">")[0] for d in hooks[0]["additional_dependencies"]}
    import tomllib

    extra = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["scan"]
    assert grammars == {d.split(">")[0] for d in extra}  # the hook installs exactly the [scan] extra
