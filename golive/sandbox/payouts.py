"""Payout API (实时付款 / 代付): apply, confirm, query -- protocol.md §8, go-live guide §十.

What LianLian does, and so the sandbox:
* apply (``/paymentapi/payment.htm``) and confirm take ``{"oid_partner", "pay_load"}``: the signed
  request encrypted for LianLian's key (`golive.lianlian.payload`; the sandbox opens it with its own
  LianLian private key). A pay_load that does not open is 4007 (usually: encrypted with another
  key -- staging must use the sandbox's public key). Payouts are RSA-signed only (guide §十).
* Required: no_order, dt_order, money_order, card_no, acct_name, info_order (purpose), flag_card
  (0 personal, 1 corporate), notify_url, api_version. Branch information (``prcptcd``, or
  ``city_code`` + ``brabank_name``) is needed except for personal payouts to 工、农、中、招、光大、浦发
  and corporate payouts to 建行 (guide §十; `codes.branch_info_exempt`).
* Confirmation (§8): 4002 when the same card and amount were paid out today (suspected
  duplicate), 4003 when the card belongs to another name (the sandbox knows the names its payers
  paid with), 4004 for both; the answer carries ``confirm_code``. confirmPayment with the right
  code within 24 h (scaled) proceeds; a wrong code is 4011, the sixth wrong one 4008, a late one
  4010 (closed), an order not awaiting confirmation 4001.
* The result comes by notification (RSA-signed; FAILURE carries the reason in info_order, guide
  §十) and by query (``/paymentapi/queryPayment.htm``, plain signed JSON; the reason in memo).
  The payout scenarios (`scenarios.PAYOUT_SCENARIOS`, tag ``golive:NAME`` in info_order) choose
  SUCCESS, FAILURE, or SUCCESS then CANCEL, or force a confirmation.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from golive.lianlian.codes import branch_info_exempt
from golive.sandbox.cards import lookup_bin, luhn_ok
from golive.sandbox.exchange import Answer, ParseError, Request, parse_json_object
from golive.sandbox.journal import EventKind
from golive.sandbox.judge import (CST, Judgement, amount_problem, datetime14_problem, url_problem, judge_merchant,
                                  judge_signature, judge_source)
from golive.sandbox.queries import answer_api, api_judgement
from golive.sandbox.scenarios import payout_scenario

if TYPE_CHECKING:  # pragma: no cover
    from golive.sandbox.app import Sandbox

SETTLE_AFTER_S = 120.0         # LianLian seconds from acceptance to the bank's result
CANCEL_AFTER_S = 120.0         # payout_cancel: CANCEL this long after SUCCESS
CONFIRM_WINDOW_S = 24 * 3600.0  # §8: confirm within 24 h
MAX_CONFIRM_TRIES = 6
FAILURE_REASON = "收款账户状态异常，付款失败 / the payee account was refused by the bank"
PAYOUT_REQUIRED = ("no_order", "dt_order", "money_order", "card_no", "acct_name", "info_order", "flag_card",
                   "notify_url", "api_version")
_CONFIRM_FORCED = {"payout_confirm_duplicate": "4002", "payout_confirm_name": "4003", "payout_confirm_both": "4004"}


def payout_state(sandbox: Sandbox, row: Any, now: float | None = None) -> str:
    """The payout's ``result_pay`` now (PROCESSING until the bank's result is due)."""
    now = now or time.time()
    status = row["status"]
    if status == "CHECK":
        return "CLOSED" if row["confirm_deadline"] and now > row["confirm_deadline"] else "CHECK"
    if row["result_at"] is None or status == "CLOSED":
        return str(status)
    if now < row["result_at"]:
        return "PROCESSING"
    if status == "CANCEL" and now < row["result_at"] + sandbox.settings.scaled(CANCEL_AFTER_S):
        return "SUCCESS"
    return str(status)


def _open_pay_load(sandbox: Sandbox, request: Request) -> tuple[Judgement, dict[str, Any], dict[str, Any]]:
    """Judge the envelope, open pay_load, judge the signed request inside (RSA only)."""
    from golive.lianlian.payload import PayLoadError, decrypt_pay_load

    judgement = Judgement()
    try:
        outer = parse_json_object(request.body)
    except ParseError as exc:
        judgement.add("1012", None, str(exc))
        return judgement, {}, {}
    judge_merchant(judgement, outer, sandbox.settings)
    judge_source(judgement, sandbox.settings, server_api=True, host=request.client_ip, via="client IP")
    pay_load = outer.get("pay_load")
    if not pay_load:
        judgement.add("1004", "pay_load", "pay_load is missing: payout requests are signed, then encrypted "
                                          "into pay_load (protocol.md §8)")
        return judgement, outer, {}
    try:
        text = decrypt_pay_load(str(pay_load), sandbox.key.private_key)
    except PayLoadError as exc:
        judgement.detail["pay_load"] = {"ok": False, "reason": str(exc)}
        judgement.add("4007", "pay_load", f"{exc}; encrypt with the sandbox's LianLian public key "
                                          f"(SHA-256 {sandbox.key.fingerprint_sha256[:16]}...)")
        return judgement, outer, {}
    judgement.detail["pay_load"] = {"ok": True}
    try:
        inner = parse_json_object(text, "the decrypted pay_load")
    except ParseError as exc:
        judgement.add("1012", "pay_load", str(exc))
        return judgement, outer, {}
    if inner.get("oid_partner") != outer.get("oid_partner"):
        judgement.add("1004", "oid_partner", "oid_partner inside pay_load differs from the envelope's")
    judge_signature(judgement, inner, sandbox.settings, rsa_only=True)
    return judgement, outer, inner


def judge_payout_params(judgement: Judgement, params: dict[str, Any]) -> None:
    """1004 (or 1100 for an invalid card number) per protocol.md §8 and guide §十."""
    for name in PAYOUT_REQUIRED:
        if not params.get(name):
            judgement.add("1004", name, f"{name} is required")
    text = {k: str(v) for k, v in params.items() if isinstance(v, str) and v}
    if "no_order" in text and len(text["no_order"]) > 32:
        judgement.add("1004", "no_order", "no_order is at most 32 characters")
    if "dt_order" in text and (problem := datetime14_problem(text["dt_order"])):
        judgement.add("1004", "dt_order", f"dt_order {problem}")
    if "money_order" in text and (problem := amount_problem(text["money_order"])):
        judgement.add("1004", "money_order", f"money_order {problem}")
    if "notify_url" in text and (problem := url_problem(text["notify_url"], 255)):
        judgement.add("1004", "notify_url", f"notify_url {problem}")
    flag_card = text.get("flag_card")
    if flag_card is not None and flag_card not in ("0", "1"):
        judgement.add("1004", "flag_card", "flag_card is 0 (personal) or 1 (corporate)")
    card_no = text.get("card_no", "")
    if card_no and not (card_no.isdigit() and 12 <= len(card_no) <= 19):
        judgement.add("1004", "card_no", "card_no must be 12-19 digits")
    elif card_no and not luhn_ok(card_no):
        judgement.add("1100", "card_no", "card_no fails the Luhn check")
    known = lookup_bin(card_no) if card_no else None
    bank_code = text.get("bank_code") or (known.bank_code if known else None)
    if flag_card == "1" and not text.get("bank_code"):
        judgement.add("1004", "bank_code", "corporate payouts (flag_card 1) need bank_code")
    has_branch = bool(text.get("prcptcd")) or bool(text.get("city_code") and text.get("brabank_name"))
    if flag_card in ("0", "1") and bank_code and not has_branch and not branch_info_exempt(bank_code, flag_card):
        judgement.add("1004", "brabank_name", f"bank {bank_code} needs branch information: prcptcd, or city_code "
                                              "and brabank_name (only 工农中招光大浦发 personal and 建行 corporate "
                                              "payouts may omit it, guide §十)")
    if len(text.get("memo", "")) > 24:
        judgement.notes.append("memo is longer than 24 characters; LianLian truncates what the bank sees")


def _confirm_code_for(sandbox: Sandbox, conn: Any, params: dict[str, str], scenario: str) -> str | None:
    """4002 / 4003 / 4004, or None: what LianLian's review would ask the merchant to confirm."""
    if scenario in _CONFIRM_FORCED:
        return _CONFIRM_FORCED[scenario]
    midnight = datetime.now(CST).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    duplicate = conn.execute(
        "SELECT 1 FROM payouts WHERE card_no=? AND money_order=? AND created_at>=? AND status NOT IN ('FAILURE','CLOSED')",
        (params["card_no"], params["money_order"], midnight)).fetchone() is not None
    names = {r[0] for r in conn.execute("SELECT acct_name FROM cards WHERE card_no=? AND acct_name IS NOT NULL",
                                        (params["card_no"],))}
    mismatch = bool(names) and params.get("acct_name") not in names
    if duplicate and mismatch:
        return "4004"
    return "4002" if duplicate else ("4003" if mismatch else None)


def _notification(sandbox: Sandbox, row: Any, oid_paybill: str, result_pay: str) -> dict[str, str]:
    params = {"oid_partner": sandbox.settings.oid_partner, "no_order": row["no_order"], "dt_order": row["dt_order"],
              "money_order": row["money_order"], "oid_paybill": oid_paybill, "result_pay": result_pay,
              "settle_date": datetime.now(CST).strftime("%Y%m%d"),
              "info_order": FAILURE_REASON if result_pay == "FAILURE" else (row["info_order"] or "")}
    return sandbox.sign({k: v for k, v in params.items() if v}, "RSA")


def _start_processing(sandbox: Sandbox, conn: Any, no_order: str, notify_url: str | None) -> str:
    """Accepted: the bank's result is due after SETTLE_AFTER_S; queue its notification(s)."""
    row = conn.execute("SELECT * FROM payouts WHERE no_order=?", (no_order,)).fetchone()
    oid_paybill = row["oid_paybill"] or (datetime.now(CST).strftime("%Y%m%d") + f"{secrets.randbelow(10**10):010d}")
    scenario = row["scenario"]
    final = {"payout_failure": "FAILURE", "payout_cancel": "CANCEL"}.get(scenario, "SUCCESS")
    conn.execute("UPDATE payouts SET status=?, result_at=?, oid_paybill=?, settle_date=?, memo=?,"
                 " notify_url=coalesce(?, notify_url) WHERE no_order=?",
                 (final, time.time() + sandbox.settings.scaled(SETTLE_AFTER_S), oid_paybill,
                  datetime.now(CST).strftime("%Y%m%d"), FAILURE_REASON if final == "FAILURE" else None,
                  notify_url, no_order))
    row = conn.execute("SELECT * FROM payouts WHERE no_order=?", (no_order,)).fetchone()
    if row["notify_url"]:
        first = "SUCCESS" if final == "CANCEL" else final
        common = dict(topic="payout", no_order=no_order, url=row["notify_url"], scenario=scenario)
        genuine = sandbox.outbox.enqueue(conn, **common, params=_notification(sandbox, row, oid_paybill, first),
                                         delay_s=SETTLE_AFTER_S)
        if final == "CANCEL":
            sandbox.outbox.enqueue(conn, **common, params=_notification(sandbox, row, oid_paybill, "CANCEL"),
                                   after_id=genuine, gap_s=CANCEL_AFTER_S)
    return str(oid_paybill)


def payment(sandbox: Sandbox, request: Request) -> Answer:
    judgement, outer, inner = _open_pay_load(sandbox, request)
    if inner:
        judge_payout_params(judgement, inner)
    text = {k: str(v) for k, v in inner.items() if isinstance(v, str)}
    no_order = text.get("no_order")
    payload: dict[str, Any] = {}
    scenario = payout_scenario(text.get("info_order"))
    with sandbox.db.tx() as conn:
        if judgement.ok and no_order:
            if conn.execute("SELECT 1 FROM payouts WHERE no_order=?", (no_order,)).fetchone():
                judgement.add("1002", "no_order", "no_order was already applied: query it (never treat 1002 as "
                                                  "a failure, protocol.md §8)")
        if judgement.ok and no_order:
            confirm = _confirm_code_for(sandbox, conn, text, scenario)
            conn.execute(
                "INSERT INTO payouts (no_order, dt_order, money_order, card_no, acct_name, flag_card, bank_code,"
                " info_order, notify_url, scenario, status, digest, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (no_order, text["dt_order"], text["money_order"], text["card_no"], text.get("acct_name"),
                 text.get("flag_card"), text.get("bank_code"), text.get("info_order"), text.get("notify_url"),
                 scenario, "CHECK" if confirm else "APPLY", "", time.time()))
            if confirm:
                code = f"{secrets.randbelow(10**6):06d}"
                conn.execute("UPDATE payouts SET confirm_code=?, confirm_reason=?, confirm_deadline=? WHERE no_order=?",
                             (code, confirm, time.time() + sandbox.settings.scaled(CONFIRM_WINDOW_S), no_order))
                judgement.detail["confirm"] = {"code": confirm, "confirm_code": code}
                judgement.add(confirm, None, "awaiting confirmation: call confirmPayment with confirm_code "
                                             "within 24 h (scaled)")
                payload = {"no_order": no_order, "confirm_code": code}
            else:
                payload = {"no_order": no_order, "oid_paybill": _start_processing(sandbox, conn, no_order, None)}
                if scenario == "payout_ambiguous":
                    # LianLian's worst case (§8): the payout is accepted and will be paid, the answer says 9999.
                    judgement.detail["accepted_anyway"] = True
                    judgement.add("9999", None, "system error -- the payout was accepted all the same: query it "
                                                "(queryPayment), never mark it failed or pay again (protocol.md §8)")
    sandbox.outbox.wake()
    return _answer(sandbox, request, EventKind.PAYOUT_REQUEST, "payment", judgement, outer, inner, payload)


def _answer(sandbox: Sandbox, request: Request, kind: EventKind, api: str, judgement: Judgement,
            outer: dict[str, Any], inner: dict[str, Any], payload: dict[str, Any]) -> Answer:
    """Payout answers are RSA-signed by LianLian; confirm codes travel with their 4002-4004."""
    body: dict[str, Any] = {"ret_code": judgement.code, "ret_msg": judgement.ret_msg}
    if outer.get("oid_partner") == sandbox.settings.oid_partner:
        body["oid_partner"] = sandbox.settings.oid_partner
    if judgement.ok or "confirm_code" in payload:
        body.update({k: v for k, v in payload.items() if v})
    answer = Answer.json(sandbox.sign(body, "RSA"))
    with sandbox.db.tx() as conn:
        sandbox.record_request(conn, kind, request, judgement, api=api, channel="api", params=inner or outer,
                               topic="payout", no_order=str(inner.get("no_order")) if inner.get("no_order") else None,
                               status=answer.status, response_headers=[("Content-Type", answer.content_type)],
                               response_body=answer.body, elapsed_ms=request.elapsed_ms())
    return answer


def confirm(sandbox: Sandbox, request: Request) -> Answer:
    judgement, outer, inner = _open_pay_load(sandbox, request)
    for name in ("no_order", "confirm_code"):
        if inner and not inner.get(name):
            judgement.add("1004", name, f"{name} is required")
    payload: dict[str, Any] = {}
    if judgement.ok:
        no_order = str(inner["no_order"])
        with sandbox.db.tx() as conn:
            row = conn.execute("SELECT * FROM payouts WHERE no_order=?", (no_order,)).fetchone()
            state = payout_state(sandbox, row) if row is not None else None
            if row is None or state not in ("CHECK", "CLOSED"):
                judgement.add("4001", "no_order", "no payout awaiting confirmation under this no_order")
            elif state == "CLOSED":
                conn.execute("UPDATE payouts SET status='CLOSED' WHERE no_order=?", (no_order,))
                judgement.add("4010", "confirm_code", "the confirmation window (24 h, scaled) has passed; closed")
            elif row["confirm_tries"] >= MAX_CONFIRM_TRIES:
                judgement.add("4008", "confirm_code", "too many confirmation attempts")
            elif str(inner["confirm_code"]) != row["confirm_code"]:
                tries = row["confirm_tries"] + 1
                conn.execute("UPDATE payouts SET confirm_tries=? WHERE no_order=?", (tries, no_order))
                judgement.add("4008" if tries >= MAX_CONFIRM_TRIES else "4011", "confirm_code",
                              f"confirm_code does not match ({tries} of {MAX_CONFIRM_TRIES} attempts used)")
            else:
                notify_url = str(inner["notify_url"]) if inner.get("notify_url") else None
                payload = {"no_order": no_order, "oid_paybill": _start_processing(sandbox, conn, no_order, notify_url)}
        sandbox.outbox.wake()
    return _answer(sandbox, request, EventKind.PAYOUT_CONFIRM, "confirmPayment", judgement, outer, inner, payload)


def query(sandbox: Sandbox, request: Request) -> Answer:
    judgement, params = api_judgement(sandbox, request, rsa_only=True)
    no_order, oid_paybill = params.get("no_order"), params.get("oid_paybill")
    if params and not no_order and not oid_paybill:
        judgement.add("1004", "no_order", "give no_order or oid_paybill")
    payload: dict[str, Any] | None = None
    if judgement.ok:
        row = (sandbox.db.one("SELECT * FROM payouts WHERE no_order=?", (str(no_order),)) if no_order
               else sandbox.db.one("SELECT * FROM payouts WHERE oid_paybill=?", (str(oid_paybill),)))
        if row is None:
            judgement.add("8901", "no_order", "no such payout")
        else:
            state = payout_state(sandbox, row)
            payload = {"no_order": row["no_order"], "dt_order": row["dt_order"], "money_order": row["money_order"],
                       "oid_paybill": row["oid_paybill"], "result_pay": state,
                       "settle_date": row["settle_date"] if state in ("SUCCESS", "CANCEL", "FAILURE") else None,
                       "info_order": row["info_order"], "memo": row["memo"] if state == "FAILURE" else None}
    return answer_api(sandbox, request, EventKind.PAYOUT_QUERY, "queryPayment", judgement, params, payload,
                      no_order=str(no_order) if no_order else None, topic="payout")


ROUTES: dict[str, Callable[[Sandbox, Request], Answer]] = {
    "/paymentapi/payment.htm": payment,
    "/paymentapi/confirmPayment.htm": confirm,
    "/paymentapi/queryPayment.htm": query,
}
