"""Query APIs: order query, bind-card list, card BIN (protocol.md §7), judged and answered as LianLian.

Server-to-server APIs take a signed JSON object (§1) and are checked against the merchant's
registered server IPs (1008 otherwise, guide §六). Answers are signed as LianLian signs them: with
the request's method -- MD5 with the merchant's key, RSA with the sandbox's LianLian key -- and
``agreement_list`` of the bind-list answer is left out of the signature, as LianLian documents
(§2.1; a verifier that includes every field fails on it, which is worth finding in staging).

* Order query: ``result_pay`` is the final word for fulfilment (§7.1): ``WAITING`` before payment,
  ``PROCESSING`` (the processing scenario), ``SUCCESS``, ``FAILURE``; 8901 for an unknown order.
* Bind list: ``pay_type`` must be ``D`` for 认证支付 bindings (guide §四: 认证支付的绑卡记录查询
  pay_type 要传 D); any other value finds nothing (8901), like LianLian's default quick-pay list.
* Card BIN: the sandbox's test BINs (`cards.py`); 5001 for anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from golive.sandbox.cards import lookup_bin
from golive.sandbox.exchange import Answer, ParseError, Request, parse_json_object
from golive.sandbox.journal import EventKind
from golive.sandbox.judge import Judgement, judge_merchant, judge_signature, judge_source

if TYPE_CHECKING:  # pragma: no cover
    from golive.sandbox.app import Sandbox


def api_judgement(sandbox: Sandbox, request: Request, *, rsa_only: bool = False) -> tuple[Judgement, dict[str, Any]]:
    """Parse a server-API body and judge merchant, source IP and signature."""
    judgement = Judgement()
    try:
        params = parse_json_object(request.body)
    except ParseError as exc:
        judgement.add("1012", None, str(exc))
        return judgement, {}
    judge_merchant(judgement, params, sandbox.settings)
    judge_source(judgement, sandbox.settings, server_api=True, host=request.client_ip, via="client IP")
    judge_signature(judgement, params, sandbox.settings, rsa_only=rsa_only)
    return judgement, params


def answer_api(sandbox: Sandbox, request: Request, kind: EventKind, api: str, judgement: Judgement,
               params: dict[str, Any], payload: dict[str, Any] | None = None, *,
               unsigned: frozenset[str] = frozenset(), **columns: Any) -> Answer:
    """Journal the exchange and answer: the payload (0000) or LianLian's error code, signed."""
    body: dict[str, Any] = {"ret_code": judgement.code, "ret_msg": judgement.ret_msg}
    if params.get("oid_partner") == sandbox.settings.oid_partner:
        body["oid_partner"] = sandbox.settings.oid_partner
    if judgement.ok and payload:
        body.update({k: v for k, v in payload.items() if v not in (None, "")})
    signed = sandbox.sign_answer(body, params.get("sign_type"), unsigned)
    answer = Answer.json(signed)
    with sandbox.db.tx() as conn:
        sandbox.record_request(conn, kind, request, judgement, api=api, channel="api", params=params,
                               status=answer.status, response_headers=[("Content-Type", answer.content_type)],
                               response_body=answer.body, elapsed_ms=request.elapsed_ms(), **columns)
    return answer


def order_query(sandbox: Sandbox, request: Request) -> Answer:
    judgement, params = api_judgement(sandbox, request)
    no_order, oid_paybill = params.get("no_order"), params.get("oid_paybill")
    payload: dict[str, Any] | None = None
    if params and not no_order and not oid_paybill:
        judgement.add("1004", "no_order", "give no_order (with dt_order) or oid_paybill")
    if judgement.ok:
        from golive.sandbox.app import Order

        if no_order:
            row = sandbox.db.one("SELECT * FROM orders WHERE no_order=?", (str(no_order),))
        else:
            row = sandbox.db.one("SELECT * FROM orders WHERE oid_paybill=?", (str(oid_paybill),))
        if row is not None and params.get("dt_order") and params.get("dt_order") != row["dt_order"]:
            row = None
        if row is None:
            judgement.add("8901", "no_order", "no such order")
        else:
            order = Order.from_row(row)
            payload = {"no_order": order.no_order, "dt_order": order.dt_order, "oid_paybill": order.oid_paybill,
                       "money_order": order.money_order, "result_pay": order.result_pay(),
                       "settle_date": order.settle_date if order.result_pay() == "SUCCESS" else None,
                       "info_order": order.info_order, "pay_type": "D", "bank_code": order.bank_code}
    return answer_api(sandbox, request, EventKind.QUERY, "orderquery", judgement, params, payload,
                      no_order=str(no_order) if no_order else None, topic="payment")


def bind_list(sandbox: Sandbox, request: Request) -> Answer:
    judgement, params = api_judgement(sandbox, request)
    for name in ("user_id", "offset"):
        if params and not params.get(name):
            judgement.add("1004", name, f"{name} is required")
    payload: dict[str, Any] | None = None
    if judgement.ok:
        user_id = str(params["user_id"])
        if params.get("pay_type") not in ("D", "P"):
            judgement.add("8901", "pay_type", "no bindings for this pay_type: 认证支付 bindings are listed with "
                                              "pay_type D (the default is quick-pay debit, 2)")
        else:
            sql = "SELECT * FROM cards WHERE user_id=?"
            args: list[Any] = [user_id]
            if params.get("no_agree"):
                sql += " AND no_agree=?"
                args.append(params["no_agree"])
            rows = sandbox.db.all(sql + " ORDER BY created_at DESC", tuple(args))
            if params.get("card_no"):
                rows = [r for r in rows if r["card_no"].endswith(str(params["card_no"])[-4:])]
            if not rows:
                known = sandbox.db.one("SELECT 1 FROM orders WHERE user_id=?", (user_id,))
                judgement.add("8901" if known else "3007", "user_id", "no bound card for this user_id")
            else:
                info = {r["no_agree"]: lookup_bin(r["card_no"]) for r in rows}
                payload = {"user_id": user_id, "count": str(len(rows)), "agreement_list": [
                    {"no_agree": r["no_agree"], "card_no": r["card_no"][-4:], "bank_code": r["bank_code"],
                     "bank_name": getattr(info[r["no_agree"]], "bank_name", ""),
                     "card_type": r["card_type"],
                     "bind_mobile": (r["bind_mobile"][:3] + "****" + r["bind_mobile"][-4:]) if r["bind_mobile"] else ""}
                    for r in rows]}
    return answer_api(sandbox, request, EventKind.QUERY, "bankcardbindlist", judgement, params, payload,
                      unsigned=frozenset({"agreement_list"}),
                      user_id=str(params.get("user_id")) if params.get("user_id") else None)


def card_bin(sandbox: Sandbox, request: Request) -> Answer:
    judgement, params = api_judgement(sandbox, request)
    if params and not params.get("card_no"):
        judgement.add("1004", "card_no", "card_no is required")
    payload: dict[str, Any] | None = None
    if judgement.ok:
        info = lookup_bin(str(params["card_no"]))
        if info is None:
            judgement.add("5001", "card_no", "not a card of a sandbox test BIN (or its Luhn check fails)")
        else:
            payload = {"bank_code": info.bank_code, "bank_name": info.bank_name, "card_type": info.card_type}
    return answer_api(sandbox, request, EventKind.QUERY, "bankcardbin", judgement, params, payload)


ROUTES: dict[str, Callable[[Sandbox, Request], Answer]] = {
    "/orderquery.htm": order_query,
    "/traderapi/orderquery.htm": order_query,
    "/bankcardbindlist.htm": bind_list,
    "/traderapi/userbankcard.htm": bind_list,
    "/bankcardbin.htm": card_bin,
    "/traderapi/bankcardquery.htm": card_bin,
}
