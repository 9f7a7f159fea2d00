"""The sandbox's one SQLite database: the journal (public, `journal.py`) and its working state.

Why one file: a notification's outbox row and the journal event of its delivery must change
together. LianLian's contract is "redeliver until ``0000``"; the sandbox keeps it across a crash
(kill -9) by committing "attempt N was acknowledged" and "do not send again" in *one* transaction,
so after a restart nothing acknowledged is sent again and nothing unacknowledged is forgotten.

Durability: WAL journal mode with ``synchronous=NORMAL``. A committed transaction is in the WAL
file (the OS page cache at worst) before `tx()` returns, which survives the sandbox process being
killed; only a power loss could take the last transactions, which a sandbox does not need to
survive. One connection serves every thread behind a lock: the sandbox's writes are a few small
rows per exchange, far below what a lock-serialised SQLite connection sustains.

Working tables (not part of the journal contract; their shape may change between versions):
``orders`` (payments the sandbox took), ``cards`` (the test cards and the agreements, no_agree,
that payments bound), ``payouts`` (payout applications and their confirmation state) and
``outbox`` (notifications still to deliver, with their schedule).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from golive.sandbox.journal import DDL as JOURNAL_DDL
from golive.sandbox.journal import EVENT_COLUMNS, MAX_BODY_CHARS, SCHEMA_VERSION, EventKind, JournalError

STATE_DDL = """
CREATE TABLE IF NOT EXISTS orders (
    no_order     TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    money_order  TEXT NOT NULL,
    dt_order     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    scenario     TEXT NOT NULL,
    status       TEXT NOT NULL,
    result_at    REAL,
    oid_paybill  TEXT UNIQUE,
    settle_date  TEXT,
    info_order   TEXT,
    name_goods   TEXT,
    notify_url   TEXT NOT NULL,
    url_return   TEXT,
    card_no      TEXT,
    no_agree     TEXT,
    bank_code    TEXT,
    acct_name    TEXT,
    id_type      TEXT,
    id_no        TEXT,
    token        TEXT UNIQUE,
    digest       TEXT NOT NULL,
    created_at   REAL NOT NULL,
    paid_at      REAL
);
CREATE INDEX IF NOT EXISTS orders_by_user ON orders(user_id);
CREATE TABLE IF NOT EXISTS cards (
    no_agree     TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    card_no      TEXT NOT NULL,
    bank_code    TEXT NOT NULL,
    card_type    TEXT NOT NULL,
    acct_name    TEXT,
    id_no        TEXT,
    bind_mobile  TEXT,
    created_at   REAL NOT NULL,
    UNIQUE (user_id, card_no)
);
CREATE TABLE IF NOT EXISTS payouts (
    no_order         TEXT PRIMARY KEY,
    dt_order         TEXT,
    money_order      TEXT NOT NULL,
    card_no          TEXT NOT NULL,
    acct_name        TEXT,
    flag_card        TEXT,
    bank_code        TEXT,
    info_order       TEXT,
    notify_url       TEXT,
    scenario         TEXT NOT NULL,
    status           TEXT NOT NULL,
    result_at        REAL,
    oid_paybill      TEXT,
    settle_date      TEXT,
    memo             TEXT,
    confirm_code     TEXT,
    confirm_reason   TEXT,
    confirm_tries    INTEGER NOT NULL DEFAULT 0,
    confirm_deadline REAL,
    digest           TEXT NOT NULL,
    created_at       REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    topic        TEXT NOT NULL,
    role         TEXT NOT NULL,
    no_order     TEXT NOT NULL,
    scenario     TEXT,
    url          TEXT NOT NULL,
    body         BLOB NOT NULL,
    content_type TEXT NOT NULL,
    result_pay   TEXT,
    note         TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    interval_s   REAL NOT NULL,
    burst        INTEGER NOT NULL DEFAULT 1,
    after_id     INTEGER,
    gap_s        REAL NOT NULL DEFAULT 0,
    next_at      REAL NOT NULL,
    state        TEXT NOT NULL,
    created_at   REAL NOT NULL,
    finished_at  REAL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_at);
"""

_DROPPED_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})


def headers_json(headers: Any) -> str:
    """Header pairs as the journal stores them (credentials dropped: the journal never needs them)."""
    pairs = headers.items() if hasattr(headers, "items") else headers
    return json.dumps([[str(k), str(v)] for k, v in pairs if str(k).lower() not in _DROPPED_HEADERS],
                      ensure_ascii=False)


def body_text(body: bytes | str | None) -> str | None:
    if body is None:
        return None
    text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
    return text[:MAX_BODY_CHARS]


class Database:
    """The sandbox database: schema, a serialised connection, runs and journal events."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        if fresh:  # the journal holds raw test data: owner-only from the first byte
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._check_version()
            self._conn.executescript(JOURNAL_DDL + STATE_DDL)
            self._conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                               (str(SCHEMA_VERSION),))
            self._conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('created_at', ?)", (str(time.time()),))
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"{self.path}: cannot use this file as the sandbox database ({exc})") from None

    def _check_version(self) -> None:
        has_meta = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = self._conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise JournalError(f"{self.path}: an SQLite file, but not a sandbox journal")
            return
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise JournalError(f"{self.path}: written with journal schema {row[0]}; this golive knows "
                               f"{SCHEMA_VERSION} (upgrade golive or use another --state-dir)")

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT), serialised with every other."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, args).fetchone()  # type: ignore[no-any-return]

    # -- runs and events -------------------------------------------------------------------------

    def start_run(self, *, base_url: str, oid_partner: str | None, golive_version: str,
                  settings: Mapping[str, Any]) -> int:
        with self.tx() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (started_at, pid, base_url, oid_partner, golive_version, settings)"
                " VALUES (?,?,?,?,?,?)",
                (time.time(), os.getpid(), base_url, oid_partner, golive_version,
                 json.dumps(dict(settings), ensure_ascii=False)))
            return int(cursor.lastrowid or 0)

    def stop_run(self, run_id: int) -> None:
        with self.tx() as conn:
            conn.execute("UPDATE runs SET stopped_at=? WHERE run_id=?", (time.time(), run_id))

    def record(self, conn: sqlite3.Connection, run_id: int, kind: EventKind, **columns: Any) -> int:
        """Append one journal event inside the caller's transaction; returns its ``seq``.

        ``params`` and ``detail`` are mappings (stored as JSON), headers are pairs or a mapping,
        bodies bytes or text; everything else is stored as given. Unknown columns are a bug.
        """
        unknown = set(columns) - set(EVENT_COLUMNS)
        if unknown:
            raise TypeError(f"unknown journal columns: {sorted(unknown)}")
        values: dict[str, Any] = {"run_id": run_id, "kind": EventKind(kind).value,
                                  "at": columns.pop("at", None) or time.time()}
        for name, value in columns.items():
            if value is None:
                continue
            if name in ("params", "detail"):
                value = json.dumps(value, ensure_ascii=False, default=str)
            elif name in ("request_headers", "response_headers"):
                value = headers_json(value)
            elif name in ("request_body", "response_body"):
                value = body_text(value)
            elif name == "outcome":
                value = getattr(value, "value", value)
            values[name] = value
        names = ",".join(values)
        cursor = conn.execute(f"INSERT INTO events ({names}) VALUES ({','.join('?' * len(values))})",
                              tuple(values.values()))
        return int(cursor.lastrowid or 0)

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.DatabaseError:
                pass
            self._conn.close()
