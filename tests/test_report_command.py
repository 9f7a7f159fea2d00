"""`golive report --from FILE --format ...`: re-render a saved result offline, in any format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"
# The golive.result/1 fixture, as golive wrote results before golive.result/2: still read.
FIXTURE_V1 = Path(__file__).parent / "data" / "v1" / "result_fixture.json"


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
    from golive.result_doc import accept_result

    # What `report --from` renders: the saved result through the one redaction pass.
    result = accept_result(json.loads(FIXTURE.read_text(encoding="utf-8")), str(FIXTURE))
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
    ('{"schema": "golive.result/2", "verdict": "ready", "checks": []}', ": tool: not a valid golive.result/2 result: required key missing"),
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


# -- the structure of a result from outside -------------------------------------------------------------


def _fixture(path: Path = FIXTURE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _at(doc: dict, path: list) -> tuple[object, object]:
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


@pytest.mark.parametrize("source", [FIXTURE, FIXTURE_V1], ids=["v2", "v1"])
@pytest.mark.parametrize("path,value,key", [
    (["checks", 3, "findings"], "none", "checks[3].findings"),
    (["checks", 1, "findings", 0, "location"], "captures/x.jsonl:7", "checks[1].findings[0].location"),
    (["checks", 1, "findings", 0, "location", "line"], "7", "checks[1].findings[0].location.line"),
    (["checks", 1, "findings", 0, "message"], 42, "checks[1].findings[0].message"),
    (["checks", 5, "waiver", "approver"], None, "checks[5].waiver.approver"),
    (["checks", 0, "status"], "green", "checks[0].status"),
    (["checks", 0, "duration_ms"], "fast", "checks[0].duration_ms"),
    (["summary", "counts"], [1, 2], "summary.counts"),
    (["summary", "counts", "pass"], "18", "summary.counts.pass"),
    (["summary", "reasons", 0], "fail", "summary.reasons[0]"),
    (["provenance", "inputs", 0, "bytes"], "big", "provenance.inputs[0].bytes"),
    (["provenance", "probe_targets"], "http://127.0.0.1:8000", "provenance.probe_targets"),
    (["merchant"], ["201811230001000001"], "merchant"),
    (["tool"], None, "tool"),
])
def test_a_wrong_shape_deep_inside_is_exit_2_naming_the_key_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  path: list, value: object, key: str,
                                                                  source: Path) -> None:
    data = _fixture(source)
    parent, last = _at(data, path)
    if value is None and last == "approver":
        del parent[last]  # type: ignore[attr-defined]
    else:
        parent[last] = value  # type: ignore[index]
    written = tmp_path / "result.json"
    written.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(["report", "--from", str(written), "--format", "text,junit,html", "--output-dir",
                        str(tmp_path / "o")], capsys)
    assert code == 2, err
    assert f"{written}: {key}: " in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_the_documented_shape_from_an_older_golive_still_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """golive.result/1 as design.md §6 documents it, from a golive without the run id, signatures,
    evidence summary or waivers: every format renders."""
    old = {
        "schema": "golive.result/1", "tool": {"name": "golive", "version": "0.0.9"},
        "merchant": {"oid_partner": "201811230001000001", "name": "旧商户", "environment": "integration"},
        "profile": {"name": "base"}, "verdict": "not_ready",
        "summary": {"fail_on": "high", "counts": {"pass": 1, "fail": 1}, "reasons": [{"kind": "fail", "check": "LL-NTF-002"}]},
        "checks": [
            {"id": "LL-SIG-001", "status": "pass", "severity": "high", "item": "integration.signature",
             "title": {"zh": "签名方式", "en": "Sign type"}},
            {"id": "LL-NTF-002", "status": "fail", "severity": "blocker", "item": "review.notify",
             "title": {"zh": "通知响应", "en": "Notification acknowledged"},
             "findings": [{"message": {"zh": "返回 HTTP 500", "en": "answered HTTP 500"}}],
             "evidence": [{"kind": "http", "url": "http://127.0.0.1:8000/llpay/notify", "status": 500}],
             "remediation": {"zh": "返回 0000", "en": "answer 0000"}},
        ],
        "provenance": {"config_sha256": "ab" * 32, "tool_version": "0.0.9", "time": "2026-11-01T10:00:00+08:00"},
    }
    source = tmp_path / "old.json"
    source.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(["report", "--from", str(source), "--format", "text,json,junit,sarif,markdown,html",
                             "--output-dir", str(out)], capsys)
    assert code == 0, err
    assert "LL-NTF-002" in stdout
    assert sorted(p.name for p in out.iterdir()) == ["golive.sarif", "junit.xml", "report.html", "result.json", "summary.md"]


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, path + (index,))
    return out


def _slim(path: tuple, source: Path) -> tuple[dict, tuple]:
    """The fixture with only the check the path goes into (rendering 33 checks for each of hundreds
    of mutations would take minutes), and the path into it."""
    data = _fixture(source)
    if len(path) >= 2 and path[0] == "checks":
        data["checks"] = [data["checks"][path[1]]]
        return data, ("checks", 0) + path[2:]
    data["checks"] = data["checks"][:1]
    return data, path


def _dotted(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@pytest.mark.parametrize("source", [FIXTURE, FIXTURE_V1], ids=["v2", "v1"])
def test_no_wrong_shape_anywhere_reaches_a_reporter_as_a_traceback(source: Path) -> None:
    """Every key of the fixture (golive.result/2, and the golive.result/1 one), replaced by a value
    of each other JSON type: either the result is refused naming that key, or every reporter renders
    what the model read."""
    from golive.errors import InputError
    from golive.reporters import FORMATS, render
    from golive.result_doc import validate_result

    seen: set[str] = set()
    for full_path in _paths(_fixture(source)):
        shape = "/".join("#" if isinstance(p, int) else str(p) for p in full_path)
        if shape in seen:
            continue
        seen.add(shape)
        for wrong in (None, 7, "x", [], {}, True):
            data, path = _slim(full_path, source)
            parent, last = _at(data, list(path))
            if type(parent[last]) is type(wrong):  # type: ignore[index]
                continue
            parent[last] = wrong  # type: ignore[index]
            try:
                typed = validate_result(data, "result.json")
            except InputError as exc:
                # The key named is the one replaced, one above it, or (an emptied object) one inside it.
                where = _dotted(path)
                assert exc.key and (where.startswith(exc.key) or exc.key.startswith(where)), (path, wrong, exc)
                continue
            lang = ("zh", "en")[len(seen) % 2]  # the languages share every access to the result
            for fmt in FORMATS:
                try:
                    render(typed, fmt, lang=lang)
                except Exception as exc:  # pragma: no cover - the failure message
                    pytest.fail(f"{_dotted(path)} = {wrong!r} passed validation but {fmt}/{lang} raised {exc!r}")


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_install_something_that_exists(name: str) -> None:
    """golive is not on PyPI: every install line takes a wheel committed in the merchant's repository
    (tools/golive/) or GOLIVE_PIP_SPEC, never the bare package name; every job that runs golive check
    has git, so LL-SIG-007 can tell whether key files are committed."""
    import re

    import yaml

    text = (Path(__file__).resolve().parents[1] / "docs" / "ci" / name).read_text(encoding="utf-8")
    installs = re.findall(r"pip install ([^\n]+)", text)
    assert installs
    for line in installs:
        assert "tools/golive/lianlian_golive-*.whl" in line and "GOLIVE_PIP_SPEC" in line, line
        assert not re.search(r":-lianlian-golive", line), line
    jobs = yaml.safe_load(text)
    if name == "gitlab-ci.yml":
        for job in ("golive", "golive-scan"):
            assert any("install -y -qq git" in step for step in jobs[job]["before_script"]), job
