"""A second merchant for the sandbox tests, deliberately unlike the demo merchant: a JSON order API with
camelCase fields and amounts in cents, in-memory books, WAP (H5) payments, MD5-signed requests and
RSA-signed callbacks (its 商户站 is set to RSA), a games profile, its own merchant number -- and its
own ideas about when to ask LianLian (it reconciles a pending order with orderquery when the order
is read). It knows nothing of golive except LianLian's protocol: the signing and pay_load helpers.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from golive.lianlian.payload import encrypt_pay_load
from golive.lianlian.sign import sign_params, verify_message

SHOP_OID = "201901010000000042"
ACK = {"ret_code": "0000", "ret_msg": "交易成功"}
NACK = {"ret_code": "9999", "ret_msg": "交易失败"}


@dataclass
class ShopConfig:
    md5_key: str
    private_key: Any  # the shop's RSA key (payouts are RSA only)
    lianlian_public_key: Any  # what staging trusts: the sandbox's key
    lianlian_base: str


@dataclass
class Order:
    order_id: str
    customer_id: str
    cents: int
    created: str
    state: str = "CREATED"
    agreement: str | None = None


@dataclass
class Shop:
    config: ShopConfig
    base_url: str = ""
    orders: dict[str, Order] = field(default_factory=dict)
    credits: list[tuple[str, int]] = field(default_factory=list)  # (customer, cents)
    payouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seq: int = 0

    # -- talking to LianLian --------------------------------------------------------------------

    def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(self.config.lianlian_base + path, method="POST",
                                         data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                         headers={"Content-Type": "application/json;charset=utf-8"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback sandbox
            answer = json.loads(response.read())
        unsigned = {k: v for k, v in answer.items() if k != "agreement_list"}
        if not verify_message(unsigned, md5_key=self.config.md5_key, public_key=self.config.lianlian_public_key).ok:
            raise RuntimeError("LianLian's answer does not verify")
        return answer  # type: ignore[no-any-return]

    def _md5(self, params: dict[str, str]) -> dict[str, str]:
        return sign_params(params, "MD5", md5_key=self.config.md5_key)

    # -- orders ---------------------------------------------------------------------------------

    def create_order(self, customer_id: str, cents: int, title: str) -> dict[str, Any]:
        from sandbox_support import now14

        with self.lock:
            self.seq += 1
            order = Order(f"SHOP{self.seq:08d}", customer_id, cents, now14())
            self.orders[order.order_id] = order
        risk = json.dumps({"frms_ware_category": "1003", "user_info_mercht_userno": customer_id,
                           "user_info_dt_register": "20230506070809", "goods_name": title, "game_id_belongs": "1",
                           "user_info_bind_phone": "13900001111"}, ensure_ascii=False, separators=(",", ":"))
        params = {"version": "1.1", "oid_partner": SHOP_OID, "user_id": customer_id, "app_request": "3",
                  "busi_partner": "101001", "no_order": order.order_id, "dt_order": order.created,
                  "name_goods": title, "money_order": f"{cents / 100:.2f}", "risk_item": risk,
                  "notify_url": f"{self.base_url}/callbacks/lianlian", "url_return": f"{self.base_url}/h5/return",
                  "id_type": "0", "id_no": "110101199003070011", "acct_name": "王五", "flag_modify": "1"}
        req_data = json.dumps(self._md5(params), ensure_ascii=False, separators=(",", ":"))
        return {"orderId": order.order_id, "payment": {"method": "POST", "url": f"{self.config.lianlian_base}/authpay.htm",
                                                       "fields": {"req_data": req_data}}}

    def read_order(self, order_id: str) -> dict[str, Any] | None:
        order = self.orders.get(order_id)
        if order is None:
            return None
        if order.state == "CREATED":  # reconcile on read: LianLian's signed query is authoritative
            answer = self._call("/orderquery.htm", self._md5({"oid_partner": SHOP_OID, "no_order": order_id,
                                                              "dt_order": order.created}))
            if answer.get("ret_code") == "0000" and answer.get("result_pay") == "SUCCESS":
                self._mark_paid(order_id, round(float(answer["money_order"]) * 100), None)
        return {"orderId": order.order_id, "state": order.state, "paidCents": order.cents}

    def _mark_paid(self, order_id: str, cents: int, agreement: str | None) -> bool:
        with self.lock:
            order = self.orders.get(order_id)
            if order is None or cents != order.cents:
                return False
            if agreement:
                order.agreement = agreement
            if order.state == "PAID":
                return True
            order.state = "PAID"
            self.credits.append((order.customer_id, cents))
            return True

    def notification(self, body: bytes) -> dict[str, str]:
        try:
            params = json.loads(body)
        except ValueError:
            return NACK
        if not verify_message(params, public_key=self.config.lianlian_public_key, allowed_sign_types=["RSA"]).ok:
            return NACK
        if params.get("oid_partner") != SHOP_OID:
            return NACK
        if params.get("result_pay") != "SUCCESS":
            return ACK
        cents = round(float(params["money_order"]) * 100)
        return ACK if self._mark_paid(params["no_order"], cents, params.get("no_agree")) else NACK

    # -- payouts --------------------------------------------------------------------------------

    def balance(self, customer_id: str) -> int:
        with self.lock:
            paid = sum(c for who, c in self.credits if who == customer_id)
            out = sum(p["cents"] for p in self.payouts.values() if p["customerId"] == customer_id
                      and p["status"] not in ("FAILED", "REFUSED"))
        return paid - out

    def payout(self, customer_id: str, cents: int, card_number: str) -> dict[str, Any]:
        from sandbox_support import now14

        agreements = {o.agreement for o in self.orders.values() if o.customer_id == customer_id and o.agreement}
        binds = self._call("/bankcardbindlist.htm", self._md5({"oid_partner": SHOP_OID, "user_id": customer_id,
                                                               "pay_type": "D", "offset": "0"}))
        last4s = {a["card_no"][-4:] for a in binds.get("agreement_list", []) if a["no_agree"] in agreements}
        if card_number[-4:] not in last4s:
            return {"status": "REFUSED", "reason": "not a card you paid with"}
        if cents > self.balance(customer_id):
            return {"status": "REFUSED", "reason": "over your balance"}
        with self.lock:
            self.seq += 1
            payout_id = f"SHOPPO{self.seq:08d}"
            self.payouts[payout_id] = {"customerId": customer_id, "cents": cents, "status": "SENT"}
        inner = sign_params({"oid_partner": SHOP_OID, "api_version": "1.0", "no_order": payout_id, "dt_order": now14(),
                             "money_order": f"{cents / 100:.2f}", "card_no": card_number, "acct_name": "王五",
                             "info_order": "游戏币提现", "flag_card": "0",
                             "notify_url": f"{self.base_url}/callbacks/lianlian/payout"},
                            "RSA", private_key=self.config.private_key)
        envelope = {"oid_partner": SHOP_OID, "pay_load": encrypt_pay_load(
            json.dumps(inner, ensure_ascii=False, separators=(",", ":")), self.config.lianlian_public_key)}
        answer = self._call("/paymentapi/payment.htm", envelope)
        with self.lock:
            self.payouts[payout_id]["status"] = "PROCESSING" if answer["ret_code"] == "0000" else "REFUSED"
        return {"payoutId": payout_id, "status": self.payouts[payout_id]["status"], "lianlian": answer["ret_code"]}

    def payout_notification(self, body: bytes) -> dict[str, str]:
        params = json.loads(body)
        if not verify_message(params, public_key=self.config.lianlian_public_key, allowed_sign_types=["RSA"]).ok:
            return NACK
        with self.lock:
            payout = self.payouts.get(params.get("no_order", ""))
            if payout is None:
                return NACK
            payout["status"] = {"SUCCESS": "DONE", "FAILURE": "FAILED", "CANCEL": "FAILED"}.get(
                params.get("result_pay", ""), payout["status"])
        return ACK


def serve(shop: Shop) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Any, ctype: str = "application/json") -> None:
            data = (payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype + "; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            if parts[:3] == ["api", "v1", "orders"] and len(parts) == 4:
                found = shop.read_order(parts[3])
                self._send(200 if found else 404, found or {"error": "no such order"})
            elif parts[:3] == ["api", "v1", "customers"] and parts[-1] == "balance":
                self._send(200, {"cents": shop.balance(parts[3])})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/api/v1/orders":
                data = json.loads(body)
                self._send(201, shop.create_order(data["customerId"], int(data["totalCents"]), data["title"]))
            elif self.path == "/api/v1/payouts":
                data = json.loads(body)
                self._send(200, shop.payout(data["customerId"], int(data["cents"]), data["cardNumber"]))
            elif self.path == "/callbacks/lianlian":
                self._send(200, shop.notification(body))
            elif self.path == "/callbacks/lianlian/payout":
                self._send(200, shop.payout_notification(body))
            elif self.path == "/h5/return":
                res = json.loads(parse_qs(body.decode())["res_data"][0])
                ok = verify_message(res, public_key=shop.config.lianlian_public_key, allowed_sign_types=["RSA"]).ok
                self._send(200, f"<p>{'支付成功' if ok else '无法确认'}</p>", "text/html")
            else:
                self._send(404, {"error": "not found"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    shop.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, shop.base_url
