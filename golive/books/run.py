"""Where the books are and which engine audits them: ``evidence.ledger`` and its settings, read once.

``evidence.ledger`` (or ``--ledger FILE``) is either

- a file path: a CSV, Parquet (``.parquet``/``.pq``) or JSON Lines (``.jsonl``/``.ndjson``) ledger,
  audited by DuckDB (`golive.books.duck`) -- or, with ``evidence.ledger_engine: python``, a CSV by
  the streaming Python auditor (`golive.books.python_engine`); or
- a mapping naming the merchant's database: ``{dsn, sql | table, columns, password, timeout_s}``,
  audited there (`golive.books.database`): the rule is pushed down, only findings come back.

``evidence.ledger_memory_mb`` (default 512) caps DuckDB's memory; beyond it DuckDB spills to a
private directory under ``evidence.ledger_temp_dir`` (default: the system's temporary directory).
The password is a secret (``{env: NAME}`` or ``{file: PATH}``; golive.signing.KEY_SLOTS has its
slot, so it is read, described and scrubbed like every other secret) and never printed: messages
show the DSN as ``postgresql://user:***@host/db``.

`audit_books` runs the engine. Bad input (no such file, a header without the columns, bad SQL, a
table that is not there) raises InputError (exit 2, naming the file:line or the key);
`BooksUnavailable` says the database could not be reached or did not answer in time -- the
gatherer reports that as failed evidence (LL-CRD-003 ``error``), since running again may work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from golive.errors import InputError

ENGINES = ("duckdb", "python")
DEFAULT_ENGINE = "duckdb"
KEY = "evidence.ledger"


class BooksUnavailable(Exception):
    """The database holding the books could not be reached or did not answer in time (one line,
    no password)."""


@dataclass(frozen=True)
class LedgerSpec:
    """Where the books are (a file or a database) and how to audit them."""

    display: str  # the file as written, or the database as a report may show it
    path: Path | None = None
    database: Any = None  # golive.books.database.DatabaseSource
    engine: str = DEFAULT_ENGINE  # for a file: duckdb | python
    memory_mb: int = 512
    temp_dir: str | None = None
    threads: int | None = None
    key: str = KEY


def ledger_spec(config: Any, given: str | None, environ: Mapping[str, str]) -> LedgerSpec | None:
    """The books `config` (golive.config.LoadedConfig) names, or `given` (``--ledger FILE``); None
    when there are none."""
    from golive.config import resolve_path

    engine = str(config.get("evidence.ledger_engine") or DEFAULT_ENGINE)
    memory = int(config.get("evidence.ledger_memory_mb") or 512)
    temp = config.get("evidence.ledger_temp_dir")
    temp_dir = str(resolve_path(config, str(temp))) if temp else None
    written = given if given else config.get(KEY)
    if not written:
        return None
    if isinstance(written, str):
        path = Path(written) if given else resolve_path(config, written)
        if not path.exists():
            raise InputError("ledger file not found", file=str(path), key=KEY)
        if path.is_dir():
            raise InputError("is a directory, expected a file", file=str(path), key=KEY)
        if engine == "python" and path.suffix.lower() in (".parquet", ".pq", ".jsonl", ".ndjson", ".json"):
            raise config.error("evidence.ledger_engine", "the python engine reads CSV ledgers only; use duckdb "
                                                         "(the default) for Parquet and JSON Lines")
        return LedgerSpec(display=str(written), path=path, engine=engine, memory_mb=memory, temp_dir=temp_dir)
    return LedgerSpec(display="", database=_database_source(config, written, environ), engine="database",
                      memory_mb=memory, temp_dir=temp_dir)


def _database_source(config: Any, section: Mapping[str, Any], environ: Mapping[str, str]) -> Any:
    from golive.books.database import DEFAULT_TIMEOUT_S, DatabaseSource, dsn_password, with_password
    from golive.config import read_secret, secret_ref

    if bool(section.get("sql")) == bool(section.get("table")):
        raise config.error(KEY, "give the books as sql: (a SELECT) or table: (with columns:), one of them")
    dsn = str(section["dsn"])
    password = None
    ref = secret_ref(config, f"{KEY}.password")
    if ref is not None:
        if dsn_password(dsn):
            raise config.error(f"{KEY}.password", "the DSN already holds a password: give it in one place "
                                                  "(password: {env: NAME}, and the DSN without it)")
        password, _ = read_secret(config, ref, dict(environ))
    return DatabaseSource(dsn=with_password(dsn, password), password=password, sql=section.get("sql"),
                          table=section.get("table"), columns=dict(section.get("columns") or {}),
                          timeout_s=float(section.get("timeout_s") or DEFAULT_TIMEOUT_S), key=KEY)


def audit_books(spec: LedgerSpec, max_findings: int = 200, max_broken: int = 20) -> Any:
    """The `golive.books.result.BooksAudit` of the books `spec` names, by its engine."""
    if spec.database is not None:
        from golive.books.database import audit_database

        return audit_database(spec.database, max_findings=max_findings, max_broken=max_broken)
    assert spec.path is not None
    if spec.engine == "python":
        from golive.books.python_engine import audit_csv

        return audit_csv(spec.path, spec.display, max_findings=max_findings, max_broken=max_broken)
    from golive.books.duck import DuckSettings, audit_file

    settings = DuckSettings(memory_mb=spec.memory_mb, temp_dir=spec.temp_dir, threads=spec.threads,
                            max_findings=max_findings, max_broken=max_broken)
    return audit_file(spec.path, spec.display, settings=settings, key=spec.key)
