"""The demo merchant's business logic, independent of HTTP: notifications, returns, pay requests,
test hooks and withdrawals. ``server.py`` maps HTTP requests onto this class.

Correct notification handling (protocol.md §5.1, §2.5; guide §五):
1. the raw body is a JSON object of strings;
2. ``sign`` verifies with the merchant-site method (``notify_sign_type``) and only that method —
   LianLian signs callbacks with what 商户站 is configured for, not with the request's sign_type;
3. ``oid_partner`` is ours, ``no_order`` exists, ``money_order`` equals the order amount (Decimal);
4. only ``result_pay == "SUCCESS"`` credits (anything else is acknowledged and ignored);
5. the credit is committed (one guarded transaction, ``store.Store.settle``) *before* the
   acknowledgement ``{"ret_code":"0000","ret_msg":"交易成功"}`` is sent.
Every switched-on defect (defects.py) bends exactly one of these steps.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from golive.lianlian.sign import md5_verify, rsa_verify

from .crypto import resolve_private_key, resolve_public_key
from .lianlian_api import LianLianApi
from .payreq import build_pay_request
from .settings import DemoSettings
from .store import Payment, Store, WithdrawalResult

log = logging.getLogger("golive.demo_merchant")

ACK_OK = '{"ret_code":"0000","ret_msg":"交易成功"}'
ACK_FAIL = '{"ret_code":"9999","ret_msg":"交易失败"}'
# Defect wrong_ack_body: the go-live guide prints the ack with single quotes; that is not JSON.
ACK_OK_SINGLE_QUOTES = "{'ret_code':'0000','ret_msg':'交易成功'}"

ACK_BEFORE_COMMIT_DELAY_S = 0.5
CHECK_THEN_ACT_GAP_S = 0.02
SLOW_ACK_DELAY_S = 6.0


def parse_callback(body: bytes | None) -> dict[str, str] | None:
    """A LianLian callback body: a JSON object whose values are strings (nulls dropped)."""
    if not body:
        return None
    try:
        obj = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(obj, dict):
        return None
    params: dict[str, str] = {}
    for key, value in obj.items():
        if value is None:
            continue
        if not isinstance(value, str):
            return None  # a number or object cannot have been signed as LianLian signs
        params[key] = value
    return params


def _decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal(text) if text is not None else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


@dataclass(frozen=True)
class ReturnView:
    """What the synchronous return page shows (the server renders and escapes it)."""

    fields: dict[str, str]
    signature_ok: bool
    order_status: str | None
    malformed: bool = False


class DemoMerchant:
    def __init__(self, settings: DemoSettings, store: Store, *, notify_url: str,
                 url_return: str) -> None:
        self.settings = settings
        self.store = store
        self.notify_url = settings.notify_url or notify_url
        self.url_return = settings.url_return or url_return
        self.private_key = resolve_private_key(settings.merchant_private_key)
        self.lianlian_key = resolve_public_key(settings.lianlian_public_key)
        self.md5_key = settings.md5_key
        if settings.has("stale_key"):
            # Staging still trusts other keys than golive.yaml names: LianLian's production public
            # key in place of the staging pair, and an MD5 key from before a rotation.
            from golive.lianlian.platform import lianlian_public_key

            self.lianlian_key = lianlian_public_key()
            self.md5_key = settings.md5_key[::-1] + "_old"
        self.api: LianLianApi | None = LianLianApi(settings) if settings.payouts or settings.query_on_return else None
        self.payout_notify_url = ""  # set by the server: its own /llpay/payout_notify
        self.stopping = threading.Event()
        self._deferred: list[threading.Thread] = []
        self._deferred_lock = threading.Lock()

    # -- signatures -----------------------------------------------------------------------------

    def verify(self, params: dict[str, str], *, any_method: bool = False) -> bool:
        """Verify a LianLian callback with the merchant-site method (or, with the
        accepts_any_sign_type defect, with whatever method the message names)."""
        claimed = params.get("sign_type")
        method = claimed if any_method else self.settings.notify_sign_type
        if claimed != method or not params.get("sign"):
            return False
        try:
            if method == "MD5" and self.md5_key:
                return bool(md5_verify(params, self.md5_key))
            if method == "RSA" and self.lianlian_key is not None:
                return bool(rsa_verify(params, self.lianlian_key))
        except Exception as exc:  # a garbled signature must read as "not verified"
            log.info("signature check raised %s", type(exc).__name__)
        return False

    # -- async notification ---------------------------------------------------------------------

    def handle_notify(self, body: bytes | None) -> bool:
        """Process one async notification; True means acknowledge with 0000."""
        s = self.settings
        params = parse_callback(body)
        if params is None:
            return False
        if not s.has("accepts_forged") and not self.verify(
            params, any_method=s.has("accepts_any_sign_type")
        ):
            return False
        if not s.has("ignores_amount") and params.get("oid_partner") != s.oid_partner:
            return False
        order = self.store.get_order(params.get("no_order", ""))
        if order is None:
            return False
        money_order = _decimal(params.get("money_order"))
        if s.has("ignores_amount"):
            amount = money_order if money_order is not None and money_order > 0 else order.amount
        elif money_order != order.amount:
            return False
        else:
            amount = order.amount
        if params.get("result_pay") != "SUCCESS" and not s.has("credits_non_success"):
            return True  # received; nothing to book (LianLian may stop resending)
        if s.has("todo_handler"):
            return True  # "TODO: update the order" -- and answer success anyway
        payment = Payment(
            no_order=order.no_order,
            amount=amount,
            oid_paybill=params.get("oid_paybill"),
            no_agree=params.get("no_agree") or None,
            bank_code=params.get("bank_code") or None,
            card_no=params.get("card_no") or None,
            pay_type=params.get("pay_type") or None,
            settle_date=params.get("settle_date") or None,
        )
        if s.has("ack_before_commit"):
            self._defer(payment)
            return True
        try:
            self._book(payment)
        except Exception:
            log.exception("booking order failed; answering 9999 so LianLian resends")
            return False
        return True

    def _book(self, payment: Payment) -> bool:
        if self.settings.has("no_duplicate_guard"):
            return self.store.settle_check_then_act(payment, CHECK_THEN_ACT_GAP_S)
        if self.settings.has("no_idempotency"):
            return self.store.settle_always(payment)
        return self.store.settle(payment)

    def _defer(self, payment: Payment) -> None:
        """Defect ack_before_commit: the credit is committed after the ack has gone out."""

        def later() -> None:
            self.stopping.wait(ACK_BEFORE_COMMIT_DELAY_S)
            try:
                self._book(payment)
            except Exception:
                log.exception("deferred booking failed")

        thread = threading.Thread(target=later, name="demo-merchant-deferred-commit", daemon=True)
        with self._deferred_lock:
            self._deferred = [t for t in self._deferred if t.is_alive()]
            self._deferred.append(thread)
        thread.start()

    def ack_body(self, ok: bool) -> str:
        if not ok:
            return ACK_FAIL
        return ACK_OK_SINGLE_QUOTES if self.settings.has("wrong_ack_body") else ACK_OK

    def ack_delay(self) -> None:
        """Defect slow_ack: answer only after 6 s (returns early when the server stops)."""
        if self.settings.has("slow_ack"):
            self.stopping.wait(SLOW_ACK_DELAY_S)

    # -- synchronous return ---------------------------------------------------------------------

    def handle_return(self, fields: dict[str, str]) -> ReturnView:
        """The browser's return after payment: show the result, never book it (the async
        notification is authoritative; protocol.md §5.2)."""
        data: dict[str, str] | None = fields
        if "res_data" in fields:  # WAP/H5: one field holding the JSON result
            data = parse_callback(fields["res_data"].encode("utf-8"))
        if data is None:
            return ReturnView(fields={}, signature_ok=False, order_status=None, malformed=True)
        order = self.store.get_order(data.get("no_order", ""))
        if self.settings.has("credits_sync_return"):
            # The bug: the return page books the payment, without checking the signature.
            if order is not None and data.get("result_pay") == "SUCCESS":
                self.store.settle(Payment(no_order=order.no_order, amount=order.amount,
                                          oid_paybill=data.get("oid_paybill"),
                                          bank_code=data.get("bank_code") or None))
                order = self.store.get_order(order.no_order)
            return ReturnView(data, signature_ok=False, order_status=order.status if order else None)
        ok = self.verify(data)
        if (ok and order is not None and order.status == "pending" and self.settings.query_on_return
                and self.api is not None):
            # The return came before the notification (or the notification is late): LianLian's
            # advice is to ask the order query, whose signed answer is authoritative (§5.2, §7.1).
            self._settle_from_query(order)
            order = self.store.get_order(order.no_order)
        return ReturnView(data, signature_ok=ok, order_status=order.status if order else None)

    def _settle_from_query(self, order: Any) -> None:
        assert self.api is not None
        answer = self.api.order_query(order.no_order, order.dt_order)
        fields = answer.fields
        if not answer.verified or answer.ret_code != "0000" or fields.get("result_pay") != "SUCCESS":
            return
        if fields.get("oid_partner") != self.settings.oid_partner or _decimal(str(fields.get("money_order"))) != order.amount:
            return
        self._book(Payment(no_order=order.no_order, amount=order.amount, oid_paybill=fields.get("oid_paybill"),
                           bank_code=fields.get("bank_code") or None, pay_type=fields.get("pay_type") or None,
                           settle_date=fields.get("settle_date") or None))

    # -- pay requests and test hooks ------------------------------------------------------------

    def pay(self, user_id: str, amount: Decimal, channel: str, client_ip: str) -> dict[str, Any]:
        order, profile = self.store.create_order(user_id, amount)
        request = build_pay_request(
            self.settings, user=profile, no_order=order.no_order, money_order=order.amount,
            dt_order=order.dt_order, channel=channel, no_agree=order.no_agree,
            userreq_ip=client_ip, notify_url=self.notify_url, url_return=self.url_return,
            private_key=self.private_key,
        )
        return {**request, "no_order": order.no_order}

    def withdraw(self, user_id: str, card: str, amount: Decimal, card_no: str | None = None,
                 purpose: str | None = None) -> WithdrawalResult:
        """同卡进出 (guide §七), then -- with payouts on -- the payout through LianLian's API (§8).

        The payout needs the full card number, which the user gives at withdrawal; it must be the
        card chosen (its last four digits, learnt from the bind-list query, must match)."""
        same_card = not self.settings.has("withdraw_any_card")
        if self.settings.payouts:
            if not card_no:
                return WithdrawalResult(False, None, "card_no is needed to pay out")
            if same_card and self._card_last4(user_id, card) != card_no[-4:]:
                return WithdrawalResult(False, None, "card_no is not the card chosen (同卡进出)")
        result = self.store.withdraw(user_id, card, amount, same_card=same_card,
                                     bound=not self.settings.has("no_amount_bound"))
        if result.accepted and self.settings.payouts and result.payout_no and card_no:
            return self._pay_out(user_id, result, amount, card_no, purpose)
        return result

    def _card_last4(self, user_id: str, card: str) -> str | None:
        known = self.store.card_last4(user_id, card)
        if known or self.api is None:
            return known
        answer = self.api.bind_list(user_id, no_agree=card)
        if answer.verified and answer.ret_code == "0000":
            for entry in answer.fields.get("agreement_list") or []:
                if isinstance(entry, dict) and entry.get("no_agree") == card and str(entry.get("card_no", ""))[-4:].isdigit():
                    last4 = str(entry["card_no"])[-4:]
                    self.store.set_card_last4(user_id, card, last4)
                    return last4
        return None

    def _pay_out(self, user_id: str, result: WithdrawalResult, amount: Decimal, card_no: str,
                 purpose: str | None = None) -> WithdrawalResult:
        from golive.lianlian.codes import PAYOUT_CONFIRM_CODES, PAYOUT_QUERY_FIRST_CODES

        from .store import money

        assert self.api is not None and result.payout_no is not None
        profile = self.store.ensure_user(user_id)
        answer = self.api.payout(no_order=result.payout_no, amount=money(amount), card_no=card_no,
                                 acct_name=profile.full_name, notify_url=self.payout_notify_url,
                                 info_order=f"提现 {result.payout_no}" + (f" {purpose}" if purpose else ""))
        code = answer.ret_code
        if answer.error or code in PAYOUT_QUERY_FIRST_CODES or not answer.verified:
            if self.settings.has("payout_retry_on_ambiguous"):
                # The bug: "9999 means it failed" -- a new payout number, the same card, the same money.
                retry_no = f"{result.payout_no}R"
                self.store.retarget_payout(result.payout_no, retry_no)
                retry = self.api.payout(no_order=retry_no, amount=money(amount), card_no=card_no,
                                        acct_name=profile.full_name, notify_url=self.payout_notify_url,
                                        info_order=f"提现 {retry_no}")
                self.store.record_payout(retry_no, "PROCESSING" if retry.ret_code == "0000" else "UNKNOWN",
                                         oid_paybill=retry.fields.get("oid_paybill"))
                return WithdrawalResult(True, retry_no)
            # Not a failure: the payout may exist. Ask LianLian before anything else (§8).
            self._settle_ambiguous(result.payout_no, answer.error or f"ret_code {code}")
        elif code == "0000":
            self.store.record_payout(result.payout_no, "PROCESSING", oid_paybill=answer.fields.get("oid_paybill"))
        elif code in PAYOUT_CONFIRM_CODES:
            # LianLian asks for a review (suspected duplicate / name mismatch). The demo's review: the
            # payee is the user's own paying card (checked above), so it confirms with the code (§8).
            confirm_code = str(answer.fields.get("confirm_code") or "")
            self.store.record_payout(result.payout_no, "CHECK", reason=f"ret_code {code}", confirm_code=confirm_code)
            confirmed = self.api.payout_confirm(result.payout_no, confirm_code)
            if confirmed.verified and confirmed.ret_code == "0000":
                self.store.record_payout(result.payout_no, "PROCESSING",
                                         oid_paybill=confirmed.fields.get("oid_paybill"))
        else:
            self.store.record_payout(result.payout_no, "REFUSED", reason=f"ret_code {code}")
            return WithdrawalResult(False, result.payout_no, f"payout refused by LianLian: {code}")
        return result

    def _settle_ambiguous(self, payout_no: str, why: str) -> None:
        """After an ambiguous answer: query the payout; only "no such payout" (8901) means it never
        existed, so only then is the money given back. Anything else stays pending (§8)."""
        assert self.api is not None
        self.store.record_payout(payout_no, "UNKNOWN", reason=why)
        answer = self.api.payout_query(payout_no)
        if not answer.verified or answer.error:
            return  # still unknown: the notification (or a later query) decides
        if answer.ret_code == "8901":
            self.store.record_payout(payout_no, "REFUSED", reason="no such payout (8901) after " + why)
        elif answer.ret_code == "0000" and answer.fields.get("result_pay"):
            state = str(answer.fields["result_pay"])
            if state in ("SUCCESS", "FAILURE", "CANCEL"):
                self.store.payout_result(payout_no, state, answer.fields.get("oid_paybill"),
                                         answer.fields.get("memo") if state == "FAILURE" else None,
                                         answer.fields.get("settle_date") or None)
            else:
                self.store.record_payout(payout_no, "PROCESSING", oid_paybill=answer.fields.get("oid_paybill"))

    def handle_payout_notify(self, body: bytes | None) -> bool:
        """A payout result (§8): RSA-signed by LianLian; FAILURE or CANCEL gives the money back."""
        params = parse_callback(body)
        if params is None or params.get("sign_type") != "RSA" or self.lianlian_key is None:
            return False
        try:
            if not rsa_verify(params, self.lianlian_key):
                return False
        except Exception:
            return False
        row = self.store.get_withdrawal(params.get("no_order", ""))
        if row is None or params.get("oid_partner") != self.settings.oid_partner:
            return False
        if _decimal(params.get("money_order")) != Decimal(row["amount"]):
            return False
        result_pay = params.get("result_pay")
        if result_pay not in ("SUCCESS", "FAILURE", "CANCEL"):
            return True  # an intermediate state: received, nothing to book
        s = self.settings
        reason = params.get("info_order") if result_pay == "FAILURE" and not s.has("payout_reason_dropped") else None
        restore = not ((result_pay == "FAILURE" and s.has("failure_not_refunded"))
                       or (result_pay == "CANCEL" and s.has("payout_cancel_ignored")))
        if s.has("payout_refund_twice") and result_pay in ("FAILURE", "CANCEL"):
            # The bug: "give the money back" as a new balance entry on every copy of the notification.
            self.store.payout_result(row["payout_no"], result_pay, params.get("oid_paybill"), reason,
                                     params.get("settle_date") or None, restore=False)
            self.store.payout_refund_again(row["payout_no"])
            return True
        self.store.payout_result(row["payout_no"], result_pay, params.get("oid_paybill"), reason,
                                 params.get("settle_date") or None, restore=restore)
        return True

    def close(self, timeout_s: float = 3.0) -> None:
        """Release waiting handlers and let deferred commits finish before the DB goes away."""
        self.stopping.set()
        with self._deferred_lock:
            pending = list(self._deferred)
        for thread in pending:
            thread.join(timeout_s)
