"""The sandbox's HTML: the cashier page, the synchronous-return form, result and error pages.

LianLian's cashier (收银台) is where the payer's browser lands after the merchant's page posts the
order (protocol.md §1: a form POST for Web, ``req_data`` for WAP). After a successful payment the
cashier sends the browser back to ``url_return`` with a POST form -- the fields one by one for Web,
a single ``res_data`` JSON field for WAP (§5.2). These pages do the same, in both languages.

Every page is self-contained: inline CSS and script carry a per-response nonce, and the
Content-Security-Policy allows nothing else (no external assets, no frames, forms only to the
sandbox itself or, for the return, to the ``url_return`` origin). Machine-readable results sit in
``data-*`` attributes of ``<main id="sandbox">`` so tests and scripts need not parse prose.
Personal data on the pages is masked as in reports (card 6+4, name's first character).
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Mapping
from urllib.parse import urlsplit

_STYLE = (
    "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:0;background:#f4f5f7;color:#222}"
    "header{background:#0b5cad;color:#fff;padding:14px 24px;font-size:18px}"
    "main{max-width:560px;margin:24px auto;background:#fff;border-radius:8px;padding:24px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.15)}"
    "table{width:100%;border-collapse:collapse}th{text-align:left;color:#666;font-weight:normal;padding:6px 0;"
    "width:40%}td{padding:6px 0}.amount{font-size:24px;color:#d4380d}"
    "button{font-size:16px;padding:10px 22px;margin:16px 12px 0 0;border-radius:4px;border:1px solid #0b5cad;"
    "cursor:pointer}button.pay{background:#0b5cad;color:#fff}button.fail{background:#fff;color:#0b5cad}"
    ".code{font-family:monospace;color:#a8071a}.note{color:#666;font-size:13px;margin-top:20px}"
    "ul{padding-left:18px}"
)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def csp(nonce: str, form_action: str = "'self'") -> str:
    return (f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
            f"form-action {form_action}; base-uri 'none'; frame-ancestors 'none'")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page(nonce: str, title: str, body: str, data: Mapping[str, str], script: str = "") -> str:
    attrs = "".join(f' data-{escape(k)}="{escape(v)}"' for k, v in data.items())
    tail = f"<script nonce=\"{nonce}\">{script}</script>" if script else ""
    return (
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{escape(title)}</title><style nonce=\"{nonce}\">{_STYLE}</style></head><body>"
        "<header>连连支付 · 认证支付（沙箱） / LianLian Pay · authentication payment (sandbox)</header>"
        f"<main id=\"sandbox\"{attrs}>{body}</main>{tail}</body></html>"
    )


def _rows(rows: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows) + "</table>"


def mask_name(name: str | None) -> str:
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def cashier_page(*, nonce: str, action: str, token: str, merchant: str, no_order: str, name_goods: str,
                 money_order: str, card_masked: str, holder: str | None, scenario: str) -> str:
    rows = [("商户 / Merchant", merchant), ("订单号 / Order", no_order), ("商品 / Goods", name_goods),
            ("银行卡 / Card", card_masked)]
    if holder:
        rows.append(("持卡人 / Card holder", mask_name(holder)))
    body = (
        "<h1>确认付款 / Confirm payment</h1>"
        f"<p class=\"amount\">¥ {escape(money_order)}</p>{_rows(rows)}"
        f"<form method=\"post\" action=\"{escape(action)}\">"
        f"<input type=\"hidden\" name=\"token\" value=\"{escape(token)}\">"
        "<button class=\"pay\" type=\"submit\" name=\"choice\" value=\"pay\">确认支付 / Pay</button>"
        "<button class=\"fail\" type=\"submit\" name=\"choice\" value=\"fail\">模拟支付失败 / Fail</button>"
        "</form>"
        "<p class=\"note\">这是 golive 沙箱的收银台，不会扣款。测试卡由沙箱生成。<br>"
        "This is the golive sandbox cashier: no money moves; the card is a sandbox test card.</p>"
    )
    return _page(nonce, "连连支付收银台 / LianLian cashier", body,
                 {"state": "cashier", "no-order": no_order, "scenario": scenario})


def return_page(*, nonce: str, url_return: str, fields: Mapping[str, str], no_order: str, result_pay: str) -> str:
    """The auto-submitting POST form to ``url_return`` (a button too, for browsers without script)."""
    hidden = "".join(f"<input type=\"hidden\" name=\"{escape(k)}\" value=\"{escape(v)}\">" for k, v in fields.items())
    body = (
        "<h1>支付成功 / Payment successful</h1>"
        "<p>正在返回商户页面… / Returning to the merchant…</p>"
        f"<form id=\"return\" method=\"post\" action=\"{escape(url_return)}\">{hidden}"
        "<button class=\"pay\" type=\"submit\">返回商户 / Back to the merchant</button></form>"
    )
    return _page(nonce, "支付成功 / Payment successful", body,
                 {"state": "return", "no-order": no_order, "result-pay": result_pay},
                 script="document.getElementById('return').submit();")


def result_page(*, nonce: str, state: str, no_order: str, result_pay: str, zh: str, en: str,
                ret_code: str = "0000") -> str:
    """A final page with no return: failure, processing, or success without url_return."""
    body = f"<h1>{escape(zh)} / {escape(en)}</h1>" + _rows([("订单号 / Order", no_order),
                                                             ("结果 / Result", result_pay)])
    return _page(nonce, f"{zh} / {en}", body,
                 {"state": state, "no-order": no_order, "result-pay": result_pay, "ret-code": ret_code})


def error_page(*, nonce: str, ret_code: str, ret_msg: str, problems: list[Mapping[str, object]]) -> str:
    """LianLian's cashier shows an error page for a refused order; this one lists every problem."""
    items = "".join(
        f"<li><span class=\"code\">{escape(str(p.get('code')))}</span> "
        f"{escape(str(p.get('field') or ''))}: {escape(str(p.get('message')))}</li>" for p in problems)
    body = (
        "<h1>订单无法支付 / The order was refused</h1>"
        f"<p><span class=\"code\">{escape(ret_code)}</span> {escape(ret_msg)}</p>"
        f"<ul>{items}</ul>"
        "<p class=\"note\">连连只返回第一个错误；沙箱列出发现的全部问题。<br>"
        "LianLian answers with the first error; the sandbox lists every problem it found.</p>"
    )
    return _page(nonce, f"{ret_code} {ret_msg}", body, {"state": "error", "ret-code": ret_code, "ret-msg": ret_msg})
