"""Scan outputs: the golive.scan/1 JSON, SARIF 2.1.0 (validated against the OASIS schema, plus what
GitHub code scanning requires), the text view -- and no secret or personal number in any of them,
including the history pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from scan_support import commit_all, golive, init_repo, keys, secret_values

MD5_KEY = "Gq2Wn8Xc5Vb1Mz7La4Sd9Pk"
HISTORY_MD5_KEY = "Hr6Tj3Yk9Ul2Im5On8Pb1Qc"
PERSONAL = ("6222021234567890123", "110101199003071234", "13812345678")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A merchant repository with planted secrets, scanned once through the CLI in every format."""
    root = tmp_path_factory.mktemp("outputs")
    repo = init_repo(root / "merchant")
    (repo / "old").mkdir()
    (repo / "old" / "Config.java").write_text(f'class Config {{ String MD5_KEY = "{HISTORY_MD5_KEY}"; }}\n', encoding="utf-8")
    commit_all(repo, "old config")
    (repo / "old" / "Config.java").unlink()
    k = keys()
    (repo / "src").mkdir()
    (repo / "src" / "PartnerConfig.java").write_text(
        "public interface PartnerConfig {\n"
        f'    String TRADER_PRI_KEY = "{k["PKCS8_B64"]}";\n'
        f'    String MD5_KEY = "{MD5_KEY}";\n'
        "    String OID_PARTNER = \"201408071000001543\";\n"
        "}\n", encoding="utf-8")
    (repo / "src" / "merchant_private.pem").write_text(k["PKCS1_PEM"], encoding="utf-8")
    (repo / "src" / "Notify.java").write_text(
        "public class LLPayNotifyServlet extends HttpServlet {\n"
        "    protected void doPost(HttpServletRequest req, HttpServletResponse resp) {\n"
        "        String reqStr = LLPayUtil.readReqStr(req);\n"
        f'        logger.info("payer " + bean.getId_no() + " card {PERSONAL[0]} id {PERSONAL[1]} tel {PERSONAL[2]}");\n'
        "        if (!LLPaySignature.verifyRsa(reqStr, PartnerConfig.YT_PUB_KEY)) { return; }\n"
        '        resp.getWriter().write("{\\"ret_code\\":\\"0000\\",\\"ret_msg\\":\\"交易成功\\"}");\n'
        '        orderDao.markPaid(bean.getNo_order());\n'
        "    }\n}\n", encoding="utf-8")
    (repo / "src" / "Legacy.java").write_text(
        '// golive-ignore: LL-SEC-002 until 2099-12-31 -- sandbox key, rotated before launch\n'
        'class Legacy { String MD5_KEY = "Ee3Rr6Tt9Yy2Uu5Ii8Oo1Pp"; }\n', encoding="utf-8")
    commit_all(repo, "current")
    out = root / "out"
    done = golive("scan", str(repo), "--history", "--format", "text,json,sarif", "--output-dir", str(out), "--lang", "en")
    return {"repo": repo, "done": done, "json": (out / "scan.json").read_text(encoding="utf-8"),
            "sarif": (out / "scan.sarif").read_text(encoding="utf-8")}


def test_exit_code_and_text_view(scanned: dict[str, Any]) -> None:
    done = scanned["done"]
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "src/PartnerConfig.java:2:" in done.stdout and "LL-SEC-001 [blocker]" in done.stdout
    assert "(suppressed)" in done.stdout and "suppressed until 2099-12-31: sandbox key" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("FAIL: ")
    assert "scan.sarif" in done.stderr


def test_no_secret_or_personal_number_reaches_any_output(scanned: dict[str, Any]) -> None:
    outputs = {"stdout": scanned["done"].stdout, "stderr": scanned["done"].stderr, "json": scanned["json"],
               "sarif": scanned["sarif"]}
    planted = [*secret_values(), MD5_KEY, HISTORY_MD5_KEY, "Ee3Rr6Tt9Yy2Uu5Ii8Oo1Pp", *PERSONAL,
               "201408071000001543test_20140812"]
    for name, text in outputs.items():
        for secret in planted:
            assert secret not in text, f"{secret[:12]}… in {name}"
    # what is shown instead: public facts about the key
    document = json.loads(scanned["json"])
    key = next(f for f in document["findings"] if f["rule"] == "LL-SEC-001" and f["file"] == "src/PartnerConfig.java")
    assert key["data"]["bits"] == 1024 and len(key["data"]["fingerprint_sha256"]) == 64
    assert "private key, PKCS#8, sha256:" in key["snippet"]
    md5 = next(f for f in document["findings"] if f["rule"] == "LL-SEC-002" and f["state"] == "open" and f["origin"]["kind"] == "tree")
    assert md5["snippet"] == f'String MD5_KEY = "[secret, {len(MD5_KEY)} chars]";' and md5["data"]["length"] == len(MD5_KEY)


def test_json_document(scanned: dict[str, Any]) -> None:
    document = json.loads(scanned["json"])
    assert document["schema"] == "golive.scan/1" and document["tool"]["name"] == "golive"
    assert {r["id"] for r in document["rules"]} == {f"LL-SEC-{n:03d}" for n in range(1, 12)}
    assert all(r["state"] == "full" for r in document["rules"])
    assert document["engines"]["code"]["available"] and document["engines"]["code"]["engine"].startswith("tree-sitter")
    for finding in document["findings"]:
        assert set(finding) >= {"rule", "severity", "message", "file", "line", "column", "end_line", "end_column",
                                "snippet", "hash", "state", "suppression", "origin", "data"}
        assert finding["line"] >= 1 and finding["column"] >= 1 and finding["end_line"] >= finding["line"]
        assert len(finding["hash"]) == 64
    states = {f["state"] for f in document["findings"]}
    assert states == {"open", "suppressed"}
    history = [f for f in document["findings"] if f["origin"]["kind"] == "history"]
    assert [(f["rule"], f["file"]) for f in history] == [("LL-SEC-002", "old/Config.java")]
    summary = document["summary"]
    assert summary["passed"] is False and summary["suppressed"] == 1 and summary["fail_on"] == "high"
    ack = next(f for f in document["findings"] if f["rule"] == "LL-SEC-006")
    assert (ack["file"], ack["line"], ack["data"]["update_line"]) == ("src/Notify.java", 6, 7)


def test_sarif_validates_against_the_oasis_schema(scanned: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(json.loads(scanned["sarif"])), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_sarif_meets_code_scanning_requirements(scanned: dict[str, Any]) -> None:
    """What GitHub code scanning checks beyond the schema: tool name, unique rule ids with help,
    a security-severity score, and on every result a message, a relative URI under %SRCROOT%, a
    region and a stable fingerprint; suppressed results marked as such."""
    sarif = json.loads(scanned["sarif"])
    assert sarif["version"] == "2.1.0" and len(scanned["sarif"].encode()) < 10 * 1024 * 1024
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "golive" and driver["version"]
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids)) == 11
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
        # the rule's page, which the repository holds as docs/checks/<ID>.md
        assert rule["helpUri"].startswith("https://") and rule["helpUri"].endswith(f"/docs/checks/{rule['id']}.md")
        assert (Path(__file__).resolve().parents[1] / "docs" / "checks" / f"{rule['id']}.md").is_file()
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["columnKind"] == "unicodeCodePoints"
    assert 0 < len(run["results"]) < 25000
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"] and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1 and region["endLine"] >= region["startLine"]
        assert len(result["partialFingerprints"]["goliveScan/v1"]) == 64
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"][0]["kind"] == "inSource"
    pem = next(r for r in run["results"] if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".pem"))
    assert pem["locations"][0]["physicalLocation"]["region"]["endLine"] > 10  # the whole PEM block


def test_sarif_chinese_by_default(scanned: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "zh"
    done = golive("scan", str(scanned["repo"]), "--format", "sarif", "--output-dir", str(out))
    sarif = json.loads((out / "scan.sarif").read_text(encoding="utf-8"))
    assert done.returncode == 1 and sarif["runs"][0]["language"] == "zh-CN"
    assert any("私钥" in r["message"]["text"] for r in sarif["runs"][0]["results"])
    assert done.stdout.rstrip().startswith("未通过")  # only the verdict line without text format
