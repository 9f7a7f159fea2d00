"""No secret and no personal data in any report, in any language, and every format escapes what
it shows.

The main test runs the real `golive check` (config file on disk, keys, captures, a browser HAR,
ledger, waivers) with PLANTED secrets and personal data in every input -- an inline MD5 key, an
inline private-key PEM, full card numbers (plain, in groups with spaces, with dashes), a resident
ID number, mobiles (plain, +86 with groups, +86 glued on), full names under LianLian's field names
and under others (``payer``, ``holder``) -- in config values, captured requests, notifications and
their answers, HAR entries, ledger rows (broken rows whose cells the error notes quote included)
and a waiver. It writes every format in Chinese and in English (signed HTML included, progress on
standard error), re-renders them with `golive report`, and asserts that none of the planted values
appears in any output -- neither as written nor with its spaces and dashes removed -- while their
masked forms do (so the planted data really reached the reports). A ``<script>`` planted in the
merchant name and in captured values must appear only escaped, and the HTML must reference nothing
outside itself. Another test does the same for what a probed merchant answers.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml

from conftest import KeyPair, lianlian_public_pem, write_secret

MD5_KEY = "Planted_Md5_Key_9f8e7d6c5b4a3210"
CARD = "6222021234567890123"
OTHER_CARD = "6217001234567890987"
PHONE = "13812345678"
FULL_NAME = "张三丰"
SCRIPT = "<script>alert(1)</script>"
FORMATS = "text,json,junit,sarif,markdown,html"
# The shapes a field name alone does not catch (issue 9).
CARD_SPACED = "6222 0212 3456 7890 123"  # CARD, as people write it
CARD_DASHED = "6217-0012-3456-7890-987"  # OTHER_CARD
PHONE_CC = "+86 138 0013 8000"
PHONE_GLUED = "+8613600136000"
PHONE_86 = "86-139-0013-9000"
PAYER = "李四光"
HOLDER = "欧阳锋"
CONTROLS = "\x1b[2J\x1b]0;pwned\x07\x9b31m"
# Digits that must never appear whole, however the output spaces them.
DIGITS = (CARD, OTHER_CARD, PHONE, "13800138000", "13600136000", "13900139000")
# What masking them looks like: each must appear in some output, or the planted value never arrived.
MASKED = ("6222 02** **** ***0 123", "6217-00**-****-***0-987", "+86 138 **** 8000", "+86136****6000",
          "86-139-****-9000", "622202*********0123", "李**", "欧**")
MERCHANT = "201811230001000001"


def resident_id(body17: str) -> str:
    """A resident ID number with a valid GB 11643 check digit (so validators accept it)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


ID_NO = resident_id("11010119900307451")


def planted(private_pem: str) -> list[str]:
    body_lines = [line.strip() for line in private_pem.splitlines() if len(line.strip()) >= 16 and "-----" not in line]
    return [MD5_KEY, CARD, OTHER_CARD, ID_NO, PHONE, FULL_NAME, private_pem.strip(), *body_lines,
            CARD_SPACED, CARD_DASHED, PHONE_CC, PHONE_GLUED, PHONE_86, PAYER, HOLDER]


def pay_request(no_order: str, *, bad_sign: bool = False, phone: str = PHONE, full_name: str = FULL_NAME,
                card: str = CARD, **extra: str) -> dict[str, Any]:
    from golive.lianlian.sign import sign_params

    risk_item = json.dumps({
        "frms_ware_category": "2009", "user_info_mercht_userno": "u1001", "user_info_bind_phone": phone,
        "user_info_dt_register": "20250301120000", "user_info_full_name": full_name, "user_info_id_type": "0",
        "user_info_id_no": ID_NO, "user_info_identify_state": "1", "user_info_identify_type": "1",
    }, ensure_ascii=False, separators=(",", ":"))
    params = {
        "version": "1.0", "oid_partner": MERCHANT, "user_id": "u1001", "busi_partner": "101001",
        "no_order": no_order, "dt_order": "20261125100000", "name_goods": SCRIPT,
        "info_order": f"客户 {FULL_NAME} 电话 {PHONE} 卡 {CARD}", "money_order": "0.01",
        "notify_url": "https://pay.example.com/llpay/notify", "risk_item": risk_item,
        "id_type": "0", "id_no": ID_NO, "acct_name": FULL_NAME, "card_no": card, "flag_modify": "1", **extra,
    }
    signed = sign_params(params, "MD5", md5_key=MD5_KEY)
    if bad_sign:  # LL-SIG-006 then diagnoses the sign source: the MD5 key must not show up there
        signed["sign"] = "0" * 32
    return {"kind": "pay_request", "channel": "web", "params": signed}


def notification(no_order: str, answer: str | None = None) -> dict[str, Any]:
    from golive.lianlian.sign import sign_params

    body = sign_params({
        "oid_partner": MERCHANT, "dt_order": "20261125100000", "no_order": no_order,
        "oid_paybill": "2026112500000101", "money_order": "0.01", "result_pay": "SUCCESS", "settle_date": "20261125",
        "info_order": SCRIPT, "pay_type": "D", "bank_code": "01020000", "no_agree": "2026112500001001",
        "id_type": "0", "id_no": ID_NO, "acct_name": FULL_NAME, "card_no": CARD,
    }, "MD5", md5_key=MD5_KEY)
    return {"kind": "notify", "request": {"body": json.dumps(body, ensure_ascii=False)},
            "response": {"status": 200, "body": answer or f'{{"ret_code":"9999","ret_msg":"{SCRIPT} {PHONE}"}}'}}


def _har_entry(url: str, body: str, mime: str, answer: str) -> dict[str, Any]:
    """One HAR 1.2 entry, as browser devtools export it."""
    return {"startedDateTime": "2026-11-25T10:00:00.000+08:00", "time": 12.0,
            "request": {"method": "POST", "url": url, "httpVersion": "HTTP/1.1", "headers": [], "queryString": [],
                        "cookies": [], "headersSize": -1, "bodySize": -1, "postData": {"mimeType": mime, "text": body}},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
                         "content": {"size": len(answer), "mimeType": "text/plain", "text": answer},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 1, "wait": 10, "receive": 1}}


def write_merchant(tmp: Path, pair: KeyPair) -> Path:
    keys = tmp / "keys"
    keys.mkdir()
    write_secret(keys / "merchant_public.pem", pair.public_pem)
    write_secret(keys / "llpay_public.pem", lianlian_public_pem())
    write_secret(keys / "sign.pem", pair.private_pem)
    # Captures: LianLian's fields, other fields (payer, holder), the new shapes in free text and in
    # field values, an answer quoting them, and a broken (truncated) line holding them.
    captures = tmp / "captures.jsonl"
    records = [
        pay_request("DM20261125000001", payer=PAYER, holder=HOLDER,
                    info_order=f"卡 {CARD_SPACED} 电话 {PHONE_CC} {CONTROLS}"),
        pay_request("DM20261125000002", bad_sign=True),
        pay_request("DM20261125000003", phone=PHONE_GLUED, full_name=HOLDER, card=CARD_DASHED),
        notification("DM20261125000001", json.dumps({"ret_code": "9999", "ret_msg": f"{PHONE_CC} {CARD_SPACED} {CONTROLS}",
                                                     "payer": PAYER}, ensure_ascii=False)),
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.append(json.dumps({"kind": "pay_request", "params": {"card_no": CARD_SPACED, "payer": PAYER,
                                                               "phone": PHONE_86}}, ensure_ascii=False)[:-30])
    captures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A browser HAR: a pay request posted to LianLian's cashier and a notification exchange.
    from golive.lianlian.sign import sign_params

    web = {k: v for k, v in pay_request("DM20261125000009")["params"].items() if k != "sign"}
    # Stray spaces: LL-SIG-008 quotes these values, so they reach the reports (masked).
    web.update(payer=PAYER, info_order=f" {CARD_DASHED} {PHONE_86} ")
    har = {"log": {"version": "1.2", "creator": {"name": "devtools", "version": "1"}, "entries": [
        _har_entry("https://cashier.lianlianpay.com/payment/authpay.htm", urlencode(sign_params(web, "MD5", md5_key=MD5_KEY)),
                   "application/x-www-form-urlencoded", f"<html>收银台 {PHONE_CC}</html>"),
        _har_entry("https://pay.example.com/llpay/notify", notification("DM20261125000009")["request"]["body"],
                   "application/json", json.dumps({"ret_code": "9999", "ret_msg": f"{CARD_SPACED} {PHONE_GLUED} {CONTROLS}",
                                                   "holder": HOLDER}, ensure_ascii=False)),
    ]}}
    (tmp / "browser.har").write_text(json.dumps(har, ensure_ascii=False), encoding="utf-8")
    # Ledger: good rows, and broken rows whose cells the error notes quote.
    ledger = tmp / "ledger.csv"
    ledger.write_text(
        "user_id,kind,no_order,amount,card,time,status\n"
        f"u1001,payment,DM20261125000001,10.00,{CARD},20261125100005,success\n"
        f"u1001,withdrawal,W20261126000001,5.00,{OTHER_CARD},20261126100005,success\n"
        f"u1002,withdrawal,W20261126000002,5.00,{CARD_SPACED},{CARD_DASHED},success\n"
        f"u1003,payment,W20261126000003,电话{PHONE_CC},0123,20261126100007,success\n"
        f"{PHONE_GLUED},payment,W20261126000004,1.00,0123,20261126100008,success,{PHONE_86}\n"
        f"u1004,{CONTROLS},W20261126000005,1.00,0123,20261126100009,success\n", encoding="utf-8")
    waivers = tmp / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"waivers": [{
        "check": "LL-SIG-007", "approver": "王五", "expires": "2099-12-31",
        "justification": f"测试卡 {CARD}，{CARD_SPACED}，联系电话 {PHONE} {PHONE_CC}，身份证 {ID_NO}",
    }]}, allow_unicode=True), encoding="utf-8")
    config = {
        "merchant": {"oid_partner": MERCHANT, "name": f"{SCRIPT}示例理财 客服 {PHONE_CC} {CONTROLS}",
                     "profile": "wealth_realname", "frms_ware_category": "2009", "environment": "integration",
                     "channels": ["web", "wap"]},
        "signing": {"sign_type": "MD5", "notify_sign_type": "MD5", "md5_key": MD5_KEY,
                    "rsa_private_key": pair.private_pem, "rsa_public_key": {"file": "keys/merchant_public.pem"},
                    "lianlian_public_key": {"file": "keys/llpay_public.pem"}},
        "endpoints": {"notify_url": f"https://pay.example.com/llpay/notify?tel={PHONE_GLUED}&holder={HOLDER}",
                      "url_return": "https://www.example.com/pay/return"},
        "registration": {"domains": ["www.example.com", "pay.example.com"], "server_ips": ["203.0.113.10"]},
        "limits": {"production_opened": {"attested_by": f"连连 张经理 {PHONE_CC}", "date": "2026-11-20"}},
        "waivers": "waivers.yaml",
        "evidence": {"captures": ["captures.jsonl", "browser.har"], "ledger": "ledger.csv"},
    }
    path = tmp / "golive.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class _Page(HTMLParser):
    """Collects what a browser could fetch: attributes with URLs, scripts, styles, text."""

    URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href",
                 "manifest", "ping", "icon", "codebase", "archive", "longdesc", "cite", "usemap", "lowsrc", "dynsrc"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetches: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.styles: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        for name, value in attrs:
            if name in self.URL_ATTRS and value and not value.startswith("#"):
                self.fetches.append(f"<{tag} {name}={value}>")
            if name == "style" and value:
                self.styles.append(value)
        if tag == "script":
            self.scripts.append(data)
        if tag == "meta":
            self.metas.append(data)
        if tag == "link":
            self.links.append(data)
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)
        elif self._in is None:
            self.text.append(data)


def assert_self_contained(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    assert not page.fetches, page.fetches
    assert not page.links, page.links
    assert all(s.get("type") == "application/json" and "src" not in s for s in page.scripts), page.scripts
    for css in page.styles:
        assert "@import" not in css and "url(" not in css.replace("url(data:", ""), "CSS may not fetch anything"
    csp = [m for m in page.metas if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp and csp[0].get("content") == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return page


def assert_clean(name: str, text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{name} contains planted {secret[:12]!r}…"
    # The same numbers written any other way: spaces and dashes removed, the digits must not be there.
    squeezed = re.sub(r"[\s\-]", "", text)
    for digits in DIGITS + (ID_NO,):
        assert digits not in squeezed, f"{name} contains the digits of planted {digits[:6]}…"


RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def assert_script_escaped(name: str, text: str) -> None:
    """Markup formats must show a planted <script> as text, never as markup; no format may carry a
    raw control character (JSON escapes them, the others show them as \\x1b)."""
    assert not RAW_CONTROLS.search(text), f"{name} holds a raw control character {RAW_CONTROLS.search(text)!r}"
    if name.endswith(".html"):
        page = assert_self_contained(text)
        assert len(page.scripts) <= 2  # the embedded result and signature data blocks only
        assert "<script>alert" not in text
    elif name.endswith((".md", ".xml")):
        assert "<script" not in text, name
        if name.endswith(".xml"):
            ET.fromstring(text)  # still well-formed
    elif name.endswith((".json", ".sarif")):
        json.loads(text)


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from golive.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def files_of(folder: Path) -> dict[str, str]:
    return {f"{folder.name}/{path.name}": path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def assert_leak_free(outputs: dict[str, str], secrets: list[str]) -> None:
    for name, text in outputs.items():
        assert_clean(name, text, secrets)
        assert_script_escaped(name, text)
    joined = "\n".join(outputs.values())
    reached = [m for m in MASKED if m not in joined]
    assert not reached, f"planted values that never reached a report (the test proves nothing for them): {reached}"


def test_real_run_leaks_nothing_in_any_format_or_language(tmp_path: Path, merchant_pair: KeyPair,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = write_merchant(tmp_path, merchant_pair)
    outputs: dict[str, str] = {}
    for lang in ("zh", "en"):
        out = tmp_path / f"check-{lang}"
        code, console = run_cli(["check", str(config), "--format", FORMATS, "--lang", lang, "--output-dir", str(out),
                                 "--sign-with", str(tmp_path / "keys" / "sign.pem"), "--progress"], capsys)
        assert code in (1, 3), console  # the planted defects keep it from ready; never a crash (2)
        assert "golive: [" in console  # progress lines (standard error) are part of what is checked
        outputs[f"check-{lang}/console"] = console
        outputs.update(files_of(out))
    result = json.loads((tmp_path / "check-zh" / "result.json").read_text(encoding="utf-8"))
    # The run really judged the planted material: captures, HAR, ledger and waiver were read.
    assert {i["file"] for i in result["provenance"]["inputs"]} == {"captures.jsonl", "browser.har", "ledger.csv"}
    assert any(c["id"] == "LL-SIG-007" and c["findings"] for c in result["checks"])
    crd3 = next(c for c in result["checks"] if c["id"] == "LL-CRD-003")
    assert sum("unreadable ledger row" in f["message"]["en"] for f in crd3["findings"]) >= 3
    # Each source really brought planted values into the result (masked): the ledger's broken rows,
    # the HAR file, the captures, the config.
    def quoted(source: str) -> str:
        return json.dumps([f for c in result["checks"] for f in c["findings"]
                           if (f.get("location") or {}).get("file") == source], ensure_ascii=False)

    assert "6217-00**-****-***0-987" in quoted("ledger.csv") and "+86 138 **** 8000" in quoted("ledger.csv")
    assert "6217-00**-****-***0-987" in quoted("browser.har") and "86-139-****-9000" in quoted("browser.har")
    assert "+86136****6000" in quoted("captures.jsonl") and "欧**" in quoted("captures.jsonl")
    assert "+86 138 **** 8000" in result["merchant"]["name"]
    for lang in ("zh", "en"):
        again = tmp_path / f"report-{lang}"
        code, console = run_cli(["report", "--from", str(tmp_path / "check-zh" / "result.json"), "--format", FORMATS,
                                 "--lang", lang, "--output-dir", str(again)], capsys)
        assert code == 0, console
        outputs[f"report-{lang}/console"] = console
        outputs.update(files_of(again))
    assert len(outputs) == 4 * 6
    assert_leak_free(outputs, planted(merchant_pair.private_pem))
    # Staff still read the merchant number in every format, and the planted <script> reached the
    # report -- as text.
    for name, text in outputs.items():
        if not name.endswith("console") or "check-" in name:
            assert MERCHANT in text, name
    page = assert_self_contained(outputs["check-zh/report.html"])
    assert SCRIPT in "".join(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outputs["check-zh/report.html"]


def test_what_a_probed_merchant_answers_leaks_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A merchant's notification answer quoting personal data (and control sequences) is evidence of
    LL-NTF-002..: it must reach every report masked, in both languages."""
    from probe_support import fake_merchant, no_of, probe_config

    answer = json.dumps({"ret_code": "9999", "ret_msg": f"付款人 {PAYER} 电话 {PHONE_CC} 卡 {CARD_SPACED} {CONTROLS}",
                         "payer": PAYER, "holder": HOLDER, "mobile": PHONE_GLUED, "card": CARD_DASHED},
                        ensure_ascii=False)

    def notify(body: bytes, merchant: Any) -> tuple[int, str]:
        merchant.credit(no_of(body))
        return 200, answer

    outputs: dict[str, str] = {}
    with fake_merchant(notify) as (url, _):
        config = probe_config(tmp_path, url)
        for lang in ("zh", "en"):
            out = tmp_path / f"probe-{lang}"
            code, console = run_cli(["check", str(config), "--probe", "--select", "LL-NTF-002,LL-NTF-007",
                                     "--format", FORMATS, "--lang", lang, "--output-dir", str(out), "--progress"], capsys)
            assert code in (1, 3), console
            outputs[f"probe-{lang}/console"] = console
            outputs.update(files_of(out))
    result = json.loads((tmp_path / "probe-zh" / "result.json").read_text(encoding="utf-8"))
    assert next(c for c in result["checks"] if c["id"] == "LL-NTF-002")["status"] == "fail"
    secrets = [CARD_SPACED, CARD_DASHED, PHONE_CC, PHONE_GLUED, PAYER, HOLDER]
    for name, text in outputs.items():
        assert_clean(name, text, secrets)
        assert_script_escaped(name, text)
    joined = "\n".join(outputs.values())
    for masked in ("+86 138 **** 8000", "6222 02** **** ***0 123", "李**", "欧**"):
        assert masked in joined, masked


def test_fixture_with_planted_values_leaks_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The golden fixture plants raw personal data, secrets and control sequences in finding data,
    evidence and notes; `golive report --from` (the door a result from outside takes) must mask
    them in every format and language."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fixture_maker", Path(__file__).parent / "data" / "make_result_fixture.py")
    assert spec and spec.loader
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    p = maker.PLANTED
    secrets = [p["card"], p["id_no"], p["phone"], p["name"], p["md5_key"], p["pem_body"], p["id_no"][:-1],
               p["card_spaced"], p["card_dashed"], p["phone_cc"], p["phone_glued"], p["phone_dashed"], p["payer"],
               p["holder"]]
    source = tmp_path / "result.json"
    source.write_text(json.dumps(maker.document(), ensure_ascii=False), encoding="utf-8")
    raw = source.read_text(encoding="utf-8")
    assert all(s in raw for s in secrets[:6] + secrets[7:])  # really planted
    outputs: dict[str, str] = {}
    for lang in ("zh", "en"):
        code, console = run_cli(["report", "--from", str(source), "--format", FORMATS, "--lang", lang,
                                 "--output-dir", str(tmp_path / lang)], capsys)
        assert code == 0, console
        outputs[f"{lang}/console"] = console
        outputs.update(files_of(tmp_path / lang))
    for name, text in outputs.items():
        assert_clean(name, text, secrets)
        assert_script_escaped(name, text)
        assert "201811230001000001" in text or name.endswith("console"), name  # identifiers stay readable


def test_embedded_result_cannot_break_out_of_its_data_block() -> None:
    from golive.report_signing import result_from_html
    from golive.reporters.html import render
    from golive.result import Result

    result = json.loads((Path(__file__).parent / "data" / "result_fixture.json").read_text(encoding="utf-8"))
    hostile = "</script><script>alert(2)</script><!-- -->"
    result["checks"][0]["checked"] = {"zh": hostile, "en": hostile}
    html = render(Result.from_json(result, "fixture"), lang="zh")
    page = assert_self_contained(html)
    assert len(page.scripts) == 1
    assert result_from_html(html, "report.html")["checks"][0]["checked"]["zh"] == hostile
