"""LL-REC-006: no order booked twice (the double credit, seen after the fact)."""

from __future__ import annotations

from pathlib import Path

from conftest import check_of, status_of
from rec_checks_support import books_config
from recon_support import Books, plant


def test_clean_books_pass(config_factory, run_checks, tmp_path: Path) -> None:
    assert status_of(run_checks(books_config(config_factory, tmp_path, Books.clean()), "LL-REC-006"), "LL-REC-006") == "pass"


def test_double_credit_fails_with_both_rows(config_factory, run_checks, tmp_path: Path) -> None:
    books = Books.clean()
    _, no_order = plant(books, "duplicate_in_ledger")
    check = check_of(run_checks(books_config(config_factory, tmp_path, books), "LL-REC-006"), "LL-REC-006")
    assert check["status"] == "fail" and check["severity"] == "blocker"
    assert len(check["findings"][0]["data"]["ledger"]) == 2 and no_order in check["findings"][0]["message"]["zh"]
