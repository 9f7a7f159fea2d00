"""LL-REC-004: every movement on both sides (missing either side, unpaired refunds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import check_of, status_of
from rec_checks_support import books_config
from recon_support import Books, plant


def test_clean_books_pass(config_factory, run_checks, tmp_path: Path) -> None:
    assert status_of(run_checks(books_config(config_factory, tmp_path, Books.clean()), "LL-REC-004"), "LL-REC-004") == "pass"


@pytest.mark.parametrize("kind", ["missing_in_ledger", "missing_at_lianlian", "refund_unpaired"])
def test_one_sided_rows_fail(config_factory, run_checks, tmp_path: Path, kind: str) -> None:
    books = Books.clean()
    _, no_order = plant(books, kind)
    check = check_of(run_checks(books_config(config_factory, tmp_path, books), "LL-REC-004"), "LL-REC-004")
    assert check["status"] == "fail" and len(check["findings"]) == 1
    assert no_order in check["findings"][0]["message"]["en"]


def test_card_numbers_in_rows_are_masked(config_factory, run_checks, tmp_path: Path) -> None:
    books = Books.clean()
    plant(books, "missing_at_lianlian")
    books.ledger_only[-1]["card"] = "6222021234567890123"
    result = run_checks(books_config(config_factory, tmp_path, books), "LL-REC-004")
    text = json.dumps(result, ensure_ascii=False)
    assert "6222021234567890123" not in text and "622202*********0123" in text
