"""Regenerates the example captures in this folder (deterministic: same output every run).

    python examples/captures/make_captures.py [OUT_DIR]

* ``integration.jsonl`` -- what the demo merchant (examples/demo_merchant, a real-name P2P merchant,
  category 2009, profile ``wealth_realname``) sends during integration testing: Web and WAP pay
  requests built by its own ``build_pay_request`` (RSA-signed with examples/keys), LianLian's
  MD5-signed notifications and the merchant's correct acknowledgements, a repeat payment reusing
  ``no_agree``. Clean for every capture check.
* ``browser.har`` -- the same kind of exchanges as a browser/proxy HAR export (with page noise).
* ``defect_*.jsonl`` -- one mistake each; `DEFECTS` names the check that must fail on it
  (tests/test_captures_examples.py runs every one through the engine).

Timestamps are fixed (November 2026) so the files do not change between runs; the requests that
need a deliberately wrong signature are MD5-signed and hashed here by hand, which is exactly the
mistake being reproduced (the correct ones go through golive.lianlian.sign).
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from golive.examples.demo_merchant.payreq import WAP_ACTION, WEB_ACTION, build_pay_request
from golive.examples.demo_merchant.people import CST, UserProfile, fake_profile, fmt14
from golive.examples.demo_merchant.settings import DemoSettings
from golive.lianlian.platform import ACK_SUCCESS
from golive.lianlian.sign import sign_params

HERE = Path(__file__).resolve().parent
KEYS = HERE.parent / "keys"
NOTIFY_URL = "https://pay.demo-merchant.example/llpay/notify"
RETURN_URL = "https://www.demo-merchant.example/pay/return"
ORDER_TIME = datetime(2026, 11, 25, 10, 0, 0, tzinfo=CST)
REGISTERED_BEFORE = datetime(2026, 10, 1, tzinfo=CST)

Line = dict[str, Any]


def _compact(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def demo_settings(md5_key: str | None = None, private_key: Any = None) -> DemoSettings:
    """The demo merchant with the example keys, or with the given MD5 key / RSA private key (tests)."""
    keys: dict[str, Any] = {}
    if md5_key is not None:
        keys["md5_key"] = md5_key
    if private_key is not None:
        keys["merchant_private_key"] = private_key
    return DemoSettings.from_example_keys(KEYS, notify_url=NOTIFY_URL, url_return=RETURN_URL, **keys)


def user(user_id: str) -> UserProfile:
    return fake_profile(user_id, registered_before=REGISTERED_BEFORE)


def pay_params(
    settings: DemoSettings, user_id: str, no_order: str, minute: int, *, channel: str = "web",
    no_agree: str | None = None, sign_type: str | None = None,
    risk: Callable[[dict[str, Any]], None] | None = None, edit: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """A signed pay request of the demo merchant at a fixed time, with optional edits before signing."""
    dt_order = fmt14(ORDER_TIME + timedelta(minutes=minute))
    built = build_pay_request(settings, user=user(user_id), no_order=no_order, money_order="0.01", dt_order=dt_order,
                              channel=channel, no_agree=no_agree, userreq_ip="203.0.113.7")
    params = dict(built["params"]) if channel == "web" else json.loads(built["req_data"])
    params.pop("sign")
    if "timestamp" in params:
        params["timestamp"] = dt_order  # build_pay_request stamps "now"; keep the files stable
    fields = json.loads(params["risk_item"])
    if risk:
        risk(fields)
    params["risk_item"] = _compact(fields)
    if edit:
        edit(params)
    kind = sign_type or settings.request_sign_type
    return sign_params(params, kind, md5_key=settings.md5_key, private_key=settings.merchant_private_key)


def pay_line(params: dict[str, Any], channel: str = "web") -> Line:
    if channel == "wap":
        return {"kind": "pay_request", "channel": "wap", "request": {"method": "POST", "url": WAP_ACTION},
                "params": {"req_data": _compact(params)}}
    return {"kind": "pay_request", "channel": channel, "request": {"method": "POST", "url": WEB_ACTION}, "params": params}


def notify_line(settings: DemoSettings, request: dict[str, Any], no_agree: str, paybill: str) -> Line:
    """LianLian's MD5-signed notification for a paid request and the merchant's correct answer."""
    who = user(request["user_id"])
    body = {
        "oid_partner": request["oid_partner"], "dt_order": request["dt_order"], "no_order": request["no_order"],
        "oid_paybill": paybill, "money_order": request["money_order"], "result_pay": "SUCCESS",
        "settle_date": request["dt_order"][:8], "info_order": request.get("info_order", ""), "pay_type": "D",
        "bank_code": "01020000", "no_agree": no_agree, "id_type": "0", "id_no": who.id_no, "acct_name": who.full_name,
    }
    signed = sign_params(body, "MD5", md5_key=settings.md5_key)
    return {"kind": "notify",
            "request": {"method": "POST", "url": NOTIFY_URL, "headers": {"Content-Type": "text/json;charset=utf-8"},
                        "body": _compact(signed)},
            "response": {"status": 200, "headers": {"Content-Type": "application/json;charset=utf-8"},
                         "body": _compact(ACK_SUCCESS), "elapsed_ms": 38}}


def clean_lines(settings: DemoSettings) -> list[Line]:
    first = pay_params(settings, "u1001", "DEMO20261125001", 0)
    wap = pay_params(settings, "u1002", "DEMO20261125002", 5, channel="wap")
    repeat = pay_params(settings, "u1001", "DEMO20261125003", 30, no_agree="2026112500001001")
    return [
        pay_line(first), notify_line(settings, first, "2026112500001001", "2026112500000101"),
        pay_line(wap, "wap"), notify_line(settings, wap, "2026112500001002", "2026112500000102"),
        pay_line(repeat), notify_line(settings, repeat, "2026112500001001", "2026112500000103"),
    ]


# --- defects --------------------------------------------------------------------------------------

def _md5_over(source: str, key: str) -> str:
    # The buggy merchant's own hashing over its wrong sign source (the defect being reproduced).
    return hashlib.md5((source + "&key=" + key).encode("utf-8")).hexdigest()


def _with_sign(params: dict[str, Any], source: str, settings: DemoSettings) -> dict[str, Any]:
    return {**params, "sign_type": "MD5", "sign": _md5_over(source, settings.md5_key)}


def _one(settings: DemoSettings, **kw: Any) -> list[Line]:
    channel = kw.get("channel", "web")
    return [pay_line(pay_params(settings, "u2001", "DEMO20261125101", 10, **kw), channel)]


def _del(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.pop(name)


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.update(values)


def _bad_check_digit(fields: dict[str, Any]) -> None:
    good = fields["user_info_id_no"]
    fields["user_info_id_no"] = good[:17] + ("0" if good[17] != "0" else "1")


def _nested(settings: DemoSettings) -> list[Line]:
    params = pay_params(settings, "u2001", "DEMO20261125101", 10, channel="wap")
    params["risk_item"] = json.loads(params["risk_item"])  # signed over the string, posted as an object
    return [pay_line(params, "wap")]


def _unsorted(settings: DemoSettings) -> list[Line]:
    params = pay_params(settings, "u2001", "DEMO20261125101", 10, sign_type="MD5")
    params = {k: v for k, v in params.items() if k != "sign"}
    source = "&".join(f"{k}={v}" for k, v in params.items() if k != "sign" and v)  # in insertion order
    return [pay_line(_with_sign(params, source, settings))]


def _empty_kept(settings: DemoSettings) -> list[Line]:
    params = pay_params(settings, "u2001", "DEMO20261125101", 10, sign_type="MD5", edit=_set(url_order="", back_url=""))
    params = {k: v for k, v in params.items() if k != "sign"}
    source = "&".join(f"{k}={params[k]}" for k in sorted(params))  # empty values kept
    return [pay_line(_with_sign(params, source, settings))]


def _url_encoded(settings: DemoSettings) -> list[Line]:
    params = pay_params(settings, "u2001", "DEMO20261125101", 10, sign_type="MD5")
    params = {k: v for k, v in params.items() if k != "sign"}
    source = "&".join(f"{k}={quote(params[k], safe='')}" for k in sorted(params) if params[k])
    return [pay_line(_with_sign(params, source, settings))]


def _broken_lines(settings: DemoSettings) -> list[Line | bytes]:
    good = pay_params(settings, "u2001", "DEMO20261125101", 10)
    return [pay_line(good), b'{"kind":"pay_request","params":{"acct_name":"\xd5\xc5\xc8\xfd"}}',
            b'{"kind":"pay_request","params":{"oid_partner":"201811230001000001",', b"not json at all"]


def _number_value(settings: DemoSettings) -> list[Line]:
    params = pay_params(settings, "u2001", "DEMO20261125101", 10, channel="wap")
    params["valid_order"] = int(params["valid_order"])  # the merchant's JSON encoder wrote a number
    return [pay_line(params, "wap")]


def _card_and_agree(settings: DemoSettings) -> list[Line]:
    return _one(settings, no_agree="2026112500002001", edit=_set(card_no="6222021234567890123"))


def _repeat_with_card(settings: DemoSettings) -> list[Line]:
    first = pay_params(settings, "u2001", "DEMO20261125101", 10, edit=_set(card_no="6222021234567890123"))
    again = pay_params(settings, "u2001", "DEMO20261125102", 40, edit=_set(card_no="6222021234567890123"))
    return [pay_line(first), notify_line(settings, first, "2026112500002001", "2026112500000201"), pay_line(again)]


DEFECTS: dict[str, tuple[str, str, Callable[[DemoSettings], list[Any]]]] = {
    "missing_field": ("LL-RSK-002", "risk_item lacks user_info_dt_register",
                      lambda s: _one(s, risk=_del("user_info_dt_register"))),
    "bad_id_checksum": ("LL-RSK-003", "user_info_id_no has a wrong GB 11643 check digit",
                        lambda s: _one(s, risk=_bad_check_digit, edit=lambda p: p.update(
                            id_no=json.loads(p["risk_item"])["user_info_id_no"]))),
    "impossible_date": ("LL-RSK-003", "user_info_dt_register is 30 February",
                        lambda s: _one(s, risk=_set(user_info_dt_register="20260230120000"))),
    "epoch_millis": ("LL-RSK-003", "user_info_dt_register sent as epoch milliseconds",
                     lambda s: _one(s, risk=_set(user_info_dt_register="1761962400000"))),
    "identify_type_missing": ("LL-RSK-003", "user_info_identify_state is 1 without user_info_identify_type",
                              lambda s: _one(s, risk=_del("user_info_identify_type"))),
    "register_after_order": ("LL-RSK-005", "user_info_dt_register is after dt_order",
                             lambda s: _one(s, risk=_set(user_info_dt_register="20261125113000"))),
    "name_mismatch": ("LL-RSK-005", "user_info_full_name differs from acct_name",
                      lambda s: _one(s, edit=_set(acct_name="李四"))),
    "nested_risk_item": ("LL-RSK-001", "risk_item posted as a nested object inside req_data", _nested),
    "wrong_category": ("LL-RSK-004", "frms_ware_category 1999 copied from a demo",
                       lambda s: _one(s, risk=_set(frms_ware_category="1999"))),
    "identity_unlocked": ("LL-RSK-006", "flag_modify 0 lets the user edit the identity",
                          lambda s: _one(s, edit=_set(flag_modify="0"))),
    "card_and_agree": ("LL-RSK-006", "card_no sent together with no_agree", _card_and_agree),
    "repeat_with_card": ("LL-RSK-006", "a repeat payment sends card_no instead of the known no_agree", _repeat_with_card),
    "unsorted_sign": ("LL-SIG-006", "MD5 sign computed over the keys in insertion order", _unsorted),
    "empty_kept_sign": ("LL-SIG-006", "MD5 sign computed with empty values kept", _empty_kept),
    "url_encoded_sign": ("LL-SIG-006", "MD5 sign computed over URL-encoded values", _url_encoded),
    "literal_null": ("LL-SIG-008", 'url_order sent as the text "null"', lambda s: _one(s, edit=_set(url_order="null"))),
    "number_value": ("LL-SIG-008", "valid_order sent as a JSON number (signed as its text)", _number_value),
    "broken_lines": ("", "a non-UTF-8 line, a truncated line and a non-JSON line beside one good request", _broken_lines),
}
"""defect file stem -> (check that must fail, what is wrong, builder)."""


# --- HAR ------------------------------------------------------------------------------------------

def _har_entry(method: str, url: str, *, form: dict[str, str] | None = None, body: str | None = None,
               mime: str = "", status: int = 200, response: str = "", started: str = "2026-11-25T10:00:00.000+08:00",
               time_ms: float = 120.0) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [],
                               "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1}
    if form is not None:
        text = urlencode(form)
        request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": text,
                               "params": [{"name": k, "value": v} for k, v in form.items()]}
    elif body is not None:
        request["postData"] = {"mimeType": mime, "text": body}
    return {"startedDateTime": started, "time": time_ms, "request": request,
            "response": {"status": status, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
                         "content": {"size": len(response), "mimeType": "text/html", "text": response},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 1, "wait": time_ms - 2, "receive": 1}}


def har_document(settings: DemoSettings) -> dict[str, Any]:
    web = pay_params(settings, "u1003", "DEMO20261125201", 50)
    wap = pay_params(settings, "u1004", "DEMO20261125202", 55, channel="wap")
    notify = notify_line(settings, web, "2026112500001003", "2026112500000301")
    return {"log": {
        "version": "1.2", "creator": {"name": "golive make_captures.py", "version": "1"},
        "pages": [{"startedDateTime": "2026-11-25T10:00:00.000+08:00", "id": "page_1", "title": "订单确认",
                   "pageTimings": {}}],
        "entries": [
            _har_entry("GET", "https://www.demo-merchant.example/pay/confirm?order=DEMO20261125201",
                       response="<html>…</html>"),
            _har_entry("GET", "https://www.demo-merchant.example/static/app.js", response="console.log(1)"),
            _har_entry("POST", WEB_ACTION, form=web, response="<html>收银台</html>"),
            _har_entry("POST", WAP_ACTION, form={"req_data": _compact(wap)}, response="<html>H5 收银台</html>"),
            _har_entry("POST", NOTIFY_URL, body=notify["request"]["body"], mime="text/json;charset=utf-8",
                       response=notify["response"]["body"], time_ms=38.0),
        ],
    }}


# --- writing --------------------------------------------------------------------------------------

def config_overrides(capture: Path | None = None, *, profile: str = "wealth_realname", category: str = "2009",
                     sign_type: str = "RSA") -> dict[str, Any]:
    """golive.yaml settings (besides keys) that go with these captures: merchant, profile, category.

    For tests and trials: ``config_factory(config_overrides(path))`` (keys come from the config).
    """
    overrides: dict[str, Any] = {
        "merchant": {"oid_partner": "201811230001000001", "profile": profile, "frms_ware_category": category},
        "signing": {"sign_type": sign_type, "notify_sign_type": "MD5"},
    }
    if capture is not None:
        overrides["evidence"] = {"captures": [str(capture)]}
    return overrides


def judge(config_factory: Callable[..., Path], run_checks: Callable[..., dict[str, Any]], directory: Path,
          lines: list[Any], check_id: str, **config: Any) -> dict[str, Any]:
    """Test glue: write `lines` as a capture, run one check through the real engine, return its result.

    `config_factory` / `run_checks` are golive's pytest fixtures; `config` goes to `config_overrides`.
    """
    path = write_jsonl(directory / "capture.jsonl", lines)
    result = run_checks(config_factory(config_overrides(path, **config)), check_id)
    return next(c for c in result["checks"] if c["id"] == check_id)


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    """Write capture lines (dicts, or raw bytes for deliberately broken lines) as JSON Lines."""
    with path.open("wb") as handle:
        for line in lines:
            handle.write(line if isinstance(line, bytes) else _compact(line).encode("utf-8"))
            handle.write(b"\n")
    return path


def write_all(out_dir: Path = HERE) -> list[Path]:
    """Write every example capture into `out_dir`; returns the files written."""
    settings = demo_settings()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "integration.jsonl"]
    write_jsonl(written[0], clean_lines(settings))
    for name, (_check, _why, build) in DEFECTS.items():
        path = out_dir / f"defect_{name}.jsonl"
        write_jsonl(path, build(settings))
        written.append(path)
    har = out_dir / "browser.har"
    har.write_text(json.dumps(har_document(settings), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(har)
    return written


__all__ = ["DEFECTS", "clean_lines", "config_overrides", "demo_settings", "har_document", "judge", "notify_line",
           "pay_line", "pay_params", "write_all", "write_jsonl"]

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in write_all(target):
        print(path)
