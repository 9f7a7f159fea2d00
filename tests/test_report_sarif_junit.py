"""SARIF and JUnit as the tools that read them need: SARIF names golive (informationUri) and each
rule's page (helpUri), and locates a finding in a HAR capture by its entry, not as a line of the
file; JUnit names suites and test cases by ids, so a run in Chinese and one in English are the same
tests to a CI server."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO

from golive.links import HOMEPAGE, check_doc_path, check_doc_url
from golive.reporters import junit, sarif
from golive.result import Result
from golive.result_doc import accept_result

FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"


def _fixture() -> Result:
    return accept_result(json.loads(FIXTURE.read_text(encoding="utf-8")), str(FIXTURE))


def test_sarif_names_the_tool_and_each_rules_page() -> None:
    result = _fixture()
    driver = sarif.build(result, "zh")["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == HOMEPAGE and urlsplit(HOMEPAGE).scheme == "https"
    assert {rule["id"] for rule in driver["rules"]} == {c.id for c in result.checks}
    for rule in driver["rules"]:
        assert rule["helpUri"] == check_doc_url(rule["id"])
        assert urlsplit(rule["helpUri"]).scheme == "https"
        assert (REPO / check_doc_path(rule["id"])).is_file(), rule["id"]  # the page the URL publishes


@pytest.fixture(scope="module")
def har_result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    """A real run over the example HAR with one pitfall planted in its third entry (a pay request):
    ``info_order=null`` (a literal "null" value, LL-SIG-008)."""
    from golive.engine import RunOptions, run_check

    folder = tmp_path_factory.mktemp("har")
    har = json.loads((REPO / "examples" / "captures" / "browser.har").read_text(encoding="utf-8"))
    entry = har["log"]["entries"][2]
    assert entry["request"]["url"].endswith("/payment/authpay.htm")
    entry["request"]["postData"]["text"] = re.sub(r"info_order=[^&]*", "info_order=null", entry["request"]["postData"]["text"])
    path = folder / "browser.har"
    path.write_text(json.dumps(har, ensure_ascii=False), encoding="utf-8")
    document = run_check(RunOptions(config_path=REPO / "examples" / "golive.yaml", captures=[str(path)],
                                    select={"LL-SIG-008"}))
    return accept_result(document, "har-run")


def test_a_har_finding_is_located_by_its_entry(har_result: Result) -> None:
    check = next(c for c in har_result.checks if c.id == "LL-SIG-008")
    assert check.status == "fail"
    where = next(f.location for f in check.findings if f.location and f.location.pointer == "info_order")
    assert (where.line, where.entry) == (None, 3)
    assert where.text.endswith("browser.har:entry 3#info_order")
    results = [r for r in sarif.build(har_result, "en")["runs"][0]["results"] if r["ruleId"] == "LL-SIG-008"]
    location = next(r["locations"][0] for r in results
                    if any(ll.get("name") == "info_order" for ll in r["locations"][0].get("logicalLocations", [])))
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("browser.har")
    assert "region" not in physical  # not "line 3" of a JSON file whose third line is something else
    entry, field = location["logicalLocations"]
    assert entry == {"name": "entries[2]", "fullyQualifiedName": "log.entries[2]", "kind": "element"}
    assert field["fullyQualifiedName"] == "log.entries[2]/info_order" and field["parentIndex"] == 0
    assert location["properties"] == {"harEntry": 3}
    import jsonschema

    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(sarif.build(har_result, "zh")))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_a_json_lines_finding_keeps_its_line() -> None:
    result = _fixture()
    located = [(f.location, r) for c in result.checks for f in c.findings if f.location and f.location.line
               for r in [c.id]]
    where, check_id = next((w, c) for w, c in located if w.file and w.file.endswith(".jsonl"))
    log = sarif.build(result, "zh")["runs"][0]
    regions = [loc["physicalLocation"].get("region") for r in log["results"] if r["ruleId"] == check_id
               for loc in r["locations"]]
    assert {"startLine": where.line} in regions


def _ids(xml: str) -> list[tuple[str, str, str]]:
    root = ET.fromstring(xml)
    return [(suite.get("name", ""), case.get("classname", ""), case.get("name", ""))
            for suite in root.iter("testsuite") for case in suite.iter("testcase")]


def test_junit_names_are_ids_the_same_in_every_language() -> None:
    result = _fixture()
    zh, en = junit.render(result, lang="zh"), junit.render(result, lang="en")
    assert _ids(zh) == _ids(en)
    assert [name for _, _, name in _ids(zh)] == [c.id for _, _, group in result.checks_by_item() for c in group]
    assert {suite for suite, _, _ in _ids(zh)} == {item for item, _, _ in result.checks_by_item()}
    # The titles are still there, in the report's language.
    first = result.checks[0]
    titles = {lang: {p.get("value") for p in ET.fromstring(text).iter("property") if p.get("name") == "golive.title"}
              for lang, text in (("zh", zh), ("en", en))}
    assert first.title.zh in titles["zh"] and first.title.en in titles["en"]
