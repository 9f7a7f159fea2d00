"""Helpers for the LL-NTF-010/011 tests: a ``sandbox.notify`` evidence value built by hand (the shape
golive/sandbox/observe.py documents), and one check judged on it."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from golive.evidence.bundle import Bundle, Evidence, EvidenceView
from golive.model import Context, Severity
from golive.profile import load_profile

ACK = '{"ret_code":"0000","ret_msg":"交易成功"}'


def delivery(seq: int, *, role: str = "genuine", forged: str | None = None, attempt: int = 1, copy: int = 0,
             copies: int = 1, result_pay: str = "SUCCESS", body: str | None = ACK, status: int | None = 200,
             error: str | None = None) -> dict[str, Any]:
    positive = error is None and status == 200 and body is not None and '"0000"' in body
    return {"seq": seq, "at": 1.0 + seq, "role": role, "forged": forged, "attempt": attempt, "copy": copy,
            "copies": copies, "result_pay": result_pay, "outcome": "acked" if positive else "retry", "status": status,
            "elapsed_ms": 12.0, "error": error, "body": body, "positive": positive, "contract_ok": positive,
            "problem": None if positive else "not 0000"}


def order(no_order: str, deliveries: list[dict[str, Any]], *, credits: int | None = 1, paid: str | None = "SUCCESS",
          scenario: str = "success", credit_error: str | None = None, unfinished: bool = False) -> dict[str, Any]:
    return {"no_order": no_order, "user_id": "u-" + no_order, "amount": "0.01", "channel": "web", "scenario": scenario,
            "seq": 1, "paid": paid, "unfinished": unfinished, "deliveries": deliveries, "not_listed": 0,
            "credits": credits, "credit_error": credit_error}


def value(*orders: dict[str, Any], books: bool = True, sign_type: str = "MD5") -> dict[str, Any]:
    return {"journal": "golive-sandbox", "runs": 1, "killed_runs": 0, "notify_sign_type": sign_type,
            "lianlian_key_sha256": ["ab" * 32],
            "credits": {"recipe": "live.credits" if books else None, "via": "command" if books else None,
                        "read": len(orders), "failed": 0, "not_read": 0},
            "orders": list(orders)}


def judge(check_id: str, evidence_value: dict[str, Any]) -> Any:
    from golive.registry import get_check

    check = get_check(check_id)
    assert check is not None and check.judge is not None
    module = importlib.import_module(check.module)
    bundle = Bundle()
    bundle.put("sandbox.notify", Evidence.ok(evidence_value))
    ctx = Context(profile=load_profile("base"), environment="integration", now=dt.datetime.now(dt.timezone.utc),
                  severity=Severity.BLOCKER)
    return module.judge(EvidenceView(bundle, check.meta.readable, check_id), ctx)
