"""A merchant written the way LianLian's public 认证支付 demo (LLP-AuthPay-Java, protocol.md §0 S1) is,
finished the way a merchant finishes it -- and with no golive test endpoint at all.

Its parts, named after the demo's:

* ``PartnerConfig`` / ``ServerURLConfig`` -- the merchant number, keys and LianLian's URLs: the only
  things a merchant changes to point staging at ``golive sandbox`` (the cashier, query and payout
  base URLs, and ``YT_PUB_KEY``: the sandbox's LianLian public key);
* ``GET /gotoPrepositPay.jsp`` -- creates the order in the merchant's books and renders the signed
  pay form, which the payer's browser posts to LianLian's Web cashier;
* ``POST /receiveNotify`` (ReceiveNotifyServlet) -- reads the JSON body, checks the MD5 sign, and in
  one transaction marks the order paid and books one credit, only if it was not paid yet (the
  demo's TODO, done); then answers ``{"ret_code":"0000","ret_msg":"交易成功"}``;
* ``POST /urlReturn.jsp`` -- the sync return page: verifies the sign, shows what the books say;
* ``POST /withdraw`` -- a user's withdrawal: the card must be one the user paid with (its agreement
  from the notification, checked against LianLian's bind-card list), the amount within the balance;
  then LLP-InstantPay's payout call (RSA-signed, ``pay_load`` encrypted for LianLian's key);
* ``POST /receivePayoutNotify`` -- the payout result, verified with LianLian's key.

The books are a SQLite database (orders, credits, balances): golive reads them after the run
through ``live.credits`` with ``books_query.py`` -- the merchant's own query, not an endpoint.

`DEFECTS` plants one classic mistake at a time; `EXPECTED_FAILURE` names the check that must fail.
"""

from __future__ import annotations

import hashlib
import html
import json
import sqlite3
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

from golive.lianlian.payload import encrypt_pay_load
from golive.lianlian.sign import md5_verify, sign_params, verify_message

OID = "201811230001000003"
ACK = '{"ret_code":"0000","ret_msg":"交易成功"}'
NACK = '{"ret_code":"9999","ret_msg":"验签失败"}'
SINGLE_QUOTED_ACK = "{'ret_code':'0000','ret_msg':'交易成功'}"  # as the go-live guide prints it
ACCT_NAME = "赵六"
ID_NO = "110101199003070011"

# defect -> what the merchant does wrong
DEFECTS: dict[str, str] = {
    "missing_risk_field": "risk_item without user_info_dt_register (required for every merchant)",
    "unsorted_sign": "the MD5 sign source in the order the fields were put in, not sorted",
    "ack_single_quoted": "answers the notification with the guide's single-quoted text, not JSON",
    "double_credit": "books a credit for every verified SUCCESS notification (no idempotency)",
    "no_signature_check": "the demo's TODO left as is: the notification's sign is never checked",
    "payout_other_card": "pays a withdrawal out to whatever card the user types",
}
# defect -> the check that must fail
EXPECTED_FAILURE: dict[str, str] = {
    "missing_risk_field": "LL-RSK-002",
    "unsorted_sign": "LL-SIG-006",
    "ack_single_quoted": "LL-NTF-009",
    "double_credit": "LL-NTF-010",
    "no_signature_check": "LL-NTF-011",
    "payout_other_card": "LL-CRD-004",
}


@dataclass
class PartnerConfig:
    md5_key: str
    private_key: Any  # the merchant's RSA private key (payouts are RSA)
    yt_pub_key: Any  # LianLian's public key -- in staging, the sandbox's


@dataclass
class ServerURLConfig:
    lianlian_base: str  # https://cashier.lianlianpay.com, queryapi, instantpay ... -> the sandbox

    @property
    def pay_url(self) -> str:
        return self.lianlian_base + "/payment/authpay.htm"

    @property
    def bind_list_url(self) -> str:
        return self.lianlian_base + "/bankcardbindlist.htm"

    @property
    def payment_url(self) -> str:
        return self.lianlian_base + "/paymentapi/payment.htm"


@dataclass
class DemoStyleMerchant:
    partner: PartnerConfig
    urls: ServerURLConfig
    database: Path
    defect: str | None = None
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    seq: int = 0

    def __post_init__(self) -> None:
        conn = sqlite3.connect(self.database)
        with conn:
            conn.executescript("""
                CREATE TABLE IF NOT EXISTS orders (no_order TEXT PRIMARY KEY, user_id TEXT, amount TEXT,
                                                   status TEXT, no_agree TEXT);
                CREATE TABLE IF NOT EXISTS credits (id INTEGER PRIMARY KEY, no_order TEXT, user_id TEXT, amount TEXT);
                CREATE TABLE IF NOT EXISTS balances (user_id TEXT PRIMARY KEY, cents INTEGER);
                CREATE TABLE IF NOT EXISTS payouts (no_order TEXT PRIMARY KEY, user_id TEXT, cents INTEGER, status TEXT);
            """)
        conn.close()

    @contextmanager
    def books(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.database, timeout=10, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    # -- signing (Md5Algorithm / RSAUtil of the demo) ---------------------------------------------
    def sign_md5(self, params: dict[str, str]) -> dict[str, str]:
        if self.defect != "unsorted_sign":
            return sign_params(params, "MD5", md5_key=self.partner.md5_key)
        signed = {**params, "sign_type": "MD5"}
        source = "&".join(f"{k}={v}" for k, v in signed.items() if v)  # not sorted: the defect
        signed["sign"] = hashlib.md5((source + "&key=" + self.partner.md5_key).encode("utf-8")).hexdigest()
        return signed

    # -- gotoPrepositPay.jsp ------------------------------------------------------------------------
    def pay_page(self, user: str, amount: str) -> str:
        from sandbox_support import now14

        with self.lock:
            self.seq += 1
            no_order = f"DS{int(time.time())}{self.seq:04d}"
        with self.books() as conn:
            conn.execute("INSERT INTO orders VALUES (?,?,?,'WAIT',NULL)", (no_order, user, amount))
        risk = {"frms_ware_category": "1002", "user_info_mercht_userno": user, "user_info_dt_register": "20220202020202",
                "goods_name": "话费充值", "user_info_bind_phone": "13700007777"}
        if self.defect == "missing_risk_field":
            del risk["user_info_dt_register"]
        params = self.sign_md5({
            "version": "1.0", "oid_partner": OID, "user_id": user, "timestamp": now14(), "busi_partner": "101001",
            "no_order": no_order, "dt_order": now14(), "name_goods": "话费充值", "info_order": "充值",
            "money_order": amount, "notify_url": f"{self.base_url}/receiveNotify",
            "url_return": f"{self.base_url}/urlReturn.jsp", "userreq_ip": "203_0_113_9", "valid_order": "10080",
            "risk_item": json.dumps(risk, separators=(",", ":"), ensure_ascii=False), "id_type": "0", "id_no": ID_NO,
            "acct_name": ACCT_NAME, "flag_modify": "1"})
        inputs = "".join(f"<input type='hidden' name='{k}' value='{html.escape(v, quote=True)}'>" for k, v in params.items())
        return (f"<html><body><form action='{self.urls.pay_url}' method='post'>{inputs}"
                "<input type='submit' value='确认支付'></form></body></html>")

    # -- ReceiveNotifyServlet -----------------------------------------------------------------------
    def receive_notify(self, body: bytes) -> str:
        try:
            params = json.loads(body.decode("utf-8"))
        except ValueError:
            return NACK
        if self.defect != "no_signature_check" and not md5_verify(params, self.partner.md5_key):
            return NACK
        if params.get("oid_partner") != OID:
            return NACK
        if params.get("result_pay") == "SUCCESS":
            self._credit(params)
        return SINGLE_QUOTED_ACK if self.defect == "ack_single_quoted" else ACK

    def _credit(self, params: dict[str, str]) -> None:
        no_order = params.get("no_order", "")
        with self.books() as conn:
            row = conn.execute("SELECT user_id, amount FROM orders WHERE no_order=?", (no_order,)).fetchone()
            if row is None:
                return
            user, amount = row
            if self.defect == "double_credit":
                conn.execute("UPDATE orders SET status='SUCCESS', no_agree=? WHERE no_order=?", (params.get("no_agree"), no_order))
            else:
                changed = conn.execute("UPDATE orders SET status='SUCCESS', no_agree=? WHERE no_order=? AND status<>'SUCCESS'",
                                       (params.get("no_agree"), no_order)).rowcount
                if changed != 1:
                    return  # already credited: answer 0000 again, book nothing
            paid = params.get("money_order", amount)  # the demo books what the notification says
            conn.execute("INSERT INTO credits (no_order, user_id, amount) VALUES (?,?,?)", (no_order, user, paid))
            conn.execute("INSERT INTO balances VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET cents = cents + ?",
                         (user, _cents(paid), _cents(paid)))

    # -- urlReturn.jsp ------------------------------------------------------------------------------
    def url_return(self, body: bytes) -> str:
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        if not md5_verify(fields, self.partner.md5_key):
            return "<p>验签失败</p>"
        with self.books() as conn:
            row = conn.execute("SELECT status FROM orders WHERE no_order=?", (fields.get("no_order"),)).fetchone()
        return f"<p>支付成功</p><p>订单状态：{row[0] if row else '?'}</p>"  # the credit waits for the notification

    # -- withdrawal -> PaymentApi (LLP-InstantPay) ------------------------------------------------
    def withdraw(self, user: str, card_no: str, amount: str) -> str:
        from sandbox_support import now14

        cents = _cents(amount)
        if self.defect != "payout_other_card":
            with self.books() as conn:
                agreements = {r[0] for r in conn.execute(
                    "SELECT no_agree FROM orders WHERE user_id=? AND status='SUCCESS' AND no_agree IS NOT NULL", (user,))}
            binds = _post(self.urls.bind_list_url, self.sign_md5(
                {"oid_partner": OID, "user_id": user, "pay_type": "D", "offset": "0"}))
            paying = {a["card_no"][-4:] for a in binds.get("agreement_list", []) if a["no_agree"] in agreements}
            if card_no[-4:] not in paying:
                return "REFUSED: not a card you paid with"
        with self.lock:
            self.seq += 1
            no_order = f"DSPO{int(time.time())}{self.seq:04d}"
        with self.books() as conn:
            balance = (conn.execute("SELECT cents FROM balances WHERE user_id=?", (user,)).fetchone() or (0,))[0]
            if cents <= 0 or cents > balance:
                return "REFUSED: over the balance"
            conn.execute("UPDATE balances SET cents = cents - ? WHERE user_id=?", (cents, user))
            conn.execute("INSERT INTO payouts VALUES (?,?,?,'PROCESSING')", (no_order, user, cents))
        inner = sign_params({"oid_partner": OID, "api_version": "1.0", "no_order": no_order, "dt_order": now14(),
                             "money_order": amount, "card_no": card_no, "acct_name": ACCT_NAME, "info_order": "提现",
                             "flag_card": "0", "notify_url": f"{self.base_url}/receivePayoutNotify"},
                            "RSA", private_key=self.partner.private_key)
        answer = _post(self.urls.payment_url, {"oid_partner": OID, "pay_load": encrypt_pay_load(
            json.dumps(inner, separators=(",", ":"), ensure_ascii=False), self.partner.yt_pub_key)})
        if not verify_message(answer, public_key=self.partner.yt_pub_key).ok:
            return "UNVERIFIED"
        return "ACCEPTED" if answer.get("ret_code") == "0000" else f"LIANLIAN {answer.get('ret_code')}"

    def receive_payout_notify(self, body: bytes) -> str:
        params = json.loads(body.decode("utf-8"))
        if not verify_message(params, public_key=self.partner.yt_pub_key).ok:
            return NACK
        with self.books() as conn:
            conn.execute("UPDATE payouts SET status=? WHERE no_order=?", (params.get("result_pay"), params.get("no_order")))
        return ACK


def _cents(amount: str) -> int:
    return int(round(float(amount) * 100))


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, method="POST", data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json;charset=utf-8"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback sandbox
        return json.loads(response.read())  # type: ignore[no-any-return]


def serve(merchant: DemoStyleMerchant) -> ThreadingHTTPServer:
    """The merchant's staging server on a free loopback port (sets ``merchant.base_url``)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _respond(self, text: str, ctype: str = "application/json") -> None:
            data = text.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", f"{ctype};charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/gotoPrepositPay.jsp":
                self.send_error(404)
                return
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            self._respond(merchant.pay_page(query["user"], query["amount"]), "text/html")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            if path == "/receiveNotify":
                self._respond(merchant.receive_notify(body))
            elif path == "/receivePayoutNotify":
                self._respond(merchant.receive_payout_notify(body))
            elif path == "/urlReturn.jsp":
                self._respond(merchant.url_return(body), "text/html")
            elif path == "/withdraw":
                fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                self._respond(merchant.withdraw(fields["user"], fields["card_no"], fields["amount"]), "text/plain")
            else:
                self.send_error(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    merchant.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server
