"""The merchant's own database: the audit SQL pushed down through SQLAlchemy, only findings back.

``evidence.ledger`` names the books as ``{sql: "SELECT …", dsn: …}`` (the query's columns named
as the logical schema, or mapped with ``columns``) or ``{table: …, dsn: …, columns: {…}}``. The
database runs the whole rule (golive.books.sql, its dialect picked from the DSN) in one statement
and sends back one counts row, the violations shown and the first unreadable rows -- never the
books themselves.

Safety, because this is the merchant's production data:
- a read-only transaction (PostgreSQL ``SET TRANSACTION READ ONLY``; SQLite opened ``mode=ro``);
- a statement timeout (``timeout_s``, default 300: PostgreSQL ``statement_timeout``, SQLite a
  progress handler that interrupts);
- the DSN's password is a secret: written as ``{env: NAME}`` or ``{file: PATH}`` (or inside the
  DSN, which LL-SIG-007-style advice discourages), it is never printed -- every message names the
  DSN with the password replaced by ``***``.
SQLAlchemy and the driver are the optional extra ``[sql]``; they are imported only here.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from golive.books.result import BooksAudit
from golive.books.schema import LOGICAL_COLUMNS, column_of
from golive.books.sql import DIALECTS, audit_sql
from golive.errors import InputError

DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class DatabaseSource:
    dsn: str  # with the password already filled in from its secret: never shown
    sql: str | None = None
    table: str | None = None
    columns: dict[str, str | list[str]] = field(default_factory=dict)  # logical -> the source's column(s)
    timeout_s: float = DEFAULT_TIMEOUT_S
    key: str = "evidence.ledger"

    @property
    def shown(self) -> str:
        """The source as a report may show it: the DSN without its password, and the table or 'query'."""
        what = f"table {self.table}" if self.table else "query"
        return f"{redact_dsn(self.dsn)} ({what})"


def redact_dsn(dsn: str) -> str:
    """``postgresql://user:***@host/db``: the password never reaches a message."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", dsn)


def with_password(dsn: str, password: str | None) -> str:
    """`dsn` with `password` put in (URL-encoded), for a DSN written without one."""
    if not password:
        return dsn
    from urllib.parse import quote

    return re.sub(r"://([^:/@]+)@", lambda m: f"://{m.group(1)}:{quote(password, safe='')}@", dsn, count=1)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_sql(source: DatabaseSource, names: list[str], text: str = "TEXT") -> tuple[str, int, bool]:
    """The logical relation over the merchant's query or table: mapped columns, renamed."""
    mapping: dict[str, list[str]] = {}
    for logical, given in source.columns.items():
        mapping[logical] = [given] if isinstance(given, str) else list(given)
    for name in names:  # columns named like the schema (or its aliases) map themselves
        column = column_of(name)
        if column == "card" and "card" not in source.columns:
            mapping.setdefault("card", []).append(name)
        elif column and column not in mapping:
            mapping[column] = [name]
    missing = [c for c in ("user_id", "kind", "amount", "card", "time") if not mapping.get(c)]
    if missing:
        raise InputError(f"the ledger query lacks column(s) {', '.join(missing)} (found: {', '.join(names)}); name "
                         "them as the logical schema or map them with columns:", key=source.key)
    inner = f"({source.sql}) q" if source.sql else _table(source.table or "")

    def col(logical: str) -> str:
        return _quote(mapping[logical][0]) if mapping.get(logical) else f"CAST(NULL AS {text})"

    cards = [f"{_quote(c)} AS card{j}" for j, c in enumerate(mapping["card"], 1)]
    order = _quote(mapping["line"][0]) if mapping.get("line") else \
        ", ".join(f"CAST({col(c)} AS {text})" for c in ("time", "user_id", "no_order", "kind", "amount") if mapping.get(c))
    line = f"CAST({_quote(mapping['line'][0])} AS BIGINT)" if mapping.get("line") else f"ROW_NUMBER() OVER (ORDER BY {order})"
    select = (f"(SELECT {line} AS line, {col('user_id')} AS user_id, {col('kind')} AS kind, "
              f"{col('no_order')} AS no_order, {col('amount')} AS amount, {', '.join(cards)}, {col('time')} AS time, "
              f"{col('status')} AS status, CAST(NULL AS {text}) AS problem, CAST(NULL AS {text}) AS detail FROM {inner}) src")
    return select, len(mapping["card"]), bool(mapping.get("status"))


def _table(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?", name):
        raise InputError(f"table name {name!r} is not a plain [schema.]name", key="evidence.ledger.table")
    return ".".join(_quote(part) for part in name.split("."))


def audit_database(source: DatabaseSource, max_findings: int = 200, max_broken: int = 20) -> BooksAudit:
    """Run the audit in the merchant's database; see the module docstring."""
    try:
        import sqlalchemy
    except ImportError:
        raise InputError("a ledger in a database needs the [sql] extra: pip install 'lianlian-golive[sql]'",
                         key=source.key) from None
    started = time.perf_counter()
    shown = source.shown
    try:
        url = sqlalchemy.engine.make_url(source.dsn)
    except Exception:
        raise InputError(f"not a database URL: {redact_dsn(source.dsn)}", key=f"{source.key}.dsn") from None
    backend = url.get_backend_name()
    dialect = DIALECTS.get(backend)
    if dialect is None:
        raise InputError(f"database {backend!r} is not supported yet (PostgreSQL and SQLite are tested; the SQL "
                         "is standard, see README 'Books in a database')", key=f"{source.key}.dsn")
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        database = url.database or ""
        url = url.set(database=f"file:{database}?mode=ro", query={"uri": "true"})
    engine = sqlalchemy.create_engine(url, connect_args=connect_args, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            deadline = time.monotonic() + source.timeout_s
            if backend == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(source.timeout_s * 1000)}")
                connection.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
                connection.exec_driver_sql("SET LOCAL DateStyle = 'ISO, YMD'")
            elif backend == "sqlite":
                raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
            probe = f"SELECT * FROM ({source.sql}) q LIMIT 0" if source.sql else \
                f"SELECT * FROM {_table(source.table or '')} LIMIT 0"
            escape = (lambda q: q.replace("%", "%%")) if backend == "postgresql" else (lambda q: q)  # pyformat driver
            names = list(connection.exec_driver_sql(escape(probe)).keys())
            relation, cards, has_status = _source_sql(source, names, dialect.text)
            sql = audit_sql(dialect, relation, cards=cards, has_status=has_status, max_findings=max_findings,
                            max_broken=max_broken)
            rows = [tuple(r) for r in connection.exec_driver_sql(escape(sql)).fetchall()]
            connection.rollback()
    except InputError:
        raise
    except Exception as exc:  # driver errors: one line, the DSN without its password
        message = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        message = message.replace(source.dsn, redact_dsn(source.dsn))
        if "password" in message.lower() and url.password:
            message = message.replace(str(url.password), "***")
        raise InputError(f"the database could not audit the ledger ({shown}): {message}", key=source.key) from None
    finally:
        engine.dispose()
    audit = BooksAudit.from_rows(shown, backend, rows)
    audit.timings_s = {"sql_s": time.perf_counter() - started, "total_s": time.perf_counter() - started}
    return audit


__all__ = ["DatabaseSource", "audit_database", "redact_dsn", "with_password", "LOGICAL_COLUMNS"]
