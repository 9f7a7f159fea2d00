"""Helpers for the same-card tests (LL-CRD-001/002): live recipes for a loopback merchant, and a
small scripted merchant for behaviours the demo merchant does not have (refuses everything,
forgets what was already withdrawn, answers "refused" but pays out, answers garbage).

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl

from probe_support import probe_config, run_probed, serving

CRD_IDS = ("LL-CRD-001", "LL-CRD-002")


def same_card_live(base_url: str, *, card: str = "{no_agree}", payouts: bool = True, earn: bool = False,
                   **withdraw_extra: Any) -> dict[str, Any]:
    """live: recipes for the demo merchant's (and the scripted merchant's) test endpoints."""
    live: dict[str, Any] = {
        "withdraw": {"http": {"method": "POST", "url": f"{base_url}/test/withdrawals",
                              "json": {"user": "{user_id}", "card": card, "amount": "{amount}"}},
                     "pointer": "/result", "accepted": "ACCEPTED", **withdraw_extra},
    }
    if payouts:
        live["payouts"] = {"http": {"method": "GET", "url": f"{base_url}/test/payouts/{{user_id}}"}, "pointer": "/count"}
    if earn:
        live["earn"] = {"http": {"method": "POST", "url": f"{base_url}/test/earnings",
                                 "form": {"user": "{user_id}", "amount": "{amount}"}}}
    return live


def run_same_card(tmp: Path, base_url: str, **live_options: Any) -> dict[str, Any]:
    """LL-CRD-001/002 through the real engine with --probe against `base_url`."""
    return run_probed(probe_config(tmp, base_url, same_card_live(base_url, **live_options)), *CRD_IDS)


def attempts(result: dict[str, Any], check_id: str) -> dict[str, dict[str, Any]]:
    """The probe summaries in a check's evidence, by attempt name."""
    found = next(c for c in result["checks"] if c["id"] == check_id)
    return {e["scenario"]: e for e in found["evidence"] if e.get("kind") == "probe"}


# -- a scripted merchant ----------------------------------------------------------------------------

@dataclass
class Books:
    """What the scripted merchant knows about one user."""

    cards: set[str] = field(default_factory=set)
    paid: Decimal = Decimal(0)
    earned: Decimal = Decimal(0)
    withdrawn: Decimal = Decimal(0)
    payouts: int = 0


# policy(books, card, amount) -> (HTTP status, JSON answer, record a payout?)
Policy = Callable[[Books, str, Decimal], tuple[int, Any, bool]]


def correct(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    if card in books.cards and books.withdrawn + amount <= books.paid + books.earned:
        return 200, {"result": "ACCEPTED"}, True
    return 200, {"result": "REFUSED"}, False


def refuse_all(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    return 200, {"result": "REFUSED", "reason": "withdrawals are closed"}, False


def forgets_withdrawn(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    """Checks the card and amount <= paid + earned, but not what was already withdrawn."""
    if card in books.cards and amount <= books.paid + books.earned:
        return 200, {"result": "ACCEPTED"}, True
    return 200, {"result": "REFUSED"}, False


def says_refused_but_pays_other_cards(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    """Answers REFUSED for another card, but queues the payout anyway."""
    if card not in books.cards:
        return 200, {"result": "REFUSED"}, True
    return correct(books, card, amount)


def forbids_with_403(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    status, answer, paid = correct(books, card, amount)
    return (403, {"error": "forbidden"}, False) if answer["result"] == "REFUSED" else (status, answer, paid)


def html_for_other_cards(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    if card not in books.cards:
        return 200, "<html>oops</html>", False
    return correct(books, card, amount)


def under_review(books: Books, card: str, amount: Decimal) -> tuple[int, Any, bool]:
    """Answers a third value for suspicious requests (with `refused` configured: inconclusive)."""
    status, answer, paid = correct(books, card, amount)
    return (200, {"result": "REVIEW"}, False) if answer["result"] == "REFUSED" else (status, answer, paid)


class ScriptedMerchant:
    """Orders, notifications (credited without checking signatures: the tests here are about
    withdrawals), credits, earnings, payouts and withdrawals decided by `policy`."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.lock = threading.Lock()
        self.orders: dict[str, dict[str, Any]] = {}
        self.books: dict[str, Books] = {}
        self.requests: list[dict[str, Any]] = []

    def _books(self, user: str) -> Books:
        return self.books.setdefault(user, Books())

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        fields: dict[str, str] = {}
        if body:
            text = body.decode("utf-8")
            fields = json.loads(text) if text.lstrip().startswith("{") else dict(parse_qsl(text))
        with self.lock:
            if method == "POST" and path == "/test/orders":
                no = f"S{len(self.orders) + 1:06d}"
                self.orders[no] = {"user": fields["user"], "amount": fields["amount"], "credits": 0}
                return 200, {"data": {"no": no, "amount": fields["amount"], "created": "20261125100000",
                                      "user": fields["user"]}}
            if method == "POST" and path == "/llpay/notify":
                order = self.orders.get(str(fields.get("no_order")))
                if order is None:
                    return 200, {"ret_code": "9999", "ret_msg": "交易失败"}
                if order["credits"] == 0:
                    order["credits"] = 1
                    books = self._books(order["user"])
                    books.paid += Decimal(order["amount"])
                    books.cards.add(str(fields.get("no_agree")))
                    if fields.get("card_no"):
                        books.cards.add(str(fields["card_no"])[-4:])
                return 200, {"ret_code": "0000", "ret_msg": "交易成功"}
            if method == "GET" and path.startswith("/test/orders/"):
                order = self.orders.get(path.rsplit("/", 1)[-1])
                return (404, {"error": "no such order"}) if order is None else (200, {"credits": order["credits"]})
            if method == "POST" and path == "/test/earnings":
                self._books(fields["user"]).earned += Decimal(fields["amount"])
                return 200, {"ok": True}
            if method == "GET" and path.startswith("/test/payouts/"):
                return 200, {"count": self._books(path.rsplit("/", 1)[-1]).payouts}
            if method == "POST" and path == "/test/withdrawals":
                books = self._books(fields["user"])
                amount = Decimal(fields["amount"])
                status, answer, payout = self.policy(books, str(fields["card"]), amount)
                self.requests.append({"card": fields["card"], "amount": fields["amount"], "answer": answer})
                if payout:
                    books.payouts += 1
                    books.withdrawn += amount
                return status, answer
        return 404, {"error": "no such endpoint"}


@contextmanager
def scripted_merchant(policy: Policy) -> Iterator[tuple[str, ScriptedMerchant]]:
    merchant = ScriptedMerchant(policy)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = merchant.handle(self.command, self.path, body)
            is_text = isinstance(answer, str)
            data = (answer if is_text else json.dumps(answer, ensure_ascii=False)).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if is_text else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield url, merchant
