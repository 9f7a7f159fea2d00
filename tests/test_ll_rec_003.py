"""LL-REC-003: JYMXSUM totals agree with the JYMX detail; empty summary fields state nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import check_of, status_of
from rec_checks_support import books_config
from recon_support import DAYS, Books, plant


def test_agreeing_totals_pass(config_factory, run_checks, tmp_path: Path) -> None:
    assert status_of(run_checks(books_config(config_factory, tmp_path, Books.clean()), "LL-REC-003"), "LL-REC-003") == "pass"


def test_empty_summary_fields_are_tolerated(config_factory, run_checks, tmp_path: Path) -> None:
    books = Books.clean()
    books.summary_override[DAYS[2]] = {"refund_amount": "", "cancel_amount": ""}
    assert status_of(run_checks(books_config(config_factory, tmp_path, books), "LL-REC-003"), "LL-REC-003") == "pass"


def test_disagreeing_total_fails_showing_both_figures(config_factory, run_checks, tmp_path: Path) -> None:
    books = Books.clean()
    plant(books, "summary_mismatch")
    check = check_of(run_checks(books_config(config_factory, tmp_path, books), "LL-REC-003"), "LL-REC-003")
    assert check["status"] == "fail"
    finding = check["findings"][0]
    assert finding["location"]["file"].startswith("JYMXSUM_") and finding["data"]["lianlian"][0]["summary"] == "1.00"
