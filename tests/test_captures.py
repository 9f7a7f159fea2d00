"""The capture reader: JSON Lines and HAR become CaptureRecords, broken lines become broken records."""

from __future__ import annotations

import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from golive.errors import InputError
from golive.evidence import captures as captures_module
from golive.evidence import har as har_module
from golive.evidence.captures import iter_capture_records

NOTIFY = {"oid_partner": "201811230001000001", "no_order": "N1", "result_pay": "SUCCESS", "sign_type": "MD5",
          "sign": "abc", "money_order": "0.01"}


def read(path: Path, display: str = "cap.jsonl") -> list:
    return list(iter_capture_records(path, display))


def jsonl(tmp_path: Path, *lines: object, name: str = "cap.jsonl") -> Path:
    path = tmp_path / name
    with path.open("wb") as handle:
        for line in lines:
            handle.write(line if isinstance(line, bytes) else json.dumps(line, ensure_ascii=False).encode())
            handle.write(b"\n")
    return path


def test_params_in_every_accepted_shape(tmp_path):
    risk = json.dumps({"frms_ware_category": "2009"})
    inner = {"oid_partner": "1", "sign": "s", "risk_item": {"a": 1}, "money_order": 1.50}
    path = jsonl(
        tmp_path,
        {"kind": "pay_request", "channel": "web", "params": {"oid_partner": "1", "risk_item": risk}},
        {"kind": "pay_request", "params": {"req_data": json.dumps(inner)}},
        {"kind": "pay_request", "req_data": json.dumps(inner)},
        {"kind": "pay_request", "params": "oid_partner=1&sign=ab+c%2B&risk_item=%7B%7D&userreq_ip=1_2_3_4"},
        {"kind": "pay_request", "request": {"method": "POST", "body": "oid_partner=2&sign=x",
                                            "headers": {"Content-Type": "application/x-www-form-urlencoded"}}},
        {"kind": "return", "channel": "wap", "params": {"res_data": json.dumps(NOTIFY)}},
        {"kind": "notify", "request": {"body": json.dumps(NOTIFY)},
         "response": {"status": 200, "body": "{\"ret_code\":\"0000\"}", "elapsed_ms": 12}},
        {"kind": "withdraw", "request": {"body": {"user": "u1", "amount": "1.00"}}},
        {"kind": "refund_maybe", "params": {"x": "1"}},
        {"channel": "Android", "params": {"oid_partner": "1", "sign": "s", "risk_item": risk, "busi_partner": "101001"}},
    )
    records = read(path)
    assert [r.kind for r in records] == ["pay_request"] * 5 + ["return", "notify", "withdraw", "other", "pay_request"]
    web, wap, top, form, body, ret, notify, withdraw, other, app = records
    assert web.channel == "web" and web.line == 1 and web.wrapped == "object"
    assert web.risk_item().state == "string" and web.risk_item().fields == {"frms_ware_category": "2009"}
    # req_data keeps JSON types: a nested risk_item stays an object, a fraction keeps its text
    assert wap.channel == "wap" and wap.wrapped == "req_data" and wap.params["risk_item"] == {"a": 1}
    assert wap.params["money_order"] == Decimal("1.50") and wap.risk_item().state == "nested"
    assert top.params == wap.params
    assert form.params["sign"] == "ab c+" and form.channel == "web"  # '+' is a space in a form, as at LianLian
    assert body.params == {"oid_partner": "2", "sign": "x"} and body.wrapped == "form"
    assert ret.params["no_order"] == "N1" and ret.wrapped == "res_data"
    assert notify.params == NOTIFY and notify.response["status"] == 200 and notify.response["elapsed_ms"] == 12.0
    assert notify.request["body"] == json.dumps(NOTIFY)
    assert withdraw.params == {"user": "u1", "amount": "1.00"}
    assert other.params == {"x": "1"}
    assert app.channel == "app" and app.kind == "pay_request"  # no kind: classified by shape
    assert str(notify.location("result_pay")) == "cap.jsonl:7#result_pay"


def test_broken_lines_are_broken_records_naming_the_line(tmp_path):
    path = jsonl(
        tmp_path,
        b"\xef\xbb\xbf" + json.dumps({"kind": "pay_request", "params": {"a": "1"}}).encode(),
        b"",
        b"   ",
        b'{"kind":"pay_request","params":{"acct_name":"\xd5\xc5"}}',
        b'{"kind":"pay_request","params":{"a":',
        b"[1, 2]",
        json.dumps({"kind": "pay_request", "params": {"req_data": "{not json"}}).encode(),
        json.dumps({"kind": "pay_request", "params": 42}).encode(),
        json.dumps({"kind": "notify", "request": {"body": "<xml/>"}}).encode(),
        b'{"kind":"pay_request","params":{"ok":"yes"}}',
    )
    records = read(path)
    assert [(r.line, r.broken) for r in records] == [
        (1, False), (4, True), (5, True), (6, True), (7, True), (8, True), (9, True), (10, False)]
    errors = {r.line: r.error for r in records if r.broken}
    assert "not UTF-8" in errors[4] and "byte 46 " in errors[4]
    assert "not valid JSON" in errors[5]
    assert "JSON object" in errors[6]
    assert "req_data is not valid JSON" in errors[7]
    assert "params must be" in errors[8]
    assert "neither JSON nor a form" in errors[9]
    assert records[0].params == {"a": "1"}  # the BOM is not part of the first line


def test_an_overlong_line_is_skipped_without_being_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(captures_module, "MAX_LINE_BYTES", 64)
    path = jsonl(tmp_path, {"kind": "other", "params": {"x": "y" * 500}}, {"kind": "other", "params": {"x": "1"}})
    records = read(path)
    assert records[0].broken and "longer than" in records[0].error and records[0].line == 1
    assert records[1].line == 2 and records[1].params == {"x": "1"}


def test_unreadable_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read capture file"):
        read(tmp_path / "missing.jsonl")


def _har(tmp_path: Path, entries: list, name: str = "b.har", **extra: object) -> Path:
    doc = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, **extra, "entries": entries}}
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _entry(method: str, url: str, text: str | None = None, mime: str = "application/x-www-form-urlencoded",
           status: int = 200, response: str = "") -> dict:
    request = {"method": method, "url": url, "headers": [{"name": "Content-Type", "value": mime}]}
    if text is not None:
        request["postData"] = {"mimeType": mime, "text": text}
    return {"time": 42.5, "request": request, "response": {"status": status, "content": {"text": response}}}


def test_har_finds_lianlian_exchanges_and_skips_page_noise(tmp_path):
    pay = {"oid_partner": "1", "sign_type": "MD5", "sign": "s", "risk_item": "{}", "busi_partner": "101001"}
    from urllib.parse import urlencode

    entries = [
        _entry("GET", "https://shop.example/page"),
        _entry("POST", "https://cashier.lianlianpay.com/payment/authpay.htm", urlencode(pay)),
        _entry("POST", "https://wap.lianlianpay.com/authpay.htm", urlencode({"req_data": json.dumps(pay)})),
        _entry("POST", "https://shop.example/api/track", '{"event":"click"}', "application/json"),
        _entry("POST", "https://pay.shop.example/llpay/notify", json.dumps(NOTIFY), "text/json;charset=utf-8",
               response='{"ret_code":"0000","ret_msg":"交易成功"}'),
        _entry("POST", "https://queryapi.lianlianpay.com/orderquery.htm",
               json.dumps({"oid_partner": "1", "sign_type": "RSA", "sign": "x", "no_order": "N1"}), "application/json"),
        _entry("POST", "https://www.shop.example/pay/return", urlencode({"res_data": json.dumps(NOTIFY)})),
    ]
    path = _har(tmp_path, entries, pages=[{"id": "p", "title": "entries: [ tricky ]"}])
    records = read(path, "b.har")
    assert [(r.line, r.kind, r.channel) for r in records] == [
        (2, "pay_request", "web"), (3, "pay_request", "wap"), (5, "notify", None), (6, "query", "api"),
        (7, "return", "wap")]
    assert all(r.source == "har" and not r.broken for r in records)
    assert records[0].params == pay and records[1].params == pay
    assert records[2].response["status"] == 200 and "0000" in records[2].response["body"]
    assert records[2].response["elapsed_ms"] == 42.5


def test_a_json_document_opening_with_log_is_read_as_har_whatever_its_name(tmp_path):
    path = _har(tmp_path, [], name="export.json")
    assert read(path) == []


@pytest.mark.parametrize(("text", "needle"), [
    ('{"log": {"version": "1.2"}}', "no log.entries"),
    ('{"log": {"entries": [ {"request": {"method": "POST"}}, {"request": ', "not valid JSON"),
    ('{"log": {"entries": [ 1 ]}}', "without a request"),
    ('{"log": {"entries": [] ', "expected"),
])
def test_a_broken_har_is_one_broken_record_saying_where(tmp_path, text, needle):
    path = tmp_path / "bad.har"
    path.write_text(text, encoding="utf-8")
    records = read(path, "bad.har")
    assert records and records[-1].broken and needle in records[-1].error


def test_non_utf8_har_is_a_broken_record(tmp_path):
    path = tmp_path / "latin.har"
    path.write_bytes(b'{"log": {"entries": [{"request": {"method": "GET", "url": "\xe9"}}]}}')
    records = read(path, "latin.har")
    assert len(records) == 1 and records[0].broken and "not UTF-8" in records[0].error


def test_har_entries_are_streamed_not_loaded(tmp_path, monkeypatch):
    """A 2,000-entry HAR (~4 MB) is read with a small window: memory stays near one chunk."""
    monkeypatch.setattr(har_module, "_CHUNK", 16 * 1024)
    pay = {"oid_partner": "1", "sign": "s", "risk_item": "{}", "busi_partner": "101001", "pad": "x" * 1500}
    from urllib.parse import urlencode

    body = urlencode(pay)
    entries = [_entry("POST", "https://cashier.lianlianpay.com/payment/authpay.htm", body) for _ in range(2000)]
    path = _har(tmp_path, entries)
    size = path.stat().st_size
    tracemalloc.start()
    count = sum(1 for _ in iter_capture_records(path, "big.har"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 2000
    assert size > 4_000_000 and peak < size / 4


def test_an_oversized_har_entry_is_skipped_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(har_module, "_CHUNK", 256)
    monkeypatch.setattr(har_module, "MAX_ENTRY_CHARS", 2000)
    pay = {"oid_partner": "1", "sign": "s", "risk_item": "{}", "busi_partner": "101001"}
    from urllib.parse import urlencode

    tricky = 'x"}]{[\\"\\\\' * 800  # quotes, brackets and escapes inside a string must not end the entry
    entries = [_entry("GET", "https://shop.example/video", response=tricky),
               _entry("POST", "https://cashier.lianlianpay.com/payment/authpay.htm", urlencode(pay))]
    records = read(_har(tmp_path, entries), "big.har")
    assert [(r.line, r.broken) for r in records] == [(1, True), (2, False)]
    assert "larger than" in records[0].error and records[1].params == pay
