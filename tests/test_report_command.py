"""`golive report --from FILE --format ...`: re-render a saved result offline, in any format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from golive.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rerenders_every_format_from_result_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from golive.reporters import render

    out = tmp_path / "out"
    code, stdout, _ = run(["report", "--from", str(FIXTURE), "--format", "text,json,junit,sarif,markdown,html",
                           "--lang", "en", "--output-dir", str(out)], capsys)
    assert code == 0
    result = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert stdout == render(result, "text", lang="en")
    for fmt, name in (("json", "result.json"), ("junit", "junit.xml"), ("sarif", "golive.sarif"),
                      ("markdown", "summary.md"), ("html", "report.html")):
        assert (out / name).read_text(encoding="utf-8") == render(result, fmt, lang="en"), name


def test_rerenders_from_an_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a"
    assert run(["report", "--from", str(FIXTURE), "--format", "html", "--output-dir", str(out)], capsys)[0] == 0
    again = tmp_path / "b"
    code, _, _ = run(["report", "--from", str(out / "report.html"), "--format", "html,json", "--output-dir", str(again)], capsys)
    assert code == 0
    assert (again / "report.html").read_text(encoding="utf-8") == (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("content,message", [
    ("{not json", "not valid JSON"),
    ('{"schema": "something/9", "checks": []}', "schema is 'something/9'"),
    ('[1, 2]', "not a golive result"),
    ('{"schema": "golive.result/1", "verdict": "maybe", "checks": []}', "verdict"),
    ('{"schema": "golive.result/1", "verdict": "ready", "checks": [{"status": "pass"}]}', "checks[0]"),
    ("<html><body>a page</body></html>", "not a golive HTML report"),
])
def test_bad_input_exits_2_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           content: str, message: str) -> None:
    source = tmp_path / "input.json"
    source.write_text(content, encoding="utf-8")
    code, _, err = run(["report", "--from", str(source), "--output-dir", str(tmp_path / "o")], capsys)
    assert code == 2 and str(source) in err and message in err, err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_missing_file_directory_and_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report", "--from", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "nope.json" in err
    code, _, err = run(["report", "--from", str(tmp_path)], capsys)
    assert code == 2 and "directory" in err
    code, _, err = run(["report", "--from", str(FIXTURE), "--format", "pdf"], capsys)
    assert code == 2 and "pdf" in err
    binary = tmp_path / "result.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = run(["report", "--from", str(binary)], capsys)
    assert code == 2 and "UTF-8" in err


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_parse_and_use_real_flags(name: str) -> None:
    """The shipped CI examples are valid YAML and their `golive check` line parses with golive's own
    argument parser, asking for every CI format."""
    import re
    import shlex

    import yaml

    from golive.cli import build_parser

    text = (Path(__file__).resolve().parents[1] / "docs" / "ci" / name).read_text(encoding="utf-8")
    yaml.safe_load(text)
    command = re.search(r"golive check [^\n]*(?:\n\s+--[^\n]*)*", text)
    assert command, "no golive check command"
    argv = shlex.split(command.group(0).replace("\\\n", " "))[1:]
    args = build_parser("check").parse_args(argv)
    assert set(args.format.split(",")) >= {"text", "junit", "sarif", "markdown", "html"}
    for code in ("0 ready", "1 not_ready", "2 usage or config error", "3 incomplete"):
        assert code in text
    assert "golive-report" in text and ("upload-artifact" in text or "artifacts:" in text)
