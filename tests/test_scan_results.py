"""The scan result as golive check reads it: `load_scan_report`, `findings_for`, `judge_rule`
(used by every LL-SEC check's judge), and the honest state until the `scan:` gatherer exists.
Also the base install: without tree-sitter the key pass still runs, and the code rules report
`not_run`, which their checks turn into "cannot judge", never pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan_support import commit_all, golive, init_repo, judge_with

from golive.errors import InputError
from golive.scan.results import findings_for, load_scan_report

CONFIG = 'class PartnerConfig {\n    String MD5_KEY = "Fd4Gh7Jk1Lz5Xc8Vb2Nm6Qw";\n}\n'
NOTIFY = (
    "public class LLPayNotifyServlet extends HttpServlet {\n"
    "    protected void doPost(HttpServletRequest req, HttpServletResponse resp) {\n"
    '        resp.getWriter().write("{\\"ret_code\\":\\"0000\\"}");\n'
    "        orderDao.markPaid(JSON.parseObject(LLPayUtil.readReqStr(req)).getString(\"no_order\"));\n"
    "    }\n}\n")


@pytest.fixture
def written(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "merchant")
    (repo / "PartnerConfig.java").write_text(CONFIG, encoding="utf-8")
    (repo / "Legacy.java").write_text(
        'class Legacy { String MD5_KEY = "Aa1Ss2Dd3Ff4Gg5Hh6Jj7Kk"; } // golive-ignore: LL-SEC-002 until 2099-01-01 -- sandbox only\n',
        encoding="utf-8")
    (repo / "Notify.java").write_text(NOTIFY, encoding="utf-8")
    commit_all(repo)
    out = tmp_path / "out"
    done = golive("scan", str(repo), "--format", "json", "--output-dir", str(out))
    assert done.returncode == 1, done.stderr
    return out / "scan.json"


def test_round_trip_and_findings_for(written: Path) -> None:
    report = load_scan_report(written)
    assert report.rule("LL-SEC-002").state.value == "full"
    [finding] = findings_for(report, "LL-SEC-002")
    assert finding.location.file == "PartnerConfig.java" and finding.location.line == 2
    assert finding.data["column"] == 12 and finding.data["snippet"].startswith("String MD5_KEY") and finding.severity is None
    assert len(findings_for(report, "LL-SEC-002", include_suppressed=True)) == 2
    # the dict form (what a saved evidence bundle holds) gives the same answer
    assert findings_for(json.loads(written.read_text(encoding="utf-8")), "LL-SEC-002") == (finding,)
    assert findings_for(report, "LL-SEC-001") == ()


def test_checks_judge_the_scan(written: Path) -> None:
    document = json.loads(written.read_text(encoding="utf-8"))
    md5 = judge_with("LL-SEC-002", document)
    assert md5["status"] == "fail" and len(md5["findings"]) == 1
    suppressed = [e for e in md5["evidence"] if e.get("kind") == "record"]
    assert suppressed and suppressed[0]["justification"] == "sandbox only" and suppressed[0]["suppressed_until"] == "2099-01-01"
    assert judge_with("LL-SEC-006", document)["status"] == "fail"
    clean = judge_with("LL-SEC-004", document)
    assert clean["status"] == "pass" and "repository scan" in clean["checked"]["en"]


def test_baselined_findings_still_fail_the_check(tmp_path: Path, written: Path) -> None:
    repo = tmp_path / "merchant"
    baseline = tmp_path / "baseline.json"
    assert golive("scan", str(repo), "--baseline", str(baseline), "--update-baseline").returncode == 0
    out = tmp_path / "again"
    done = golive("scan", str(repo), "--baseline", str(baseline), "--format", "json", "--output-dir", str(out))
    assert done.returncode == 0
    document = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    assert judge_with("LL-SEC-002", document)["status"] == "fail"
    assert findings_for(document, "LL-SEC-002", include_baselined=False) == ()


def test_a_rule_the_scan_did_not_run_cannot_pass(tmp_path: Path) -> None:
    (tmp_path / "A.java").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    golive("scan", str(tmp_path), "--select", "LL-SEC-002", "--format", "json", "--output-dir", str(out))
    document = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    judgement = judge_with("LL-SEC-001", document)
    assert judgement["status"] == "error" and "did not run LL-SEC-001" in judgement["reason"]["en"]
    # A results file golive cannot read is bad input: exit 2 naming the file, not a judgement.
    from golive.errors import InputError

    with pytest.raises(InputError) as raised:
        judge_with("LL-SEC-001", {"schema": "golive.scan/0"})
    assert "scan.json" in str(raised.value)


@pytest.mark.parametrize("content, expected", [
    (None, "scan result not found"),
    ("[1, 2", "not JSON"),
    ('{"schema": "golive.result/1"}', "not a golive scan result"),
    ('{"schema": "golive.scan/1", "rules": [], "findings": [{"rule": "LL-SEC-001"}]}', "findings[0]"),
])
def test_loader_names_the_problem(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "scan.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scan_report(path)
    assert expected in str(caught.value) and str(path) in str(caught.value)


def test_golive_check_reports_the_sec_checks_not_applicable_until_scan_evidence_exists(config_factory, run_checks) -> None:
    result = run_checks(config_factory(), "LL-SEC-001", "LL-SEC-006")
    statuses = {c["id"]: c["status"] for c in result["checks"] if c["id"] in ("LL-SEC-001", "LL-SEC-006")}
    assert statuses == {"LL-SEC-001": "not_applicable", "LL-SEC-006": "not_applicable"}


# A base install has no tree-sitter. Marking the package absent (sys.modules[name] = None makes
# `import tree_sitter` raise ImportError, as it does there) exercises that path in this process.
NO_TREE_SITTER = "import sys\nsys.modules['tree_sitter'] = None\n"


def test_without_tree_sitter_keys_are_scanned_and_code_rules_do_not_pass(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "merchant")
    (repo / "PartnerConfig.java").write_text(CONFIG, encoding="utf-8")
    (repo / "Notify.java").write_text(NOTIFY, encoding="utf-8")
    (repo / ".env").write_text("NODE_TLS_REJECT_UNAUTHORIZED=0\n", encoding="utf-8")
    commit_all(repo)
    out = tmp_path / "out"
    done = golive("scan", str(repo), "--format", "text,json", "--output-dir", str(out), "--lang", "en",
                  python_prelude=NO_TREE_SITTER)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "code rules did not run: tree-sitter is not installed: pip install 'lianlian-golive[scan]'" in done.stdout
    document = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    states = {r["id"]: r["state"] for r in document["rules"]}
    assert states["LL-SEC-001"] == states["LL-SEC-002"] == states["LL-SEC-003"] == "full"
    assert states["LL-SEC-006"] == states["LL-SEC-005"] == "not_run"
    assert states["LL-SEC-004"] == states["LL-SEC-007"] == "partial"  # their config-file part ran
    assert {f["rule"] for f in document["findings"]} == {"LL-SEC-002", "LL-SEC-004"}
    assert document["engines"]["code"]["available"] is False
    assert judge_with("LL-SEC-006", document)["status"] == "error"
    assert judge_with("LL-SEC-007", document)["status"] == "error"  # partial, nothing found
    assert judge_with("LL-SEC-004", document)["status"] == "fail"  # partial, but found one
    assert judge_with("LL-SEC-002", document)["status"] == "fail"
