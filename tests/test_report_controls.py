"""Control characters from captured values never reach a terminal or an XML file raw.

Planted: ESC/CSI (clear screen, colours), OSC (set the window title, BEL-terminated), an 8-bit CSI
(U+009B), backspace, carriage return, a newline that would forge a verdict line, NUL and a
right-to-left override -- in the merchant name of the config and in captured request values that
findings quote. The real `golive check` writes every format; junit.xml must parse with
ElementTree, the text report and the console must hold no raw control character and show them
escaped (``\\x1b``), and JSON and SARIF must parse back to the exact values.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from golive.examples.captures import make_captures as mc

NAME_TAIL = "\x1b[2J\x1b]0;pwned\x07\x9b31m\b\rOK\n结论: 可以上线\x00\u202e"
VALUE = "\x1b[31mred\x1b[0m\x1b]8;;http://x\x07"
# Everything a terminal or an XML parser acts on, outside tab and the report's own line breaks.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]")


@pytest.fixture
def planted_run(tmp_path: Path, capture_demo, config_factory, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, str]:
    """`golive check` over a config and a capture holding control characters, every format."""
    from golive.cli import main

    monkeypatch.setenv("GOLIVE_TEST_MD5", "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc")
    # A mobile with controls: LL-RSK-003 quotes it, masked but for its first 3 and last 4
    # characters -- so the ESC and "[3" it starts with reach the result.
    params = mc.pay_params(capture_demo, "u1", "O1", 0, risk=lambda f: f.update(user_info_bind_phone=VALUE + "13812345678"))
    capture = mc.write_jsonl(tmp_path / "c.jsonl", [mc.pay_line(params)])
    overrides = mc.config_overrides(capture)
    overrides["merchant"]["name"] = "示例理财" + NAME_TAIL
    config = config_factory(overrides)
    out = tmp_path / "out"
    code = main(["check", str(config), "--format", "text,json,junit,sarif,markdown,html", "--output-dir", str(out),
                 "--progress"])
    captured = capsys.readouterr()
    assert code in (0, 1, 3), captured.err
    return out, captured.out, captured.err


def test_the_planted_characters_reach_the_result_exactly(planted_run: tuple[Path, str, str]) -> None:
    out, _, _ = planted_run
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["merchant"]["name"] == "示例理财" + NAME_TAIL
    messages = [f["message"]["en"] for c in result["checks"] for f in c["findings"]]
    assert any("\x1b[3*" in m for m in messages)  # a finding quotes the captured value
    sarif = json.loads((out / "golive.sarif").read_text(encoding="utf-8"))
    assert any("\x1b[3*" in r["message"]["text"] for r in sarif["runs"][0]["results"])
    for name in ("result.json", "golive.sarif"):
        assert not RAW.search((out / name).read_text(encoding="utf-8")), name


def test_junit_xml_stays_well_formed(planted_run: tuple[Path, str, str]) -> None:
    out, _, _ = planted_run
    text = (out / "junit.xml").read_text(encoding="utf-8")
    root = ET.fromstring(text)  # raises on a raw ESC or NUL
    assert root.tag == "testsuites"
    assert not RAW.search(text)
    assert "\\x1b[3*" in text  # shown, escaped


def test_the_terminal_gets_no_escape_sequence(planted_run: tuple[Path, str, str]) -> None:
    out, stdout, stderr = planted_run
    for name, text in (("stdout", stdout), ("stderr", stderr), ("summary.md", (out / "summary.md").read_text("utf-8"))):
        assert not RAW.search(text), f"{name}: {RAW.search(text)!r}"
    assert "示例理财\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\x08\\rOK\\n结论: 可以上线\\x00\\u202e" in stdout
    # The forged verdict line stays inside the header line: the only verdict line is golive's.
    assert [line for line in stdout.splitlines() if line.startswith(("结论", "Verdict"))] == \
        [stdout.splitlines()[-1]]


def test_the_html_page_shows_them_escaped_and_embeds_them_exactly(planted_run: tuple[Path, str, str]) -> None:
    from golive.report_signing import result_from_html

    out, _, _ = planted_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not RAW.search(html)
    assert "示例理财\\x1b[2J" in html
    assert result_from_html(html, "report.html")["merchant"]["name"] == "示例理财" + NAME_TAIL


def test_an_error_message_quoting_a_file_name_is_one_clean_line(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from golive.cli import main

    code = main(["check", str(tmp_path / "golive\x1b]0;pwned\x07\n.yaml"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and not RAW.search(err), repr(err)
    assert "golive\\x1b]0;pwned\\x07\\n.yaml" in err


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, so the live (rich) progress display is used."""

    def isatty(self) -> bool:
        return True


def test_live_progress_shows_file_names_literally() -> None:
    """A step naming a file like ``x[/]`` is rich markup to the live display (it raised), and an
    ESC in it reached the terminal."""
    from golive.progress import Progress

    stream = _Terminal()
    with Progress(enabled=True, stream=stream) as progress:
        progress.update("reading captures[/]\x1b]0;pwned\x07.jsonl")
    assert "\x1b]0;pwned" not in stream.getvalue()


def test_plain_progress_masks_and_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from golive.progress import Progress

    with Progress(enabled=True, stream=sys.stderr) as progress:
        progress.update("reading orders-13812345678\x1b[2J.jsonl")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "13812345678" not in err
    assert "orders-138****5678\\x1b[2J.jsonl" in err
