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
    password: str | None = None  # the secret, when given apart from the DSN (scrubbed from messages)
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


def dsn_password(dsn: str) -> str | None:
    """The password written inside `dsn` (``scheme://user:PASSWORD@host``), URL-decoded, or None."""
    from urllib.parse import unquote

    match = re.search(r"://[^:/@]*:([^@]*)@", dsn)
    return unquote(match.group(1)) if match and match.group(1) else None


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
        absent = [name for name in mapping[logical] if name not in names]
        if absent:
            raise InputError(f"no column {absent[0]!r} in the ledger query (found: {', '.join(names)})",
                             key=f"{source.key}.columns.{logical}")
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


def _scrubbed(source: DatabaseSource, text: str) -> str:
    """`text` (a driver's message) without the DSN's password, in any spelling it may take."""
    text = text.replace(source.dsn, redact_dsn(source.dsn))
    for secret in {source.password, dsn_password(source.dsn)}:
        if secret and len(secret) >= 3:
            from urllib.parse import quote

            for spelling in {secret, quote(secret, safe=""), quote(secret)}:
                text = text.replace(spelling, "***")
    return text


def _one_line(source: DatabaseSource, exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return _scrubbed(source, (message.splitlines() or [type(exc).__name__])[0])


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def audit_database(source: DatabaseSource, max_findings: int = 200, max_broken: int = 20) -> BooksAudit:
    """Run the audit in the merchant's database; see the module docstring. Raises InputError for
    what the merchant must fix (a bad DSN, SQL the database refuses, missing columns) and
    golive.books.run.BooksUnavailable when the database cannot be reached or runs out of time."""
    from golive.books.run import BooksUnavailable

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
    if dialect is None or backend == "duckdb":
        raise InputError(f"database {backend!r} is not supported yet (PostgreSQL and SQLite are tested; the SQL "
                         "is standard, see README 'The books')", key=f"{source.key}.dsn")
    what = f"{source.key}.sql" if source.sql else f"{source.key}.table"
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:":
            raise InputError("a SQLite ledger is a file: sqlite:///path/to/books.db", key=f"{source.key}.dsn")
        url = url.set(database=f"file:{database}?mode=ro", query={"uri": "true"})
    elif backend == "postgresql":
        connect_args["connect_timeout"] = max(1, min(30, int(source.timeout_s)))
    try:
        engine = sqlalchemy.create_engine(url, connect_args=connect_args, poolclass=sqlalchemy.pool.NullPool)
    except ImportError as exc:  # the driver the DSN names is not installed
        raise InputError(f"the database driver is not installed ({exc.name or exc}): pip install "
                         "'lianlian-golive[sql]' (psycopg for PostgreSQL)", key=f"{source.key}.dsn") from None
    except Exception as exc:
        raise InputError(f"cannot use this DSN ({redact_dsn(source.dsn)}): {_one_line(source, exc)}",
                         key=f"{source.key}.dsn") from None
    try:
        try:
            connection = engine.connect()
        except Exception as exc:
            raise BooksUnavailable(f"cannot connect to the database ({shown}): {_one_line(source, exc)}") from None
        with connection:
            raw: Any = connection.connection.dbapi_connection
            deadline = time.monotonic() + source.timeout_s
            timed_out = []

            def interrupt() -> int:
                if time.monotonic() > deadline:
                    timed_out.append(True)
                    return 1
                return 0

            try:
                if backend == "postgresql":
                    connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(source.timeout_s * 1000)}")
                    connection.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
                    connection.exec_driver_sql("SET LOCAL DateStyle = 'ISO, YMD'")
                    # The planner cannot estimate rows of computed columns (it guesses a handful)
                    # and would join the CTEs in nested loops, quadratic in the books: hash joins
                    # only; and sorts of 64 MB before spilling (this session only).
                    connection.exec_driver_sql("SET LOCAL enable_nestloop = off")
                    connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
                elif backend == "sqlite":
                    raw.set_progress_handler(interrupt, 10_000)
                probe = f"SELECT * FROM ({source.sql}) q LIMIT 0" if source.sql else \
                    f"SELECT * FROM {_table(source.table or '')} LIMIT 0"

                def escape(query: str) -> str:  # psycopg's paramstyle is pyformat: a literal % is %%
                    return query.replace("%", "%%") if backend == "postgresql" else query

                names = list(connection.exec_driver_sql(escape(probe)).keys())
                relation, cards, has_status = _source_sql(source, names, dialect.text)
                sql = audit_sql(dialect, relation, cards=cards, has_status=has_status, max_findings=max_findings,
                                max_broken=max_broken)
                rows = [tuple(r) for r in connection.exec_driver_sql(escape(sql)).fetchall()]
                connection.rollback()
            except InputError:
                raise
            except Exception as exc:
                state = _sqlstate(exc)
                message = _one_line(source, exc)
                if timed_out or state == "57014" or "statement timeout" in message:
                    raise BooksUnavailable(f"the database did not finish the audit within {source.timeout_s:g} s "
                                           f"({shown}; raise {source.key}.timeout_s)") from None
                if state.startswith(("08", "57P")) or "server closed the connection" in message:
                    raise BooksUnavailable(f"the database connection failed ({shown}): {message}") from None
                if state == "25006" or "readonly database" in message:
                    raise InputError(f"the ledger query tried to write, in a read-only transaction: {message}",
                                     key=what) from None
                raise InputError(f"the database refused the ledger query ({shown}): {message}", key=what) from None
    finally:
        engine.dispose()
    audit = BooksAudit.from_rows(shown, backend, rows)
    audit.timings_s = {"sql_s": time.perf_counter() - started, "total_s": time.perf_counter() - started}
    return audit


__all__ = ["DatabaseSource", "audit_database", "dsn_password", "redact_dsn", "with_password", "LOGICAL_COLUMNS"]
