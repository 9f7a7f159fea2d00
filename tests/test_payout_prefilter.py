"""The payouts gatherer passes over capture lines unread when they cannot hold a payout exchange
(golive.payout.exchanges.may_be_payout): it must never pass over one that does."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from golive.evidence.captures import iter_jsonl_records
from golive.payout.exchanges import api_of, may_be_payout

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PATHS = ["/paymentapi/payment.htm", "/paymentapi/confirmPayment.htm", "/queryPayment.htm", "/x/QUERYPAYMENT.HTM",
         "/PaymentApi/Payment.htm", "/traderapi/order.htm", "/payment/authpay.htm"]


def _is_payout(raw: bytes) -> bool:
    records = list(iter_jsonl_records(io.BytesIO(raw), "c.jsonl"))
    return any(not r.broken and api_of((r.request or {}).get("url"), r.params) is not None for r in records)


def test_every_example_line_that_is_a_payout_is_read() -> None:
    for path in sorted((EXAMPLES / "captures").glob("*.jsonl")):
        for raw in path.read_bytes().splitlines(keepends=True):
            if _is_payout(raw):
                assert may_be_payout(raw), f"{path.name}: a payout line would be passed over"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(path=st.sampled_from(PATHS), ascii_only=st.booleans(), upper=st.booleans(),
       where=st.sampled_from(["url", "params", "form", "body"]))
def test_escaped_or_cased_payout_lines_are_read(path: str, ascii_only: bool, upper: bool, where: str) -> None:
    url = "https://instantpay.lianlianpay.com" + (path.upper() if upper else path)
    if where == "url":
        line = {"request": {"method": "POST", "url": url, "body": "{}"}}
    elif where == "params":
        line = {"params": {"oid_partner": "1", "pay_load": "lianpay1_0_1$a$b$c$d$e"}}
    elif where == "form":
        line = {"params": "oid_partner=1&pay%5Fload=lianpay1_0_1"}
    else:
        line = {"request": {"method": "POST", "body": json.dumps({"oid_partner": "1", "pay_load": "x"})}}
    raw = (json.dumps(line, ensure_ascii=ascii_only) + "\n").encode("utf-8")
    escaped = raw.replace(b"pay_load", b"pay\\u005fload").replace(b"paymentapi", b"p\\u0061ymentapi")
    for candidate in (raw, escaped):
        if _is_payout(candidate):
            assert may_be_payout(candidate)


def test_ordinary_pay_requests_are_passed_over() -> None:
    raw = (EXAMPLES / "captures" / "integration.jsonl").read_bytes().splitlines(keepends=True)[0]
    assert not _is_payout(raw) and not may_be_payout(raw)
