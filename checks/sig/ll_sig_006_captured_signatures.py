"""LL-SIG-006 -- every captured request's ``sign`` verifies over the canonical sign source.

Background (protocol.md §2.1-§2.3, [VERIFIED]): the sign source is every parameter except
``sign`` (``sign_type`` included), empty values dropped, keys sorted, ``key=value`` joined with
``&``, values verbatim (no URL-encoding, no trimming); ``risk_item`` is signed as the exact JSON text
posted. MD5 appends ``&key=`` + the merchant key; RSA is MD5withRSA checked with the public key the
merchant uploaded to the merchant site. LianLian answers a mismatch with 1001 (签名错误).

Each captured merchant request (pay requests, queries, other signed API calls) is verified with
the configured keys (the ``signing`` evidence: `golive.signing.SigningMaterial`); App SDK orders (channel ``app``)
leave the identity fields out of the source (`APP_SDK_EXCLUDED`, §2.1, [1 SOURCE]). When a sign
fails, the check tries the mistakes seen in public code (§2.6) and names the one that reproduces
it: empty values kept (``key=``), keys in the order sent instead of sorted, URL-encoded or trimmed
values, ``sign_type`` left out, the other channel's field set, ``risk_item`` signed as a different
JSON text than posted, and keys in Java's case-insensitive order (``String.CASE_INSENSITIVE_ORDER``,
which LianLian's Java demos sort with, §2.1 step 3): for mixed-case field names it differs from
plain order, so a sign made that way fails here and the finding says so. A lone UTF-16 surrogate
(a cut-off emoji) is signed as ``?``, as Java's UTF-8 encoder writes it (`golive.lianlian.sign.java_utf8`). A sign that verifies only with literal ``"null"`` values kept (the newer
SDK rule) passes LianLian's server or not -- which rule it applies is UNCERTAIN (§2.1, §11) -- so that
is reported at low severity. Records whose method's key is not configured cannot be judged.

Diagnosis tests candidate sources against the sign with the signing material's matcher (which holds
the key; the check never sees it). The signing library's result code (`VerifyCode`), not its prose,
says why a request is malformed.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping
from urllib.parse import quote, quote_plus

from golive.lianlian import sign as llsign
from golive.lianlian.sign import APP_SDK_EXCLUDED, NullRule, VerifyCode, render_value, sign_source
from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Severity,
    Text,
    safe_json,
)

META = CheckMeta(
    id="LL-SIG-006",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("抓包中每个请求的 sign 都能按规范待签名串验签通过",
               "every captured request's sign verifies over the canonical sign source"),
    rationale=Text(
        "待签名串规则：去掉 sign、去掉空值、按键名排序、key=value 用 & 连接、值原样（不编码不去空格），risk_item 按提交的 JSON 原文签名；算错任何一步，连连都返回 1001 签名错误。",
        "The sign source drops sign and empty values, sorts the keys, joins key=value with &, and uses values "
        "verbatim (no URL-encoding, no trimming), risk_item as the exact JSON text posted; any deviation gets "
        "LianLian's 1001 (signature error).",
    ),
    remediation=Text(
        "按 protocol.md §2.1 生成待签名串（可用 `golive sign` 对照），签名后原样提交这些值；不要在签名后修改、编码或重新序列化任何参数。",
        "Build the sign source exactly as protocol.md §2.1 says (compare with `golive sign`) and post exactly the "
        "values you signed; never modify, encode or re-serialise a parameter after signing.",
    ),
    references=("guide 二 安全签名机制", "protocol.md §2.1, §2.2, §2.3, §2.6"),
    needs=("signing",),
    stream="captures",
)

DIAGNOSE_LIMIT = 25  # failures explained per run; later ones are reported without the (costly) search


def _join(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


def _kept(value: str) -> bool:
    # The old-demo rule (NullRule.OLD_DEMO): empty and literal "null" values leave the source.
    return bool(value) and not (len(value) == 4 and value.lower() == "null")


def _variants(params: Mapping[str, Any], exclude: frozenset[str], app: bool) -> Iterator[tuple[str, Text, str]]:
    """(id, explanation, candidate source) for each known way of getting the sign source wrong."""
    pairs = [(k, render_value(v)) for k, v in params.items() if k != "sign" and k not in exclude]
    kept = [(k, v) for k, v in pairs if _kept(v)]
    ordered = sorted(kept)
    if any(not v for _, v in pairs):
        yield "empty_kept", Text("签名时保留了空值参数（key=），规范要求去掉空值",
                                 "the sign was computed with empty values kept (key=); empty values must be dropped"), \
            _join(sorted(pairs))
    if kept != ordered:
        yield "unsorted", Text("签名时没有按键名排序（按提交顺序拼接），规范要求按键名升序",
                               "the sign was computed over the keys in the order sent, not sorted"), _join(kept)
        if len(pairs) != len(kept):
            yield "empty_kept_unsorted", Text("签名时既没排序又保留了空值", "the sign was computed unsorted and with empty values kept"), \
                _join(pairs)
    if llsign.has_mixed_case_order(params):
        yield "java_case_order", Text(
            "签名时按 Java 的不区分大小写顺序（String.CASE_INSENSITIVE_ORDER）排列了键，而字段名有大小写混用，与普通排序不同；连连的字段名都是小写，请用小写字段名",
            "the sign was computed with the keys in Java's case-insensitive order (String.CASE_INSENSITIVE_ORDER), "
            "which differs from plain order for these mixed-case field names; LianLian's field names are lower-case, "
            "send them lower-case"), sign_source(params, exclude=exclude, case_insensitive=True)
    for encode, how in ((quote_plus, "quote_plus"), (quote, "quote")):
        # errors="replace": a lone surrogate encodes as "?" (%3F), as Java's URLEncoder does
        encoded = [(k, encode(v, safe="", errors="replace")) for k, v in ordered]
        if encoded != ordered:
            yield f"url_encoded_{how}", Text("签名时对值做了 URL 编码，规范要求用原值",
                                             "the sign was computed over URL-encoded values; values are signed verbatim"), _join(encoded)
    trimmed = [(k, v.strip()) for k, v in ordered if _kept(v.strip())]
    if trimmed != ordered:
        yield "trimmed", Text("签名时去掉了值两端的空格，规范要求用原值（Java 不去空格）",
                              "the sign was computed over trimmed values; values are signed verbatim (Java does not trim)"), _join(trimmed)
    yield "sign_type_left_out", Text("待签名串漏了 sign_type（sign_type 也参与签名）",
                                     "sign_type was left out of the sign source; it is signed too"), \
        sign_source(params, exclude=exclude | {"sign_type"})
    if app:
        yield "web_field_set", Text("App SDK 订单按网页字段集签名（含身份字段）；App SDK 规则不签身份字段",
                                    "the App SDK order was signed with the web field set; App SDK orders leave the identity fields out"), \
            sign_source(params)
    else:
        yield "app_field_set", Text("按 App SDK 字段集签名（漏了身份字段），但请求是网页/WAP 渠道",
                                    "the sign leaves out the identity fields (App SDK rule) but the request is web/WAP"), \
            sign_source(params, exclude=APP_SDK_EXCLUDED)
    yield from _risk_item_variants(params, exclude)


def _risk_item_variants(params: Mapping[str, Any], exclude: frozenset[str]) -> Iterator[tuple[str, Text, str]]:
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
        alt = _json_text(obj, **dumps_kw)
        if alt in seen:
            continue
        seen.add(alt)
        yield "risk_item_reserialised", Text(
            "签名用的 risk_item JSON 文本与提交的不同（签名后又重新序列化了？）；须对提交的原文签名",
            "the sign covers a different JSON text of risk_item than the one posted (re-serialised after signing?); "
            "sign the exact text you post"), sign_source({**params, "risk_item": alt}, exclude=exclude)


def _json_text(obj: Any, **dumps_kw: Any) -> str:
    import json

    return json.dumps(obj, default=str, **dumps_kw)


# Malformed requests, by the signing library's result code: the request itself is broken.
_MALFORMED = {
    VerifyCode.NO_SIGN: Text("请求没有 sign 字段（或为空）", "the request has no sign (or it is empty)"),
    VerifyCode.NO_SIGN_TYPE: Text("请求没有 sign_type 字段，应为 MD5 或 RSA", "the request has no sign_type; expected MD5 or RSA"),
    VerifyCode.UNKNOWN_SIGN_TYPE: Text("sign_type 不是 MD5 或 RSA", "sign_type is neither MD5 nor RSA"),
    VerifyCode.SIGN_NOT_TEXT: Text("sign 不是字符串", "the sign is not a string"),
}


class Judge(CaptureJudge):
    kinds = frozenset({"pay_request", "query", "other"})
    subject = Text("商户发出的签名请求", "signed merchant requests")

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.signing = evidence.value("signing")
        self.has_md5 = self.signing.has_md5
        # The key LianLian verifies with is the public key uploaded to the merchant site; without it
        # the private key's public half is the best available stand-in (SigningMaterial.merchant_public).
        self.has_public = self.signing.merchant_public() is not None
        self.verified: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.diagnoses: dict[str, int] = {}
        self.diagnosed = 0
        self.keyless: dict[str, int] = {}  # config key -> records left unverified for want of it

    def judge_record(self, record: CaptureRecord) -> bool | None:
        params = record.params or {}
        if record.kind == "other" and not ("sign" in params and "oid_partner" in params):
            return False  # not a signed merchant request
        sign_type = params.get("sign_type")
        if sign_type == "MD5" and not self.has_md5:
            self.skip(record, "MD5-signed, but signing.md5_key is not configured")
            self.keyless["md5_key"] = self.keyless.get("md5_key", 0) + 1
            return False
        if sign_type == "RSA" and not self.has_public:
            self.skip(record, "RSA-signed, but signing.rsa_public_key is not configured")
            self.keyless["rsa_public_key"] = self.keyless.get("rsa_public_key", 0) + 1
            return False
        app = record.channel == "app"
        exclude = APP_SDK_EXCLUDED if app else frozenset()
        view = {k: v for k, v in params.items() if k not in exclude} if app else params
        label = sign_type if isinstance(sign_type, str) else "?"
        result = self.signing.verify_request(view)
        if result.ok:
            self.verified[label] = self.verified.get(label, 0) + 1
            if result.null_rule is NullRule.SDK:
                self.report("sdk_null_rule", Text(
                    "sign 只有在保留字面量 \"null\" 值时才能验签（新版 SDK 规则）；连连服务端用哪条规则不确定（protocol.md §2.1），不要传 \"null\"",
                    "the sign verifies only with literal \"null\" values kept (newer SDK rule); which rule LianLian's server "
                    "applies is UNCERTAIN (protocol.md §2.1) -- do not send \"null\""),
                    record, "sign", severity=Severity.LOW, uncertain=True)
            return None
        self.failed[label] = self.failed.get(label, 0) + 1
        self._failure(record, params, label, result, exclude, app)
        return None

    def _failure(self, record: CaptureRecord, params: Mapping[str, Any], sign_type: str, result: Any,
                 exclude: frozenset[str], app: bool) -> None:
        reason = result.reason
        if result.code in _MALFORMED:
            self.report(f"malformed:{result.code.value}", _MALFORMED[result.code], record, "sign")
            return
        found: tuple[str, Text] | None = None
        sign = params.get("sign")
        if self.diagnosed < DIAGNOSE_LIMIT and isinstance(sign, str):
            self.diagnosed += 1
            match = self.signing.request_matcher(sign_type, sign)
            if match is not None:
                found = next(((vid, why) for vid, why, source in _variants(params, exclude, app) if match(source)), None)
        where = "App SDK " if app else ""
        if found:
            vid, why = found
            self.diagnoses[vid] = self.diagnoses.get(vid, 0) + 1
            self.report(f"mismatch:{vid}", Text(f"{where}{sign_type} 签名验不过：{why.zh}", f"{where}{sign_type} sign does not verify: {why.en}"),
                        record, "sign", diagnosis=vid)
            return
        self.report("mismatch", Text(
            f"{where}{sign_type} 签名验不过（{reason}）；不是常见的拼串错误，可能是密钥不对、签名后改了值，或公钥与私钥不配对（见 LL-SIG-004）",
            f"{where}{sign_type} sign does not verify ({reason}); none of the usual sign-source mistakes reproduces it: "
            "wrong key, a value changed after signing, or a key pair that does not match (see LL-SIG-004)"),
            record, "sign")

    def summary(self) -> dict[str, Any]:
        return {"verified": dict(self.verified), "failed": dict(self.failed), "diagnoses": dict(self.diagnoses),
                "keys": {"md5_key": self.has_md5, "rsa_public_key": self.has_public}}

    def finish(self) -> Judgement:
        if self.judged:
            # Some requests verified, others could not be: say so, so a partial check never reads as a pass.
            for key, count in self.keyless.items():
                self.add(Finding(
                    Text(f"{count} 条请求无法验签：golive.yaml 未配置 signing.{key}",
                         f"{count} request(s) could not be verified: signing.{key} is not configured"),
                    self.ctx.at(f"signing.{key}"), severity=Severity.MEDIUM, data={"records": count}))
        return self.conclude(Text("验证抓包请求的签名", "captured signatures verified"))
