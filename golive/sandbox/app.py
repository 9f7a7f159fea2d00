"""The sandbox itself: LianLian's endpoints at LianLian's paths, judged and answered as LianLian does.

A merchant changes only base URLs (README, "golive sandbox"); every path below is LianLian's own
(protocol.md §1, §7, §8), plus the sandbox's pages under ``/_sandbox/``:

=====================================  ==========================================================
path                                   LianLian endpoint
=====================================  ==========================================================
POST /payment/authpay.htm              Web 认证支付 cashier (cashier.lianlianpay.com), form fields
POST /authpay.htm, /llpayh5/authpay.htm WAP/H5 认证支付 (wap.lianlianpay.com), ``req_data``
POST /_sandbox/sdk/payauth             app-SDK order check: the order JSON the app hands the SDK
                                       (the SDK's own transport is not public; sandbox path)
POST /orderquery.htm                   order query (queryapi; legacy /traderapi/orderquery.htm)
POST /bankcardbindlist.htm             bind-card list (legacy /traderapi/userbankcard.htm)
POST /bankcardbin.htm                  card BIN (legacy /traderapi/bankcardquery.htm)
POST /paymentapi/payment.htm           payout apply, ``pay_load`` (instantpay)
POST /paymentapi/confirmPayment.htm    payout confirm, ``pay_load``
POST /paymentapi/queryPayment.htm      payout query, plain signed JSON
POST /_sandbox/cashier                 the cashier page's pay / fail buttons
GET  /_sandbox/health                  status, base URL, the key to trust (public data only)
GET  /_sandbox/lianlian_public.pem     the sandbox's LianLian public key
=====================================  ==========================================================

A payment: the order is judged (`judge.py`), stored, and either paid at once (``--cashier auto``)
or shown on the cashier page where a person chooses pay or fail (``--cashier page``). Then, as
LianLian does (§5): the browser is sent back to ``url_return`` with a POST form (Web) or
``res_data`` (WAP), and the asynchronous notification goes into the durable outbox
(`delivery.py`), signed with the merchant-site method -- MD5 with the merchant's key, or RSA with
the sandbox's LianLian key (`keys.py`). The order's scenario (`scenarios.py`) bends that flow.
Every exchange is journaled (`journal.py`).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from golive import __version__
from golive.sandbox import pages
from golive.sandbox.cards import card_for_user, lookup_bin, mask
from golive.sandbox.db import Database
from golive.sandbox.delivery import Outbox
from golive.sandbox.exchange import Answer, ParseError, Request, parse_form, parse_json_object
from golive.sandbox.journal import EventKind, Outcome
from golive.sandbox.judge import (CST, Judgement, judge_limits, judge_merchant, judge_pay_params, judge_risk,
                                  judge_signature, judge_source, now_cst, page_origin, ret_msg)
from golive.sandbox.keys import SandboxKey
from golive.sandbox.scenarios import payment_scenario
from golive.sandbox.settings import SandboxSettings

log = logging.getLogger("golive.sandbox")

PROCESSING_FOR_S = 300.0   # the processing scenario: PROCESSING for 5 LianLian minutes
LATE_BY_S = 600.0          # the late scenario: notification after 10 LianLian minutes
NOTIFY_FIRST_WAIT_S = 2.0  # beyond the ack timeout, how long the browser waits for notify_first
DUPLICATE_BURST = 3

WEB_PATHS = ("/payment/authpay.htm",)
WAP_PATHS = ("/authpay.htm", "/llpayh5/authpay.htm")
APP_PATH = "/_sandbox/sdk/payauth"
CASHIER_PATH = "/_sandbox/cashier"


def fmt14(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y%m%d%H%M%S")


def digits(n: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


@dataclass(frozen=True)
class Order:
    """The sandbox's record of one payment (a row of the working ``orders`` table)."""

    no_order: str
    user_id: str
    money_order: str
    dt_order: str
    channel: str
    scenario: str
    status: str
    result_at: float | None
    oid_paybill: str | None
    settle_date: str | None
    info_order: str | None
    name_goods: str | None
    notify_url: str
    url_return: str | None
    card_no: str | None
    no_agree: str | None
    bank_code: str | None
    acct_name: str | None
    id_type: str | None
    id_no: str | None
    token: str | None

    @classmethod
    def from_row(cls, row: Any) -> Order:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def result_pay(self, now: float | None = None) -> str:
        """What an order query says now (PROCESSING turns SUCCESS at result_at)."""
        if self.status == "CASHIER":
            return "WAITING"
        if self.status == "PROCESSING" and self.result_at is not None and (now or time.time()) >= self.result_at:
            return "SUCCESS"
        return self.status


class Sandbox:
    """Request handlers over one database and one outbox; `server.py` puts HTTP in front."""

    def __init__(self, settings: SandboxSettings, key: SandboxKey, db: Database) -> None:
        self.settings = settings
        self.key = key
        self.db = db
        self.base_url = ""
        self.run_id = 0
        self.outbox = Outbox(db, settings, lambda: self.run_id)
        self.stopping = threading.Event()
        self._forger_key: Any = None
        self._forger_lock = threading.Lock()
        self.routes: dict[tuple[str, str], Callable[[Request], Answer]] = {}
        for path in WEB_PATHS:
            self.routes[("POST", path)] = lambda r: self.pay(r, "web")
        for path in WAP_PATHS:
            self.routes[("POST", path)] = lambda r: self.pay(r, "wap")
        self.routes[("POST", APP_PATH)] = lambda r: self.pay(r, "app")
        self.routes[("POST", CASHIER_PATH)] = self.cashier_choice
        self.routes[("GET", "/_sandbox/health")] = self.health
        self.routes[("GET", "/_sandbox/lianlian_public.pem")] = self.public_key_pem
        self.routes[("POST", "/_sandbox/statements")] = self.statements
        from golive.sandbox import payouts, queries

        for path, handler in queries.ROUTES.items():
            self.routes[("POST", path)] = lambda r, h=handler: h(self, r)
        for path, handler in payouts.ROUTES.items():
            self.routes[("POST", path)] = lambda r, h=handler: h(self, r)

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self, base_url: str) -> int:
        """Open a run, put interrupted deliveries back on the schedule, start delivering."""
        self.base_url = base_url
        resumed = self.outbox.recover()
        self.run_id = self.db.start_run(base_url=base_url, oid_partner=self.settings.oid_partner,
                                        golive_version=__version__,
                                        settings={**self.settings.public_summary(),
                                                  "lianlian_key_sha256": self.key.fingerprint_sha256})
        with self.db.tx() as conn:
            self.db.record(conn, self.run_id, EventKind.RUN_START, url=base_url,
                           detail={"resumed_in_flight": resumed, "pending_deliveries": self.outbox.pending_count()})
        self.outbox.start()
        return resumed

    def stop(self) -> None:
        self.outbox.stop()
        with self.db.tx() as conn:
            self.db.record(conn, self.run_id, EventKind.RUN_STOP, url=self.base_url,
                           detail={"pending_deliveries": self.outbox.pending_count()})
        self.db.stop_run(self.run_id)

    # -- dispatch --------------------------------------------------------------------------------

    def handle(self, request: Request) -> Answer:
        handler = self.routes.get((request.method, request.path))
        if handler is not None:
            try:
                return handler(request)
            except Exception:
                if not self.stopping.is_set():  # while stopping, the database may already be closed
                    log.exception("sandbox handler failed: %s %s", request.method, request.path)
                return Answer.json({"ret_code": "9999", "ret_msg": "系统错误"}, status=500)
        allowed = sorted(m for m, p in self.routes if p == request.path)
        status = 405 if allowed else 404
        answer = Answer.json({"ret_code": "9999", "ret_msg": "not found" if status == 404 else "method not allowed",
                              "paths": "GET /_sandbox/health lists what is served"}, status=status)
        if allowed:
            answer.headers.append(("Allow", ", ".join(allowed)))
        if not request.path.startswith("/_sandbox/") and request.path != "/favicon.ico":
            with self.db.tx() as conn:
                self.db.record(conn, self.run_id, EventKind.UNKNOWN, at=request.at, peer=request.client_ip,
                               method=request.method, url=request.path, request_headers=request.headers,
                               request_body=request.body, status=status, elapsed_ms=request.elapsed_ms())
        return answer

    def health(self, request: Request) -> Answer:
        return Answer.json({"ok": True, "base_url": self.base_url, "oid_partner": self.settings.oid_partner,
                            "lianlian_public_key_sha256": self.key.fingerprint_sha256,
                            "notify_sign_type": self.settings.notify_sign_type, "run_id": self.run_id,
                            "pending_deliveries": self.outbox.pending_count()})

    def statements(self, request: Request) -> Answer:
        """(Re)write the statement files for what was processed (golive/sandbox/statements.py)."""
        from golive.sandbox.statements import describe, write_statements

        return Answer.json({"ok": True, **describe(write_statements(self))})

    def public_key_pem(self, request: Request) -> Answer:
        return Answer(200, self.key.public_pem.encode("ascii"), "application/x-pem-file")

    # -- signing as LianLian ---------------------------------------------------------------------

    def sign(self, params: dict[str, str], sign_type: str, exclude: frozenset[str] = frozenset()) -> dict[str, str]:
        """Sign as LianLian: MD5 with the merchant's key, RSA with the sandbox's LianLian key."""
        from golive.lianlian.sign import sign_params

        signable = {k: v for k, v in params.items() if k not in exclude}
        if sign_type == "MD5":
            signed = sign_params(signable, "MD5", md5_key=self.settings.md5_key)
        else:
            signed = sign_params(signable, "RSA", private_key=self.key.private_key)
        return {**signed, **{k: v for k, v in params.items() if k in exclude}}

    def sign_answer(self, params: dict[str, Any], request_sign_type: Any, unsigned: frozenset[str] = frozenset()) -> dict[str, Any]:
        """A server-API answer, signed with the request's method when it is usable (§2.5)."""
        sign_type = request_sign_type if request_sign_type in ("MD5", "RSA") else "RSA"
        if sign_type == "MD5" and not self.settings.md5_key:
            return params
        return self.sign(params, sign_type, exclude=unsigned)  # type: ignore[arg-type]

    def forger_key(self) -> Any:
        """A throwaway RSA key for forged copies (not the sandbox's LianLian key)."""
        with self._forger_lock:
            if self._forger_key is None:
                from Crypto.PublicKey import RSA

                self._forger_key = RSA.generate(1024)
            return self._forger_key

    # -- shared journaling -----------------------------------------------------------------------

    def record_request(self, conn: Any, kind: EventKind, request: Request, judgement: Judgement, *, api: str,
                       channel: str, params: dict[str, Any], **columns: Any) -> int:
        return self.db.record(
            conn, self.run_id, kind, at=request.at, api=api, channel=channel, peer=request.client_ip,
            method=request.method, url=request.path, request_headers=request.headers, request_body=request.body,
            params=params, ret_code=judgement.code, ret_msg=judgement.ret_msg,
            outcome=Outcome.ACCEPTED if judgement.ok else Outcome.REJECTED, detail=judgement.to_detail(), **columns)

    def complete_event(self, seq: int, request: Request, answer: Answer) -> Answer:
        """Fill in the answer of an event recorded before the answer was ready."""
        with self.db.tx() as conn:
            conn.execute("UPDATE events SET status=?, response_headers=?, response_body=?, elapsed_ms=? WHERE seq=?",
                         (answer.status, json.dumps([["Content-Type", answer.content_type], *answer.headers]),
                          answer.text[:1 << 20], request.elapsed_ms(), seq))
        return answer

    # -- payments --------------------------------------------------------------------------------

    def _pay_params(self, request: Request, channel: str) -> dict[str, Any]:
        if channel == "web":
            return parse_form(request.body)
        if channel == "wap":
            form = parse_form(request.body)
            if "req_data" not in form:
                raise ParseError("WAP 认证支付 posts one form field, req_data, holding the request JSON")
            return parse_json_object(form["req_data"], "req_data")
        return parse_json_object(request.body)

    def _refused(self, request: Request, channel: str, judgement: Judgement) -> Answer:
        if channel == "app" or request.wants_json():
            return Answer.json({"ret_code": judgement.code, "ret_msg": judgement.ret_msg,
                                "golive_problems": [p.to_dict() for p in judgement.problems]})
        nonce = pages.new_nonce()
        return Answer.html(pages.error_page(nonce=nonce, ret_code=judgement.code, ret_msg=judgement.ret_msg,
                                            problems=[p.to_dict() for p in judgement.problems]), pages.csp(nonce))

    def pay(self, request: Request, channel: str) -> Answer:
        """Web, WAP or app-SDK 认证支付: judge, store, then the cashier (or pay at once)."""
        from golive.lianlian.sign import APP_SDK_EXCLUDED

        judgement = Judgement()
        now = now_cst()
        try:
            params = self._pay_params(request, channel)
        except ParseError as exc:
            params = {}
            judgement.add("1012", None, str(exc))
        if params:
            judge_merchant(judgement, params, self.settings)
            if channel != "app":
                host, via = page_origin(request.header("Origin"), request.header("Referer"))
                judge_source(judgement, self.settings, server_api=False, host=host, via=via)
            judge_signature(judgement, params, self.settings,
                            exclude=APP_SDK_EXCLUDED if channel == "app" else frozenset())
            judge_pay_params(judgement, params, channel, now)
            judge_risk(judgement, params, self.settings, now)
        text = {k: v for k, v in params.items() if isinstance(v, str)}
        no_order = text.get("no_order")
        order: Order | None = None
        with self.db.tx() as conn:
            if no_order and text.get("user_id"):
                order = self._check_and_store(conn, judgement, text, channel, now)
            scenario = order.scenario if order else None
            seq = self.record_request(conn, EventKind.PAY_REQUEST, request, judgement, api=_API[channel],
                                      channel=channel, params=params, no_order=no_order, user_id=text.get("user_id"),
                                      scenario=scenario)
        if not judgement.ok or order is None:
            return self.complete_event(seq, request, self._refused(request, channel, judgement))
        if self.settings.cashier == "page" and channel != "app":
            answer = self._cashier_page(order)
        else:
            answer = self.settle(order, "pay", "auto", request)
        return self.complete_event(seq, request, answer)

    def _check_and_store(self, conn: Any, judgement: Judgement, text: dict[str, str], channel: str,
                         now: datetime) -> Order | None:
        """Checks that need the books (limits, duplicates, agreements); stores an accepted order."""
        user_id, no_order = text["user_id"], text["no_order"]
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        paid_today = sum((Decimal(r[0]) for r in conn.execute(
            "SELECT money_order FROM orders WHERE user_id=? AND status IN ('SUCCESS','PROCESSING') AND created_at>=?"
            " AND no_order<>?", (user_id, midnight, no_order))), Decimal("0"))
        judge_limits(judgement, self.settings, text.get("money_order"), paid_today)
        digest = json.dumps([user_id, text.get("money_order"), text.get("dt_order")])
        existing = conn.execute("SELECT * FROM orders WHERE no_order=?", (no_order,)).fetchone()
        if existing is not None:
            found = Order.from_row(existing)
            state = found.result_pay()
            if state == "SUCCESS":
                judgement.add("2007", "no_order", f"order {no_order} is already paid")
            elif state == "PROCESSING":
                judgement.add("2008", "no_order", f"order {no_order} is being processed")
            elif existing["digest"] != digest or state == "FAILURE":
                judgement.add("1002", "no_order", f"no_order {no_order} was already used for another order")
            elif judgement.ok:
                return found  # the same order again (the payer came back): the same cashier
        if text.get("no_agree"):
            card = conn.execute("SELECT 1 FROM cards WHERE no_agree=? AND user_id=?",
                                (text["no_agree"], user_id)).fetchone()
            if card is None:
                judgement.add("3003", "no_agree", "no_agree is not an agreement of this user_id")
        if not judgement.ok:
            return None
        scenario = payment_scenario(text["money_order"], text.get("info_order"), self.settings.scenario)
        conn.execute(
            "INSERT INTO orders (no_order, user_id, money_order, dt_order, channel, scenario, status, info_order,"
            " name_goods, notify_url, url_return, card_no, no_agree, acct_name, id_type, id_no, token, digest,"
            " created_at) VALUES (?,?,?,?,?,?,'CASHIER',?,?,?,?,?,?,?,?,?,?,?,?)",
            (no_order, user_id, text["money_order"], text["dt_order"], channel, scenario, text.get("info_order"),
             text.get("name_goods"), text["notify_url"], text.get("url_return"), text.get("card_no"),
             text.get("no_agree"), text.get("acct_name"), text.get("id_type"), text.get("id_no"),
             secrets.token_urlsafe(24), digest, time.time()))
        row = conn.execute("SELECT * FROM orders WHERE no_order=?", (no_order,)).fetchone()
        return Order.from_row(row)

    def _card_of(self, conn: Any, order: Order) -> Any:
        """The card this payment uses: the agreement's, the preset card_no, or the payer's test card."""
        if order.no_agree:
            return conn.execute("SELECT * FROM cards WHERE no_agree=?", (order.no_agree,)).fetchone()
        card_no = order.card_no or card_for_user(order.user_id)
        row = conn.execute("SELECT * FROM cards WHERE user_id=? AND card_no=?", (order.user_id, card_no)).fetchone()
        if row is not None:
            return row
        info = lookup_bin(card_no)
        no_agree = datetime.now(CST).strftime("%Y%m%d") + digits(10)
        conn.execute(
            "INSERT INTO cards (no_agree, user_id, card_no, bank_code, card_type, acct_name, id_no, bind_mobile,"
            " created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (no_agree, order.user_id, card_no, info.bank_code if info else "01020000",
             info.card_type if info else "2", order.acct_name, order.id_no, "138" + digits(8), time.time()))
        return conn.execute("SELECT * FROM cards WHERE no_agree=?", (no_agree,)).fetchone()

    def _cashier_page(self, order: Order) -> Answer:
        with self.db.tx() as conn:
            card = self._card_of(conn, order)
        nonce = pages.new_nonce()
        return Answer.html(pages.cashier_page(
            nonce=nonce, action=CASHIER_PATH, token=order.token or "", merchant=self.settings.merchant_name
            or self.settings.oid_partner, no_order=order.no_order, name_goods=order.name_goods or "",
            money_order=order.money_order, card_masked=mask(card["card_no"]), holder=order.acct_name,
            scenario=order.scenario), pages.csp(nonce))

    def cashier_choice(self, request: Request) -> Answer:
        """The payer pressed pay or fail on the cashier page."""
        try:
            form = parse_form(request.body)
        except ParseError:
            form = {}
        row = self.db.one("SELECT * FROM orders WHERE token=?", (form.get("token") or "-",))
        choice = form.get("choice")
        nonce = pages.new_nonce()
        if row is None or choice not in ("pay", "fail") or row["status"] != "CASHIER":
            code = "2007" if row is not None and row["status"] != "CASHIER" else "1004"
            return Answer.html(pages.error_page(nonce=nonce, ret_code=code, ret_msg=ret_msg(code, "token"), problems=[
                {"code": code, "field": "token", "message": "unknown cashier session, or this order was already "
                                                            "paid or failed"}]), pages.csp(nonce))
        return self.settle(Order.from_row(row), str(choice), "page", request)

    # -- settling a payment ----------------------------------------------------------------------

    def payment_notification(self, order: Order, card: Any, oid_paybill: str, settle_date: str,
                             result_pay: str) -> dict[str, str]:
        """The notification LianLian sends for a 认证支付 payment (protocol.md §5.1, the real T6 field set)."""
        params = {
            "oid_partner": self.settings.oid_partner, "dt_order": order.dt_order, "no_order": order.no_order,
            "oid_paybill": oid_paybill, "money_order": order.money_order, "result_pay": result_pay,
            "settle_date": settle_date, "info_order": order.info_order or "", "pay_type": "D",
            "bank_code": card["bank_code"], "no_agree": card["no_agree"], "id_type": order.id_type or "0",
            "id_no": order.id_no or card["id_no"] or "", "acct_name": order.acct_name or card["acct_name"] or "",
        }
        return self.sign({k: v for k, v in params.items() if v}, self.settings.notify_sign_type)

    def _forged_copies(self, genuine: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
        from golive.lianlian.sign import sign_params

        unsigned = {k: v for k, v in genuine.items() if k not in ("sign",)}
        if self.settings.notify_sign_type == "MD5":
            bad = sign_params(unsigned, "MD5", md5_key="forged_" + secrets.token_hex(8))
        else:
            bad = sign_params(unsigned, "RSA", private_key=self.forger_key())
        tampered = dict(genuine)
        tampered["money_order"] = str((Decimal(genuine["money_order"]) * 100).quantize(Decimal("0.01")))
        return [("bad_signature", bad), ("tampered_amount", tampered)]

    def settle(self, order: Order, choice: str, mode: str, request: Request) -> Answer:
        """Pay (or fail) the order per its scenario; journal; queue notifications; answer the browser."""
        scenario = order.scenario
        failed = choice == "fail" or scenario == "failure"
        now = time.time()
        oid_paybill = datetime.now(CST).strftime("%Y%m%d") + digits(10)
        settle_date = datetime.now(CST).strftime("%Y%m%d")
        return_fields: dict[str, str] | None = None
        waiter = None
        genuine_id: int | None = None
        with self.db.tx() as conn:
            card = self._card_of(conn, order)
            if failed:
                conn.execute("UPDATE orders SET status='FAILURE', oid_paybill=?, paid_at=? WHERE no_order=?",
                             (oid_paybill, now, order.no_order))
                result_pay = "FAILURE"
            else:
                processing = scenario == "processing"
                result_pay = "PROCESSING" if processing else "SUCCESS"
                result_at = now + self.settings.scaled(PROCESSING_FOR_S) if processing else now
                conn.execute("UPDATE orders SET status=?, result_at=?, oid_paybill=?, settle_date=?, no_agree=?,"
                             " card_no=?, bank_code=?, paid_at=? WHERE no_order=?",
                             (result_pay, result_at, oid_paybill, settle_date, card["no_agree"], card["card_no"],
                              card["bank_code"], now, order.no_order))
                genuine_id = self._queue_payment_notifications(conn, order, card, oid_paybill, settle_date)
                if scenario == "notify_first" and genuine_id is not None:
                    waiter = self.outbox.waiter(genuine_id)
            self.db.record(conn, self.run_id, EventKind.CASHIER, at=request.at, api="cashier", channel=order.channel,
                           topic="payment", no_order=order.no_order, oid_paybill=oid_paybill, user_id=order.user_id,
                           scenario=scenario, peer=request.client_ip, outcome=Outcome.ACCEPTED,
                           detail={"choice": "fail" if failed else "pay", "mode": mode, "result_pay": result_pay,
                                   "card_no": card["card_no"], "card_no_last4": card["card_no"][-4:],
                                   "no_agree": card["no_agree"], "acct_name": card["acct_name"],
                                   "bank_code": card["bank_code"]})
            if result_pay == "SUCCESS" and order.url_return:
                return_fields = self._return_fields(order, card, oid_paybill, settle_date)
        self.outbox.wake()
        if waiter is not None and genuine_id is not None:
            deadline = time.monotonic() + self.settings.ack_timeout_s + NOTIFY_FIRST_WAIT_S
            while not waiter.wait(0.1) and not self.stopping.is_set() and time.monotonic() < deadline:
                pass
            self.outbox.forget_waiter(genuine_id)
        return self._after_payment(request, order, result_pay, oid_paybill, return_fields)

    def _queue_payment_notifications(self, conn: Any, order: Order, card: Any, oid_paybill: str,
                                     settle_date: str) -> int:
        scenario = order.scenario
        params = self.payment_notification(order, card, oid_paybill, settle_date, "SUCCESS")
        common = dict(topic="payment", no_order=order.no_order, url=order.notify_url, scenario=scenario)
        after: int | None = None
        if scenario == "forged":
            for how, forged in self._forged_copies(params):
                after = self.outbox.enqueue(conn, **common, params=forged, role="forged", after_id=after,
                                            note={"forged": how})
        delay = {"processing": PROCESSING_FOR_S, "late": LATE_BY_S}.get(scenario, 0.0)
        genuine = self.outbox.enqueue(conn, **common, params=params, delay_s=delay, after_id=after,
                                      burst=DUPLICATE_BURST if scenario == "duplicates" else 1)
        if scenario == "duplicates":
            self.outbox.enqueue(conn, **common, params=params, role="duplicate", after_id=genuine,
                                note={"duplicate": "a copy after the 0000 (a lost ack)"})
        elif scenario == "out_of_order":
            stale = self.payment_notification(order, card, oid_paybill, settle_date, "PROCESSING")
            self.outbox.enqueue(conn, **common, params=stale, role="stale", after_id=genuine,
                                note={"stale": True})
        return genuine

    def _return_fields(self, order: Order, card: Any, oid_paybill: str, settle_date: str) -> dict[str, str]:
        """The synchronous return (protocol.md §5.2): Web form fields, or WAP ``res_data``."""
        base = {"oid_partner": self.settings.oid_partner, "dt_order": order.dt_order, "no_order": order.no_order,
                "oid_paybill": oid_paybill, "money_order": order.money_order, "result_pay": "SUCCESS",
                "settle_date": settle_date}
        if order.channel == "web":
            base.update({"info_order": order.info_order or "", "pay_type": "D", "bank_code": card["bank_code"]})
            return self.sign({k: v for k, v in base.items() if v}, self.settings.notify_sign_type)
        signed = self.sign(base, self.settings.notify_sign_type)
        return {"res_data": json.dumps(signed, ensure_ascii=False, separators=(",", ":"))}

    def _after_payment(self, request: Request, order: Order, result_pay: str, oid_paybill: str,
                       return_fields: dict[str, str] | None) -> Answer:
        if return_fields is not None and order.url_return:
            with self.db.tx() as conn:
                params = json.loads(return_fields["res_data"]) if "res_data" in return_fields else return_fields
                self.db.record(conn, self.run_id, EventKind.RETURN, api="return", channel=order.channel,
                               topic="payment", no_order=order.no_order, oid_paybill=oid_paybill,
                               user_id=order.user_id, scenario=order.scenario, method="POST", url=order.url_return,
                               request_body=urlencode(return_fields), params=params, outcome=Outcome.SENT,
                               detail={"form": "res_data" if "res_data" in return_fields else "fields",
                                       "target": order.url_return})
        if order.channel == "app":
            payload = {"ret_code": "0000", "ret_msg": "交易成功", "result_pay": result_pay,
                       "no_order": order.no_order, "oid_paybill": oid_paybill, "money_order": order.money_order}
            return Answer.json(self.sign(payload, self.settings.notify_sign_type))
        nonce = pages.new_nonce()
        if request.wants_json():
            return Answer.json({"ret_code": "0000", "ret_msg": "交易成功", "result_pay": result_pay,
                                "no_order": order.no_order, "oid_paybill": oid_paybill,
                                "return": {"url": order.url_return, "fields": return_fields} if return_fields else None})
        if return_fields is not None and order.url_return:
            return Answer.html(pages.return_page(nonce=nonce, url_return=order.url_return, fields=return_fields,
                                                 no_order=order.no_order, result_pay=result_pay),
                               pages.csp(nonce, pages.origin_of(order.url_return)))
        zh, en = {"FAILURE": ("支付失败", "Payment failed"), "PROCESSING": ("支付处理中", "Payment processing")}.get(
            result_pay, ("支付成功", "Payment successful"))
        code = "1005" if result_pay == "FAILURE" else "0000"
        return Answer.html(pages.result_page(nonce=nonce, state=result_pay.lower(), no_order=order.no_order,
                                             result_pay=result_pay, zh=zh, en=en, ret_code=code), pages.csp(nonce))


_API = {"web": "authpay_web", "wap": "authpay_wap", "app": "app_sdk"}
