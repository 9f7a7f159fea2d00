"""LianLian Pay signatures: the canonical sign source (待签名串), MD5 and RSA (MD5withRSA).

Background (protocol.md §2, all [VERIFIED] against LianLian's demo code and real LianLian-signed
messages, §2.7):

* Sign source (§2.1): every parameter except ``sign`` (``sign_type`` *is* included), minus the ones
  whose value is null or empty, sorted by key, joined as ``key=value`` with ``&``. Values go in
  verbatim: no URL-encoding, no trimming, no escaping. ``risk_item`` is a *string* holding JSON and
  its exact text is signed.
* Literal ``"null"`` (§2.1 step 2, §11 item 1): the old 认证支付 demo (LLP-AuthPay-Java
  ``LLPayUtil.isnull``) also drops values equal to the text ``null`` in any case, because its JSPs
  render a Java ``null`` as that text; the newer SDKs (LLP-YT-Java, LLP-YT-PHP) keep it. Which rule
  LianLian's server applies is UNCERTAIN, so both are implemented (`NullRule`) and the verifier
  reports which one matched. Test vector C pins both results.
* Sort order (§2.1 step 3): the Java demos sort with ``String.CASE_INSENSITIVE_ORDER``, PHP with
  ``ksort`` (byte order). LianLian's parameter names are lower-case ASCII letters, digits and ``_``;
  for such keys case folding changes nothing, and ``_`` (0x5F) sorts before every lower-case letter
  in both orders, so a plain Python ``sorted()`` over the keys gives the same order as both demos.
  (Only mixed-case keys, which LianLian never uses, would sort differently in Java: `java_order`
  builds that order, and a sign that verifies only in it is explained, not passed.)
* Bytes (§2.1 step 6): UTF-8, as Java's ``String.getBytes("UTF-8")`` writes it (`java_utf8`): a lone
  UTF-16 surrogate -- half of an emoji cut off by a length limit, ``"\\ud83d"`` in JSON -- has no
  UTF-8 form, and Java's encoder writes ``?`` for it, so golive signs and verifies ``?`` too.
* MD5 (§2.2): ``lowercase_hex(MD5(UTF-8(source + "&key=" + MD5_KEY)))``; the Java demo compares
  with ``String.equals``, i.e. case-sensitively, and so do we.
* RSA (§2.3): MD5withRSA = RSASSA-PKCS1-v1_5 with an MD5 DigestInfo over the UTF-8 source;
  signature in standard Base64 without line breaks. Merchants sign with their own private key;
  LianLian's responses and RSA notifications verify with the platform key (`platform.py`, §2.4).
* App SDK order string (§2.1 "Channel-specific field set", vector D, [1 SOURCE]): the mobile SDK
  demo leaves the identity fields out of the sign source: `APP_SDK_EXCLUDED`.
* Which method signs a notification (§2.5): the message carries its own ``sign_type``; LianLian
  uses the method configured on the merchant site (商户站), so a verifier branches on the message's
  ``sign_type`` but accepts only the configured methods (`verify_message(allowed_sign_types=...)`).

Non-string values are a signing pitfall (LL-SIG-008, §2.6): LianLian's parameters are strings, but
merchant code sometimes sends JSON numbers, booleans or a nested object. We render them the way the
Java demos' fastjson ``getString`` would see them: ``str(int)``, ``true``/``false``, ``Decimal`` as
its text (fastjson parses JSON decimals as BigDecimal, whose ``toString`` follows the same rules as
Python's ``Decimal.__str__``), floats with Python's shortest round-trip ``repr`` (equal to the JSON
text for ordinary amounts like ``49.65`` but not for ``1.50`` - load JSON with
``parse_float=Decimal`` to keep the exact text), and dict/list as compact JSON. The checker flags
such values rather than trusting this rendering to match what LianLian's server computes.

Secrets: no function here puts an MD5 key, a private key or an expected signature into an exception
or a `Verification.reason` (an expected signature for a tampered message would be a forgery oracle).

Speed: `sign_source` + `md5_sign` run for every captured record (100,000 in the benchmark), so the
loop below touches each key once, keeps the common all-strings case free of conversions, and sorts
only the key list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Collection, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover - typing only; cryptography is imported lazily below
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

__all__ = [
    "APP_SDK_EXCLUDED",
    "SIGN_TYPES",
    "NullRule",
    "Verification",
    "java_order",
    "java_utf8",
    "md5_sign",
    "md5_verify",
    "plain_sign_source",
    "render_value",
    "rsa_sign",
    "rsa_verify",
    "sign_params",
    "sign_source",
    "verify_message",
]


class NullRule(str, Enum):
    """Which empty values leave the sign source (protocol.md §2.1 step 2, divergence in vector C)."""

    OLD_DEMO = "old_demo"
    """LLP-AuthPay-Java ``LLPayUtil.isnull``: drop null, ``""`` and the text ``null`` (any case)."""
    SDK = "sdk"
    """LLP-YT-Java / LLP-YT-PHP ``generateSignedStr``: drop null and ``""`` only."""


SIGN_TYPES: tuple[str, ...] = ("MD5", "RSA")
"""The two values of ``sign_type`` LianLian defines (protocol.md §3, String(3))."""

APP_SDK_EXCLUDED: frozenset[str] = frozenset(
    {"id_type", "id_no", "acct_name", "flag_modify", "user_id", "no_agree", "card_no", "test_mode"}
)
"""Fields the App SDK demo leaves out of the order sign source (protocol.md §2.1, vector D)."""

_ONLY_SIGN: frozenset[str] = frozenset({"sign"})


def _json_default(value: object) -> object:
    # A Decimal nested in an object (JSON loaded with parse_float=Decimal) stays a JSON number;
    # anything else unknown becomes its text rather than an exception in the middle of signing.
    return float(value) if isinstance(value, Decimal) else str(value)


_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def render_value(value: object) -> str:
    """Text of a non-string parameter value as the Java demos would sign it (module docstring).

    Strings come back unchanged; ``None`` renders as ``""`` (both are dropped from a sign source).
    """
    if type(value) is str:
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):  # str subclasses (e.g. a str Enum): their text, not their repr
        return str.__str__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        return _COMPACT_JSON.encode(value)
    return str(value)


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def java_utf8(text: str) -> bytes:
    """`text` as UTF-8 bytes the way Java's ``String.getBytes("UTF-8")`` writes them: a surrogate
    pair held as two code points becomes its character, a lone surrogate becomes ``?``."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        joined = _SURROGATE_PAIR.sub(
            lambda m: chr(0x10000 + ((ord(m.group()[0]) - 0xD800) << 10) + (ord(m.group()[1]) - 0xDC00)), text)
        return joined.encode("utf-8", "replace")  # "replace" writes b"?" when encoding, as Java does


def _java_fold(key: str) -> str:
    # String.CASE_INSENSITIVE_ORDER compares Character.toLowerCase(Character.toUpperCase(c)) per
    # char; a char whose case mapping is not one char (ß) stays itself, as in Java's char API.
    out = []
    for char in key:
        upper = char.upper()
        lower = upper.lower() if len(upper) == 1 else char
        out.append(lower if len(lower) == 1 else char)
    return "".join(out)


def java_order(keys: Iterable[str]) -> list[str]:
    """Keys in Java's ``String.CASE_INSENSITIVE_ORDER`` (LianLian's Java demos, protocol.md §2.1
    step 3); keys equal but for case keep plain order. Same as sorted() for lower-case keys."""
    return sorted(sorted(keys), key=_java_fold)


def has_mixed_case_order(params: Mapping[str, object]) -> bool:
    """Whether Java's case-insensitive order and plain order differ for these keys."""
    keys = [k for k in params if isinstance(k, str)]
    return any(k != k.lower() for k in keys) and java_order(keys) != sorted(keys)


def sign_source(
    params: Mapping[str, object],
    *,
    null_rule: NullRule = NullRule.OLD_DEMO,
    exclude: Iterable[str] = (),
    case_insensitive: bool = False,
) -> str:
    """The canonical sign source (待签名串) of `params` (protocol.md §2.1).

    Drops ``sign``, every key in `exclude`, values that are None or ``""`` and, under
    `NullRule.OLD_DEMO`, values equal to ``null`` in any case; sorts the keys; joins ``k=v`` with
    ``&``. Values are used verbatim (non-strings via `render_value`). `case_insensitive` sorts the
    keys as Java's ``String.CASE_INSENSITIVE_ORDER`` does (differs only for mixed-case keys).
    """
    # The identity test first: NullRule(...) goes through EnumMeta.__call__, which costs more than
    # the rest of a short sign source's set-up, and almost every caller passes the member itself.
    drop_literal_null = null_rule is NullRule.OLD_DEMO or NullRule(null_rule) is NullRule.OLD_DEMO
    skip = frozenset(exclude) | {"sign"} if exclude else _ONLY_SIGN
    parts: list[str] = []
    append = parts.append
    for key in (java_order(params) if case_insensitive else sorted(params)):
        if key in skip:
            continue
        value = params[key]
        if type(value) is not str:
            if value is None:
                continue
            value = render_value(value)
        if not value:
            continue
        # len() first: the lower() call then runs only for 4-character values.
        if drop_literal_null and len(value) == 4 and value.lower() == "null":
            continue
        append(key + "=" + value)
    return "&".join(parts)


def plain_sign_source(params: Mapping[str, str]) -> str:
    """`sign_source(params)` (old-demo null rule, plain key order) for params whose values are all
    *plain* -- exact `str`, not the text ``null`` in any case (`golive.evidence.captures.all_plain`).

    The caller must know that already (a capture record's ``plain_params()``, asked once per record
    and shared by the checks): then no value needs rendering or a null test, and the source is built
    by C-level joins instead of `sign_source`'s loop over the keys. Same text, byte for byte; for
    params not known to be plain, call `sign_source`.
    """
    keys = sorted(params)
    if "sign" in params:
        keys.remove("sign")
    pairs: Iterable[tuple[str, str]] = zip(keys, map(params.__getitem__, keys))
    if "" in params.values():  # empty values leave the sign source (rare: most requests send none)
        pairs = [pair for pair in pairs if pair[1]]
    # One "k=v" string per pair, then one join: a third fewer strings built than k + "=" + v.
    return "&".join(map("=".join, pairs))


def md5_hex_of_source(source: str, md5_key: str) -> str:
    """MD5 sign of an already-built sign source (LL-SIG-006 tests candidate sources with it)."""
    return hashlib.md5(java_utf8(source + "&key=" + md5_key)).hexdigest()


def _require_md5_key(md5_key: object) -> str:
    # The message names the problem, never the value.
    if not isinstance(md5_key, str) or not md5_key:
        raise ValueError("an MD5 key is required (a non-empty string)")
    return md5_key


def md5_sign(params: Mapping[str, object], md5_key: str, **source_kw: object) -> str:
    """``sign`` for `params` under MD5: lower-case hex MD5 of the sign source + ``&key=`` + key."""
    return md5_hex_of_source(sign_source(params, **source_kw), _require_md5_key(md5_key))  # type: ignore[arg-type]


def md5_verify(params: Mapping[str, object], md5_key: str, **source_kw: object) -> bool:
    """True if ``params["sign"]`` equals the MD5 sign (case-sensitive, constant-time compare)."""
    given = params.get("sign")
    if not isinstance(given, str) or not given:
        return False
    expected = md5_sign(params, md5_key, **source_kw)
    return hmac.compare_digest(expected.encode("ascii"), java_utf8(given))


def _private_key(key: object) -> RSAPrivateKey:
    from golive.lianlian.keys import is_private, load_private_key

    if is_private(key):
        return key  # type: ignore[return-value]
    if _is_public(key):
        raise ValueError("an RSA private key is required; this is a public key")
    return load_private_key(key)  # type: ignore[arg-type]  # text or bytes


def _is_public(key: object) -> bool:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    return isinstance(key, RSAPublicKey)


def _public_key(key: object) -> RSAPublicKey:
    from golive.lianlian.keys import is_private, load_public_key

    if _is_public(key):
        return key  # type: ignore[return-value]
    if is_private(key):
        return key.public_key()  # type: ignore[attr-defined,no-any-return]
    return load_public_key(key)  # type: ignore[arg-type]  # text or bytes


# MD5withRSA through OpenSSL (the `cryptography` package): 0.17-0.36 of pycryptodome's CPU per
# verification (bench/bench_rsa.py); the padding and hash objects are made once.
_MD5WITHRSA: tuple[Any, Any, type[Exception]] | None = None


def _md5withrsa() -> tuple[Any, Any, type[Exception]]:
    """(PKCS#1 v1.5 padding, MD5, the exception a bad signature raises), imported on first use."""
    global _MD5WITHRSA
    if _MD5WITHRSA is None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        _MD5WITHRSA = (padding.PKCS1v15(), hashes.MD5(), InvalidSignature)
    return _MD5WITHRSA


def rsa_sign_source(source: str, private_key: RSAPrivateKey) -> str:
    """MD5withRSA over an already-built source, Base64 (also signs golive's own reports)."""
    pad, md5, _ = _md5withrsa()
    signature = private_key.sign(java_utf8(source), pad, md5)
    return base64.b64encode(signature).decode("ascii")


def decode_rsa_signature(signature_b64: object, public_key: RSAPublicKey) -> bytes | str:
    """The raw RSA signature, or a sentence saying why `signature_b64` cannot be one."""
    if not isinstance(signature_b64, str) or not signature_b64:
        return "the sign field is missing or not a string"
    # Line breaks are tolerated because MIME-style Java encoders (sun.misc.BASE64Encoder) wrap at
    # 76 characters and Java decoders skip them; anything else (a space left where URL decoding
    # ate a "+", say) makes the signature invalid, as it is for LianLian.
    compact = signature_b64.replace("\r", "").replace("\n", "")
    try:
        signature = base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return (
            "the sign is not valid Base64 (characters outside the Base64 alphabet, e.g. a space "
            "where URL decoding turned '+' into ' ', or a truncated value)"
        )
    bits = public_key.key_size
    expected = (bits + 7) // 8
    if len(signature) != expected:
        return f"the sign decodes to {len(signature)} bytes; a {bits}-bit key signs {expected}"
    return signature


def rsa_verify_source(source: str, signature: bytes, public_key: RSAPublicKey) -> bool:
    """True if `signature` (raw bytes, the key's length) is MD5withRSA over `source` under `public_key`.

    RSASSA-PKCS1-v1_5 as OpenSSL checks it: the decoded block must be exactly the padded MD5
    DigestInfo (with its NULL parameters), as Java's ``Signature.getInstance("MD5withRSA")`` makes.
    """
    pad, md5, invalid = _md5withrsa()
    try:
        public_key.verify(signature, java_utf8(source), pad, md5)
    except (invalid, ValueError, TypeError):
        return False
    return True


def rsa_sign(params: Mapping[str, object], private_key: object, **source_kw: object) -> str:
    """``sign`` for `params` under RSA: MD5withRSA (PKCS#1 v1.5), Base64 without line breaks.

    `private_key` is an RSA private key (a `cryptography` key object) or anything `keys.load_private_key` accepts.
    """
    return rsa_sign_source(sign_source(params, **source_kw), _private_key(private_key))  # type: ignore[arg-type]


def rsa_verify(params: Mapping[str, object], public_key: object, **source_kw: object) -> bool:
    """True if ``params["sign"]`` is a valid MD5withRSA signature of the sign source.

    Malformed Base64, a wrong length or a bad signature give False, never an exception.
    `public_key` is an RSA key (a `cryptography` key object; a private key is reduced to its public half) or anything
    `keys.load_public_key` accepts.
    """
    key = _public_key(public_key)
    signature = decode_rsa_signature(params.get("sign"), key)
    if isinstance(signature, str):
        return False
    return rsa_verify_source(sign_source(params, **source_kw), signature, key)  # type: ignore[arg-type]


def sign_params(
    params: Mapping[str, object],
    sign_type: str,
    *,
    md5_key: str | None = None,
    private_key: object = None,
    **source_kw: object,
) -> dict[str, str]:
    """A copy of `params` with ``sign_type`` and ``sign`` set, ready to send.

    Every value in the copy is the string that was signed (`render_value`; None becomes ``""``),
    so what is posted is exactly what the sign source covered.
    """
    normalized = sign_type.upper() if isinstance(sign_type, str) else sign_type
    if normalized not in SIGN_TYPES:
        raise ValueError(f"sign_type must be MD5 or RSA, not {sign_type!r}")
    signed = {key: render_value(value) for key, value in params.items() if key != "sign"}
    signed["sign_type"] = normalized
    if normalized == "MD5":
        signed["sign"] = md5_sign(signed, _require_md5_key(md5_key), **source_kw)
    else:
        if private_key is None:
            raise ValueError("sign_type RSA needs a merchant RSA private key")
        signed["sign"] = rsa_sign(signed, private_key, **source_kw)
    return signed


class VerifyCode(str, Enum):
    """Why a verification came out as it did: what code branches on (``reason`` is for people)."""

    VERIFIED = "verified"
    VERIFIED_SDK_RULE = "verified_sdk_rule"  # only with literal "null" values kept (newer SDKs)
    NO_SIGN = "no_sign"
    SIGN_NOT_TEXT = "sign_not_text"
    NO_SIGN_TYPE = "no_sign_type"
    UNKNOWN_SIGN_TYPE = "unknown_sign_type"
    METHOD_NOT_ACCEPTED = "method_not_accepted"
    NO_KEY = "no_key"
    BAD_SIGNATURE_ENCODING = "bad_signature_encoding"
    JAVA_KEY_ORDER = "java_key_order"  # verifies only with Java's case-insensitive key order
    UPPER_CASE_MD5 = "upper_case_md5"  # verifies only lower-cased
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class Verification:
    """Outcome of `verify_message`. `code` says why; `reason` is safe to show (never a key or a sign)."""

    ok: bool
    sign_type: str | None
    source: str
    null_rule: NullRule
    reason: str
    code: VerifyCode = VerifyCode.MISMATCH


_RULE_TEXT = {
    NullRule.OLD_DEMO: 'old-demo rule (empty and literal "null" values dropped)',
    NullRule.SDK: 'SDK rule (only empty values dropped; literal "null" kept)',
}


def verify_message(
    params: Mapping[str, object],
    *,
    md5_key: str | None = None,
    public_key: object = None,
    allowed_sign_types: Collection[str] | None = None,
    null_rule: NullRule | None = None,
) -> Verification:
    """Verify a LianLian message (request, response, notification) by its own ``sign_type``.

    `allowed_sign_types` are the methods the merchant site is configured with (protocol.md §2.5):
    a message signed any other way is refused even if its signature is valid, because LianLian
    would not have sent it. The OLD_DEMO sign source is tried first; if it does not verify and the
    message holds a literal ``"null"``, the SDK rule is tried too and the result names the rule
    that verified. Passing `null_rule` tries that rule only.
    """
    first_rule = NullRule(null_rule) if null_rule is not None else NullRule.OLD_DEMO
    first_source = sign_source(params, null_rule=first_rule)
    sign_type_value = params.get("sign_type")
    sign_type = sign_type_value if isinstance(sign_type_value, str) else None

    def result(ok: bool, reason: str, source: str = first_source, rule: NullRule = first_rule, *,
               code: VerifyCode) -> Verification:
        return Verification(ok=ok, sign_type=sign_type, source=source, null_rule=rule, reason=reason, code=code)

    sign = params.get("sign")
    if sign is None or sign == "":
        return result(False, "the message has no sign field (or it is empty)", code=VerifyCode.NO_SIGN)
    if not isinstance(sign, str):
        return result(False, "the sign field is not a string", code=VerifyCode.SIGN_NOT_TEXT)
    if sign_type is None or sign_type == "":
        return result(False, "the message has no sign_type field; expected MD5 or RSA", code=VerifyCode.NO_SIGN_TYPE)
    if sign_type not in SIGN_TYPES:
        return result(False, f"unknown sign_type {sign_type!r}; LianLian uses MD5 or RSA", code=VerifyCode.UNKNOWN_SIGN_TYPE)
    if allowed_sign_types is not None:
        allowed = sorted({str(t).upper() for t in allowed_sign_types})
        if sign_type not in allowed:
            return result(
                False,
                f"sign_type {sign_type} is not accepted here (accepted: {', '.join(allowed) or 'none'}); "
                "LianLian signs notifications with the method configured on the merchant site",
                code=VerifyCode.METHOD_NOT_ACCEPTED,
            )

    if sign_type == "MD5":
        if md5_key is None or md5_key == "":
            return result(False, "the message is MD5-signed but no MD5 key was given", code=VerifyCode.NO_KEY)
        key = _require_md5_key(md5_key)

        def check(source: str) -> bool:
            return hmac.compare_digest(md5_hex_of_source(source, key).encode("ascii"), java_utf8(sign))

        method = "MD5 with the given key"
    else:
        if public_key is None:
            return result(False, "the message is RSA-signed but no public key was given", code=VerifyCode.NO_KEY)
        rsa_key = _public_key(public_key)
        signature = decode_rsa_signature(sign, rsa_key)
        if isinstance(signature, str):
            return result(False, signature, code=VerifyCode.BAD_SIGNATURE_ENCODING)
        raw_signature = signature

        def check(source: str) -> bool:
            return rsa_verify_source(source, raw_signature, rsa_key)

        method = "MD5withRSA with the given public key"

    if check(first_source):
        return result(True, f"{sign_type} sign verifies ({method}) over the {_RULE_TEXT[first_rule]}",
                      code=VerifyCode.VERIFIED_SDK_RULE if first_rule is NullRule.SDK else VerifyCode.VERIFIED)
    sdk_source = first_source if null_rule is not None else sign_source(params, null_rule=NullRule.SDK)
    sources = (first_source,) if sdk_source == first_source else (first_source, sdk_source)
    if len(sources) == 2 and check(sdk_source):
        return result(
            True,
            f"{sign_type} sign verifies ({method}) only over the {_RULE_TEXT[NullRule.SDK]}",
            sdk_source,
            NullRule.SDK,
            code=VerifyCode.VERIFIED_SDK_RULE,
        )
    if len(sources) == 2:
        which = "neither the old-demo nor the SDK sign source"
    else:
        which = f"the sign source built with the {_RULE_TEXT[first_rule]}"
    if has_mixed_case_order(params):
        rule = null_rule if null_rule is not None else NullRule.OLD_DEMO
        java_source = sign_source(params, null_rule=rule, case_insensitive=True)
        if check(java_source) or (null_rule is None and check(
                sign_source(params, null_rule=NullRule.SDK, case_insensitive=True))):
            mixed = ", ".join(k for k in params if isinstance(k, str) and k != k.lower())
            return result(
                False,
                f"sign matches only with the keys in Java's case-insensitive order (String.CASE_INSENSITIVE_ORDER, "
                f"as LianLian's Java demos sort), not in plain order: mixed-case field names ({mixed}) sort "
                "differently in the two; LianLian's field names are lower-case -- send them lower-case",
                java_source,
                code=VerifyCode.JAVA_KEY_ORDER,
            )
    if sign_type == "MD5" and sign != sign.lower():
        lowered = java_utf8(sign.lower())
        if any(hmac.compare_digest(md5_hex_of_source(src, key).encode("ascii"), lowered) for src in sources):
            return result(
                False,
                "sign matches only when lower-cased: LianLian's MD5 sign is lower-case hex and the "
                "Java demo compares it case-sensitively",
                code=VerifyCode.UPPER_CASE_MD5,
            )
    return result(
        False,
        f"sign does not match: {method} does not verify {which} "
        "(wrong key, altered value, or a different field set)",
        code=VerifyCode.MISMATCH,
    )
