"""The typed result (golive.result): one model for the JSON document, its JSON Schema and the
reporters; the engine's judgements stored in it; golive.result/1 still read; reporters that import
nothing of the engine."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO, TEST_MD5_KEY
from golive.errors import InputError
from golive.result import RESULT_SCHEMA, STATUSES, Result, json_schema, location_text

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "result_fixture.json"
FIXTURE_V1 = DATA / "v1" / "result_fixture.json"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# -- reporters only format ------------------------------------------------------------------------------

# What a reporter may import from golive: the result model, its own package, the escaping helpers
# (golive.controls: text in, text out, no judgement) and the error type for a bad --format.
ALLOWED = ("golive.result", "golive.reporters", "golive.controls", "golive.errors")
THIRD_PARTY = ("jinja2", "markupsafe")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names.append(module)
            if module == "golive":  # from golive import x
                names += [f"golive.{alias.name}" for alias in node.names]
    return names


@pytest.mark.parametrize("path", sorted((REPO / "golive" / "reporters").glob("*.py")), ids=lambda p: p.name)
def test_a_reporter_imports_the_result_model_and_nothing_of_the_engine(path: Path) -> None:
    for name in _imports(path):
        if name == "golive" or name.startswith("golive."):
            assert name in ALLOWED or name.startswith("golive.reporters."), f"{path.name} imports {name}"
        else:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top in THIRD_PARTY or top == "__future__", \
                f"{path.name} imports {name}"


def test_rendering_a_saved_result_loads_no_engine_registry_or_check() -> None:
    """In a fresh interpreter: read the golive.result/2 fixture and render every format; not one
    module of the engine side is imported."""
    code = f"""
import json, sys
from golive.result import Result
from golive.reporters import FORMATS, render
result = Result.from_json(json.load(open({str(FIXTURE)!r}, encoding="utf-8")), "fixture")
for fmt in FORMATS:
    for lang in ("zh", "en"):
        render(result, fmt, lang=lang)
loaded = sorted(m for m in sys.modules if m.startswith("golive"))
print(json.dumps(loaded))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    for forbidden in ("golive.engine", "golive.registry", "golive.model", "golive.verdict", "golive.result_v1",
                      "golive.checks", "golive.redact"):
        assert not any(m == forbidden or m.startswith(forbidden + ".") for m in loaded), (forbidden, loaded)


# -- the document and its schema -------------------------------------------------------------------------


def test_the_published_schema_is_generated_and_fits_every_result(capsys: pytest.CaptureFixture[str]) -> None:
    from golive.cli import main

    assert main(["schema", "--result"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema()
    Draft202012Validator.check_schema(printed)
    assert printed["title"] == RESULT_SCHEMA == "golive.result/2"
    validator = Draft202012Validator(printed)
    assert list(validator.iter_errors(load(FIXTURE))) == []
    # a v1 document is read by golive, but is not a golive.result/2 document
    assert list(validator.iter_errors(load(FIXTURE_V1)))
    # every class is described, and `golive schema` without --result still gives golive.yaml's
    assert all(d.get("description") for d in printed["$defs"].values())
    assert main(["schema"]) == 0
    assert "golive.config" in json.loads(capsys.readouterr().out)["$id"]


@pytest.fixture
def real_run(config_factory, run_checks, tmp_path: Path) -> dict[str, Any]:
    """A real engine run: some checks pass, the notify item is not covered, a waiver applies."""
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - check: LL-SIG-007\n    justification: demo\n    approver: 王五\n"
                       "    expires: 2999-01-01\n", encoding="utf-8")
    (tmp_path / "keys" / "merchant_private.pem").chmod(0o644)  # LL-SIG-007 fails (medium): waived
    return run_checks(config_factory(), waivers=str(waivers))


def test_a_real_run_is_a_valid_document_that_reads_back_unchanged(real_run: dict[str, Any]) -> None:
    from golive.redact import redact_result

    assert real_run["schema"] == RESULT_SCHEMA
    assert list(Draft202012Validator(json_schema()).iter_errors(real_run)) == []
    assert Result.from_json(real_run, "result.json").to_json() == real_run
    # The one redaction pass already ran: running it again changes nothing.
    assert redact_result(real_run) == real_run


def test_the_engine_stores_every_judgement_the_reports_show(real_run: dict[str, Any]) -> None:
    from golive.model import Item

    result = Result.from_json(real_run, "result.json")
    assert list(result.summary.items) == [item.value for item in Item]  # the guide's order
    for check in result.checks:
        ranks = {"blocker": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
        assert check.gating == (ranks[check.severity] >= ranks[result.summary.fail_on]), check.id
    # no captures, no probes: the notify item is uncovered -- its heading and staff row say so
    assert result.summary.items["review.notify"].state == "not_judged"
    staff = {row.id: row for row in result.summary.staff}
    assert list(staff) == ["review1", "review2", "review3", "release1", "release2", "release3"]
    assert staff["review2"].state == "not_judged" and "no check could prove" in staff["review2"].note.en
    assert staff["release1"].state == "pending"  # integration: confirm before release
    assert result.summary.items["release.registration"].state == "pending"
    assert staff["release3"].note.zh.startswith("同审核3：")
    uncovered = [r for r in result.summary.reasons if r.kind == "uncovered"]
    assert uncovered and all(r.text.en.endswith(": no check could judge it") for r in uncovered)
    assert any(r.item == "review.notify" for r in uncovered)
    sig7 = next(c for c in result.checks if c.id == "LL-SIG-007")
    assert sig7.status == "waived" and sig7.waiver and sig7.waiver.approver == "王五"


def test_a_partial_run_is_judged_not_judged_with_the_flags_named(config_factory, run_checks) -> None:
    result = Result.from_json(run_checks(config_factory(), "LL-SIG-001"), "result.json")
    assert result.verdict == "incomplete"
    deselected = [r for r in result.summary.reasons if r.kind == "deselected"]
    assert {r.item for r in deselected} >= {"review.risk", "review.notify", "review.same_card"}
    assert all("--select/--skip" in r.text.zh and "--select/--skip" in r.text.en for r in deselected)
    row = next(r for r in result.summary.staff if r.id == "review1")
    assert row.state == "not_judged" and "LL-RSK-001" in row.note.en and "deselected" in row.note.en
    assert result.provenance.selection and result.provenance.selection.select == ("LL-SIG-001",)


def test_a_scope_attestation_is_a_row_staff_see(config_factory, run_checks) -> None:
    scope = {"withdrawals": {"offered": False, "attested_by": "张三 (CTO)", "date": "2026-11-20", "note": "到期回款"}}
    result = Result.from_json(run_checks(config_factory({"scope": scope})), "result.json")
    review3 = next(r for r in result.summary.staff if r.id == "review3")
    assert review3.state == "attested" and "张三 (CTO)" in review3.note.zh
    assert result.summary.items["review.same_card"].state == "attested"  # the heading says what the row says
    rows = [a for a in result.summary.attestations if a.check.startswith("LL-CRD-")]
    assert rows and all(a.state == "attested" and a.attested_by == "张三 (CTO)" and a.note.zh.endswith(" — 到期回款")
                        for a in rows)
    crd = next(c for c in result.checks if c.id == "LL-CRD-001")
    assert crd.attestation and crd.attestation.key == "scope.withdrawals"


def test_the_vocabularies_are_the_engines() -> None:
    from golive.model import Location, Severity, Status, Verdict
    from golive.result import SEVERITIES, VERDICTS

    assert STATUSES == tuple(s.value for s in Status)
    assert SEVERITIES == tuple(sorted((s.value for s in Severity), key=lambda v: -Severity(v).rank))
    assert VERDICTS == tuple(v.value for v in Verdict)
    for where in (Location("a.jsonl", 3, "x.y"), Location("a.yaml"), Location(None, None, "k"), Location("f", 0)):
        assert location_text(where.file, where.line, where.pointer) == str(where)


def test_unknown_keys_are_read_past_and_not_written_back() -> None:
    data = load(FIXTURE)
    data["from_a_newer_golive"] = {"x": 1}
    data["checks"][0]["also_new"] = True
    result = Result.from_json(data, "result.json")
    assert result.to_json() == load(FIXTURE)


def test_a_check_of_an_item_the_summary_lacks_is_refused() -> None:
    data = load(FIXTURE)
    data["checks"][2]["item"] = "review.unknown"
    with pytest.raises(InputError) as caught:
        Result.from_json(data, "result.json")
    assert caught.value.key == "checks[2].item" and "summary.items" in caught.value.message


def test_a_missing_derived_field_is_named_in_v2() -> None:
    data = load(FIXTURE)
    del data["summary"]["staff"]
    del data["checks"][4]["gating"]
    with pytest.raises(InputError) as caught:
        Result.from_json(data, "result.json")
    assert caught.value.key == "summary.staff" and caught.value.message.endswith("required key missing")


# -- golive.result/1 ------------------------------------------------------------------------------------


def test_the_v1_fixture_reads_as_the_v2_fixture_built_through_the_model() -> None:
    """The same run written by golive.result/1 and built as golive.result/2: reading the first
    computes exactly what the engine stores in the second (golive.result_v1 -> golive.verdict)."""
    assert Result.from_json(load(FIXTURE_V1), "v1.json") == Result.from_json(load(FIXTURE), "v2.json")


def test_a_v1_result_golive_wrote_reads_with_its_verdict_and_reasons() -> None:
    from golive.report_signing import extract_embedded

    html = (DATA / "v1" / "signed_report.html").read_text(encoding="utf-8")
    v1 = json.loads(extract_embedded(html).result_text or "")
    result = Result.from_json(v1, "report.html")
    assert result.schema == RESULT_SCHEMA and result.verdict == v1["verdict"]
    assert [(r.kind, r.item) for r in result.summary.reasons] == [(r["kind"], r.get("item")) for r in v1["summary"]["reasons"]]
    assert all(r.text.zh and r.text.en for r in result.summary.reasons)
    assert [c.id for c in result.checks] == [c["id"] for c in v1["checks"]]
    assert len(result.summary.staff) == 6
    assert list(Draft202012Validator(json_schema()).iter_errors(result.to_json())) == []


def test_v1_leniencies_and_their_limits() -> None:
    """v1 let texts be plain strings and numbers stand for codes; a null was "missing" for most
    optional keys -- but never for an object or list it required."""
    data = load(FIXTURE_V1)
    data["merchant"]["oid_partner"] = 201811230001000001
    data["checks"][0]["title"] = "只有一种语言"
    data["checks"][0]["references"] = None
    data["provenance"] = {"time": "2026-11-28T10:30:05+08:00"}
    result = Result.from_json(data, "v1.json")
    assert result.merchant.oid_partner == "201811230001000001"
    assert result.checks[0].title.en == "只有一种语言" and result.checks[0].references == ()
    assert result.provenance.run_id == "" and result.provenance.inputs == ()
    for key in ("merchant", "summary", "provenance"):
        broken = load(FIXTURE_V1)
        broken[key] = None
        with pytest.raises(InputError) as caught:
            Result.from_json(broken, "v1.json")
        assert caught.value.key == key and "expected an object, got null" in caught.value.message


def test_report_from_a_v1_result_writes_a_v2_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from golive.cli import main

    assert main(["report", "--from", str(FIXTURE_V1), "--format", "json", "--output-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    written = load(tmp_path / "result.json")
    assert written["schema"] == RESULT_SCHEMA
    from golive.result_doc import accept_result

    assert written == accept_result(load(FIXTURE), str(FIXTURE)).to_json()


# -- the redaction pass, once ------------------------------------------------------------------------------


def test_the_redaction_pass_runs_where_a_result_enters(monkeypatch: pytest.MonkeyPatch) -> None:
    """accept_result masks what the fixture plants, and returns the same object for a result the
    pass leaves alone (what golive wrote)."""
    from golive.result_build import redacted
    from golive.result_doc import accept_result

    raw = Result.from_json(load(FIXTURE), "fixture")
    safe = accept_result(load(FIXTURE), "fixture")
    assert safe != raw and "6222021234567890123" in json.dumps(raw.to_json())
    assert "6222021234567890123" not in json.dumps(safe.to_json(), ensure_ascii=False)
    assert redacted(safe) is safe


def test_no_field_of_the_model_is_taken_for_a_secret_or_personal_data() -> None:
    """The redaction pass decides by field name too: a model field called "key" or "name_no" would
    have its value masked (a staff row's id was once "key": "review1" -> "[secret, 7 chars]").
    The only exception is the scope attestation's config key, kept because it is dotted."""
    import dataclasses

    import golive.result as model
    from golive.redact import field_kind

    names = {f.name for c in vars(model).values() if isinstance(c, type) and dataclasses.is_dataclass(c)
             for f in dataclasses.fields(c)}
    flagged = {n for n in names if field_kind(n, False) not in (None, "public")}
    assert flagged == {"key"}
    scoped = {"kind": "x", "attestation": {"key": "scope.withdrawals"}}
    from golive.redact import redact_result

    assert redact_result(scoped) == scoped


def test_map_strings_reaches_every_string_and_changes_nothing_else() -> None:
    from golive.result import map_strings

    result = Result.from_json(load(FIXTURE), "fixture")
    upper = map_strings(result, str.upper)
    assert upper.checks[0].title.en == result.checks[0].title.en.upper()
    assert upper.checks[0].evidence[0]["FILE"] == result.checks[0].evidence[0]["file"].upper()
    assert upper.summary.counts == {k.upper(): v for k, v in result.summary.counts.items()}
    assert replace(map_strings(result, lambda s: s), provenance=result.provenance) == result


def test_the_readme_names_the_steps_of_adding_a_report_format() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Adding a report format"):]
    section = section[:section.index("\n## ")] if "\n## " in section else section
    for needle in ("golive/reporters/", "FORMATS", "render(result", "golive.result", "tests/test_report_golden.py",
                   "GOLIVE_UPDATE_GOLDEN=1", "report_files.py"):
        assert needle in section, needle


@pytest.fixture(autouse=True)
def _md5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_TEST_MD5", TEST_MD5_KEY)
