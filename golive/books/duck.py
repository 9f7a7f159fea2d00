"""The embedded engine: DuckDB runs the audit SQL over a CSV, Parquet or JSON Lines ledger file.

Out of core by construction: DuckDB streams the file, keeps the process within `memory_mb`
(default 512 MB, ``evidence.ledger_memory_mb``; its buffer manager gets 70 % of it) and spills the
replay to a private temporary directory (mode 0700, removed afterwards), so a ledger larger than
memory is judged all the same.

CSV and JSON Lines are read as physical lines with their numbers (``read_csv`` with no quote and a
delimiter byte the file never holds, ``WITH ORDINALITY``), so every row keeps its file:line:

- a line without ``"`` is split on commas in SQL (the usual export);
- a line with quotes is split by an RFC 4180 regular expression; a quoted field spanning lines
  joins the lines between two lines of odd quote count (what the Python reader's csv module does);
- a JSON Lines row is parsed with DuckDB's JSON functions, keys mapped like a CSV header.

Parquet columns are read by name (the same aliases) and numbered by row. Lines DuckDB cannot
number (not UTF-8, over 1 MiB, a lone CR) are found first by `golive.books.filescan` and reported
as unreadable rows. ``duckdb`` is imported here only, when a ledger is audited: the CLI starts
without it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golive.books.filescan import FileScan, read_csv_header, read_jsonl_keys, sanitised_copy, scan_lines
from golive.books.result import BooksAudit
from golive.books.schema import UNICODE_SPACE
from golive.books.sql import DUCKDB, INT_COLUMNS, TEXT_COLUMNS, audit_sql, card_check_sql, exact_pass_sql, lit, single_pass_sql, user_key
from golive.errors import InputError

DEFAULT_MEMORY_MB = 512
# Below this a file is read as one range: the skip each further range costs outweighs the gain.
CHUNKED_FROM_BYTES = 32 << 20
FORMATS = ("csv", "parquet", "jsonl")

# One CSV field: quoted (doubled quotes inside, newlines allowed) or unquoted (no comma, no
# newline, not starting with a quote); a record is fields joined by commas.
_FIELD = r'(?:"(?:[^"]|"")*"|[^,"\n][^,\n]*|)'
_RECORD = f"{_FIELD}(?:,{_FIELD})*"


@dataclass(frozen=True)
class DuckSettings:
    memory_mb: int = DEFAULT_MEMORY_MB
    temp_dir: str | None = None  # where spill files go (a private directory is made inside)
    threads: int | None = None
    max_findings: int = 200
    max_broken: int = 20
    # Unsure withdrawals (see golive.books.sql.single_pass_sql) settled by line; more take a pass
    # with a second window sort instead.
    max_unsure: int = 2000
    chunks: int | None = None  # ranges of lines read side by side (None: see `_chunks`)


def format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "csv"


def connect(settings: DuckSettings, spill: Path) -> Any:
    try:
        import duckdb  # lazily: 60 MB of engine the CLI does not need to start
    except ImportError:
        raise InputError("DuckDB is not installed (pip install duckdb); or audit a CSV ledger with "
                         "evidence.ledger_engine: python", key="evidence.ledger_engine") from None

    # The cap is the whole process's: DuckDB's buffer manager gets 70 % of it, the rest is what it
    # allocates outside the buffer manager and the interpreter (measured: bench/bench_books.py).
    config: dict[str, Any] = {"memory_limit": f"{max(24, int(settings.memory_mb * 0.7))}MB", "temp_directory": str(spill),
                              "preserve_insertion_order": False, "enable_external_access": True}
    config["threads"] = _threads(settings)
    connection = duckdb.connect(":memory:", config=config)
    connection.execute("SET enable_progress_bar = false")  # it would print to the terminal on long audits
    return connection


def _threads(settings: DuckSettings) -> int:
    # Each thread holds its own sort and aggregate state: below about 64 MB a thread, DuckDB runs out
    # of memory instead of spilling, so a small cap gets fewer threads.
    return settings.threads or max(1, min(os.cpu_count() or 1, settings.memory_mb // 64))


def _chunks(settings: DuckSettings, path: Path) -> int:
    """Ranges of lines read side by side (see `_lines`): one per thread for files that take seconds."""
    if settings.chunks is not None:
        return max(1, settings.chunks)
    return _threads(settings) if path.stat().st_size >= CHUNKED_FROM_BYTES else 1


def audit_file(path: Path, display: str, fmt: str | None = None, settings: DuckSettings | None = None,
               key: str = "evidence.ledger") -> BooksAudit:
    """Audit one ledger file with DuckDB. Bad input that is not a ledger at all (no file, no
    header, missing columns) raises InputError; every bad row is a broken row in the result."""
    settings = settings or DuckSettings()
    fmt = format_of(path, fmt)
    if fmt not in FORMATS:
        raise InputError(f"unknown ledger format {fmt!r} (expected csv, parquet or jsonl)", file=display, key=key)
    if not path.is_file():
        raise InputError("ledger file not found" if not path.exists() else "is a directory, expected a file",
                         file=display, key=key)
    started = time.perf_counter()
    spill = Path(tempfile.mkdtemp(prefix="golive-books-", dir=settings.temp_dir))
    try:
        timings: dict[str, float] = {}
        scan = FileScan()
        read_path = path
        if fmt in ("csv", "jsonl"):
            scan = read_csv_header(path, display, key) if fmt == "csv" else read_jsonl_keys(path, display, key)
            scan_lines(path, display, key, scan)
            timings["scan_s"] = time.perf_counter() - started
            if not scan.clean:
                read_path = spill / "sanitised"
                sanitised_copy(path, read_path, scan)
        connection = connect(settings, spill)
        try:
            if fmt == "parquet":
                source, cards, has_status = _parquet_source(connection, path, display, key)
            elif fmt == "jsonl":
                source, cards, has_status = _jsonl_source(read_path, scan, _chunks(settings, read_path))
            else:
                source, cards, has_status = _csv_source(connection, read_path, scan, _chunks(settings, read_path))
            begun = time.perf_counter()
            try:
                rows = _audit_rows(connection, source, cards, has_status, settings)
            except Exception as exc:  # duckdb.Error: an I/O or memory failure, said in one line
                raise _duck_error(exc, display, key, settings, spill) from None
            timings["sql_s"] = time.perf_counter() - begun
        finally:
            connection.close()
        audit = BooksAudit.from_rows(display, "duckdb", rows)
        if scan.broken:
            audit.add_broken(scan.broken[:settings.max_broken], len(scan.broken), settings.max_broken)
        timings["total_s"] = time.perf_counter() - started
        audit.timings_s = timings
        return audit
    except OSError as exc:
        raise InputError(f"cannot read ledger or write its temporary files: {exc.strerror or exc} (temporary "
                         f"directory {spill.parent})", file=display, key=key) from None
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _audit_rows(connection: Any, source: str, cards: int, has_status: bool, settings: DuckSettings) -> list[tuple[Any, ...]]:
    """The tagged rows of `audit_sql` (golive.books.result reads them). A one-card ledger -- nearly
    every ledger -- is judged by `single_pass_sql`, one streaming pass with one window sort; the
    few withdrawals it leaves unsure (a token between two paying tokens) are settled by
    `card_check_sql` over only their users' rows (by `exact_pass_sql`, a pass with a second sort,
    when there are more than `max_unsure` of them). Then `audit_sql` runs over only the rows of the
    shown violations' users and the shown unreadable lines, for what the findings quote. A replay
    is per user, so that last pass finds the same violations for those users; its first findings
    by line are the first pass's. Several card columns take the one-statement plan."""
    if cards != 1:
        return list(connection.execute(audit_sql(DUCKDB, source, cards=cards, has_status=has_status,
                                                 max_findings=settings.max_findings,
                                                 max_broken=settings.max_broken)).fetchall())
    first = connection.execute(single_pass_sql(DUCKDB, source, has_status, settings.max_findings,
                                               settings.max_broken, settings.max_unsure)).fetchone()
    if first[11] > settings.max_unsure:
        first = connection.execute(exact_pass_sql(DUCKDB, source, has_status, settings.max_findings,
                                                  settings.max_broken)).fetchone()
    counts = list(first[:8])
    # line -> user of the first violations; unsure withdrawals found to break the card rule join them
    violating = dict(zip(first[8] or (), first[9] or ()))
    if len(first) > 11 and first[11]:
        unsure_users = sorted(set(first[13] or ()))
        bad = connection.execute(card_check_sql(DUCKDB, _of_users(source, unsure_users), has_status,
                                                list(first[12] or ()))).fetchall()
        counts[7] += len(bad)
        violating.update((int(line), user) for line, user in bad)
    shown = set(sorted(violating)[:settings.max_findings])
    users = sorted({str(violating[line]) for line in shown})
    broken = set(first[10] or ())
    rows: list[tuple[Any, ...]] = [("C", 0, *([None] * len(TEXT_COLUMNS)), *counts,
                                    *([None] * (len(INT_COLUMNS) - len(counts))))]
    if not shown and not broken:
        return rows
    wanted = []
    if users:
        wanted.append(_user_filter(users))
    if broken:
        wanted.append(f"line IN ({', '.join(str(int(line)) for line in sorted(broken))})")
    subset = f"(SELECT * FROM {source} WHERE {' OR '.join(wanted)}) shown_rows"
    detail = connection.execute(audit_sql(DUCKDB, subset, cards=1, has_status=has_status,
                                          max_findings=settings.max_findings, max_broken=settings.max_broken)).fetchall()
    found = {int(row[1]) for row in detail if row[0] == "V"}
    if found != shown or {int(row[1]) for row in detail if row[0] == "B"} != broken:
        raise RuntimeError(f"the passes of the audit disagree on lines {sorted(found ^ shown)[:5]}")
    return rows + [row for row in detail if row[0] != "C"]


def _user_filter(users: list[str]) -> str:
    return f"{user_key(DUCKDB, 'user_id')} IN ({', '.join(lit(str(u)) for u in users)})"


def _of_users(source: str, users: list[str]) -> str:
    """`source` limited to these users' rows (filtered before normalising: the scan and split only)."""
    return f"(SELECT * FROM {source} WHERE {_user_filter(users)}) unsure_rows"


def _duck_error(exc: BaseException, display: str, key: str, settings: DuckSettings, spill: Path) -> InputError:
    """What went wrong, in one line that says what to change."""
    message = _first_line(exc)
    if "Could not write file" in message or "No space left" in message or "max_temp_directory_size" in message:
        reason = message.rsplit(":", 1)[-1].strip()
        return InputError(f"out of temporary disk space while DuckDB spilled the audit to {spill.parent} ({reason}); "
                          "free space there or set evidence.ledger_temp_dir", file=display, key=key)
    if "Out of Memory" in message:
        # DuckDB says this too when it could not spill (its temporary files failed to grow).
        return InputError(f"DuckDB ran out of its {settings.memory_mb} MB for the audit and could not spill the rest "
                          f"to temporary disk space in {spill.parent} ({message}); raise evidence.ledger_memory_mb, or "
                          "free space there or set evidence.ledger_temp_dir", file=display, key=key)
    return InputError(f"DuckDB could not audit the ledger: {message}", file=display, key=key)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _lines(path: Path, scan: FileScan, chunks: int = 1) -> str:
    """The physical lines after the header, numbered: ``(line, l)``.

    Numbering (``WITH ORDINALITY``) keeps the reading in one thread, and with it everything the
    pipeline does to a line before the first sort -- the whole normalisation. So a file is read as
    `chunks` ranges of lines, each numbered on its own (``skip`` lines, then at most its count):
    DuckDB runs the branches of the ``UNION ALL`` side by side."""
    delimiter = (scan.delimiter or b"\x01").decode("ascii")
    header = scan.header_lines

    def read(skip: int) -> str:
        return (f"read_csv({lit(str(path))}, header = false, columns = {{'l': 'VARCHAR'}}, delim = {lit(delimiter)}, "
                f"quote = '', escape = '', auto_detect = false, strict_mode = false, max_line_size = {2 << 20}, "
                f"buffer_size = {8 << 20}{f', skip = {skip}' if skip else ''}) WITH ORDINALITY AS x(l, n)")

    if chunks <= 1 or scan.lines < 2 * chunks:
        return f"SELECT n AS line, l FROM {read(0)} WHERE n > {header} AND l IS NOT NULL"
    bounds = [scan.lines * i // chunks for i in range(chunks + 1)]
    parts = []
    for first, end in zip(bounds, bounds[1:]):
        count = end - first
        # The filter makes the range exact whatever order rows arrive in; the LIMIT stops the read.
        limited = f"(SELECT l, n FROM {read(first)} WHERE n <= {count} LIMIT {count})" if end < scan.lines else \
            f"(SELECT l, n FROM {read(first)})"
        parts.append(f"SELECT n + {first} AS line, l FROM {limited} p WHERE n + {first} > {header} AND l IS NOT NULL")
    return " UNION ALL ".join(f"({part})" for part in parts)


def _csv_source(connection: Any, path: Path, scan: FileScan, chunks: int = 1) -> tuple[str, int, bool]:
    """The logical rows of a CSV as a DuckDB relation: see the module docstring."""
    lines = _lines(path, scan, chunks)
    records = f"SELECT line, l, CAST(NULL AS VARCHAR) AS open_problem FROM ({lines}) ln"
    if scan.quotes:
        odd = connection.execute(
            f"SELECT line FROM ({lines}) ln WHERE (length(l) - length(replace(l, '\"', ''))) % 2 = 1 ORDER BY line"
        ).fetchall()
        if odd:
            spans = [(odd[k][0], odd[k + 1][0] if k + 1 < len(odd) else None) for k in range(0, len(odd), 2)]
            values = ", ".join(f"({o}, {c if c is not None else 'NULL'})" for o, c in spans)
            # Lines inside a span (opener to closer) form one record, numbered by its first line.
            records = f"""SELECT first_line AS line, string_agg(l, chr(10) ORDER BY line_no) AS l,
                  CASE WHEN bool_or(open_end) THEN 'unexpected end of data' END AS open_problem
                FROM (SELECT ln.line AS line_no, ln.l,
                        CASE WHEN s.o IS NOT NULL AND (s.c IS NULL OR ln.line <= s.c) THEN s.o ELSE ln.line END AS first_line,
                        s.o IS NOT NULL AND s.c IS NULL AS open_end
                      FROM ({lines}) ln ASOF LEFT JOIN (SELECT * FROM (VALUES {values}) v(o, c)) s ON ln.line >= s.o) spanned
                GROUP BY first_line"""
    width = scan.width
    # A comma before every field (prefixed to the line): RE2 skips an empty match at the start.
    quoted_fields = (f"list_transform(regexp_extract_all(',' || l, ',({_FIELD})', 1), "
                     "lambda x: CASE WHEN x LIKE '\"%' THEN replace(x[2:-2], '\"\"', '\"') ELSE x END)")
    if scan.quotes:
        split = f"""SELECT line, open_problem,
              CASE WHEN strpos(l, '"') = 0 THEN string_split(l, ',') ELSE {quoted_fields} END AS f,
              CASE WHEN strpos(l, '"') = 0 THEN TRUE ELSE regexp_full_match(l, {lit(_RECORD)}) END AS well_formed
            FROM (SELECT line, open_problem, CASE WHEN l LIKE '%' || chr(13) THEN rtrim(l, chr(13)) ELSE l END AS l
                  FROM ({records}) r0) r"""
    else:  # the usual export: no quote anywhere, split on commas (DuckDB already dropped each \r\n)
        split = f"""SELECT line, CAST(NULL AS VARCHAR) AS open_problem, string_split(l, ',') AS f, TRUE AS well_formed
            FROM ({lines}) r"""

    def field(column: str) -> str:
        index = scan.columns.get(column)
        return "CAST(NULL AS VARCHAR)" if index is None else f"f[{int(index) + 1}]"

    cards = [f"f[{int(i) + 1}] AS card{j}" for j, i in enumerate(scan.cards, 1)]
    source = f"""(SELECT line, {field('user_id')} AS user_id, {field('kind')} AS kind, {field('no_order')} AS no_order,
        {field('amount')} AS amount, {', '.join(cards)}, {field('time')} AS time, {field('status')} AS status,
        CASE WHEN open_problem IS NOT NULL OR NOT well_formed THEN 'csv'
             WHEN len(f) <> {width} THEN 'fields' END AS problem,
        CASE WHEN open_problem IS NOT NULL THEN open_problem
             WHEN NOT well_formed THEN 'a quote in the wrong place'
             WHEN len(f) <> {width} THEN '{width}/' || len(f) END AS detail
      FROM ({split}) s
      WHERE CASE WHEN len(f) = 1 AND well_formed AND open_problem IS NULL
                 THEN {DUCKDB.strip('f[1]', UNICODE_SPACE)} <> '' ELSE TRUE END) src"""
    return source, len(scan.cards), "status" in scan.columns


def _jsonl_source(path: Path, scan: FileScan, chunks: int = 1) -> tuple[str, int, bool]:
    lines = _lines(path, scan, chunks)

    def field(name: int | str | None) -> str:
        if name is None:
            return "CAST(NULL AS VARCHAR)"
        return f"json_extract_string(l, {lit('$.' + _json_key(str(name)))})"

    cards = [f"{field(k)} AS card{j}" for j, k in enumerate(scan.cards, 1)]
    c = scan.columns
    source = f"""(SELECT line, {field(c.get('user_id'))} AS user_id, {field(c.get('kind'))} AS kind,
        {field(c.get('no_order'))} AS no_order, {field(c.get('amount'))} AS amount, {', '.join(cards)},
        {field(c.get('time'))} AS time, {field(c.get('status'))} AS status,
        CASE WHEN NOT ok THEN 'json' END AS problem,
        CASE WHEN NOT ok THEN 'line ' || line END AS detail
      FROM (SELECT line, rtrim(l, chr(13)) AS l, json_valid(l) AND json_type(l) = 'OBJECT' AS ok
            FROM ({lines}) ln WHERE trim(l, {lit(UNICODE_SPACE)}) <> '') j) src"""
    return source, len(scan.cards), "status" in scan.columns


def _json_key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parquet_source(connection: Any, path: Path, display: str, key: str) -> tuple[str, int, bool]:
    from golive.books.filescan import _map_columns

    try:
        names = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})").fetchall()]
    except Exception as exc:
        raise InputError(f"not a Parquet file: {_first_line(exc)}", file=display, key=key) from None
    found, cards = _map_columns(names, display, 0, key)

    def field(column: str) -> str:
        index = found.get(column)
        return "CAST(NULL AS VARCHAR)" if index is None else f"CAST({_ident(names[int(index)])} AS VARCHAR)"

    card_cols = [f"CAST({_ident(names[int(i)])} AS VARCHAR) AS card{j}" for j, i in enumerate(cards, 1)]
    source = f"""(SELECT file_row_number + 1 AS line, {field('user_id')} AS user_id, {field('kind')} AS kind,
        {field('no_order')} AS no_order, {field('amount')} AS amount, {', '.join(card_cols)}, {field('time')} AS time,
        {field('status')} AS status, CAST(NULL AS VARCHAR) AS problem, CAST(NULL AS VARCHAR) AS detail
      FROM read_parquet({lit(str(path))}, file_row_number = true)) src"""
    return source, len(cards), "status" in found


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
