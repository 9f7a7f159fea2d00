"""A merchant shaped like LianLian's public 认证支付 demo (LLP-AuthPay-Java, protocol.md §0 S1): a page
with the signed pay form (gotoPrepositPay.jsp), a notify servlet (ReceiveNotifyServlet: read the body,
checkSign, update the order, answer {"ret_code":"0000","ret_msg":"交易成功"}), a sync return page
(urlReturn.jsp) and a payout call (LLP-InstantPay PaymentApiTest) behind a withdrawal form. It has
no test endpoints at all: everything golive learns about it comes from the sandbox's journal.

`DEFECTS` plants one classic mistake at a time, each with its own symptom in the journal:
* ``no_signature_check`` -- the TODO in the demo's servlet left as is: forged copies are answered 0000
  (and the tampered amount is booked);
* ``ack_before_update`` -- the servlet answers 0000, then reads and updates the order without a guard:
  concurrent duplicate deliveries all book it, so the user can withdraw more than was paid;
* ``double_credit`` -- every verified notification is booked (no idempotency): the same overdraw;
* ``payout_other_card`` -- the withdrawal pays out to whatever card the user types.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from golive.lianlian.payload import encrypt_pay_load
from golive.lianlian.sign import md5_verify, sign_params, verify_message

LLDEMO_OID = "201811230001000003"
DEFECTS = ("no_signature_check", "ack_before_update", "double_credit", "payout_other_card")
ACK = '{"ret_code":"0000","ret_msg":"交易成功"}'
NACK = '{"ret_code":"9999","ret_msg":"交易失败"}'


@dataclass
class LLDemo:
    md5_key: str
    private_key: Any
    lianlian_public_key: Any
    cashier: str  # PartnerConfig / ServerURLConfig: the only URLs a merchant changes for the sandbox
    payout_url: str
    defect: str | None = None
    base_url: str = ""
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    balances: dict[str, float] = field(default_factory=dict)
    paying_cards: dict[str, set[str]] = field(default_factory=dict)  # user -> no_agree (from notifications)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seq: int = 0

    # gotoPrepositPay.jsp: the order form, posted by the user's browser to LianLian's cashier
    def pay_page(self, user: str, amount: str) -> str:
        from sandbox_support import now14

        with self.lock:
            self.seq += 1
            no_order = f"LL{self.seq:010d}"
            self.orders[no_order] = {"user": user, "amount": amount, "status": "WAIT"}
        risk = json.dumps({"frms_ware_category": "1002", "user_info_mercht_userno": user,
                           "user_info_dt_register": "20220202020202", "goods_name": "话费充值",
                           "user_info_bind_phone": "13700007777"}, separators=(",", ":"), ensure_ascii=False)
        params = sign_params({
            "version": "1.0", "oid_partner": LLDEMO_OID, "user_id": user, "timestamp": now14(), "busi_partner": "101001",
            "no_order": no_order, "dt_order": now14(), "name_goods": "话费充值", "info_order": "充值", "money_order": amount,
            "notify_url": f"{self.base_url}/receiveNotify", "url_return": f"{self.base_url}/urlReturn.jsp",
            "userreq_ip": "203_0_113_9", "valid_order": "10080", "risk_item": risk, "id_type": "0",
            "id_no": "110101199003070011", "acct_name": "赵六", "flag_modify": "1"}, "MD5", md5_key=self.md5_key)
        inputs = "".join(f"<input type='hidden' name='{k}' value='{html.escape(v, quote=True)}'>" for k, v in params.items())
        return f"<html><body><form action='{self.cashier}' method='post'>{inputs}<input type='submit' value='确认'></form></body></html>"

    # ReceiveNotifyServlet
    def notify(self, body: bytes, respond: Any) -> None:
        params = json.loads(body.decode("utf-8"))
        if self.defect != "no_signature_check" and not md5_verify(params, self.md5_key):
            respond(NACK)
            return
        if self.defect == "ack_before_update":
            respond(ACK)  # answered first ...
            self._update(params, guarded=False)  # ... then the order, check-then-act
            return
        ok = self._update(params, guarded=self.defect != "double_credit")
        respond(ACK if ok else NACK)

    def _update(self, params: dict[str, str], guarded: bool) -> bool:
        order = self.orders.get(params.get("no_order", ""))
        if order is None or params.get("result_pay") != "SUCCESS":
            return order is not None
        if guarded:
            with self.lock:
                if order["status"] == "SUCCESS":
                    return True
                order["status"] = "SUCCESS"
                self._credit(order["user"], float(params["money_order"]), params.get("no_agree"))
            return True
        if order["status"] == "SUCCESS" and self.defect != "double_credit":
            return True
        time.sleep(0.05)  # "update the order": a remote call between the check and the write
        with self.lock:
            order["status"] = "SUCCESS"
            self._credit(order["user"], float(params["money_order"]), params.get("no_agree"))
        return True

    def _credit(self, user: str, amount: float, no_agree: str | None) -> None:
        self.balances[user] = round(self.balances.get(user, 0.0) + amount, 2)
        if no_agree:
            self.paying_cards.setdefault(user, set()).add(no_agree)

    # PaymentApiTest, behind a withdrawal form: everything the user has, to the card the user gives
    def withdraw(self, user: str, card_no: str) -> str:
        from sandbox_support import now14

        if self.defect != "payout_other_card":
            # 同卡进出: the card must be one the user paid with (its last four from the bind list)
            binds = _post(self.cashier.rsplit("/payment/", 1)[0] + "/bankcardbindlist.htm", sign_params(
                {"oid_partner": LLDEMO_OID, "user_id": user, "pay_type": "D", "offset": "0"}, "MD5", md5_key=self.md5_key))
            mine = {a["card_no"][-4:] for a in binds.get("agreement_list", []) if a["no_agree"] in self.paying_cards.get(user, ())}
            if card_no[-4:] not in mine:
                return "REFUSED"
        with self.lock:
            amount = self.balances.get(user, 0.0)
            if amount <= 0:
                return "REFUSED"
            self.balances[user] = 0.0
            self.seq += 1
            no_order = f"LLPO{self.seq:08d}"
        inner = sign_params({"oid_partner": LLDEMO_OID, "api_version": "1.0", "no_order": no_order, "dt_order": now14(),
                             "money_order": f"{amount:.2f}", "card_no": card_no, "acct_name": "赵六", "info_order": "提现",
                             "flag_card": "0", "notify_url": f"{self.base_url}/receivePayoutNotify"},
                            "RSA", private_key=self.private_key)
        answer = _post(self.payout_url, {"oid_partner": LLDEMO_OID, "pay_load": encrypt_pay_load(
            json.dumps(inner, separators=(",", ":"), ensure_ascii=False), self.lianlian_public_key)})
        if not verify_message(answer, public_key=self.lianlian_public_key).ok:
            return "UNVERIFIED"
        return "ACCEPTED" if answer["ret_code"] == "0000" else f"LIANLIAN {answer['ret_code']}"


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, method="POST", data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json;charset=utf-8"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback sandbox
        return json.loads(response.read())  # type: ignore[no-any-return]


def serve(demo: LLDemo) -> ThreadingHTTPServer:
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
            self.wfile.flush()

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            self._respond(demo.pay_page(query["user"], query["amount"]), "text/html")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            if path == "/receiveNotify":
                demo.notify(body, self._respond)
            elif path == "/receivePayoutNotify":
                ok = verify_message(json.loads(body), public_key=demo.lianlian_public_key).ok
                self._respond(ACK if ok else NACK)
            elif path == "/urlReturn.jsp":
                fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                self._respond(f"<p>{'支付成功' if md5_verify(fields, demo.md5_key) else '验签失败'}</p>", "text/html")
            elif path == "/withdraw":
                fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                self._respond(demo.withdraw(fields["user"], fields["card_no"]), "text/plain")
            else:
                self.send_error(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    demo.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server
