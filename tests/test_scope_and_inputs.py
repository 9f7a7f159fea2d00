"""Coverage that cannot be switched off silently: scope attestations, unreadable capture files.

* A merchant with no withdrawal business declares it in golive.yaml (``scope.withdrawals``) with
  who attests it and when: the same-card checks are not_applicable, shown as an attestation, and
  the verdict can be ready without --skip. Without the attestation fields they are manual.
* A capture file golive could not read a single line of makes the capture checks error, naming the
  file and the line; unreadable lines are counted in provenance.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from probe_support import EXAMPLES, check, statuses

from golive.cli import main

CRD = ("LL-CRD-001", "LL-CRD-002", "LL-CRD-003")


def _example_config(tmp: Path, **sections: Any) -> Path:
    """examples/golive.yaml with absolute paths, no live: section, and `sections` replaced."""
    from golive.commands.demo import demo_config

    data = demo_config(EXAMPLES, "http://127.0.0.1:1", [])
    data.pop("live", None)
    for name, value in sections.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    path = tmp / "golive.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _run(config: Path, tmp: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(config), "--format", "json", "--output-dir", str(tmp / "out"), *extra])
    return code, json.loads((tmp / "out" / "result.json").read_text(encoding="utf-8"))


def test_attested_no_withdrawals_makes_same_card_checks_not_apply(tmp_path: Path):
    evidence = {"captures": _captures()}  # no ledger either: there are no withdrawals to audit
    scope = {"withdrawals": {"offered": False, "attested_by": "张三 (CTO)", "date": "2026-11-20",
                             "note": "理财产品到期自动回款至支付卡，无提现功能"}}
    code, result = _run(_example_config(tmp_path, scope=scope, evidence=evidence), tmp_path)
    for check_id in CRD:
        found = check(result, check_id)
        assert found["status"] == "not_applicable"
        assert found["attestation"]["attested_by"] == "张三 (CTO)" and found["attestation"]["date"] == "2026-11-20"
        assert "no withdrawals" in found["reason"]["en"]
    assert result["verdict"] == "ready" and code == 0


def test_declaring_no_withdrawals_without_attestation_is_manual(tmp_path: Path):
    code, result = _run(_example_config(tmp_path, scope={"withdrawals": {"offered": False}}), tmp_path)
    assert {statuses(result)[c] for c in CRD} == {"manual"}
    assert "attested_by" in check(result, "LL-CRD-003")["reason"]["en"]
    assert result["verdict"] == "incomplete" and code == 3


def test_an_attestation_dated_in_the_future_is_manual(tmp_path: Path):
    scope = {"withdrawals": {"offered": False, "attested_by": "张三", "date": "2999-01-01"}}
    _, result = _run(_example_config(tmp_path, scope=scope), tmp_path)
    assert {statuses(result)[c] for c in CRD} == {"manual"}


def test_offering_withdrawals_changes_nothing(tmp_path: Path):
    _, result = _run(_example_config(tmp_path, scope={"withdrawals": {"offered": True}}), tmp_path)
    assert statuses(result)["LL-CRD-003"] == "pass"


def test_a_capture_file_with_no_readable_line_is_an_error_naming_it(tmp_path: Path):
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"not json\n\xff\xfe\n{\"kind\": \n")
    evidence = {"captures": [*_captures(), str(broken)]}
    code, result = _run(_example_config(tmp_path, evidence=evidence), tmp_path)
    found = check(result, "LL-RSK-002")
    assert found["status"] == "error"
    assert f"{broken}:1:" in found["reason"]["en"]
    inputs = {i["file"]: i for i in result["provenance"]["inputs"]}
    assert inputs[str(broken)]["unreadable"] == 3 and inputs[str(broken)]["records"] == 3
    assert result["verdict"] == "incomplete" and code == 3


def test_unreadable_lines_in_a_readable_file_are_counted(tmp_path: Path):
    mixed = tmp_path / "mixed.jsonl"
    good = (EXAMPLES / "captures" / "integration.jsonl").read_text(encoding="utf-8")
    mixed.write_text(good + "oops, not json\n", encoding="utf-8")
    _, result = _run(_example_config(tmp_path, evidence={"captures": [str(mixed)]}), tmp_path)
    entry = next(i for i in result["provenance"]["inputs"] if i["file"] == str(mixed))
    assert entry["unreadable"] == 1 and entry["first_unreadable"].startswith(f"{mixed}:{good.count(chr(10)) + 1}:")
    assert statuses(result)["LL-RSK-002"] == "pass"


def _captures() -> list[str]:
    return [str(EXAMPLES / "captures" / "integration.jsonl"), str(EXAMPLES / "captures" / "browser.har")]


def test_reports_show_a_partial_run_and_an_attestation(tmp_path: Path, capsys):
    scope = {"withdrawals": {"offered": False, "attested_by": "张三 (CTO)", "date": "2026-11-20"}}
    config = _example_config(tmp_path, scope=scope, evidence={"captures": _captures()})
    code = main(["check", str(config), "--skip", "LL-RSK-001,LL-RSK-002,LL-RSK-003,LL-RSK-004,LL-RSK-005,LL-RSK-006",
                 "--format", "text,html,markdown", "--lang", "en", "--output-dir", str(tmp_path / "out")])
    text = capsys.readouterr().out
    assert code == 3
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    # The header and the staff summary say this was a partial run and what it left unjudged.
    assert "Partial run: --skip LL-RSK-001" in html and "not judged: Review 1" in html
    assert "its checks were deselected with --select/--skip" in html
    assert "checks selected: --skip LL-RSK-001" in text and "not judged (its checks were deselected)" in text
    assert "deselected with --select/--skip" in markdown
    # The withdrawal declaration is shown to staff as an attestation, not as a pass.
    assert "Not applicable (attested)" in html and "张三 (CTO)" in html


def test_the_html_report_counts_unreadable_lines(tmp_path: Path, capsys):
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text((EXAMPLES / "captures" / "integration.jsonl").read_text(encoding="utf-8") + "oops\n", encoding="utf-8")
    config = _example_config(tmp_path, evidence={"captures": [str(mixed)]})
    main(["check", str(config), "--format", "text,html", "--lang", "en", "--output-dir", str(tmp_path / "out")])
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "1 of" in html and "lines unreadable, skipped" in html
    assert "unreadable lines: 1 of" in capsys.readouterr().out
