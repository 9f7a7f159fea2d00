"""Saved results read back with hostile JSON (issue 9 §4): `golive report --from` exits 2 naming the
file and line, `golive verify-report` calls an unreadable embedded block altered (exit 1) -- never a
traceback. And a capture holding a lone surrogate no longer breaks writing the reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import KeyPair, write_secret

from golive.cli import main

FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"
DEEP = "[" * 1000 + "]" * 1000


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _result_with(raw: str) -> str:
    """The fixture result with the raw JSON text `raw` as one more provenance value."""
    text = FIXTURE.read_text(encoding="utf-8").rstrip()
    head, _, _ = text.rpartition("}")
    return head + ', "extra": ' + raw + "\n}\n"


@pytest.mark.parametrize(("raw", "needle"), [
    (DEEP, "nested deeper than 128 levels"),
    ("1" * 5000, "number longer than 100 characters"),
    ("NaN", "NaN is not a JSON value"),
    ('"\\ud800"', "lone UTF-16 surrogate"),
])
def test_report_from_hostile_json_exits_2(tmp_path, capsys, raw, needle):
    source = tmp_path / "result.json"
    source.write_text(_result_with(raw), encoding="utf-8")
    code, _, err = run(capsys, "report", "--from", str(source), "--format", "json,html", "--output-dir",
                       str(tmp_path / "o"))
    assert code == 2 and "Traceback" not in err
    assert str(source) in err and needle in err, err
    assert not (tmp_path / "o").exists()


@pytest.fixture
def signed(tmp_path: Path, merchant_pair: KeyPair, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    private = write_secret(tmp_path / "private.pem", merchant_pair.private_pem)
    public = write_secret(tmp_path / "public.pem", merchant_pair.public_pem)
    assert main(["report", "--from", str(FIXTURE), "--format", "html", "--output-dir", str(tmp_path / "out"),
                 "--sign-with", str(private)]) == 0
    capsys.readouterr()
    return tmp_path / "out" / "report.html", public


@pytest.mark.parametrize(("raw", "needle"), [
    (DEEP, "not readable JSON: JSON nested deeper than 128 levels"),
    ("1" * 5000, "not readable JSON: a number longer than 100 characters"),
    ('"\\ud800"', "lone UTF-16 surrogate"),
])
def test_verify_report_calls_an_unreadable_embedded_result_altered(signed, capsys, raw, needle):
    report, public = signed
    html = report.read_text(encoding="utf-8")
    html = re.sub(r'(<script type="application/json" id="golive-result">\{)', lambda m: m.group(1) + '"x": ' + raw + ", ",
                  html, count=1)
    report.write_text(html, encoding="utf-8")
    code, out, err = run(capsys, "verify-report", str(report), "--public-key", str(public))
    assert code == 1 and "Traceback" not in err
    assert "ALTERED" in err and needle in err, err
    # and `golive report --from report.html` refuses the same block with exit 2
    code, _, err = run(capsys, "report", "--from", str(report), "--format", "json", "--output-dir",
                       str(report.parent / "again"))
    assert code == 2 and "the embedded result" in err


def test_a_lone_surrogate_in_a_capture_reaches_the_reports_as_its_escape(config_factory, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GOLIVE_TEST_MD5", "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc")
    capture = tmp_path / "c.jsonl"
    # LL-SIG-008 quotes the field holding a literal "null", LL-RSK-003 the malformed date
    risk_item = json.dumps({"frms_ware_category": "2009", "user_info_dt_register": "2026\udc80"})
    params = {"oid_partner": "201811230001000001", "sign_type": "MD5", "sign": "0" * 32, "no_order": "O1",
              "money_order": "0.01", "user_id": "u1", "risk_item": risk_item, "name_goods": "表情\ud83d",
              "memo\udc80": "null"}
    capture.write_text(json.dumps({"kind": "pay_request", "channel": "web", "params": params}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "check", str(config_factory()), "--captures", str(capture), "--format",
                            "text,json,html,sarif,junit,markdown", "--output-dir", str(out))
    assert code in (1, 3) and "Traceback" not in err
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    crashed = [c["id"] for c in result["checks"] if "crashed" in json.dumps(c.get("reason"))]
    assert crashed == []
    assert "\\udc80" in (out / "result.json").read_text(encoding="utf-8")
