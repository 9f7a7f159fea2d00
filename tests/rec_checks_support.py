"""Helpers for the LL-REC check tests: a config with reconciliation from generated books."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from recon_support import Books


def books_config(config_factory: Callable[..., Path], tmp_path: Path, books: Books,
                 extra: dict[str, Any] | None = None) -> Path:
    books.write(tmp_path / "statements", tmp_path / "ledger.csv")
    return config_factory({"reconciliation": {"path": "statements", **(extra or {})},
                           "evidence": {"ledger": "ledger.csv"}})
