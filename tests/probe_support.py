"""Helpers for the probe, notification-check and demo tests (real HTTP servers on 127.0.0.1 only).

* `demo_results(defect)` -- the full ``golive demo`` result for the demo merchant with one defect
  (or none), run once per test session and shared by every test module that needs it;
* `probe_config` / `run_probed` -- a golive.yaml whose ``live:`` points at any loopback server, run
  through the real engine with ``--probe``;
* `FakeMerchant` / `tiny_server` -- small loopback servers for behaviours the demo merchant does not
  have (never credits, answers "ok", sleeps, resets, answers HTML or garbage).
"""

from __future__ import annotations

import json
import os
import socket
import socketserver
import struct
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
os.environ.setdefault("GOLIVE_PROBE_LOOPBACK_ONLY", "1")  # tests never leave loopback

NTF_IDS = ("LL-NTF-002", "LL-NTF-003", "LL-NTF-004", "LL-NTF-005", "LL-NTF-006", "LL-NTF-007", "LL-NTF-008",
           "LL-RET-001")
# What each demo-merchant defect must fail (design.md §2); checks not registered yet are left out.
EXPECTED_FAILURES: dict[str, set[str]] = {
    "ack_before_commit": {"LL-NTF-002"},
    "no_duplicate_guard": {"LL-NTF-004"},
    "no_idempotency": {"LL-NTF-003", "LL-NTF-004"},
    "wrong_ack_body": {"LL-NTF-002", "LL-NTF-009", "LL-PAY-008"},  # the live capture, and payout acks, show it too
    "accepts_forged": {"LL-NTF-005", "LL-NTF-008"},
    "accepts_any_sign_type": {"LL-NTF-008"},
    "ignores_amount": {"LL-NTF-006"},
    "credits_sync_return": {"LL-RET-001"},
    "credits_non_success": {"LL-NTF-007"},
    "missing_risk_fields": {"LL-RSK-001", "LL-RSK-002", "LL-SIG-008"},
    "withdraw_any_card": {"LL-CRD-001"},
    "no_amount_bound": {"LL-CRD-002"},
    "slow_ack": {"LL-NTF-002"},
    # Answers 0000 and never credits: the positive probes fail; the negative ones cannot pass,
    # because their controls (a correct notification for the same order) never credited either.
    # The captured notification was acked but never processed, so the repeat payment cannot reuse
    # the no_agree it carried (LL-RSK-006).
    "todo_handler": {"LL-NTF-002", "LL-NTF-003", "LL-NTF-004", "LL-NTF-008", "LL-RSK-006"},
    # Refuses every golive notification for the key: nothing about the handler is proven either way
    # by the probes; the captured notification was refused too (LL-NTF-009), so no no_agree (LL-RSK-006).
    "stale_key": {"LL-NTF-009", "LL-RSK-006"},
    # Payout notifications (LL-PAY-008..011, golive/payout/probes.py).
    "failure_not_refunded": {"LL-PAY-009"},
    "payout_refund_twice": {"LL-PAY-011"},
    "payout_cancel_ignored": {"LL-PAY-010"},
    "payout_reason_dropped": {"LL-PAY-009"},
    # Shows only where payouts reach LianLian's payout API: through the sandbox (tests/test_ll_pay_005.py).
    "payout_retry_on_ambiguous": {"LL-PAY-005"},
}
# Defects plain `golive demo` cannot show (the demo merchant pays out only against a sandbox).
SANDBOX_ONLY = frozenset({"payout_retry_on_ambiguous"})
PAY_PROBE_IDS = ("LL-PAY-008", "LL-PAY-009", "LL-PAY-010", "LL-PAY-011")
# What each defect must leave unjudged (error), with the reason: never a pass.
EXPECTED_ERRORS: dict[str, set[str]] = {
    # (the payout-notification probes' users cannot be credited first either: LL-PAY-008..011 cannot judge)
    "todo_handler": {"LL-NTF-005", "LL-NTF-006", "LL-NTF-007", "LL-RET-001", "LL-CRD-001", "LL-CRD-002",
                     "LL-PAY-008", "LL-PAY-009", "LL-PAY-010", "LL-PAY-011"},
    # The first FAILURE gives nothing back: unchanged copies prove nothing (LL-PAY-011's control).
    "failure_not_refunded": {"LL-PAY-011"},
    "stale_key": {"LL-NTF-002", "LL-NTF-003", "LL-NTF-004", "LL-NTF-005", "LL-NTF-006", "LL-NTF-007", "LL-NTF-008",
                  "LL-RET-001", "LL-CRD-001", "LL-CRD-002", "LL-PAY-008", "LL-PAY-009", "LL-PAY-010", "LL-PAY-011"},
}


@lru_cache(maxsize=None)
def demo_results(defect: str | None = None) -> dict[str, Any]:
    """`golive demo [--defect NAME]`'s result dict (cached for the whole test session)."""
    from golive.commands.demo import run_demo

    return run_demo(frozenset([defect]) if defect else frozenset())


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in result["checks"]}


def check(result: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["id"] == check_id)


def messages(result: dict[str, Any], check_id: str) -> str:
    found = check(result, check_id)
    texts = [f["message"]["en"] for f in found["findings"]]
    if found.get("reason"):
        texts.append(found["reason"]["en"])
    return " | ".join(texts)


# -- configs for any loopback server --------------------------------------------------------------

def probe_config(tmp: Path, base_url: str, live: dict[str, Any] | None = None, *, without: tuple[str, ...] = (),
                 **sections: Any) -> Path:
    """The example config with live: on `base_url`, key paths absolute, no captures/ledger;
    `live` entries override (None deletes), `without` drops top-level sections."""
    from golive.commands.demo import demo_config

    data = demo_config(EXAMPLES, base_url, [])
    data.pop("evidence", None)
    data["live"].pop("withdraw", None)  # the same-card probes have their own tests
    data["live"].pop("payouts", None)
    data["live"]["settle_s"] = 0.2
    for key, value in (live or {}).items():
        if value is None:
            data["live"].pop(key, None)
        else:
            data["live"][key] = value
    for name, value in sections.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    for name in without:
        data.pop(name, None)
    path = tmp / "golive.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def example_section(name: str) -> dict[str, Any]:
    from golive.commands.demo import demo_config

    return dict(demo_config(EXAMPLES, "http://127.0.0.1:1", [])[name])


def run_probed(config: Path, *ids: str, probe: bool = True) -> dict[str, Any]:
    from golive.engine import RunOptions, run_check

    return run_check(RunOptions(config_path=config, probe=probe, select=set(ids) if ids else None))


@contextmanager
def demo_merchant(*defects: str, **settings_overrides: Any) -> Iterator[Any]:
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant

    with tempfile.TemporaryDirectory(prefix="golive-test-merchant-") as tmp:
        settings = DemoSettings.from_example_keys(EXAMPLES / "keys", db_path=Path(tmp) / "m.sqlite3",
                                                  defects=frozenset(defects), **settings_overrides)
        with start_demo_merchant(settings) as running:
            yield running


# -- a fake merchant with scripted behaviour -----------------------------------------------------

class FakeMerchant:
    """Orders and credits in memory; `on_notify(body, merchant) -> (status, body)` decides the
    answer and may credit through `credit(no_order)`."""

    def __init__(self, on_notify: Callable[[bytes, FakeMerchant], tuple[int, str]]) -> None:
        self.on_notify = on_notify
        self.credits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.counter = 0

    def credit(self, no_order: str) -> None:
        with self.lock:
            if no_order in self.credits:
                self.credits[no_order] += 1

    def handler(self) -> type[BaseHTTPRequestHandler]:
        merchant = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: str, ctype: str = "application/json") -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/test/orders"):
                    with merchant.lock:
                        merchant.counter += 1
                        no = f"F{merchant.counter:06d}"
                        merchant.credits[no] = 0
                    self._send(200, json.dumps({"data": {"no": no, "amount": "0.01", "created": "20261125100000",
                                                         "user": "u"}}))
                elif self.path.startswith("/llpay/notify"):
                    self._send(*merchant.on_notify(body, merchant))
                else:
                    self._send(200, "<html>ok</html>", "text/html")

            def do_GET(self) -> None:
                no = self.path.rsplit("/", 1)[-1]
                with merchant.lock:
                    count = merchant.credits.get(no)
                if count is None:
                    self._send(404, json.dumps({"error": "no such order"}))
                else:
                    self._send(200, json.dumps({"credits": count}))

        return Handler


@contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[str]:
    """Serve `server` (bound to 127.0.0.1) in a daemon thread; yields its base URL."""
    server.daemon_threads = True  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def fake_merchant(on_notify: Callable[[bytes, FakeMerchant], tuple[int, str]]) -> Iterator[tuple[str, FakeMerchant]]:
    merchant = FakeMerchant(on_notify)
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), merchant.handler())) as url:
        yield url, merchant


def no_of(body: bytes) -> str:
    return str(json.loads(body.decode("utf-8")).get("no_order"))


# -- tiny misbehaving servers --------------------------------------------------------------------

def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def tiny_server(behaviour: str, sleep_s: float = 3.0) -> Iterator[str]:
    """A raw TCP server: ``sleep`` (reads, then stays silent), ``reset`` (closes with RST),
    ``html`` (answers an HTML page), ``garbage`` (answers bytes that are not HTTP), ``drip``
    (starts an answer and never finishes it, one byte at a time)."""
    stop = threading.Event()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock = self.request
            sock.settimeout(2)
            try:
                sock.recv(65536)
            except OSError:
                return
            if behaviour == "sleep":
                stop.wait(sleep_s)
            elif behaviour == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif behaviour == "html":
                body = b"<!doctype html><html><body>Welcome to nginx!</body></html>"
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            elif behaviour == "garbage":
                sock.sendall(b"\x00\x01SSH-2.0-garbage\r\n\r\n")
            elif behaviour == "drip":  # a header byte every 0.1 s: no single read ever times out
                sock.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(0.1):
                    try:
                        sock.sendall(b"a")
                    except OSError:
                        return

    try:
        with serving(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)) as url:
            yield url
    finally:
        stop.set()


def elapsed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    value = fn()
    return value, time.monotonic() - started
