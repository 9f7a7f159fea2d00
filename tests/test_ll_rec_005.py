"""LL-REC-005: amounts, statuses (paid/refunded/returned) and settle dates agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_of, status_of
from rec_checks_support import books_config
from recon_support import Books, plant


def test_clean_books_pass(config_factory, run_checks, tmp_path: Path) -> None:
    assert status_of(run_checks(books_config(config_factory, tmp_path, Books.clean()), "LL-REC-005"), "LL-REC-005") == "pass"


@pytest.mark.parametrize("kind", ["amount_mismatch", "status_mismatch", "payout_returned", "settle_date_mismatch"])
def test_disagreements_fail(config_factory, run_checks, tmp_path: Path, kind: str) -> None:
    books = Books.clean()
    _, no_order = plant(books, kind)
    check = check_of(run_checks(books_config(config_factory, tmp_path, books), "LL-REC-005"), "LL-REC-005")
    assert check["status"] == "fail" and no_order in check["findings"][0]["message"]["en"]
    if kind == "settle_date_mismatch":
        assert "midnight" in check["findings"][0]["message"]["en"] and check["findings"][0]["severity"] == "medium"


@pytest.mark.parametrize("kind", ["amount_mismatch", "status_mismatch", "payout_returned", "settle_date_mismatch"])
def test_reconciliation_engine_duckdb_reports_the_same(config_factory, run_checks, tmp_path: Path, kind: str) -> None:
    """`reconciliation.engine: duckdb` (golive/recon/sql.py) gives the check the same findings."""
    books = Books.clean()
    plant(books, kind)
    checks = [check_of(run_checks(books_config(config_factory, tmp_path, books, extra), "LL-REC-005"), "LL-REC-005")
              for extra in ({}, {"engine": "duckdb"})]
    assert checks[0]["status"] == "fail" and checks[0]["findings"]
    assert checks[1]["findings"] == checks[0]["findings"] and checks[1]["status"] == checks[0]["status"]
