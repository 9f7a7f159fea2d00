"""Redaction of personal data and secrets. Applied once, when evidence enters the bundle
(design.md §7), plus a last safety net over every output.

Rules: card numbers keep the first 6 and last 4 digits, ID numbers the first 3 and last 4,
mobile numbers the first 3 and last 4, names only the first character. Secrets are never shown:
only presence, length and (for public keys) fingerprints.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

MASK = "*"

# Field names (request, notification, risk_item, ledger) that carry personal data, by kind.
CARD_FIELDS = frozenset({"card_no", "card_number", "bank_card", "acct_no"})
ID_FIELDS = frozenset({"id_no", "user_info_id_no", "passenger_idcard", "idcard", "id_number"})
PHONE_FIELDS = frozenset({"user_info_bind_phone", "bind_mobile", "phone", "mobile", "delivery_phone", "passenger_phone",
                          "book_phone", "user_info_mercht_userlogin"})
NAME_FIELDS = frozenset({"acct_name", "user_info_full_name", "delivery_full_name", "passenger_name", "name",
                         "credential_name", "card_holder"})
SECRET_FIELDS = frozenset({"md5_key", "key", "private_key", "rsa_private_key", "password", "secret"})
# Merchant, order and time identifiers: long digit runs that are not personal data and that staff
# must be able to read and match (free-text masking would otherwise hide an 18-digit oid_partner).
PUBLIC_FIELDS = frozenset({"oid_partner", "no_order", "oid_paybill", "dt_order", "settle_date", "timestamp",
                           "money_order", "busi_partner", "platform", "frms_ware_category", "bank_code",
                           "user_info_dt_register", "valid_order", "sign_type", "sign", "ret_code", "result_pay"})


def mask_card(value: str) -> str:
    digits = value.strip()
    if len(digits) <= 10:
        return MASK * len(digits)
    return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]


def mask_id(value: str) -> str:
    text = value.strip()
    if len(text) <= 7:
        return MASK * len(text)
    return text[:3] + MASK * (len(text) - 7) + text[-4:]


def mask_phone(value: str) -> str:
    text = value.strip()
    if len(text) <= 7:
        return MASK * len(text)
    return text[:3] + MASK * (len(text) - 7) + text[-4:]


def mask_name(value: str) -> str:
    text = value.strip()
    return text[:1] + MASK * max(len(text) - 1, 1) if text else text


_LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{5,9})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_free_text(text: str) -> str:
    """Mask card/ID-like digit runs (15-19 chars) and mainland mobiles inside free text."""
    text = _LONG_DIGITS.sub(lambda m: m.group(1) + MASK * len(m.group(2)) + m.group(3), text)
    return _MOBILE.sub(lambda m: m.group(1) + MASK * 4 + m.group(3), text)


def redact_value(field: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    name = field.rsplit(".", 1)[-1].lower()
    if name in PUBLIC_FIELDS:
        return value
    if name in SECRET_FIELDS:
        return f"[secret, {len(value)} chars]"
    if name in CARD_FIELDS:
        return mask_card(value)
    if name in ID_FIELDS:
        return mask_id(value)
    if name in PHONE_FIELDS:
        return mask_phone(value)
    if name in NAME_FIELDS:
        return mask_name(value)
    if name == "risk_item" and value.lstrip().startswith("{"):
        try:
            inner = json.loads(value)
        except ValueError:
            return mask_free_text(value)
        if isinstance(inner, dict):
            return json.dumps(redact_params(inner), ensure_ascii=False, separators=(",", ":"))
    return mask_free_text(value)


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a parameter mapping with personal data masked, nested mappings included."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Mapping):
            out[key] = redact_params(value)
        elif isinstance(value, list):
            out[key] = [redact_params(v) if isinstance(v, Mapping) else redact_value(key, v) for v in value]
        else:
            out[key] = redact_value(key, value)
    return out


def scrub_secrets(result: Any, secrets: Iterable[str]) -> Any:
    """Safety net: replace any secret string that slipped into an output structure."""
    needles = [s for s in secrets if s and len(s) >= 6]
    if not needles:
        return result
    # Also catch PEM bodies split over lines and single lines of them.
    lines = {line.strip() for s in needles for line in s.splitlines() if len(line.strip()) >= 16}
    needles = sorted(set(needles) | lines, key=len, reverse=True)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            for needle in needles:
                if needle in node:
                    node = node.replace(needle, "[REDACTED]")
            return node
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(result)
