"""`golive diff OLD NEW` on two real runs of the example merchant (a clean one, one with defective
captures): the verdict change, checks that flipped, new and resolved findings, as text and as one
self-contained, escaped HTML page; refused across merchants unless --force; exit codes as diff(1)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO

EXAMPLE = REPO / "examples" / "golive.yaml"
DEFECTS = ",".join(str(REPO / "examples" / "captures" / name)
                   for name in ("defect_missing_field.jsonl", "defect_unsorted_sign.jsonl"))


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from golive.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from golive.cli import main

    base = tmp_path_factory.mktemp("runs")
    assert main(["check", str(EXAMPLE), "--format", "json,html", "--output-dir", str(base / "clean"), "-q"]) == 0
    assert main(["check", str(EXAMPLE), "--captures", DEFECTS, "--format", "json,html", "--output-dir",
                 str(base / "broken"), "-q"]) == 1
    return {"clean": base / "clean" / "result.json", "broken": base / "broken" / "result.json",
            "broken_html": base / "broken" / "report.html"}


def test_what_a_fix_changed_and_what_broke(runs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(["diff", str(runs["clean"]), str(runs["broken"]), "--lang", "en"], capsys)
    assert code == 1
    assert "Verdict: READY FOR THE LAUNCH REVIEW → NOT READY" in out
    lines = out.splitlines()
    flips = lines[lines.index("Checks that changed status (4)") + 1:][:4]
    assert flips[0].split()[:5] == ["✘", "LL-RSK-002", "Pass", "→", "Fail"]
    assert flips[1].split()[:5] == ["✘", "LL-SIG-006", "Pass", "→", "Fail"]
    assert "New findings (2)" in lines and "Resolved findings (0)" in lines
    assert any("required risk_item field user_info_dt_register is missing" in line for line in lines)
    # the second round, the other way: resolved findings, fixed checks (HTML report as input)
    code, out, _ = cli(["diff", str(runs["broken_html"]), str(runs["clean"])], capsys)
    assert code == 1
    assert "结论: 尚未就绪 → 可以提交上线审核" in out and "已解决的问题 (2)" in out and "新出现的问题 (0)" in out
    assert "✔ LL-RSK-002  未通过 → 通过" in out
    # the same run twice: nothing changed, exit 0
    code, out, _ = cli(["diff", str(runs["clean"]), str(runs["clean"]), "--lang", "en"], capsys)
    assert code == 0 and "Same verdict, statuses and findings in both." in out


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_escaped(runs: dict[str, Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(runs["broken"].read_text(encoding="utf-8"))
    document["merchant"]["name"] = "<script>alert(1)</script>商户\x1b[2J\" onload=\"x"
    planted = tmp_path / "planted.json"
    planted.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "diff.html"
    code, out, err = cli(["diff", str(runs["clean"]), str(planted), "--format", "html", "-o", str(target)], capsys)
    assert code == 1 and out == "" and "diff.html" in err
    html = target.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert [tag for tag, _ in page.tags if tag in ("script", "link", "img", "iframe", "object", "embed")] == []
    assert not any(name in attrs for _, attrs in page.tags for name in ("src", "href", "onload"))
    csp = [a for t, a in page.tags if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp and csp[0]["content"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert "url(" not in html and "@import" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;商户\\x1b[2J&quot; onload=&quot;x" in html
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)
    assert "LL-RSK-002" in html and "状态变化的检查 (4)" in html


def test_two_merchants_are_refused_unless_forced(runs: dict[str, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(runs["broken"].read_text(encoding="utf-8"))
    document["merchant"]["oid_partner"] = "201811230001000099"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli(["diff", str(runs["clean"]), str(other)], capsys)
    assert code == 2 and out == ""
    assert "of merchant 201811230001000001" in err and "of merchant 201811230001000099" in err and "--force" in err
    assert len(err.strip().splitlines()) == 1
    code, out, _ = cli(["diff", str(runs["clean"]), str(other), "--force", "--lang", "en"], capsys)
    assert code == 1 and "Note: the two results are of different merchants" in out


def test_bad_input_names_the_file(runs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    code, _, err = cli(["diff", str(runs["clean"]), str(missing)], capsys)
    assert code == 2 and "nope.json" in err and "file not found" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something/else"}', encoding="utf-8")
    code, _, err = cli(["diff", str(bad), str(runs["clean"])], capsys)
    assert code == 2 and "not a golive result" in err
