"""Notification delivery as LianLian does it: a durable outbox, a time-scaled schedule, the ack contract.

LianLian's side of the contract (protocol.md §5.1, go-live guide §五):
* a notification is an HTTP POST of a JSON object (Content-Type ``text/json;charset=utf-8``);
* the merchant must answer HTTP 200 with the JSON ``{"ret_code":"0000","ret_msg":"交易成功"}``
  within 5 s (`judge_ack`; ``ret_msg`` "ok" appears in the English docs and is accepted, since only
  ``ret_code`` is believed to matter -- UNCERTAIN, §5.1);
* anything else -- another code, a single-quoted body as the guide prints it, a 500, a timeout, a
  reset -- counts as not received: LianLian sends again about every 2 minutes, 30 times in all,
  then stops (the merchant must then query the order).

Durability: every notification is a row of the ``outbox`` table before the answer that caused it
leaves the sandbox. A delivery attempt and its journal event are committed in one transaction
(`Database.tx`), and a row that received ``0000`` is marked ``acked`` in that same transaction.
So after a crash (kill -9) a restart resumes every unfinished schedule (`Outbox.recover`), loses
nothing, and never sends again what was acknowledged. An attempt that was on the wire when the
process died is sent again with the same attempt number: its answer was never recorded, and
LianLian's delivery is at-least-once too.

Time scale: the schedule is LianLian time divided by ``time_scale`` (default 60: minutes become
seconds). The 5 s acknowledgement limit is *not* scaled: it is about the merchant server's real
latency.

Only loopback targets are contacted unless ``--allow-notify-host`` names the host: a sandbox must
not post signed notifications to arbitrary hosts on behalf of whoever submitted an order.
"""

from __future__ import annotations

import http.client
import json
import queue
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

from golive.judging.acks import ack_problem, read_ack
from golive.sandbox.db import Database
from golive.sandbox.journal import EventKind, Outcome
from golive.sandbox.settings import SandboxSettings, is_loopback_host

NOTIFY_CONTENT_TYPE = "text/json;charset=utf-8"
MAX_ACK_BYTES = 1 << 20
FINAL_STATES = ("acked", "exhausted", "refused", "sent")


def judge_ack(status: int | None, body: bytes | None, elapsed_ms: float, error: str | None,
              timeout_s: float) -> dict[str, Any]:
    """LianLian's reading of the merchant's answer: ``contract_ok`` and, if not, why not.

    The one acknowledgement reader golive has (golive/judging/acks.py), with the sandbox's
    ``--ack-timeout``; the dict is what the journal keeps (``detail.ack``)."""
    facts = read_ack(status, body, elapsed_ms, error)
    reason = ack_problem(facts, timeout_s * 1000)
    # The body is LianLian's business only on an HTTP 200 answer: otherwise the journal shows none of it.
    read = error is None and status == 200
    return {"status": status, "valid_json": read and facts.valid_json, "is_object": read and facts.is_object,
            "ret_code": facts.ret_code if read else None, "ret_msg": facts.ret_msg if read else None,
            "in_time": facts.in_time(timeout_s * 1000), "contract_ok": reason is None, "reason": reason}


@dataclass(frozen=True)
class Delivery:
    """One claimed outbox row; `attempt` is the number of the attempt about to be made."""

    id: int
    topic: str
    role: str
    no_order: str
    scenario: str | None
    url: str
    body: bytes
    content_type: str
    result_pay: str | None
    note: dict[str, Any]
    attempt: int
    max_attempts: int
    interval_s: float
    burst: int

    @property
    def genuine(self) -> bool:
        return self.role == "genuine"


@dataclass
class _Reply:
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None
    cancelled: bool = False
    started: float = 0.0


class Outbox:
    """The durable outbox and its dispatcher and workers (daemon threads; `stop` ends them at once)."""

    def __init__(self, db: Database, settings: SandboxSettings, run_id: Callable[[], int]) -> None:
        self.db = db
        self.settings = settings
        self._run_id = run_id
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._work: queue.Queue[Delivery | None] = queue.Queue()
        self._inflight = 0
        self._inflight_lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._sockets_lock = threading.Lock()
        self._waiters: dict[int, threading.Event] = {}
        self._threads: list[threading.Thread] = []

    # -- scheduling ------------------------------------------------------------------------------

    def enqueue(self, conn: Any, *, topic: str, no_order: str, url: str, params: dict[str, str],
                scenario: str | None, delay_s: float = 0.0, role: str = "genuine", burst: int = 1,
                after_id: int | None = None, gap_s: float = 0.0, note: dict[str, Any] | None = None,
                body: bytes | None = None) -> int:
        """Add a notification inside the caller's transaction; delays are LianLian seconds."""
        data = body if body is not None else json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        genuine = role == "genuine"
        cursor = conn.execute(
            "INSERT INTO outbox (topic, role, no_order, scenario, url, body, content_type, result_pay, note,"
            " max_attempts, interval_s, burst, after_id, gap_s, next_at, state, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (topic, role, no_order, scenario, url, data, NOTIFY_CONTENT_TYPE, params.get("result_pay"),
             json.dumps(note or {}, ensure_ascii=False), self.settings.max_deliveries if genuine else 1,
             self.settings.retry_interval_s, burst, after_id, gap_s,
             time.time() + self.settings.scaled(delay_s), "pending", time.time()))
        return int(cursor.lastrowid or 0)

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def waiter(self, delivery_id: int) -> threading.Event:
        """An event set when the first attempt of `delivery_id` is over (register before commit)."""
        event = threading.Event()
        self._waiters[delivery_id] = event
        return event

    def forget_waiter(self, delivery_id: int) -> None:
        self._waiters.pop(delivery_id, None)

    def recover(self) -> int:
        """After a crash: attempts that were on the wire go back to the schedule, same number."""
        with self.db.tx() as conn:
            cursor = conn.execute("UPDATE outbox SET state='pending', attempts=attempts-1 WHERE state='sending'")
            return int(cursor.rowcount)

    def pending_count(self) -> int:
        row = self.db.one("SELECT count(*) FROM outbox WHERE state IN ('pending','sending')")
        return int(row[0]) if row else 0

    _DUE_SQL = (
        "SELECT o.*, CASE WHEN o.after_id IS NULL THEN o.next_at"
        " WHEN p.state IN ('acked','exhausted','refused','sent') THEN max(o.next_at, p.finished_at + o.gap_s / ?)"
        " ELSE NULL END AS due FROM outbox o LEFT JOIN outbox p ON p.id = o.after_id WHERE o.state='pending'"
    )

    def _claim(self, limit: int) -> tuple[list[Delivery], float | None]:
        now = time.time()
        claimed: list[Delivery] = []
        next_due: float | None = None
        with self.db.tx() as conn:
            rows = conn.execute(self._DUE_SQL + " ORDER BY due, o.id", (self.settings.time_scale,)).fetchall()
            for row in rows:
                due = row["due"]
                if due is None:
                    continue
                if due > now or len(claimed) >= limit:
                    next_due = due if next_due is None else min(next_due, due)
                    continue
                conn.execute("UPDATE outbox SET state='sending', attempts=attempts+1 WHERE id=?", (row["id"],))
                claimed.append(Delivery(
                    id=row["id"], topic=row["topic"], role=row["role"], no_order=row["no_order"],
                    scenario=row["scenario"], url=row["url"], body=bytes(row["body"]),
                    content_type=row["content_type"], result_pay=row["result_pay"],
                    note=json.loads(row["note"] or "{}"), attempt=row["attempts"] + 1,
                    max_attempts=row["max_attempts"], interval_s=row["interval_s"], burst=row["burst"]))
        return claimed, next_due

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            with self._inflight_lock:
                free = self.settings.delivery_workers - self._inflight
            next_due = None
            if free > 0:
                try:
                    claimed, next_due = self._claim(free)
                except Exception as exc:  # the database went away (stopping) or is locked: retry soon
                    if self._stop.is_set():
                        return
                    _log().error("outbox: cannot read the schedule: %s", type(exc).__name__)
                    claimed, next_due = [], time.time() + 0.5
                for delivery in claimed:
                    with self._inflight_lock:
                        self._inflight += 1
                    self._work.put(delivery)
            wait = 0.5 if next_due is None else max(0.005, min(0.5, next_due - time.time()))
            with self._wake:
                if not self._stop.is_set():
                    self._wake.wait(wait)

    # -- sending ---------------------------------------------------------------------------------

    def _allowed(self, host: str | None) -> bool:
        return is_loopback_host(host) or (host or "").lower() in self.settings.notify_hosts

    def _send(self, delivery: Delivery, barrier: threading.Barrier | None) -> _Reply:
        reply = _Reply()
        parts = urlsplit(delivery.url)
        timeout = self.settings.ack_timeout_s
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout,
                                               context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
        sock: socket.socket | None = None
        timer: threading.Timer | None = None
        began = time.perf_counter()
        try:
            conn.connect()
            sock = conn.sock
            with self._sockets_lock:
                if self._stop.is_set():
                    reply.cancelled = True
                    return reply
                self._sockets.add(sock)
            if barrier is not None:
                try:
                    barrier.wait(timeout)
                except threading.BrokenBarrierError:
                    pass
            # LianLian's 5 s covers the whole exchange: a merchant that trickles bytes is cut off too.
            timer = threading.Timer(timeout + 0.5, _shutdown, (sock,))
            timer.daemon = True
            timer.start()
            reply.started = time.time()
            began = time.perf_counter()
            conn.request("POST", path, body=delivery.body, headers={
                "Content-Type": delivery.content_type, "User-Agent": "golive-sandbox (LianLian notification)",
                "Connection": "close"})
            response = conn.getresponse()
            reply.status = response.status
            reply.headers = list(response.getheaders())
            reply.body = response.read(MAX_ACK_BYTES)
            reply.elapsed_ms = (time.perf_counter() - began) * 1000
        except (OSError, http.client.HTTPException) as exc:
            reply.elapsed_ms = (time.perf_counter() - began) * 1000 if reply.started else 0.0
            reply.cancelled = self._stop.is_set()
            reply.error = (f"no complete answer within {timeout:g} s" if reply.elapsed_ms >= timeout * 1000
                           else _describe(exc, timeout))
        finally:
            if timer is not None:
                timer.cancel()
            if sock is not None:
                with self._sockets_lock:
                    self._sockets.discard(sock)
            conn.close()
        if not reply.started:
            reply.started = time.time()
        return reply

    def _deliver(self, delivery: Delivery) -> None:
        host = urlsplit(delivery.url).hostname
        if not self._allowed(host):
            self._finish(delivery, [], refused=True)
            return
        copies = max(1, delivery.burst if delivery.attempt == 1 else 1)
        if copies == 1:
            replies = [self._send(delivery, None)]
        else:  # concurrent identical copies, released together (the duplicates scenario)
            barrier = threading.Barrier(copies)
            replies = [_Reply() for _ in range(copies)]

            def one(index: int) -> None:
                replies[index] = self._send(delivery, barrier)

            threads = [threading.Thread(target=one, args=(i,), daemon=True, name=f"sandbox-burst-{i}")
                       for i in range(copies)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if any(r.cancelled for r in replies) and self._stop.is_set():
            # Interrupted by our own stop, before any answer: the attempt goes back to the schedule.
            if not any(r.status is not None for r in replies):
                with self.db.tx() as conn:
                    conn.execute("UPDATE outbox SET state='pending', attempts=attempts-1 WHERE id=? AND state='sending'",
                                 (delivery.id,))
                return
        self._finish(delivery, replies)

    def _finish(self, delivery: Delivery, replies: list[_Reply], *, refused: bool = False) -> None:
        timeout = self.settings.ack_timeout_s
        acks = [judge_ack(r.status, r.body, r.elapsed_ms, r.error, timeout) for r in replies]
        any_ok = any(a["contract_ok"] for a in acks)
        now = time.time()
        if refused:
            state, row_outcome = "refused", Outcome.REFUSED
        elif any_ok:
            state, row_outcome = "acked", Outcome.ACKED
        elif not delivery.genuine:
            state, row_outcome = "sent", Outcome.SENT
        elif delivery.attempt >= delivery.max_attempts:
            state, row_outcome = "exhausted", Outcome.EXHAUSTED
        else:
            state, row_outcome = "pending", Outcome.RETRY
        params = _params(delivery.body)
        host = urlsplit(delivery.url)
        peer = f"{host.hostname}:{host.port or (443 if host.scheme == 'https' else 80)}"
        common: dict[str, Any] = dict(
            api="notify", topic=delivery.topic, no_order=delivery.no_order, oid_paybill=params.get("oid_paybill"),
            scenario=delivery.scenario, attempt=delivery.attempt, delivery_id=delivery.id, peer=peer,
            method="POST", url=delivery.url, request_headers=[("Content-Type", delivery.content_type)],
            request_body=delivery.body, params=params)
        with self.db.tx() as conn:
            if refused:
                self.db.record(conn, self._run_id(), EventKind.NOTIFY_DELIVERY, **common, copy=0,
                               outcome=Outcome.REFUSED, detail={"role": delivery.role, **delivery.note},
                               error=f"not sent: {host.hostname} is not loopback (allow it with --allow-notify-host)")
            for index, (reply, ack) in enumerate(zip(replies, acks)):
                # A copy that was acknowledged is ACKED; any other copy tells what became of the
                # notification (RETRY, EXHAUSTED), or SENT when another copy of its burst was acked.
                outcome = Outcome.ACKED if ack["contract_ok"] else (row_outcome if row_outcome is not Outcome.ACKED
                                                                     else Outcome.SENT)
                self.db.record(conn, self._run_id(), EventKind.NOTIFY_DELIVERY, **common, at=reply.started,
                               copy=index, elapsed_ms=round(reply.elapsed_ms, 1), status=reply.status,
                               response_headers=reply.headers, response_body=reply.body if reply.status else None,
                               ret_code=ack["ret_code"], ret_msg=ack["ret_msg"], outcome=outcome, error=reply.error,
                               detail={"role": delivery.role, "ack": ack, "result_pay": delivery.result_pay,
                                       "copies": len(replies), "max_attempts": delivery.max_attempts,
                                       **delivery.note})
            # attempts is set, not counted: a stop() that reset this row meanwhile must not shift it.
            if state == "pending":
                conn.execute("UPDATE outbox SET state='pending', attempts=?, next_at=? WHERE id=?",
                             (delivery.attempt, now + self.settings.scaled(delivery.interval_s), delivery.id))
            else:
                conn.execute("UPDATE outbox SET state=?, attempts=?, finished_at=? WHERE id=?",
                             (state, delivery.attempt, now, delivery.id))
        waiter = self._waiters.get(delivery.id)
        if waiter is not None:
            waiter.set()
        self.wake()

    def _worker(self) -> None:
        while True:
            delivery = self._work.get()
            if delivery is None or self._stop.is_set():
                return
            try:
                self._deliver(delivery)
            except Exception as exc:  # never lose the row: put it back, record nothing half-done
                if not self._stop.is_set():
                    _log().error("delivery %s failed: %s", delivery.id, type(exc).__name__)
                try:
                    with self.db.tx() as conn:
                        conn.execute("UPDATE outbox SET state='pending', attempts=attempts-1, next_at=?"
                                     " WHERE id=? AND state='sending'", (time.time() + 1.0, delivery.id))
                except Exception:  # pragma: no cover - database gone while stopping
                    pass
            finally:
                with self._inflight_lock:
                    self._inflight -= 1
                self.wake()

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._dispatch, name="sandbox-dispatch", daemon=True)]
        self._threads += [threading.Thread(target=self._worker, name=f"sandbox-deliver-{i}", daemon=True)
                          for i in range(self.settings.delivery_workers)]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout_s: float = 0.8) -> None:
        """Stop at once: cut in-flight connections; unanswered attempts go back to the schedule."""
        self._stop.set()
        with self._sockets_lock:
            for sock in list(self._sockets):
                _shutdown(sock)
        self.wake()
        for _ in self._threads:
            self._work.put(None)
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        # Claimed rows that no worker took up (or that a stuck worker holds) go back too.
        with self.db.tx() as conn:
            conn.execute("UPDATE outbox SET state='pending', attempts=attempts-1 WHERE state='sending'")


def _log() -> Any:
    import logging

    return logging.getLogger("golive.sandbox")


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed without an answer"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or type(exc).__name__}"
    if isinstance(exc, http.client.HTTPException):
        return f"not an HTTP answer ({type(exc).__name__})"
    return f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}"


def _params(body: bytes) -> dict[str, str]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
