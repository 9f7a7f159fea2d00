"""The sandbox journal: everything that passed between the merchant and the sandbox, in SQLite.

Why a journal: LianLian's launch review (authpay-golive-guide.zh.md §七) looks at one real test
order end to end -- the risk parameters the merchant sent, whether it answered the asynchronous
notification correctly, whether money goes out only to the card it came in on. The sandbox stands
where LianLian stands, so it sees all of that from the merchant's *real* code, without test
endpoints. The journal keeps it; ``golive check`` with a ``sandbox:`` source judges it later.

The journal is local working data, like a database of a staging server: it holds raw parameters
(full card and ID numbers of test payers, signatures) so that checks can recompute signatures and
match cards. It is created ``0600`` and is never an output: whatever reads it redacts before
anything reaches a report (golive.redact).

File and schema (version `SCHEMA_VERSION`)
------------------------------------------
One SQLite database, ``<state-dir>/sandbox.sqlite3`` (`JOURNAL_FILE`), in WAL mode. The sandbox's
working tables (orders, cards, payouts, outbox) live in the same file but are *not* part of this
contract; read only the three tables below, through `read_events` / `read_runs`.

``meta(key TEXT PRIMARY KEY, value TEXT)``
    ``schema_version`` (an integer as text; readers refuse a newer major version), ``created_at``.

``runs`` -- one row per sandbox process (a restart after a crash starts a new run):
    ``run_id`` INTEGER PK, ``started_at`` REAL (Unix seconds), ``stopped_at`` REAL or NULL (NULL:
    still running, or killed), ``pid``, ``base_url``, ``oid_partner``, ``golive_version``,
    ``settings`` (JSON: time scale, cashier mode, sign types, LianLian key fingerprint -- no secret).

``events`` -- one row per exchange, in order (``seq`` grows; ``at`` is wall-clock time):

    =============== ======= =========================================================================
    column          type    meaning
    =============== ======= =========================================================================
    seq             INTEGER primary key, strictly increasing
    run_id          INTEGER the sandbox process that recorded it (``runs.run_id``)
    kind            TEXT    an `EventKind` value (below)
    at              REAL    Unix seconds when the exchange started
    elapsed_ms      REAL    incoming: time the sandbox took to answer; deliveries: until the ack
    api             TEXT    which endpoint (`API_NAMES`), e.g. ``authpay_web``, ``orderquery``
    channel         TEXT    ``web`` | ``wap`` | ``app`` | ``api``
    topic           TEXT    ``payment`` | ``payout`` (notifications and returns)
    no_order        TEXT    the merchant's order number (payment or payout)
    oid_paybill     TEXT    LianLian's payment number, once there is one
    user_id         TEXT    the merchant's user id (payments)
    scenario        TEXT    the `golive.sandbox.scenarios` name in force for this order
    attempt         INTEGER deliveries: 1..30 (LianLian's schedule); NULL otherwise
    copy            INTEGER deliveries: index of a copy sent concurrently in one attempt (0 first)
    delivery_id     INTEGER deliveries: the outbox row, the same for every attempt of one notification
    peer            TEXT    incoming: client address; deliveries: target host:port
    method, url     TEXT    the HTTP request line (deliveries: the full notify_url)
    request_headers TEXT    JSON list of [name, value] pairs (Cookie/Authorization dropped)
    request_body    TEXT    the body as text (UTF-8, undecodable bytes replaced), at most 1 MiB
    params          TEXT    JSON object of the LianLian fields as strings: the form, the ``req_data``
                            JSON, the decrypted payout ``pay_load``, the notification sent
    status          INTEGER HTTP status of the response
    response_headers TEXT   JSON list of [name, value] pairs
    response_body   TEXT    the response body as text, at most 1 MiB
    ret_code        TEXT    incoming: the code the sandbox answered (LianLian's codes, §6);
                            deliveries: the ``ret_code`` in the merchant's ack, if it had one
    ret_msg         TEXT    likewise
    outcome         TEXT    an `Outcome` value: ``accepted``/``rejected`` for requests; for a
                            delivered copy ``acked`` if *it* was acknowledged, else what became
                            of the notification: ``retry``, ``exhausted``, ``refused``, or
                            ``sent`` (a one-off copy -- forged, duplicate, stale -- or another
                            copy of the same burst was acknowledged)
    detail          TEXT    JSON object: how the sandbox judged it (see `Event.detail`)
    error           TEXT    deliveries: transport failure (refused, timeout, reset ...)
    =============== ======= =========================================================================

`Event.detail` keys by kind (all optional; readers must tolerate unknown keys):

* requests (``pay_request``, ``query``, ``payout_*``): ``problems`` -- list of ``{"code", "field",
  "message"}`` (every problem found, the first one is what was answered); ``sign`` --
  ``{"sign_type", "ok", "null_rule", "reason"}``; ``source`` -- ``{"host", "registered", "via"}``
  (Referer/Origin host or client IP checked against golive.yaml ``registration``); ``risk_item`` --
  ``{"fields": [...], "missing": [...], "format_errors": {...}}``; payouts: ``pay_load`` --
  ``{"ok", "reason"}`` and ``confirm_code`` (4002-4004).
* ``cashier``: ``choice`` (``pay`` | ``fail``), ``mode`` (``auto`` | ``page``), ``result_pay``, the card
  the payer paid with -- ``card_no`` (the full test card number, so payouts can be matched to it),
  ``card_no_last4``, ``no_agree``, ``bank_code``, ``acct_name``.
* ``return``: ``target`` (url_return), ``form`` (``fields`` | ``res_data``).
* ``notify_delivery``: ``ack`` -- ``{"valid_json", "is_object", "in_time", "contract_ok",
  "reason"}``; ``forged`` -- how a deliberately forged copy was made (``bad_signature``,
  ``wrong_key``, ``tampered_amount``), absent for genuine notifications; ``result_pay``;
  ``stale`` -- true for the out-of-order scenario's older result.

Reader API
----------
``read_events(path) -> Iterator[Event]`` streams events in ``seq`` order (``kinds=`` filters,
``after_seq=`` resumes); ``read_runs(path) -> list[Run]``. ``path`` is the database file or the
state directory holding it. A missing file, a file that is not a sandbox journal or one written by
a newer schema raise `JournalError` (a ``ValueError``) whose message names the file.

    from golive.sandbox.journal import EventKind, read_events
    for event in read_events("golive-sandbox"):
        if event.kind is EventKind.NOTIFY_DELIVERY and not event.ack_ok:
            print(event.no_order, event.attempt, event.detail["ack"]["reason"])
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

__all__ = [
    "API_NAMES",
    "JOURNAL_FILE",
    "SCHEMA_VERSION",
    "Event",
    "EventKind",
    "JournalError",
    "Outcome",
    "Run",
    "journal_path",
    "read_events",
    "read_runs",
]

SCHEMA_VERSION = 1
JOURNAL_FILE = "sandbox.sqlite3"
MAX_BODY_CHARS = 1 << 20


class EventKind(str, Enum):
    """What one journal row records."""

    RUN_START = "run_start"
    """The sandbox process started (detail: settings, resumed deliveries)."""
    RUN_STOP = "run_stop"
    """The sandbox stopped cleanly (a run without one was killed)."""
    PAY_REQUEST = "pay_request"
    """A 认证支付 order: Web form POST, WAP ``req_data``, or the app-SDK order check."""
    CASHIER = "cashier"
    """The payer's choice on the cashier page (or the automatic payment): pay or fail."""
    RETURN = "return"
    """The synchronous return the sandbox sent the browser to ``url_return`` with."""
    NOTIFY_DELIVERY = "notify_delivery"
    """One delivery of an asynchronous notification (payment or payout) and the merchant's ack."""
    QUERY = "query"
    """Order query, bind-list query or card-BIN query (``api`` tells which)."""
    PAYOUT_REQUEST = "payout_request"
    """A payout application (``pay_load`` decrypted into ``params``)."""
    PAYOUT_CONFIRM = "payout_confirm"
    """A payout confirmation (confirm_code after 4002/4003/4004)."""
    PAYOUT_QUERY = "payout_query"
    """A payout query."""
    UNKNOWN = "unknown"
    """A request to a path or with a method the sandbox does not serve (404/405)."""


class Outcome(str, Enum):
    ACCEPTED = "accepted"
    """A request the sandbox answered with 0000 (or, for the cashier, took)."""
    REJECTED = "rejected"
    """A request answered with an error code (1001, 1004, 1008, 9910 ...)."""
    ACKED = "acked"
    """A delivery the merchant acknowledged by LianLian's contract; nothing more is sent."""
    RETRY = "retry"
    """A delivery that was not acknowledged; another attempt is scheduled."""
    EXHAUSTED = "exhausted"
    """The last scheduled attempt was not acknowledged either; LianLian stops here."""
    REFUSED = "refused"
    """Not sent: the notify_url is not a host the sandbox may contact (loopback by default)."""
    SENT = "sent"
    """A deliberately forged copy or an extra copy, sent for a scenario; it never stops the schedule."""


API_NAMES: Mapping[str, str] = {
    "authpay_web": "Web 认证支付 cashier, form POST (cashier.lianlianpay.com/payment/authpay.htm)",
    "authpay_wap": "WAP/H5 认证支付, req_data (wap.lianlianpay.com/authpay.htm)",
    "app_sdk": "app-SDK order check (the order string the SDK would submit)",
    "cashier": "the sandbox cashier page (pay / fail)",
    "orderquery": "order query (queryapi.lianlianpay.com/orderquery.htm)",
    "bankcardbindlist": "bind-card list (queryapi.lianlianpay.com/bankcardbindlist.htm)",
    "bankcardbin": "card BIN query (queryapi.lianlianpay.com/bankcardbin.htm)",
    "payment": "payout apply (instantpay.lianlianpay.com/paymentapi/payment.htm)",
    "confirmPayment": "payout confirm (instantpay.lianlianpay.com/paymentapi/confirmPayment.htm)",
    "queryPayment": "payout query (instantpay.lianlianpay.com/paymentapi/queryPayment.htm)",
    "notify": "asynchronous notification to the merchant's notify_url",
    "return": "synchronous return to the merchant's url_return",
}
"""The ``api`` values, with what each is."""


class JournalError(ValueError):
    """The journal cannot be read; the message names the file and what is wrong."""


# -- schema ----------------------------------------------------------------------------------------

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at     REAL NOT NULL,
    stopped_at     REAL,
    pid            INTEGER NOT NULL,
    base_url       TEXT NOT NULL,
    oid_partner    TEXT,
    golive_version TEXT NOT NULL,
    settings       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id           INTEGER NOT NULL REFERENCES runs(run_id),
    kind             TEXT NOT NULL,
    at               REAL NOT NULL,
    elapsed_ms       REAL,
    api              TEXT,
    channel          TEXT,
    topic            TEXT,
    no_order         TEXT,
    oid_paybill      TEXT,
    user_id          TEXT,
    scenario         TEXT,
    attempt          INTEGER,
    copy             INTEGER,
    delivery_id      INTEGER,
    peer             TEXT,
    method           TEXT,
    url              TEXT,
    request_headers  TEXT,
    request_body     TEXT,
    params           TEXT,
    status           INTEGER,
    response_headers TEXT,
    response_body    TEXT,
    ret_code         TEXT,
    ret_msg          TEXT,
    outcome          TEXT,
    detail           TEXT,
    error            TEXT
);
CREATE INDEX IF NOT EXISTS events_by_order ON events(no_order);
CREATE INDEX IF NOT EXISTS events_by_kind ON events(kind);
"""

EVENT_COLUMNS: tuple[str, ...] = (
    "run_id", "kind", "at", "elapsed_ms", "api", "channel", "topic", "no_order", "oid_paybill", "user_id",
    "scenario", "attempt", "copy", "delivery_id", "peer", "method", "url", "request_headers", "request_body",
    "params", "status", "response_headers", "response_body", "ret_code", "ret_msg", "outcome", "detail", "error",
)


# -- typed rows ------------------------------------------------------------------------------------

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Event:
    """One journal row, typed. Unset columns are None (or empty for headers, params and detail)."""

    seq: int
    run_id: int
    kind: EventKind
    at: float
    """Unix seconds (UTC) when the exchange started; `time` gives an aware datetime."""
    elapsed_ms: float | None = None
    api: str | None = None
    channel: str | None = None
    topic: str | None = None
    no_order: str | None = None
    oid_paybill: str | None = None
    user_id: str | None = None
    scenario: str | None = None
    attempt: int | None = None
    copy: int | None = None
    delivery_id: int | None = None
    peer: str | None = None
    method: str | None = None
    url: str | None = None
    request_headers: Headers = ()
    request_body: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    """The LianLian fields, raw (never redacted: the journal is local)."""
    status: int | None = None
    response_headers: Headers = ()
    response_body: str | None = None
    ret_code: str | None = None
    ret_msg: str | None = None
    outcome: Outcome | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.at, tz=timezone.utc)

    @property
    def accepted(self) -> bool:
        """A request the sandbox answered with 0000."""
        return self.outcome is Outcome.ACCEPTED

    @property
    def ack_ok(self) -> bool:
        """A delivery the merchant acknowledged by LianLian's exact contract."""
        return self.outcome is Outcome.ACKED

    @property
    def forged(self) -> str | None:
        """How a deliberately forged notification copy was made, or None for a genuine one."""
        value = self.detail.get("forged")
        return str(value) if value else None

    def header(self, name: str, *, response: bool = False) -> str | None:
        """The first request (or response) header called `name`, case-insensitively."""
        wanted = name.lower()
        for key, value in self.response_headers if response else self.request_headers:
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True)
class Run:
    """One sandbox process. ``stopped_at`` None: still running, or killed (kill -9, crash)."""

    run_id: int
    started_at: float
    stopped_at: float | None
    pid: int
    base_url: str
    oid_partner: str | None
    golive_version: str
    settings: Mapping[str, Any]


# -- reading ---------------------------------------------------------------------------------------

def journal_path(path: str | Path) -> Path:
    """The database file for `path`: the file itself, or `JOURNAL_FILE` inside a state directory."""
    candidate = Path(path)
    return candidate / JOURNAL_FILE if candidate.is_dir() else candidate


def _open(path: str | Path) -> tuple[sqlite3.Connection, Path]:
    file = journal_path(path)
    if not file.is_file():
        raise JournalError(f"{file}: no sandbox journal here (start `golive sandbox --state-dir DIR` first)")
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"{file}: not a sandbox journal ({exc})") from None
    if row is None:
        conn.close()
        raise JournalError(f"{file}: not a sandbox journal (no schema_version)")
    try:
        version = int(row[0])
    except ValueError:
        conn.close()
        raise JournalError(f"{file}: unreadable schema_version {row[0]!r}") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise JournalError(f"{file}: written with journal schema {version}; this golive reads up to "
                           f"{SCHEMA_VERSION} (upgrade golive)")
    return conn, file


def _json(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _headers(text: str | None) -> Headers:
    pairs = _json(text, [])
    if not isinstance(pairs, list):
        return ()
    return tuple((str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2)


def _event(row: sqlite3.Row) -> Event:
    outcome = row["outcome"]
    return Event(
        seq=row["seq"], run_id=row["run_id"], kind=EventKind(row["kind"]), at=row["at"],
        elapsed_ms=row["elapsed_ms"], api=row["api"], channel=row["channel"], topic=row["topic"],
        no_order=row["no_order"], oid_paybill=row["oid_paybill"], user_id=row["user_id"], scenario=row["scenario"],
        attempt=row["attempt"], copy=row["copy"], delivery_id=row["delivery_id"], peer=row["peer"],
        method=row["method"], url=row["url"], request_headers=_headers(row["request_headers"]),
        request_body=row["request_body"], params=_json(row["params"], {}), status=row["status"],
        response_headers=_headers(row["response_headers"]), response_body=row["response_body"],
        ret_code=row["ret_code"], ret_msg=row["ret_msg"], outcome=Outcome(outcome) if outcome else None,
        detail=_json(row["detail"], {}), error=row["error"],
    )


def read_events(path: str | Path, *, kinds: Sequence[EventKind | str] | None = None,
                after_seq: int = 0) -> Iterator[Event]:
    """Stream the journal's events in order (``seq``), optionally only some kinds.

    Rows of a kind this version does not know (written by a newer minor version) are skipped.
    """
    conn, _ = _open(path)
    conn.row_factory = sqlite3.Row
    known = {k.value for k in EventKind}
    wanted = sorted({EventKind(k).value for k in kinds}) if kinds else sorted(known)
    marks = ",".join("?" * len(wanted))
    try:
        cursor = conn.execute(f"SELECT * FROM events WHERE seq > ? AND kind IN ({marks}) ORDER BY seq",
                              (after_seq, *wanted))
        for row in cursor:
            yield _event(row)
    finally:
        conn.close()


def read_runs(path: str | Path) -> list[Run]:
    """Every sandbox process that wrote to the journal, oldest first."""
    conn, _ = _open(path)
    conn.row_factory = sqlite3.Row
    try:
        return [Run(run_id=r["run_id"], started_at=r["started_at"], stopped_at=r["stopped_at"], pid=r["pid"],
                    base_url=r["base_url"], oid_partner=r["oid_partner"], golive_version=r["golive_version"],
                    settings=_json(r["settings"], {}))
                for r in conn.execute("SELECT * FROM runs ORDER BY run_id")]
    finally:
        conn.close()
