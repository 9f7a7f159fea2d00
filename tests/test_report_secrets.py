"""No secret and no personal data in any report, and every format escapes what it shows.

The main test runs the real `golive check` (config file on disk, keys, captures, ledger, waivers)
with PLANTED secrets and personal data -- an inline MD5 key, an inline private-key PEM, a full card
number, a resident ID number, a mobile number and a full name in captured requests, notifications,
the ledger and a waiver -- writes every format (signed HTML included), re-renders them in English
with `golive report`, and asserts that none of the planted values appears in any output. A
``<script>`` planted in the merchant name and in captured values must appear only escaped, and the
HTML must reference nothing outside itself.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

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


def resident_id(body17: str) -> str:
    """A resident ID number with a valid GB 11643 check digit (so validators accept it)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


ID_NO = resident_id("11010119900307451")


def planted(private_pem: str) -> list[str]:
    body_lines = [line.strip() for line in private_pem.splitlines() if len(line.strip()) >= 16 and "-----" not in line]
    return [MD5_KEY, CARD, OTHER_CARD, ID_NO, PHONE, FULL_NAME, private_pem.strip(), *body_lines]


def pay_request(no_order: str, *, bad_sign: bool = False) -> dict[str, Any]:
    from golive.lianlian.sign import sign_params

    risk_item = json.dumps({
        "frms_ware_category": "2009", "user_info_mercht_userno": "u1001", "user_info_bind_phone": PHONE,
        "user_info_dt_register": "20250301120000", "user_info_full_name": FULL_NAME, "user_info_id_type": "0",
        "user_info_id_no": ID_NO, "user_info_identify_state": "1", "user_info_identify_type": "1",
    }, ensure_ascii=False, separators=(",", ":"))
    params = {
        "version": "1.0", "oid_partner": "201811230001000001", "user_id": "u1001", "busi_partner": "101001",
        "no_order": no_order, "dt_order": "20261125100000", "name_goods": SCRIPT,
        "info_order": f"客户 {FULL_NAME} 电话 {PHONE} 卡 {CARD}", "money_order": "0.01",
        "notify_url": "https://pay.example.com/llpay/notify", "risk_item": risk_item,
        "id_type": "0", "id_no": ID_NO, "acct_name": FULL_NAME, "card_no": CARD, "flag_modify": "1",
    }
    signed = sign_params(params, "MD5", md5_key=MD5_KEY)
    if bad_sign:  # LL-SIG-006 then diagnoses the sign source: the MD5 key must not show up there
        signed["sign"] = "0" * 32
    return {"kind": "pay_request", "channel": "web", "params": signed}


def notification(no_order: str) -> dict[str, Any]:
    from golive.lianlian.sign import sign_params

    body = sign_params({
        "oid_partner": "201811230001000001", "dt_order": "20261125100000", "no_order": no_order,
        "oid_paybill": "2026112500000101", "money_order": "0.01", "result_pay": "SUCCESS", "settle_date": "20261125",
        "info_order": SCRIPT, "pay_type": "D", "bank_code": "01020000", "no_agree": "2026112500001001",
        "id_type": "0", "id_no": ID_NO, "acct_name": FULL_NAME, "card_no": CARD,
    }, "MD5", md5_key=MD5_KEY)
    return {"kind": "notify", "request": {"body": json.dumps(body, ensure_ascii=False)},
            "response": {"status": 200, "body": f'{{"ret_code":"9999","ret_msg":"{SCRIPT} {PHONE}"}}'}}


def write_merchant(tmp: Path, pair: KeyPair) -> Path:
    keys = tmp / "keys"
    keys.mkdir()
    write_secret(keys / "merchant_public.pem", pair.public_pem)
    write_secret(keys / "llpay_public.pem", lianlian_public_pem())
    write_secret(keys / "sign.pem", pair.private_pem)
    captures = tmp / "captures.jsonl"
    records = [pay_request("DM20261125000001"), pay_request("DM20261125000002", bad_sign=True),
               notification("DM20261125000001")]
    captures.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    ledger = tmp / "ledger.csv"
    ledger.write_text(
        "user_id,kind,no_order,amount,card,time,status\n"
        f"u1001,payment,DM20261125000001,10.00,{CARD},20261125100005,success\n"
        f"u1001,withdrawal,W20261126000001,5.00,{OTHER_CARD},20261126100005,success\n", encoding="utf-8")
    waivers = tmp / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"waivers": [{
        "check": "LL-SIG-007", "approver": "王五", "expires": "2099-12-31",
        "justification": f"测试卡 {CARD}，联系电话 {PHONE}，身份证 {ID_NO}",
    }]}, allow_unicode=True), encoding="utf-8")
    config = {
        "merchant": {"oid_partner": "201811230001000001", "name": f"{SCRIPT}示例理财", "profile": "wealth_realname",
                     "frms_ware_category": "2009", "environment": "integration", "channels": ["web", "wap"]},
        "signing": {"sign_type": "MD5", "notify_sign_type": "MD5", "md5_key": MD5_KEY,
                    "rsa_private_key": pair.private_pem, "rsa_public_key": {"file": "keys/merchant_public.pem"},
                    "lianlian_public_key": {"file": "keys/llpay_public.pem"}},
        "endpoints": {"notify_url": "https://pay.example.com/llpay/notify", "url_return": "https://www.example.com/pay/return"},
        "registration": {"domains": ["www.example.com", "pay.example.com"], "server_ips": ["203.0.113.10"]},
        "waivers": "waivers.yaml",
        "evidence": {"captures": ["captures.jsonl"], "ledger": "ledger.csv"},
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


def assert_script_escaped(name: str, text: str) -> None:
    """Markup formats must show a planted <script> as text, never as markup."""
    if name.endswith(".html"):
        page = assert_self_contained(text)
        assert len(page.scripts) <= 2  # the embedded result and signature data blocks only
        assert "<script>alert" not in text
    elif name.endswith((".md", ".xml")):
        assert "<script" not in text, name
        if name.endswith(".xml"):
            ET.fromstring(text)  # still well-formed


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from golive.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_real_run_leaks_nothing_in_any_format(tmp_path: Path, merchant_pair: KeyPair,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = write_merchant(tmp_path, merchant_pair)
    out = tmp_path / "out"
    code, console = run_cli(["check", str(config), "--format", FORMATS, "--output-dir", str(out),
                             "--sign-with", str(tmp_path / "keys" / "sign.pem"), "--no-progress"], capsys)
    assert code in (1, 3), console  # the planted defects keep it from ready; never a crash (2)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    # The run really judged the planted material: captures, ledger and waiver were read.
    assert {i["kind"] for i in result["provenance"]["inputs"]} == {"captures", "ledger"}
    assert any(c["id"] == "LL-SIG-007" and c["findings"] for c in result["checks"])
    en = tmp_path / "en"
    code_en, console_en = run_cli(["report", "--from", str(out / "result.json"), "--format", FORMATS,
                                   "--lang", "en", "--output-dir", str(en)], capsys)
    assert code_en == 0, console_en
    secrets = planted(merchant_pair.private_pem)
    outputs = {"console": console, "console-en": console_en}
    for folder in (out, en):
        for path in sorted(folder.iterdir()):
            outputs[f"{folder.name}/{path.name}"] = path.read_text(encoding="utf-8")
    assert len(outputs) == 2 + 2 * 5
    for name, text in outputs.items():
        assert_clean(name, text, secrets)
        assert_script_escaped(name, text)
    # The planted <script> did reach the report -- as text.
    page = assert_self_contained(outputs["out/report.html"])
    assert SCRIPT in "".join(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outputs["out/report.html"]


def test_fixture_with_planted_values_leaks_nothing() -> None:
    """The golden fixture plants raw personal data and secrets in finding data and evidence; the
    reporters' safety net must mask them in every format."""
    import importlib.util

    from golive.reporters import FORMATS as ALL, render

    spec = importlib.util.spec_from_file_location("fixture_maker", Path(__file__).parent / "data" / "make_result_fixture.py")
    assert spec and spec.loader
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    p = maker.PLANTED
    secrets = [p["card"], p["id_no"], p["phone"], p["name"], p["md5_key"], p["pem_body"], p["id_no"][:-1]]
    result = maker.build()
    raw = json.dumps(result, ensure_ascii=False)
    assert all(s in raw for s in secrets[:6])  # really planted
    for fmt in ALL:
        for lang in ("zh", "en"):
            text = render(result, fmt, lang=lang)
            name = {"html": "x.html", "markdown": "x.md", "junit": "x.xml"}.get(fmt, fmt)
            assert_clean(f"{fmt}/{lang}", text, secrets)
            assert_script_escaped(name, text)


def test_embedded_result_cannot_break_out_of_its_data_block() -> None:
    from golive.reporters.html import render
    from golive.report_signing import result_from_html

    result = json.loads((Path(__file__).parent / "data" / "result_fixture.json").read_text(encoding="utf-8"))
    hostile = "</script><script>alert(2)</script><!-- -->"
    result["checks"][0]["checked"] = {"zh": hostile, "en": hostile}
    html = render(result, lang="zh")
    page = assert_self_contained(html)
    assert len(page.scripts) == 1
    assert result_from_html(html, "report.html")["checks"][0]["checked"]["zh"] == hostile
