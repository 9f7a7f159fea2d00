"""HTTP front of the demo merchant: a ThreadingHTTPServer on loopback only.

Endpoints (shapes that examples/golive.yaml ``live:`` recipes point at):
  GET  /health                       {"ok": true}
  POST /test/orders                  form or JSON user, amount -> {"data": {"no", "amount", "created", "user"}}
  GET  /test/orders/{no_order}       {"no", "status", "credits", "amount", "user"}
  POST /llpay/notify                 LianLian async notification -> ack JSON (always HTTP 200)
  POST /llpay/payout_notify          LianLian payout notification (RSA) -> ack JSON
  GET  /checkout?user=&amount=&channel=  the page that posts a new order to LianLian's cashier
  POST /pay/return                   synchronous return (form fields or res_data) -> HTML page
  GET  /pay?user=&amount=&channel=   signed 认证支付 request for a new order (never contacts LianLian)
  POST /test/withdrawals             user, card, amount[, card_no, purpose] -> {"result": "ACCEPTED"|"REFUSED", ...}
                                     (with payouts on, card_no is the full card to pay out to; purpose is
                                     added to the payout's info_order, e.g. a golive:payout_* sandbox tag)
  GET  /test/withdrawals/{payout_no} {"result", "payout_status", "reason"}: the payout as the user sees it
  GET  /test/balance/{user}          {"available": "..."}: paid + earnings - withdrawn
  GET  /test/payouts/{user}          {"count": N, "total": "..."}
  POST /test/earnings                user, amount -> {"ok": true, "user", "earnings"}
  GET  /test/ledger.csv              the books in golive's ledger CSV shape (LL-CRD-003)
The server log is quiet unless ``verbose``; it never prints bodies, query strings or keys.
"""

from __future__ import annotations

import csv
import html
import io
import ipaddress
import json
import logging
import re
import secrets
import socket
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .app import DemoMerchant, ReturnView
from .payreq import CHANNELS
from .settings import DemoSettings
from .store import Store, money, parse_amount

log = logging.getLogger("golive.demo_merchant")

MAX_BODY_BYTES = 1 << 20
JSON_TYPE = "application/json;charset=utf-8"


class ClientError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _loopback_host(host: str) -> str:
    """The address to bind; anything but a loopback address is refused (the demo merchant has
    weak, public keys and test hooks that move money)."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"demo merchant binds to loopback only; {host!r} is not an IP address") from None
    if not address.is_loopback:
        raise ValueError(f"demo merchant binds to loopback only, not {host}")
    return host


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a burst of 16 identical notifications must not hit the backlog

    def __init__(self, address: tuple[str, int], merchant: DemoMerchant) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.merchant = merchant
        super().__init__(address, _Handler)


def _first(values: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in values.items() if v}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "golive-demo-merchant/0.1"
    sys_version = ""
    timeout = 30  # a stalled client must not hold a thread forever
    # Headers and body leave in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (tens of ms per answer on loopback).
    disable_nagle_algorithm = True

    # -- logging: quiet by default, never bodies or query strings ------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.merchant.settings.verbose:
            log.info("%s %s %s", self.command, urlsplit(self.path).path, code)

    # -- routing --------------------------------------------------------------------------------

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., None]]]:
        return [
            ("GET", re.compile(r"/health"), self._health),
            ("POST", re.compile(r"/test/orders"), self._create_order),
            ("GET", re.compile(r"/test/orders/(?P<no_order>[^/]+)"), self._get_order),
            ("POST", re.compile(r"/llpay/notify"), self._notify),
            ("POST", re.compile(r"/llpay/payout_notify"), self._payout_notify),
            ("GET", re.compile(r"/checkout"), self._checkout),
            ("POST", re.compile(r"/pay/return"), self._return),
            ("GET", re.compile(r"/pay"), self._pay),
            ("POST", re.compile(r"/test/withdrawals"), self._withdraw),
            ("GET", re.compile(r"/test/withdrawals/(?P<payout_no>[^/]+)"), self._withdrawal),
            ("GET", re.compile(r"/test/balance/(?P<user>[^/]+)"), self._balance),
            ("GET", re.compile(r"/test/payouts/(?P<user>[^/]+)"), self._payouts),
            ("POST", re.compile(r"/test/earnings"), self._earnings),
            ("GET", re.compile(r"/test/ledger\.csv"), self._ledger),
        ]

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        allowed: list[str] = []
        try:
            for method, pattern, handler in self._routes():
                match = pattern.fullmatch(path)
                if match is None:
                    continue
                if method == self.command:
                    handler(**{k: unquote(v) for k, v in match.groupdict().items()})
                    return
                allowed.append(method)
            if allowed:
                self._json(405, {"error": "method not allowed", "allow": allowed},
                           headers={"Allow": ", ".join(allowed)})
            else:
                self._json(404, {"error": "not found"})
        except ClientError as exc:
            self._json(exc.status, {"error": exc.message})
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:
            log.exception("demo merchant: %s %s failed", self.command, path)
            self._json(500, {"error": "internal error"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch

    # -- request and response helpers -----------------------------------------------------------

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise ClientError(411, "send a Content-Length")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        try:
            length = int(raw)
        except ValueError:
            raise ClientError(400, "bad Content-Length") from None
        if length < 0:
            raise ClientError(400, "bad Content-Length")
        if length > MAX_BODY_BYTES:
            raise ClientError(413, "body too large")
        return self.rfile.read(length)

    def _fields(self) -> dict[str, str]:
        """Form or JSON fields of a test-hook request (values as strings)."""
        body = self._body()
        ctype = self.headers.get("Content-Type", "").lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientError(400, "body is not UTF-8") from None
        if "json" in ctype or text.lstrip().startswith("{"):
            try:
                obj = json.loads(text)
            except ValueError:
                raise ClientError(400, "body is not valid JSON") from None
            if not isinstance(obj, dict):
                raise ClientError(400, "body must be a JSON object")
            fields: dict[str, str] = {}
            for key, value in obj.items():
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    raise ClientError(400, f"field {key!r} must be a string or a number")
                fields[key] = str(value)
            return fields
        return _first(parse_qs(text, keep_blank_values=True))

    def _query(self) -> dict[str, str]:
        return _first(parse_qs(urlsplit(self.path).query, keep_blank_values=True))

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send(status, body, JSON_TYPE, headers)

    @staticmethod
    def _need(fields: dict[str, str], name: str) -> str:
        value = fields.get(name, "").strip()
        if not value:
            raise ClientError(400, f"missing field {name!r}")
        if len(value) > 64:
            raise ClientError(400, f"field {name!r} is too long")
        return value

    @staticmethod
    def _amount(fields: dict[str, str], default: str | None = None) -> Decimal:
        raw = fields.get("amount") or default
        if raw is None:
            raise ClientError(400, "missing field 'amount'")
        try:
            return parse_amount(raw)
        except ValueError as exc:
            raise ClientError(400, str(exc)) from None

    # -- endpoints ------------------------------------------------------------------------------

    def _health(self) -> None:
        self._json(200, {"ok": True})

    def _create_order(self) -> None:
        fields = self._fields()
        user = self._need(fields, "user")
        order, _ = self.server.merchant.store.create_order(user, self._amount(fields, "0.01"))
        self._json(200, {"data": {"no": order.no_order, "amount": money(order.amount),
                                  "created": order.dt_order, "user": order.user_id}})

    def _get_order(self, no_order: str) -> None:
        store = self.server.merchant.store
        order = store.get_order(no_order)
        if order is None:
            raise ClientError(404, "no such order")
        self._json(200, {"no": order.no_order, "status": order.status,
                         "credits": store.credit_count(no_order),
                         "amount": money(order.amount), "user": order.user_id})

    def _notify(self) -> None:
        merchant = self.server.merchant
        try:
            body: bytes | None = self._body()
        except ClientError:
            body = None  # answered as a failed notification, never as an HTTP error
        ok = merchant.handle_notify(body)
        merchant.ack_delay()
        self._send(200, merchant.ack_body(ok).encode("utf-8"), JSON_TYPE)

    def _payout_notify(self) -> None:
        merchant = self.server.merchant
        try:
            body: bytes | None = self._body()
        except ClientError:
            body = None
        ok = merchant.handle_payout_notify(body)
        self._send(200, merchant.ack_body(ok).encode("utf-8"), JSON_TYPE)

    def _checkout(self) -> None:
        """The merchant's order page: a form that the browser posts to LianLian's cashier at once
        (LianLian's Web demo gotoPrepositPay.jsp does the same; WAP posts req_data)."""
        query = self._query()
        user = self._need(query, "user")
        channel = query.get("channel") or "web"
        if channel not in CHANNELS:
            raise ClientError(400, f"channel must be one of {', '.join(CHANNELS)}")
        request = self.server.merchant.pay(user, self._amount(query, "0.01"), channel, self.client_address[0])
        fields = request["params"] if channel == "web" else {"req_data": request["req_data"]}
        nonce = secrets.token_urlsafe(12)
        action = request["action"]
        target = urlsplit(action)
        inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(str(v))}">'
                         for k, v in fields.items())
        page = (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>正在跳转 / Redirecting</title>'
                f'</head><body><p>正在前往连连支付收银台… / Going to the LianLian cashier…</p>'
                f'<form id="pay" method="post" action="{html.escape(action)}">{inputs}'
                f'<button type="submit">去支付 / Pay</button></form>'
                f'<script nonce="{nonce}">document.getElementById("pay").submit();</script></body></html>')
        csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; "
               f"form-action {target.scheme}://{target.netloc}; base-uri 'none'")
        self._send(200, page.encode("utf-8"), "text/html; charset=utf-8",
                   headers={"Content-Security-Policy": csp})

    def _return(self) -> None:
        view = self.server.merchant.handle_return(self._fields())
        self._send(200, _render_return(view).encode("utf-8"), "text/html; charset=utf-8",
                   headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    def _pay(self) -> None:
        query = self._query()
        user = self._need(query, "user")
        channel = query.get("channel") or "web"
        if channel not in CHANNELS:
            raise ClientError(400, f"channel must be one of {', '.join(CHANNELS)}")
        client_ip = self.client_address[0]
        self._json(200, self.server.merchant.pay(user, self._amount(query, "0.01"), channel, client_ip))

    def _withdraw(self) -> None:
        fields = self._fields()
        user = self._need(fields, "user")
        card = self._need(fields, "card")
        card_no = fields.get("card_no", "").strip() or None
        if card_no is not None and not (card_no.isdigit() and 12 <= len(card_no) <= 19):
            raise ClientError(400, "card_no must be 12-19 digits")
        purpose = fields.get("purpose", "").strip()[:64] or None
        result = self.server.merchant.withdraw(user, card, self._amount(fields), card_no, purpose)
        if result.accepted:
            self._json(200, {"result": "ACCEPTED", "payout_no": result.payout_no})
        else:
            self._json(200, {"result": "REFUSED", "reason": result.reason})

    def _withdrawal(self, payout_no: str) -> None:
        row = self.server.merchant.store.get_withdrawal(payout_no)
        if row is None:
            raise ClientError(404, "no such withdrawal")
        self._json(200, {"payout_no": row["payout_no"], "user": row["user_id"], "amount": row["amount"],
                         "result": row["result"], "payout_status": row["payout_status"],
                         "reason": row["payout_reason"]})

    def _balance(self, user: str) -> None:
        self._json(200, {"user": user, "available": money(self.server.merchant.store.available(user))})

    def _payouts(self, user: str) -> None:
        count, total = self.server.merchant.store.payout_count(user)
        self._json(200, {"count": count, "total": money(total)})

    def _earnings(self) -> None:
        fields = self._fields()
        user = self._need(fields, "user")
        total = self.server.merchant.store.add_earning(user, self._amount(fields))
        self._json(200, {"ok": True, "user": user, "earnings": money(total)})

    def _ledger(self) -> None:
        out = io.StringIO()
        columns = ["user_id", "kind", "no_order", "amount", "card", "time", "status", "settle_date", "oid_paybill"]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.server.merchant.store.ledger())
        self._send(200, out.getvalue().encode("utf-8"), "text/csv; charset=utf-8")


_RESULT_LABELS = {"SUCCESS": "支付成功", "PROCESSING": "处理中", "FAILURE": "支付失败", "REFUND": "已退款"}


def _render_return(view: ReturnView) -> str:
    e = html.escape
    if view.malformed:
        rows = "<p>返回参数无法解析 / the return parameters could not be read.</p>"
    else:
        shown = ["no_order", "money_order", "result_pay", "oid_paybill", "dt_order", "settle_date",
                 "bank_code"]
        items = "".join(
            f"<tr><th>{e(k)}</th><td>{e(view.fields[k])}</td></tr>" for k in shown if k in view.fields
        )
        result = view.fields.get("result_pay", "")
        if view.signature_ok:
            label, sign = _RESULT_LABELS.get(result, result), "签名校验通过"
        else:  # an unverified page may be forged: do not even display its claimed result as fact
            label, sign = "无法确认", "签名校验未通过"
        status = {"paid": "已入账", "pending": "待确认"}.get(view.order_status or "", "未知订单")
        rows = (f"<p>支付结果：{e(label)}（{e(sign)}）</p><p>商户订单状态：{e(status)}</p>"
                f"<table>{items}</table>")
    return (
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
        "<title>支付结果</title><style>body{font-family:sans-serif;margin:2em}"
        "th{text-align:left;padding-right:1em}</style></head><body><h1>支付结果</h1>"
        f"{rows}<p><strong>支付结果以异步通知为准。</strong> The asynchronous notification is "
        "authoritative; this page books nothing.</p></body></html>"
    )


class RunningMerchant:
    """A demo merchant serving in a background thread; stop() (or leaving ``with``) ends it."""

    def __init__(self, server: _Server, thread: threading.Thread,
                 tmpdir: tempfile.TemporaryDirectory[str] | None) -> None:
        self._server = server
        self._thread = thread
        self._tmpdir = tmpdir
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{shown}:{self.port}"
        self.merchant = server.merchant
        self._stopped = False

    @property
    def settings(self) -> DemoSettings:
        return self.merchant.settings

    @property
    def db_path(self) -> Path:
        return self.merchant.store.path

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve_until_interrupted(self) -> None:
        """Block the calling thread until Ctrl-C, then stop."""
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.merchant.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self.merchant.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()

    def __enter__(self) -> RunningMerchant:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_demo_merchant(settings: DemoSettings, host: str = "127.0.0.1", port: int = 0) -> RunningMerchant:
    """Start the demo merchant on ``host:port`` (loopback only; port 0 picks a free port)."""
    bind = _loopback_host(host)
    tmpdir = None
    db_path = settings.db_path
    if db_path is None:
        tmpdir = tempfile.TemporaryDirectory(prefix="golive-demo-merchant-")
        db_path = Path(tmpdir.name) / "merchant.sqlite3"
    try:
        store = Store(db_path)
        merchant = DemoMerchant(settings, store, notify_url="", url_return="")
        server = _Server((bind, port), merchant)
    except BaseException:
        if tmpdir is not None:
            tmpdir.cleanup()
        raise
    host_part = f"[{bind}]" if ":" in bind else bind
    base = f"http://{host_part}:{server.server_address[1]}"
    merchant.notify_url = settings.notify_url or base + "/llpay/notify"
    merchant.url_return = settings.url_return or base + "/pay/return"
    merchant.payout_notify_url = base + "/llpay/payout_notify"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"demo-merchant:{server.server_address[1]}", daemon=True)
    thread.start()
    return RunningMerchant(server, thread, tmpdir)
