"""The ways merchants get the sign source wrong (protocol.md §2.1, §2.6), as candidate sources.

When a request's sign does not verify, rebuilding its sign source with each known mistake and
testing the sign against it names the mistake that reproduces it -- far more use to a merchant than
"signature error" (LianLian's 1001). The mistakes, all seen in public merchant code:

* empty values kept (``key=``), keys in the order sent instead of sorted, or both;
* keys in Java's case-insensitive order (``String.CASE_INSENSITIVE_ORDER``, which LianLian's Java
  demos sort with, §2.1 step 3): for mixed-case field names it differs from plain order;
* values URL-encoded (``quote_plus`` or ``quote``) or trimmed before signing;
* ``sign_type`` left out of the source;
* the other channel's field set (App SDK orders leave the identity fields out, web ones do not);
* ``risk_item`` signed as another JSON text than the one posted (re-serialised after signing).

`candidate_sources` yields ``(mistake id, source)``; `MISTAKES` says what each id means, in both
languages. The test itself needs the key and lives with the key (`golive.signing`); the records'
sign observations (`golive.evidence.sign_observation`) keep only the id that matched.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping
from urllib.parse import quote, quote_plus

from golive import safe_json
from golive.lianlian import sign as llsign
from golive.lianlian.sign import APP_SDK_EXCLUDED, render_value, sign_source
from golive.model import Text

__all__ = ["MISTAKES", "candidate_sources"]

_URL_ENCODED = Text("签名时对值做了 URL 编码，规范要求用原值", "the sign was computed over URL-encoded values; values are signed verbatim")

MISTAKES: dict[str, Text] = {
    "empty_kept": Text("签名时保留了空值参数（key=），规范要求去掉空值",
                       "the sign was computed with empty values kept (key=); empty values must be dropped"),
    "unsorted": Text("签名时没有按键名排序（按提交顺序拼接），规范要求按键名升序",
                     "the sign was computed over the keys in the order sent, not sorted"),
    "empty_kept_unsorted": Text("签名时既没排序又保留了空值", "the sign was computed unsorted and with empty values kept"),
    "java_case_order": Text(
        "签名时按 Java 的不区分大小写顺序（String.CASE_INSENSITIVE_ORDER）排列了键，而字段名有大小写混用，与普通排序不同；连连的字段名都是小写，请用小写字段名",
        "the sign was computed with the keys in Java's case-insensitive order (String.CASE_INSENSITIVE_ORDER), "
        "which differs from plain order for these mixed-case field names; LianLian's field names are lower-case, "
        "send them lower-case"),
    "url_encoded_quote_plus": _URL_ENCODED,
    "url_encoded_quote": _URL_ENCODED,
    "trimmed": Text("签名时去掉了值两端的空格，规范要求用原值（Java 不去空格）",
                    "the sign was computed over trimmed values; values are signed verbatim (Java does not trim)"),
    "sign_type_left_out": Text("待签名串漏了 sign_type（sign_type 也参与签名）",
                               "sign_type was left out of the sign source; it is signed too"),
    "web_field_set": Text("App SDK 订单按网页字段集签名（含身份字段）；App SDK 规则不签身份字段",
                          "the App SDK order was signed with the web field set; App SDK orders leave the identity fields out"),
    "app_field_set": Text("按 App SDK 字段集签名（漏了身份字段），但请求是网页/WAP 渠道",
                          "the sign leaves out the identity fields (App SDK rule) but the request is web/WAP"),
    "risk_item_reserialised": Text(
        "签名用的 risk_item JSON 文本与提交的不同（签名后又重新序列化了？）；须对提交的原文签名",
        "the sign covers a different JSON text of risk_item than the one posted (re-serialised after signing?); "
        "sign the exact text you post"),
}
"""Mistake id -> what it means (the finding LL-SIG-006 writes)."""


def _join(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


def _kept(value: str) -> bool:
    # The old-demo rule (NullRule.OLD_DEMO): empty and literal "null" values leave the source.
    return bool(value) and not (len(value) == 4 and value.lower() == "null")


def candidate_sources(params: Mapping[str, Any], exclude: frozenset[str], app: bool) -> Iterator[tuple[str, str]]:
    """(mistake id, the sign source that mistake builds) for each mistake that applies to `params`
    (`exclude`: fields the channel leaves out; `app`: an App SDK order), cheapest first."""
    pairs = [(k, render_value(v)) for k, v in params.items() if k != "sign" and k not in exclude]
    kept = [(k, v) for k, v in pairs if _kept(v)]
    ordered = sorted(kept)
    if any(not v for _, v in pairs):
        yield "empty_kept", _join(sorted(pairs))
    if kept != ordered:
        yield "unsorted", _join(kept)
        if len(pairs) != len(kept):
            yield "empty_kept_unsorted", _join(pairs)
    if llsign.has_mixed_case_order(params):
        yield "java_case_order", sign_source(params, exclude=exclude, case_insensitive=True)
    for encode, how in ((quote_plus, "quote_plus"), (quote, "quote")):
        # errors="replace": a lone surrogate encodes as "?" (%3F), as Java's URLEncoder does
        encoded = [(k, encode(v, safe="", errors="replace")) for k, v in ordered]
        if encoded != ordered:
            yield f"url_encoded_{how}", _join(encoded)
    trimmed = [(k, v.strip()) for k, v in ordered if _kept(v.strip())]
    if trimmed != ordered:
        yield "trimmed", _join(trimmed)
    yield "sign_type_left_out", sign_source(params, exclude=exclude | {"sign_type"})
    if app:
        yield "web_field_set", sign_source(params)
    else:
        yield "app_field_set", sign_source(params, exclude=APP_SDK_EXCLUDED)
    yield from _risk_item_sources(params, exclude)


def _risk_item_sources(params: Mapping[str, Any], exclude: frozenset[str]) -> Iterator[tuple[str, str]]:
    text = params.get("risk_item")
    try:
        obj = safe_json.loads(text) if isinstance(text, str) else text
    except ValueError:  # JSONInputError too: not JSON, too deep, a number too long
        return
    if not isinstance(obj, dict):
        return
    posted = render_value(text)
    seen = {posted}
    for dumps_kw in ({"ensure_ascii": False}, {}, {"separators": (",", ":")}):
        alt = json.dumps(obj, default=str, **dumps_kw)
        if alt in seen:
            continue
        seen.add(alt)
        yield "risk_item_reserialised", sign_source({**params, "risk_item": alt}, exclude=exclude)
