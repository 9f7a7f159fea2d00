"""LL-REC-002: statement files read cleanly (file:line for each problem)."""

from __future__ import annotations

from pathlib import Path

from conftest import check_of, status_of
from rec_checks_support import books_config
from recon_support import DAYS, OID, Books


def test_clean_files_pass(config_factory, run_checks, tmp_path: Path) -> None:
    assert status_of(run_checks(books_config(config_factory, tmp_path, Books.clean()), "LL-REC-002"), "LL-REC-002") == "pass"


def test_malformed_lines_fail_at_file_and_line(config_factory, run_checks, tmp_path: Path) -> None:
    config = books_config(config_factory, tmp_path, Books.clean())
    path = tmp_path / "statements" / f"JYMX_{OID}_{DAYS[1]}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",0,0,", ",0,7,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_checks(config, "LL-REC-002", "LL-REC-004")
    check = check_of(result, "LL-REC-002")
    assert check["status"] == "fail"
    assert check["findings"][0]["location"]["text"] == f"JYMX_{OID}_{DAYS[1]}.txt:3"
    assert "交易状态" in check["findings"][0]["message"]["en"]
    # the unreadable row could be the missing one: the row checks cannot pass
    assert status_of(result, "LL-REC-004") in ("fail", "error")


def test_not_set_up_is_not_applicable(config_factory, run_checks) -> None:
    assert status_of(run_checks(config_factory(), "LL-REC-002"), "LL-REC-002") == "not_applicable"
