"""Golden files: one fixed result (tests/data/result_fixture.json) rendered into every format and
language must equal tests/golden/* byte for byte. A deliberate change to a reporter or template:
regenerate with ``GOLIVE_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py`` and review the diff.

The fixture is written by tests/data/make_result_fixture.py through the typed model (every status,
findings with locations, HTTP exchanges, waivers, and planted personal data the redaction pass must
mask). It is a result from outside, so it enters as `golive report --from` takes it in
(golive.result_doc.accept_result: read into the model, redaction pass applied); the reporters
render what they are given.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from golive.reporters import render
from golive.result import Result

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
FIXTURE = HERE / "data" / "result_fixture.json"
UPDATE = os.environ.get("GOLIVE_UPDATE_GOLDEN") == "1"

CASES = [
    ("text", "zh", "report.zh.txt"), ("text", "en", "report.en.txt"),
    ("json", "zh", "result.json"),
    ("junit", "zh", "junit.zh.xml"), ("junit", "en", "junit.en.xml"),
    ("sarif", "zh", "golive.zh.sarif"), ("sarif", "en", "golive.en.sarif"),
    ("markdown", "zh", "summary.zh.md"), ("markdown", "en", "summary.en.md"),
    ("html", "zh", "report.zh.html"), ("html", "en", "report.en.html"),
]


def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def entered() -> Result:
    """The fixture as the reporters get it from `golive report --from`."""
    from golive.result_doc import accept_result

    return accept_result(fixture(), str(FIXTURE))


@pytest.mark.parametrize("fmt,lang,name", CASES, ids=[c[2] for c in CASES])
def test_golden(fmt: str, lang: str, name: str) -> None:
    produced = render(entered(), fmt, lang=lang)
    target = GOLDEN / name
    if UPDATE:
        target.write_text(produced, encoding="utf-8")
    assert target.exists(), f"missing {target}; run with GOLIVE_UPDATE_GOLDEN=1 to create it"
    expected = target.read_text(encoding="utf-8")
    if produced != expected:
        produced_lines, expected_lines = produced.splitlines(), expected.splitlines()
        for number, (a, b) in enumerate(zip(expected_lines, produced_lines), start=1):
            if a != b:
                pytest.fail(f"{name} differs at line {number}:\n  golden:   {a[:300]}\n  produced: {b[:300]}\n"
                            "(GOLIVE_UPDATE_GOLDEN=1 regenerates after a deliberate change)")
        pytest.fail(f"{name}: {len(expected_lines)} golden lines, {len(produced_lines)} produced")


def test_rendering_is_a_pure_function_of_the_result() -> None:
    """Same result, same bytes -- and the result (frozen, but its evidence holds dicts) is not
    modified by any reporter."""
    result = entered()
    before = json.dumps(result.to_json(), sort_keys=True)
    for fmt, lang, _ in CASES:
        assert render(result, fmt, lang=lang) == render(entered(), fmt, lang=lang)
    assert json.dumps(result.to_json(), sort_keys=True) == before


def test_fixture_is_what_its_generator_writes() -> None:
    """tests/data/result_fixture.json is reproducible from make_result_fixture.py (through the model)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_result_fixture", HERE / "data" / "make_result_fixture.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.document() == fixture()
    assert Result.from_json(fixture(), str(FIXTURE)) == module.build()
