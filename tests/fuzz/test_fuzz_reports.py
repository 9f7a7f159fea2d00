"""Fuzz: saved results read back -- `golive report --from result.json` and `golive verify-report`
on a signed HTML report whose embedded blocks were altered: hostile JSON (deep nesting, 5000-digit
numbers, NaN, lone surrogates, non-UTF-8) and mutated values."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz.harness import REPO, fuzz, run_cli
from fuzz.hostile import RAW_JSON, Placeholder, byte_mutation, render_json

RESULT = json.loads((REPO / "tests" / "data" / "result_fixture.json").read_text(encoding="utf-8"))
# Parser-level hostility: texts the JSON reader must refuse (too deep, too long a number, not JSON).
PARSER_HOSTILE = [t for t in RAW_JSON if t.startswith(("[" * 200, '{"a":' * 200, "1" * 100, "-9", "0.1", "NaN",
                                                       "Inf", "-Inf"))]
# Strings and numbers a result can hold, in hostile spellings; the result keeps its shape (checking the
# shape of a result is `Result.from_json`'s job, tried key by key in tests/test_report_command.py).
HOSTILE_STRINGS = ["\\ud800", "x\\udfff", "\\ud83d\\ude00", "\\u0000", "a\\u0000b", "\\u001b[31m", "</script>", "null"]
HOSTILE_NUMBERS = ["1e999999999", "-0", "1.5e-400", "12345678901234567890", "0.1"]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, path + (key,))]
    if isinstance(node, list):
        return [leaf for index, value in enumerate(node) for leaf in _leaves(value, path + (index,))]
    return [(path, node)]


def _result_text(data: st.DataObject, base: dict[str, Any]) -> str:
    raw = Placeholder()
    doc = json.loads(json.dumps(base))
    leaves = [(p, v) for p, v in _leaves(doc) if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path, value = data.draw(st.sampled_from(leaves), label="leaf")
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.integers(0, 3), label="parser") == 0:
            text = data.draw(st.sampled_from(PARSER_HOSTILE), label="raw")
        elif isinstance(value, str):
            text = json.dumps(value)[:-1] + data.draw(st.sampled_from(HOSTILE_STRINGS), label="s") + '"'
        else:
            text = data.draw(st.sampled_from(HOSTILE_NUMBERS), label="n")
        parent[path[-1]] = raw.token(text)
    return render_json(doc, raw)


@fuzz(100)
@given(st.data())
def test_report_from_result_json(data: st.DataObject) -> None:
    directory = Path(tempfile.mkdtemp(prefix="golive-fuzz-"))
    path = directory / "result.json"
    path.write_bytes(byte_mutation(data, _result_text(data, RESULT).encode("utf-8")))
    run_cli("report --from", ["report", "--from", str(path), "--format", "json,text", "--output-dir",
                              str(directory / "out")])


@pytest.fixture(scope="module")
def signed_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from Crypto.PublicKey import RSA

    from golive import __version__
    from golive.report_signing import sign_canonical
    from golive.reporters.html import render
    from golive.result_doc import accept_result

    key = RSA.generate(1024)
    public = tmp_path_factory.mktemp("fuzz-report") / "public.pem"
    public.write_bytes(key.publickey().export_key())
    result = json.loads(json.dumps(RESULT))
    result["tool"]["version"] = __version__
    safe = accept_result(result, "fixture")
    return render(safe, lang="zh", signature=sign_canonical(safe, key)), public


@fuzz(100)
@given(st.data())
def test_verify_report_with_altered_blocks(signed_report: tuple[str, Path], data: st.DataObject) -> None:
    html, public = signed_report
    block = data.draw(st.sampled_from(["golive-result", "golive-signature"]), label="block")
    pattern = re.compile(r'(<script type="application/json" id="' + block + r'">)(.*?)(</script>)', re.S)
    match = pattern.search(html)
    assert match is not None
    original = json.loads(match.group(2))
    replacement = _result_text(data, original)
    altered = html[:match.start(2)] + replacement.replace("</", "<\\/") + html[match.end(2):]
    path = Path(tempfile.mkdtemp(prefix="golive-fuzz-")) / "report.html"
    path.write_bytes(byte_mutation(data, altered.encode("utf-8")))
    run_cli("verify-report", ["verify-report", str(path), "--public-key", str(public)])
