"""The terminal: colour and layout on a terminal (rich), plain text when piped, with NO_COLOR or
--no-color; the failed and errored checks listed again with a one-line fix; -q prints the verdict in
the report's language. The terminal path runs the real `golive check` under a pseudo-terminal, and
neither path shows a planted secret or personal data."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from conftest import REPO, KeyPair

EXAMPLE = REPO / "examples" / "golive.yaml"
DEFECTS = ",".join(str(REPO / "examples" / "captures" / name)
                   for name in ("defect_missing_field.jsonl", "defect_unsorted_sign.jsonl"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run_in_terminal(argv: list[str], cwd: Path, *, env: dict[str, str] | None = None, columns: int = 120) -> tuple[int, str]:
    """`golive ARGV` with standard output and error on a pseudo-terminal; (exit code, what it drew)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
    environ.update(TERM="xterm-256color", **(env or {}))
    process = subprocess.Popen([sys.executable, "-m", "golive", *argv], stdin=slave, stdout=slave, stderr=slave,
                               cwd=cwd, env=environ, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    code = process.wait(timeout=120)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def check(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from golive.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_piped_output_is_plain_text_with_the_fixes_after_the_checks(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(["check", str(EXAMPLE), "--captures", DEFECTS, "--output-dir", str(tmp_path), "--format",
                          "text", "--no-progress", "--lang", "en"], capsys)
    assert code == 1
    assert "\x1b" not in out
    lines = out.splitlines()
    start = lines.index("To fix (2)")
    assert start > lines.index("Review 1: risk-control parameters sent correctly")  # after the checks
    fixes = lines[start + 1:start + 5]
    assert fixes[0].split()[:2] == ["✘", "LL-RSK-002"] and fixes[1].strip().startswith("fix: Add every required field")
    assert fixes[2].split()[:2] == ["✘", "LL-SIG-006"]
    # one line, the remediation's first sentence (it goes on in the report)
    assert fixes[3].strip().endswith("re-serialise a parameter after signing.")
    assert lines[-1] == "Verdict: NOT READY  (--fail-on high)"


def test_quiet_prints_the_verdict_alone_in_the_reports_language(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    for lang, ready, not_ready in (("zh", "结论: 可以提交上线审核", "结论: 尚未就绪"),
                                   ("en", "Verdict: READY FOR THE LAUNCH REVIEW", "Verdict: NOT READY")):
        code, out, _ = check(["check", str(EXAMPLE), "-q", "--lang", lang, "--output-dir", str(tmp_path / lang)], capsys)
        assert (code, out) == (0, ready + "\n")
        code, out, _ = check(["check", str(EXAMPLE), "--captures", DEFECTS, "-q", "--lang", lang,
                              "--output-dir", str(tmp_path / lang)], capsys)
        assert (code, out) == (1, not_ready + "\n")
    # without the text format the verdict line is what standard output gets too
    code, out, _ = check(["check", str(EXAMPLE), "--format", "json", "--lang", "en", "--no-progress",
                          "--output-dir", str(tmp_path / "json")], capsys)
    assert out == "Verdict: READY FOR THE LAUNCH REVIEW\n"


def test_on_a_terminal_the_report_is_in_colour_and_plain_when_asked(tmp_path: Path) -> None:
    argv = ["check", str(EXAMPLE), "--captures", DEFECTS, "--output-dir", str(tmp_path / "out"), "--lang", "en"]
    code, drawn = run_in_terminal(argv, tmp_path)
    assert code == 1, drawn
    assert ANSI.search(drawn), "no colour on a terminal"
    assert "\x1b[1;31m" in drawn  # failures in bold red
    text = ANSI.sub("", drawn)
    assert " Verdict: NOT READY " in text and "To fix (2)" in text
    assert text.index("Verdict: NOT READY") < text.index("Review 1")  # the verdict first, and again at the end
    assert text.rstrip().splitlines()[-3].strip().startswith("Verdict: NOT READY") or "Verdict: NOT READY" in \
        text[text.index("To fix"):]
    assert "fix: Add every required field" in text
    for extra, env in ((["--no-color"], None), ([], {"NO_COLOR": "1"})):
        code, drawn = run_in_terminal(argv + extra, tmp_path, env=env)
        assert code == 1
        assert not ANSI.search(drawn.split("→")[0]), (extra, env)  # the report part: no colour codes
        assert "To fix (2)" in drawn


def test_forced_colour_into_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(["check", str(EXAMPLE), "--captures", DEFECTS, "--color", "--no-progress", "--lang", "en",
                          "--output-dir", str(tmp_path)], capsys)
    assert code == 1 and ANSI.search(out)


def test_a_value_is_shown_as_written_never_as_markup() -> None:
    """rich reads "[bold]" as markup and ":warning:" as an emoji in strings: the terminal reporter
    hands it Text objects, and escapes control characters first."""
    import json

    from golive.reporters.terminal import render
    from golive.result_doc import accept_result

    document = json.loads((REPO / "tests" / "data" / "result_fixture.json").read_text(encoding="utf-8"))
    document["merchant"]["name"] = "[bold red]商户[/] :warning: \x1b]0;pwned\x07"
    drawn = render(accept_result(document, "fixture"), lang="zh")
    plain = ANSI.sub("", drawn)
    assert "[bold red]商户[/] :warning: \\x1b]0;pwned\\x07" in plain
    assert "\x1b]0;pwned" not in drawn
    assert "需要修复 (7)" in plain and "修复: 在同一事务中用 UPDATE ... WHERE status='pending' 之类的条件更新入账" in plain


def test_no_secret_or_personal_data_on_the_terminal_or_in_a_pipe(tmp_path: Path, merchant_pair: KeyPair,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from test_report_secrets import assert_clean, planted, write_merchant

    config = write_merchant(tmp_path, merchant_pair)
    secrets = planted(merchant_pair.private_pem)
    outputs = {}
    for lang in ("zh", "en"):
        code, drawn = run_in_terminal(["check", str(config), "--lang", lang, "--output-dir", str(tmp_path / lang)],
                                      tmp_path)
        assert code in (1, 3), drawn
        assert ANSI.search(drawn)
        outputs[f"terminal-{lang}"] = ANSI.sub("", drawn)
        code, out, err = check(["check", str(config), "--lang", lang, "--output-dir", str(tmp_path / lang),
                                "--progress"], capsys)
        outputs[f"pipe-{lang}"] = out + err
        code, out, _ = check(["check", str(config), "-q", "--lang", lang, "--output-dir", str(tmp_path / lang)], capsys)
        outputs[f"quiet-{lang}"] = out
    for name, text in outputs.items():
        assert_clean(name, text, secrets)
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]", ANSI.sub("", text).replace("\r", "")), name
    # the planted values did reach the terminal, masked
    assert "+86 138 **** 8000" in outputs["terminal-zh"]
