"""Payout exchanges for the LL-PAY checks: what the merchant sent to LianLian's payout API, what it
was answered, and in which order -- from the sandbox journal and from captures.

* **Sandbox journal** (``evidence.sandbox``: a ``golive sandbox`` state directory or its journal):
  payout applies, confirmations and queries, with the decrypted ``pay_load``, how the sandbox judged
  the signature, and its answer; and the payments the sandbox took, with the card each payer used,
  so payouts can be matched to paying cards (LL-PAY-007).
* **Captures** (``evidence.captures``): exchanges with ``/paymentapi/payment.htm``,
  ``confirmPayment.htm`` or ``queryPayment.htm`` (or a body with ``pay_load``). A ``pay_load`` is
  opened with ``live.lianlian_private_key`` -- the stand-in LianLian key whose public half staging
  encrypts for -- when configured; its structure is judged either way.

The value is plain, redacted data (JSON), in exchange order: card numbers are masked and replaced by
a keyed reference (HMAC with a key that lives only for this run) so that "the same card" can be
judged without any card number in the evidence; names are masked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from golive.payout.envelope import envelope_facts
from golive.redact import mask_card, redact_params

__all__ = ["PayoutCollector", "api_of"]

PAYOUT_APIS = {"payment.htm": "payment", "confirmpayment.htm": "confirmPayment", "querypayment.htm": "queryPayment"}
MAX_EXCHANGES = 5000


def api_of(url: str | None, params: Mapping[str, Any] | None) -> str | None:
    """Which payout API an exchange went to, by its path (or, without one, by its shape)."""
    path = urlsplit(url or "").path.lower()
    if "paymentapi" in path or path.endswith(("confirmpayment.htm", "querypayment.htm")):
        for tail, api in PAYOUT_APIS.items():
            if path.endswith("/" + tail):
                return api
    if not path and params is not None and "pay_load" in params:
        return "payment"
    return None


def _loads(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    from golive import safe_json

    try:
        value = safe_json.loads(text)
    except ValueError:  # safe_json.JSONInputError included: bounded, never a traceback
        return None
    return value if isinstance(value, dict) else None


def _strings(params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "pay_load" and isinstance(value, str):
            out[key] = f"<pay_load, {len(value)} chars>"  # cipher text: its facts are in `envelope`
        elif key == "sign" and isinstance(value, str) and len(value) > 24:
            out[key] = value[:16] + "…"
        else:
            out[str(key)] = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
    return out


class PayoutCollector:
    """Collects exchanges (and the sandbox's payments) into the ``payouts`` evidence value."""

    def __init__(self, signing: Any | None = None) -> None:
        self.signing = signing
        self._salt = secrets.token_bytes(16)  # card references mean "the same card" within this run only
        self.exchanges: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []
        self.dropped = 0

    def card_ref(self, card_no: str) -> str:
        return hmac.new(self._salt, card_no.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    def _card(self, card_no: Any) -> dict[str, Any] | None:
        if not isinstance(card_no, str) or not card_no:
            return None
        masked = "*" in card_no
        return {"ref": None if masked else self.card_ref(card_no), "masked": mask_card(card_no),
                "last4": card_no[-4:] if card_no[-4:].isdigit() else None}

    def _bank_code(self, params: Mapping[str, Any]) -> tuple[str | None, str | None]:
        sent = params.get("bank_code")
        if isinstance(sent, str) and sent:
            return sent, "request"
        card = params.get("card_no")
        if isinstance(card, str) and card.isdigit():
            from golive.sandbox.cards import lookup_bin

            known = lookup_bin(card)
            if known is not None:
                return known.bank_code, "card BIN"
        return None, None

    def add(self, *, source: str, file: str, line: int | None, api: str, at: float | None,
            outer: Mapping[str, Any] | None, inner: Mapping[str, Any] | None, opened: bool | None,
            open_error: str | None, sign_type: Any, verified: bool | None, answer: Mapping[str, Any] | None,
            answer_error: str | None = None, status: int | None = None) -> None:
        if len(self.exchanges) >= MAX_EXCHANGES:
            self.dropped += 1
            return
        params = inner if inner is not None else (outer or {})
        bank_code, bank_from = self._bank_code(params)
        exchange: dict[str, Any] = {
            "order": len(self.exchanges), "source": source, "file": file, "line": line, "api": api, "at": at,
            "params": redact_params(_strings(params)), "card": self._card(params.get("card_no")),
            "bank_code": bank_code, "bank_code_from": bank_from,
            "sign": {"sign_type": sign_type if isinstance(sign_type, str) else None, "verified": verified},
            "answer": None,
        }
        if api in ("payment", "confirmPayment"):
            facts = envelope_facts(outer)
            facts.update({"opened": opened, "open_error": open_error})
            if opened and inner is not None and outer is not None and inner.get("oid_partner") != outer.get("oid_partner"):
                facts["problems"].append("oid_partner inside pay_load differs from the envelope's")
            exchange["envelope"] = facts
        if answer is not None or answer_error is not None or status is not None:
            exchange["answer"] = {
                "status": status, "error": answer_error,
                "ret_code": str(answer.get("ret_code")) if answer and answer.get("ret_code") is not None else None,
                "ret_msg": str(answer.get("ret_msg"))[:80] if answer and answer.get("ret_msg") else None,
                "confirm_code": bool(answer and answer.get("confirm_code")),
                "oid_paybill": str(answer.get("oid_paybill")) if answer and answer.get("oid_paybill") else None,
                "result_pay": str(answer.get("result_pay")) if answer and answer.get("result_pay") else None}
        self.exchanges.append(exchange)

    # -- the sandbox journal ------------------------------------------------------------------------
    def read_journal(self, path: Path, shown: str) -> None:
        from golive.sandbox.journal import EventKind, read_events

        kinds = [EventKind.PAYOUT_REQUEST, EventKind.PAYOUT_CONFIRM, EventKind.PAYOUT_QUERY, EventKind.PAY_REQUEST,
                 EventKind.CASHIER]
        amounts: dict[str, str] = {}
        count = 0
        for event in read_events(path, kinds=kinds):
            count += 1
            if event.kind is EventKind.PAY_REQUEST:
                if event.no_order and event.params.get("money_order"):
                    amounts[event.no_order] = str(event.params["money_order"])
                continue
            if event.kind is EventKind.CASHIER:
                if event.detail.get("choice") == "pay" and event.detail.get("result_pay") in ("SUCCESS", "PROCESSING"):
                    card = self._card(event.detail.get("card_no"))
                    self.payments.append({"user_id": event.user_id, "no_order": event.no_order, "at": event.at,
                                          "amount": amounts.get(event.no_order or ""), "card": card,
                                          "source": f"{shown}#seq={event.seq}"})
                continue
            api = {EventKind.PAYOUT_REQUEST: "payment", EventKind.PAYOUT_CONFIRM: "confirmPayment",
                   EventKind.PAYOUT_QUERY: "queryPayment"}[event.kind]
            detail = event.detail
            sign = detail.get("sign") or {}
            envelope_ok = (detail.get("pay_load") or {}).get("ok")
            outer = _loads(event.request_body)
            inner = dict(event.params) if (api == "queryPayment" or envelope_ok) else None
            self.add(source="journal", file=shown, line=event.seq, api=api, at=event.at, outer=outer, inner=inner,
                     opened=envelope_ok if api != "queryPayment" else None,
                     open_error=(detail.get("pay_load") or {}).get("reason"), sign_type=sign.get("sign_type"),
                     verified=sign.get("ok"), answer=_loads(event.response_body), status=event.status)
        self.sources.append({"kind": "sandbox journal", "where": shown, "events": count})

    # -- captures -----------------------------------------------------------------------------------
    def read_captures(self, records: Iterable[Any], shown: Iterable[str]) -> None:
        count = 0
        for record in records:
            if getattr(record, "broken", False):
                continue
            request = record.request or {}
            api = api_of(request.get("url"), record.params)
            if api is None:
                continue
            count += 1
            outer = record.params if isinstance(record.params, dict) else None
            inner, opened, error = self._open(api, outer)
            response = record.response or {}
            answer = _loads(response.get("body")) if isinstance(response.get("body"), str) else None
            no_answer = response.get("error") or (None if response else "no answer recorded")
            verified = None
            if inner is not None and self.signing is not None and inner.get("sign"):
                try:
                    verified = bool(self.signing.verify_request(inner).ok)
                except Exception:  # a garbled sign: "not verified", judged by the check
                    verified = False
            self.add(source="captures", file=record.file, line=record.line, api=api, at=None, outer=outer, inner=inner,
                     opened=opened, open_error=error, sign_type=(inner or {}).get("sign_type"), verified=verified,
                     answer=answer, answer_error=no_answer if answer is None else None, status=response.get("status"))
        self.sources.append({"kind": "captures", "where": ", ".join(shown), "exchanges": count})

    def _open(self, api: str, outer: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, bool | None, str | None]:
        if outer is None:
            return None, None, None
        if api == "queryPayment" or "pay_load" not in outer:
            return (dict(outer), None, None) if api == "queryPayment" else (None, None, None)
        from golive.lianlian.payload import PayLoadError

        if self.signing is None:
            return None, None, None
        try:
            text = self.signing.open_pay_load(str(outer["pay_load"]))
        except PayLoadError as exc:
            return None, False, str(exc)
        if text is None:
            return None, None, None  # no key to open it with: structure only
        inner = _loads(text)
        if inner is None:
            return None, False, "the decrypted pay_load is not a JSON object"
        return inner, True, None

    def value(self) -> dict[str, Any]:
        return {"sources": self.sources, "exchanges": self.exchanges, "payments": self.payments,
                "not_listed": self.dropped}


def iter_capture_files(files: list[tuple[Path, str]], max_line_bytes: Any) -> Iterator[Any]:
    from golive.evidence.captures import iter_capture_records

    for path, written in files:
        yield from iter_capture_records(path, written, max_line_bytes)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
