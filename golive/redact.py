"""Redaction of personal data and secrets (design.md §7): one rule set, applied by the shape of a
value as well as by its field name.

Where it runs:

* `redact_result` is THE pass over a result dict (golive.result/1). It runs once, where evidence
  enters the result: at the end of `golive check` (engine.run_check) and when a result comes in
  from outside (`golive report --from`, the re-render of `golive verify-report`). Reporters render
  what they are given and redact nothing themselves.
* Gatherers (probes, the ledger reader, capture judges) mask what they store with the same
  helpers (`redact_params`, `redact_value`, `mask_free_text`, `mask_card`), so raw personal data
  does not even sit in the evidence bundle.

Rules: card numbers keep the first 6 and last 4 digits, ID numbers the first 3 and last 4, mobile
numbers the first 3 and last 4 (a +86 / 0086 / 86- country code stays), names only the first
character. Secrets are never shown: values under secret field names become ``[secret, N chars]``,
private keys (PEM blocks and bare Base64 DER) ``[private key removed]``, the ``&key=`` tail of an
MD5 sign source ``[REDACTED]``, and the exact secrets the run read ``[REDACTED]``.

By shape, in any text: digit runs of 15-19 (an 18-character run with a birth date or a final X is
an ID number, the rest card numbers), the same written in groups with spaces or dashes
(``6222 0212 3456 7890 123``), mainland mobiles with or without a country code and groups
(``+86 138 0013 8000``, ``8613800138000``, ``86-138-0013-8000``). By name, in any naming style
(``card_no``, ``cardNo``, ``Card-Number``): cards, ID numbers, phones, names (``acct_name``,
``payer``, ``holder``, ``full_name`` ...) and secrets.

Identifiers staff must read stay readable: values under merchant, order and time identifier names
(oid_partner, no_order, oid_paybill, no_agree, dt_order, settle_date, hashes, fingerprints, the run
id) are kept, and the same values are kept where free text quotes them; so is any digit run shaped
like LianLian's own numbers (20YYMMDD and a serial, which no card scheme and no ID number uses) --
an 18-digit oid_partner is not a card number.

Every mask keeps the length and the non-digit characters and only turns digits into ``*``, so the
pass is idempotent: `redact_result(redact_result(r)) == redact_result(r)`. `golive verify-report`
relies on that (it re-renders the embedded, already-safe result and must get the same bytes).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache
from typing import Any, Iterable, Mapping

from golive import safe_json

MASK = "*"
SECRET_MARK = re.compile(r"^\[(?:secret|REDACTED|redacted)\b")
PRIVATE_KEY_REMOVED = "[private key removed]"

# -- field names --------------------------------------------------------------------------------------

# Exact names (request, notification, risk_item, ledger) by kind; `field_kind` also knows them by
# their parts, in any naming style.
CARD_FIELDS = frozenset({"card_no", "card_number", "bank_card", "acct_no", "cardno", "bankcard", "account_no"})
ID_FIELDS = frozenset({"id_no", "user_info_id_no", "passenger_idcard", "idcard", "id_number", "id_card", "idno"})
PHONE_FIELDS = frozenset({"user_info_bind_phone", "bind_mobile", "phone", "mobile", "delivery_phone", "passenger_phone",
                          "book_phone", "user_info_mercht_userlogin"})
NAME_FIELDS = frozenset({"acct_name", "user_info_full_name", "delivery_full_name", "passenger_name", "name",
                         "credential_name", "card_holder"})
SECRET_FIELDS = frozenset({"md5_key", "key", "private_key", "rsa_private_key", "lianlian_private_key", "password",
                           "secret", "passwd", "secret_key", "api_key", "client_secret"})
# Merchant, order, time and document identifiers: long digit runs that are not personal data and
# that staff must be able to read and match (shape masking would otherwise hide an 18-digit
# oid_partner).
PUBLIC_FIELDS = frozenset({"oid_partner", "no_order", "oid_paybill", "no_agree", "dt_order", "settle_date", "timestamp",
                           "money_order", "busi_partner", "platform", "frms_ware_category", "bank_code",
                           "user_info_dt_register", "valid_order", "sign_type", "sign", "ret_code", "result_pay",
                           "config_sha256", "sha256", "fingerprint", "result_sha256", "public_key_sha256", "version",
                           "tool_version", "run_id"})

_NAME_PARTS = frozenset({"payer", "payee", "holder", "cardholder", "consignee", "recipient", "receiver", "beneficiary",
                         "realname", "fullname", "truename", "acctname", "accountname", "cardname", "holdername"})
# "name" with one of these is a person's name; "name" alone (a merchant's, a tool's, a profile's)
# and "name_goods" are not.
_NAME_QUALIFIERS = frozenset({"full", "real", "true", "acct", "account", "card", "user", "person", "passenger",
                              "credential", "contact", "legal", "customer", "cust", "buyer", "owner", "delivery",
                              "cert", "id", "first", "last", "family", "given", "sur", "nick"})
_FLAG_PARTS = frozenset({"is", "has", "flag", "type", "state", "status", "count", "length", "len", "missing",
                         "required", "verified", "kind", "format"})
_PHONE_PARTS = frozenset({"phone", "mobile", "tel", "telephone", "cellphone", "msisdn"})
_NUMBER_PARTS = frozenset({"no", "number", "num", "nr"})
_PERSONAL_EXACT = CARD_FIELDS | ID_FIELDS | PHONE_FIELDS | NAME_FIELDS
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def field_kind(field: str, bare_name_is_personal: bool = True) -> str | None:
    """What a field holds, from its name: "public", "secret", "card", "id", "phone", "name" or None.

    The last segment of a dotted or slashed path counts (``risk_item.user_info_full_name``), in any
    style (``cardNo``, ``Card-Number``). `bare_name_is_personal`: a field called just "name" is a
    person in a LianLian message, but a merchant, tool, profile or probe in a result.
    """
    last = re.split(r"[./]", field)[-1]
    tokens = tuple(t for t in _NON_ALNUM.split(_CAMEL.sub("_", last).lower()) if t)
    joined = "_".join(tokens)
    parts = set(tokens)
    if joined in PUBLIC_FIELDS:
        return "public"
    if joined in SECRET_FIELDS or parts & {"password", "passwd", "secret"} or {"private", "key"} <= parts \
            or {"md5", "key"} <= parts:
        return "secret"
    if joined == "name":
        return "name" if bare_name_is_personal else None
    if parts & _FLAG_PARTS and joined not in _PERSONAL_EXACT:
        return None  # frms_is_real_name, id_type, phone_count: about personal data, not personal data
    # A "name" word decides first (id_card_name is a name); then the kind of number (holder_phone
    # is a phone, payer_card_no a card); a person word alone (payer, holder) is a name.
    if joined in NAME_FIELDS or ("name" in parts and parts & _NAME_QUALIFIERS):
        return "name"
    if joined in PHONE_FIELDS or parts & _PHONE_PARTS:
        return "phone"
    if joined in ID_FIELDS or parts & {"idcard", "idno", "idnumber", "passport"} \
            or ("id" in parts and parts & (_NUMBER_PARTS | {"card"})) \
            or (parts & {"cert", "certificate", "credential", "identity"} and parts & _NUMBER_PARTS):
        return "id"
    if joined in CARD_FIELDS or parts & {"cardno", "bankcard", "acctno", "cardnumber", "pan"} \
            or ("card" in parts and parts & _NUMBER_PARTS) \
            or (parts & {"acct", "account"} and parts & (_NUMBER_PARTS | {"bank"})):
        return "card"
    if parts & _NAME_PARTS:
        return "name"
    return None


# -- masks (length-preserving: only characters turn into "*", so masking twice changes nothing) ------

# What separates the characters of a number as people write it; everything else (digits, the X of
# an ID number, letters of an e-mail in a login field, masks already applied) is a position.
_SEPARATORS = frozenset(" \t-+().")


# What `remove_secrets` and the secret-field rule write: not data, never masked (so that masking
# after them, and both again, changes nothing).
_SECRET_MARKERS = re.compile(r"\[(?:REDACTED|secret, \d+ chars|private key removed)\]")


def _mask_positions(text: str, head: int, tail: int) -> str:
    """Keep the first `head` and last `tail` positions; mask the ones between (all of them when
    there are no more than head + tail). Separators stay, so the positions of the masked text are
    the same ones, and masking it again changes nothing."""
    markers = {i for m in _SECRET_MARKERS.finditer(text) for i in range(*m.span())} if "[" in text else ()
    positions = [i for i, c in enumerate(text) if c not in _SEPARATORS and i not in markers]
    hidden = positions if len(positions) <= head + tail else positions[head:len(positions) - tail]
    if not hidden:
        return text
    chars = list(text)
    for i in hidden:
        chars[i] = MASK
    return "".join(chars)


def mask_card(value: str) -> str:
    return _mask_positions(value.strip(), 6, 4)


def mask_id(value: str) -> str:
    return _mask_positions(value.strip(), 3, 4)


_COUNTRY_CODE = re.compile(r"^(\(?(?:\+|%2[Bb]|00)?86\)?[ \-]?)(?=1[\d*])")


def mask_phone(value: str) -> str:
    """3+4 of the national number; a +86 / 0086 / 86- country code before it stays."""
    text = value.strip()
    prefix = ""
    match = _COUNTRY_CODE.match(text)
    if match and sum(c not in _SEPARATORS for c in text[match.end():]) == 11:
        prefix, text = match.group(1), text[match.end():]
    return prefix + _mask_positions(text, 3, 4)


def mask_name(value: str) -> str:
    text = value.strip()
    return text[:1] + MASK * max(len(text) - 1, 1) if text else text


_MASK_BY_KIND = {"card": mask_card, "id": mask_id, "phone": mask_phone, "name": mask_name}


# -- shapes in free text ---------------------------------------------------------------------------

# A mobile with a country code (+86, 0086, %2B86 in a URL, (+86), 86-, or 86 glued on), then one
# without; either written plain or in 3-4-4 groups.
_PHONE_CC = re.compile(r"(?<![0-9A-Za-z+])(?P<cc>\(\+?86\)[ \-]?|(?:\+|%2[Bb]|00)?86[ \-]?)"
                       r"(?P<a>1[3-9]\d)(?P<s>[ \-]?)(?P<b>\d{4})(?P=s)(?P<c>\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?P<cc>)(?P<a>1[3-9]\d)(?P<s>[ \-]?)(?P<b>\d{4})(?P=s)(?P<c>\d{4})(?!\d)")
# Card and ID numbers written in groups: 4-6 digits, then groups joined by one kind of separator.
_GROUPED = re.compile(r"(?<![0-9A-Za-z*])\d{4,6}(?P<s>[ \-])\d{2,8}(?:(?P=s)\d{2,8})*(?:(?P=s)\d{1,7}[Xx])?"
                      r"(?![0-9A-Za-z*])")
_PLAIN = re.compile(r"(?<![0-9A-Za-z])(?:\d{15,19}|\d{17}[Xx])(?![0-9A-Za-z])")
# Cheap pre-test: nothing above can match a text without a run of 11 digits, spaces and dashes.
_CANDIDATE = re.compile(r"\d[\d \-]{9,}\d")


def _looks_like_lianlian_number(digits: str) -> bool:
    """A merchant number, bill or agreement number (oid_partner 201408071000001543, oid_paybill,
    no_agree): 20YYMMDD and a serial. No card scheme issues numbers starting with 20 (UnionPay
    62/60/9, Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, JCB 35), and no resident ID starts
    with 20 (not a province code), so this shape is never personal data."""
    return (digits[:2] == "20" and digits.isdigit() and "01" <= digits[4:6] <= "12"
            and "01" <= digits[6:8] <= "31")


def _looks_like_id(chars: str) -> bool:
    """A resident ID number (GB 11643: 18 characters with a birth date, or the old 15 digits)."""
    if len(chars) == 18:
        if chars[-1] in "Xx":
            return True
        return 1900 <= int(chars[6:10]) <= 2100 and 1 <= int(chars[10:12]) <= 12 and 1 <= int(chars[12:14]) <= 31
    if len(chars) == 15 and chars.isdigit():
        return 1 <= int(chars[8:10]) <= 12 and 1 <= int(chars[10:12]) <= 31
    return False


def _mask_number(text: str) -> str:
    """A card or ID number found by shape (plain or grouped): ID 3+4 when it looks like one."""
    chars = "".join(c for c in text if c.isdigit() or c in "Xx")
    if _looks_like_id(chars):
        return _mask_positions(text, 3, 4)
    return _mask_positions(text, 6, 4)


def mask_free_text(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Mask mobiles, card and ID numbers found by shape in free text. `keep`: identifiers (digit
    strings) that are left alone where they appear whole (an oid_partner is not a card number)."""
    if not _CANDIDATE.search(text):
        return text

    def phone(match: re.Match[str]) -> str:
        whole = match.group(0)
        core = match.group("a") + match.group("b") + match.group("c")
        if core in keep or whole in keep:
            return whole
        sep = match.group("s")
        return f"{match.group('cc')}{match.group('a')}{sep}{MASK * 4}{sep}{match.group('c')}"

    def number(match: re.Match[str]) -> str:
        whole = match.group(0)
        digits = "".join(c for c in whole if c.isdigit() or c in "Xx")
        if len(digits) < 15 or whole in keep or digits in keep or _looks_like_lianlian_number(digits):
            return whole
        return _mask_number(whole)

    text = _PHONE_CC.sub(phone, text)
    text = _PHONE.sub(phone, text)
    text = _GROUPED.sub(number, text)
    return _PLAIN.sub(number, text)


# -- secrets in free text --------------------------------------------------------------------------

_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.S)
_MD5_KEY_TAIL = re.compile(r"((?:^|&)key=)(?!\[(?:REDACTED|secret)\b)[^&\s\"'<>]+")
# A bare Base64 DER private key (LianLian's Java demo form): long, starts with a DER SEQUENCE.
_DER_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{60,}={0,2}")
_RSA_OID = bytes.fromhex("06092a864886f70d010101")


def _is_private_der(token: str) -> bool:
    """RSAPrivateKey (PKCS#1) or PrivateKeyInfo (PKCS#8): SEQUENCE, INTEGER 0, then an INTEGER or
    the rsaEncryption AlgorithmIdentifier. A public key (SubjectPublicKeyInfo) has no version."""
    try:
        head = base64.b64decode(token[:64], validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(head) < 8 or head[0] != 0x30 or head[1] not in (0x81, 0x82, 0x83):
        return False
    body = head[2 + (head[1] - 0x80):]
    if body[:3] != b"\x02\x01\x00":
        return False
    rest = body[3:]
    return rest[:1] == b"\x02" or (rest[:1] == b"\x30" and _RSA_OID in rest[:16])


def remove_secrets(text: str, needles: tuple[str, ...] = ()) -> str:
    """Private keys, ``&key=`` tails and the given exact secrets (longest first) taken out of text."""
    for needle in needles:
        if needle in text:
            text = text.replace(needle, "[REDACTED]")
    if "PRIVATE KEY-----" in text:
        text = _PEM_PRIVATE.sub(PRIVATE_KEY_REMOVED, text)
    if "key=" in text:
        text = _MD5_KEY_TAIL.sub(r"\1[REDACTED]", text)
    if "MII" in text:
        text = _DER_CANDIDATE.sub(lambda m: PRIVATE_KEY_REMOVED if _is_private_der(m.group(0)) else m.group(0), text)
    return text


def secret_needles(secrets: Iterable[str]) -> tuple[str, ...]:
    """The exact strings to remove for these secrets: each secret, and each long line of a PEM."""
    values = [s for s in secrets if s and len(s) >= 6]
    lines = {line.strip() for s in values for line in s.splitlines() if len(line.strip()) >= 16}
    return tuple(sorted(set(values) | lines, key=len, reverse=True))


# -- gathering-time helpers (probes, capture judges, the ledger reader) -------------------------------


# -- names quoted elsewhere --------------------------------------------------------------------------
# A name has no shape, but once a field says "this is a person's name" (acct_name, payer), the same
# name quoted in free text of the same document ("付款人 李四光 ...") is masked too.


def _collect_names(node: Any, names: set[str], key: str = "", bare_name_is_personal: bool = True) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            _collect_names(v, names, str(k), bare_name_is_personal)
    elif isinstance(node, list):
        for v in node:
            _collect_names(v, names, key, bare_name_is_personal)
    elif isinstance(node, str) and key and MASK not in node:
        text = node.strip()
        if len(text) >= (2 if not text.isascii() else 3) and field_kind(key, bare_name_is_personal) == "name":
            names.add(text)


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for these names, longest first; Latin names only as whole words."""
    alternatives = [re.escape(n) if not n.isascii() else rf"(?<![\w]){re.escape(n)}(?![\w])"
                    for n in sorted(set(names), key=len, reverse=True)]
    return re.compile("|".join(alternatives)) if alternatives else None


def _sweep_names(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub(lambda m: mask_name(m.group(0)), text) if pattern is not None else text


def redact_value(field: str, value: Any, names: re.Pattern[str] | None = None) -> Any:
    """A parameter value as evidence may keep it: masked by its field name and by its shape
    (`names`: a pattern of person names found in the same document, see `redact_params`)."""
    if not isinstance(value, str) or not value:
        return value
    kind = field_kind(field)
    if kind == "public":
        return value
    if kind == "secret":
        return value if SECRET_MARK.match(value) else f"[secret, {len(value)} chars]"
    if kind in _MASK_BY_KIND:
        return _MASK_BY_KIND[kind](value)
    name = field.rsplit(".", 1)[-1].lower()
    if name == "risk_item" and value.lstrip().startswith("{"):
        try:
            inner = safe_json.loads(value)
        except ValueError:
            return _sweep_names(mask_free_text(remove_secrets(value)), names)
        if isinstance(inner, dict):
            return json.dumps(redact_params(inner), ensure_ascii=False, separators=(",", ":"))
    return _sweep_names(mask_free_text(remove_secrets(value)), names)


def redact_params(params: Mapping[str, Any], _names: re.Pattern[str] | None = None) -> dict[str, Any]:
    """A copy of a parameter mapping with personal data masked, nested mappings included. Names
    found under name fields anywhere in it are masked where its other values quote them."""
    if _names is None:
        found: set[str] = set()
        _collect_names(params, found)
        _names = _names_pattern(found)
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Mapping):
            out[key] = redact_params(value, _names)
        elif isinstance(value, list):
            out[key] = [redact_params(v, _names) if isinstance(v, Mapping) else redact_value(key, v, _names)
                        for v in value]
        else:
            out[key] = redact_value(key, value, _names)
    return out


# -- the pass over a result --------------------------------------------------------------------------

# "key" is a secret in LianLian parameters but usually names a config key in a result
# ("signing.md5_key"); a dotted lower-case name is kept, anything else under "key" is masked.
_CONFIG_KEY_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_\[\]]+)+$")
_PLAIN_TOKEN = re.compile(r"^[0-9A-Za-z_.:+/=\-]*$")
_FORM = re.compile(r"^[A-Za-z_][\w.]*=[^&]*(?:&[A-Za-z_][\w.]*=[^&]*)*$", re.S)
# Numbers under these names are sizes and counts, whatever their digits look like.
_COUNTERS = frozenset({"bytes", "size", "records", "line", "count", "total"})
_URL_QUERY = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://[^?\s#]*\?)([^#\s]+)(#\S*)?$")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """Text UTF-8 can hold: a lone surrogate (a JSON ``\\ud800`` escape in a capture) would make
    every report file fail to encode, and the signature's hash with it. It is written as its escape
    (``\\udc80``), as golive verify prints it, so staff see what the capture held."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _SURROGATE.search(text) else text


def _identifiers(node: Any, found: set[str], key: str = "") -> None:
    """Digit strings under identifier names, anywhere in the result: kept where text quotes them."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            _identifiers(v, found, str(k))
    elif isinstance(node, list):
        for v in node:
            _identifiers(v, found, key)
    elif isinstance(node, str) and len(node) >= 11 and node.isdigit() and field_kind(key) == "public":
        found.add(node)


class _Redactor:
    """One walk over a result; caches cleaned texts (reports repeat messages and titles a lot)."""

    def __init__(self, keep: frozenset[str], needles: tuple[str, ...]) -> None:
        self.keep = keep
        self.needles = needles
        self.cache: dict[tuple[str, str, bool], str] = {}
        self.names: set[str] = set()  # unmasked names met under name fields: swept from all text after

    def walk(self, node: Any, key: str, in_message: bool = False) -> Any:
        if isinstance(node, str):
            # A masked value of saved evidence (golive.evidence.masked) is a str subclass that
            # compares by its equality token: the result holds its text, as a plain str.
            return self.text(node if node.__class__ is str else str(node), key, in_message)
        if isinstance(node, (dict, Mapping)):  # dict first: isinstance against Mapping alone is slow
            return {_encodable(str(k)): self.walk(v, str(k), in_message) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [self.walk(v, key, in_message) for v in node]
        if node is None or isinstance(node, (bool, float)):
            return node
        if isinstance(node, int):
            return self.number(node, key, in_message)
        return self.text(node if isinstance(node, str) else str(node), key, in_message)

    def number(self, node: int, key: str, in_message: bool) -> int | str:
        # An ID or card number read as a JSON or YAML number is still one.
        # (Below 11 digits no card, ID or mobile number; sizes and counts are never masked.)
        if abs(node) < 10 ** 10 or key in _COUNTERS:
            return node
        cleaned = self.text(str(node), key, in_message)
        return node if cleaned == str(node) else cleaned

    def keep_types(self, node: Any, key: str) -> Any:
        """`walk` for evidence rather than a result: tuples stay tuples and other values
        (Decimal, dates) stay what they are; only text, and numbers shaped like personal data,
        change."""
        if isinstance(node, str):
            return self.text(node if node.__class__ is str else str(node), key, False)
        if isinstance(node, Mapping):
            return {k: self.keep_types(v, str(k)) for k, v in node.items()}
        if isinstance(node, list):
            return [self.keep_types(v, key) for v in node]
        if isinstance(node, tuple):
            return tuple(self.keep_types(v, key) for v in node)
        if isinstance(node, int) and not isinstance(node, bool):
            return self.number(node, key, False)
        return node

    def text(self, text: str, key: str, in_message: bool) -> str:
        cache_key = (key, text, in_message)
        cleaned = self.cache.get(cache_key)
        if cleaned is None:
            cleaned = self.cache[cache_key] = self._clean(text, key, in_message)
        return cleaned

    def _clean(self, text: str, key: str, in_message: bool) -> str:
        if not text:
            return text
        text = _encodable(text)
        kind = field_kind(key, in_message) if key else None
        if kind == "public" and _PLAIN_TOKEN.match(text):
            return text
        if kind == "secret":
            if SECRET_MARK.match(text) or (key.lower() == "key" and _CONFIG_KEY_NAME.match(text)):
                return text
            return f"[secret, {len(text)} chars]"
        if kind in _MASK_BY_KIND:
            if kind == "name" and MASK not in text:
                _collect_names(text, self.names, key, in_message)
            # Secrets out first: the mask keeps their markers whole, so a second pass is a no-op.
            return mask_free_text(_MASK_BY_KIND[kind](remove_secrets(text, self.needles)), self.keep)
        structured = self._structured(text)
        return self._free(text) if structured is None else structured

    def _free(self, text: str) -> str:
        return mask_free_text(remove_secrets(text, self.needles), self.keep)

    def _structured(self, text: str) -> str | None:
        """Field-wise masking inside a JSON document held in a string (risk_item, a notification
        body), a ``k=v&k=v`` form or sign source, or a URL's query; None for other text. Each value
        is cleaned under its own field name (so a no_order stays readable in a body); the text is
        rewritten only if a value changed, so an HTTP body keeps its exact bytes unless it carried
        personal data."""
        stripped = text.strip()
        if stripped[:1] in "{[" and stripped[-1:] in "}]":
            try:
                inner = safe_json.loads(stripped)
            except ValueError:
                return None
            if not isinstance(inner, (dict, list)):
                return None
            cleaned = self.walk(inner, "", True)
            return text if cleaned == inner else json.dumps(cleaned, ensure_ascii=False, separators=(",", ":"))
        if "=" not in text:
            return None
        url = _URL_QUERY.match(text)
        if url:
            query = self._form(url.group(2))
            if query is None:
                return None
            return self._free(url.group(1)) + query + self._free(url.group(3) or "")
        return self._form(text)

    def _form(self, text: str) -> str | None:
        if not _FORM.match(text):
            return None
        return "&".join(f"{k}={self._form_value(k, v)}" for k, _, v in (part.partition("=") for part in text.split("&")))

    def _form_value(self, key: str, value: str) -> str:
        """A form value, percent-decoded before it is cleaned: encoded, a JSON document (a WAP
        res_data) hides its field names, and %22 glues hex digits onto a dt_order, which then
        looks like a card number. Re-encoded only if cleaning changed it."""
        if "%" not in value and "+" not in value:
            return self.text(value, key, True)
        from urllib.parse import quote_plus, unquote_plus

        decoded = unquote_plus(value)
        cleaned = self.text(decoded, key, True)
        return value if cleaned == decoded else quote_plus(cleaned, safe="*")


def redact_result(result: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of `result` with personal data masked and secrets removed (idempotent).

    `secrets`: exact secret values the run read (MD5 key, private-key PEMs), removed wherever they
    occur; a result from outside has none, and relies on names and shapes.
    """
    found: set[str] = set()
    _identifiers(result, found)
    redactor = _Redactor(frozenset(found), secret_needles(secrets))
    cleaned = redactor.walk(result, "")
    pattern = _names_pattern(redactor.names)
    if pattern is not None:  # names under name fields, quoted in free text elsewhere
        cleaned = _sweep_tree(cleaned, pattern)
    return cleaned  # type: ignore[no-any-return]


def _sweep_tree(node: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(node, str):
        return _sweep_names(node, pattern)
    if isinstance(node, dict):
        return {k: _sweep_tree(v, pattern) for k, v in node.items()}
    if isinstance(node, list):
        return [_sweep_tree(v, pattern) for v in node]
    if isinstance(node, tuple):
        return tuple(_sweep_tree(v, pattern) for v in node)
    return node


# -- saved evidence (golive check --save-evidence, golive.evidence.store) -----------------------------
# Saved evidence is an output too. Opaque evidence (probe records, a scan) is saved as the result
# would show it; values checks compare or validate (capture parameters, ledger rows) are saved as
# masked values (golive.evidence.masked) whose text is what these rules show.


def redact_evidence(value: Any, secrets: Iterable[str] = ()) -> Any:
    """An evidence value as `redact_result` would show it, with its types kept (tuples, Decimal,
    dates): for evidence saved whole and judged again (probe records, a scan result)."""
    found: set[str] = set()
    _identifiers(value, found)
    redactor = _Redactor(frozenset(found), secret_needles(secrets))
    cleaned = redactor.keep_types(value, "")
    pattern = _names_pattern(redactor.names)
    return _sweep_tree(cleaned, pattern) if pattern is not None else cleaned


def redact_text(text: str, key: str = "", secrets: Iterable[str] = ()) -> str:
    """One text under field name `key` as a result would show it (a JSON or form body field by
    field, a URL's query, personal data by shape, secrets removed)."""
    return _Redactor(frozenset(), secret_needles(secrets)).text(str(text), key, True)


_EDGE = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)


def mask_kept_edges(kind: str, value: str) -> str:
    """`value` masked by the rule of a field kind (card, id, phone, name; a secret becomes ``*`` s)
    with its surrounding whitespace kept: a check that looks at the edges of a value (LL-SIG-008)
    or at its length sees what it would have seen, and masking the text again as a result does
    (`redact_value`) gives what masking the original gives."""
    lead, core, trail = _EDGE.match(value).groups()  # type: ignore[union-attr]
    if not core:
        return value
    if kind == "secret":
        return lead + MASK * len(core) + trail
    return lead + _MASK_BY_KIND[kind](core) + trail
