"""Masked values: personal data in saved evidence that still compares and validates as the original.

`golive check --save-evidence` writes the records it judged so that `--from-evidence` can judge them
again -- by staff, with a newer golive, without the merchant's keys or its customers' data. A saved
record must not hold a card, ID or phone number or a name, yet the checks must reach the same
findings on it. A masked value makes that possible:

* its **text** is what golive's redaction shows of the original (`golive.redact`: cards 6+4, IDs 3+4,
  phones 3+4, names the first character), with the original's surrounding whitespace and length
  kept, so a finding that quotes it reads as it did, and a check looking at its edges (LL-SIG-008)
  sees them;
* its **equality token** is a keyed hash (HMAC-SHA-256) of the original under a random key made
  for the run and never saved: equal originals stay equal (LL-RSK-005's user ids, LL-CRD-003's
  cards, LL-LIM-004's per-user totals), different ones different, and as the key is gone nobody can
  test guesses against a token (an ID number has few enough possible values to try them all
  against a plain hash);
* its **JSON type** is kept: `MaskedText` is a JSON string (a `str` subclass), `MaskedNumber` a JSON
  number (an ID number sent as a number stays a non-string for LL-RSK-001 and LL-SIG-008);
* its **validator outcomes** are computed once from the original
  (`golive.lianlian.validators.outcome`): what the formats that may judge the field said of it --
  a check digit, a birth date, a mobile-number shape -- because the masked text no longer can.

What is never masked: empty and whitespace-only values and the literal ``null`` (checks judge those
for what they are), and values under identifier names staff must read (oid_partner, no_order,
no_agree, times, the sign: `golive.redact.field_kind` "public").

A JSON document held in a string (``risk_item``, a passenger list) is masked field by field and
keeps its masked parsed form (`MaskedText.decoded`), so the saved record keeps its parsed fields.
Text derived from a masked value (``.strip()``, slicing, an f-string) is plain masked text; only
``upper()`` keeps a token (LL-RSK-005 compares ID numbers case-folded). A masked value never
compares equal to a plain string: the same value under the same field is masked the same way
every time, so a plain string there is another value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets as _secrets
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Mapping

from golive import safe_json
from golive.lianlian.validators import PERSONAL_FORMATS, Problem, ValidationContext, outcomes
from golive.model import Text
from golive.redact import field_kind, mask_free_text, mask_kept_edges, remove_secrets, secret_needles

__all__ = ["MaskedNumber", "MaskedText", "Masker", "list_items", "text_key"]

TOKEN_HEX = 32  # 128 bits of the HMAC: no two different values of one run share a token


class MaskedText(str):
    """A JSON string saved masked: its text, an equality token and what validators said of it."""

    token: str
    upper_token: str | None
    outcomes: Mapping[str, Problem | None]
    decoded: Any

    def __new__(cls, text: str, token: str, *, upper_token: str | None = None,
                outcomes: Mapping[str, Problem | None] | None = None, decoded: Any = None) -> MaskedText:
        self = super().__new__(cls, text)
        self.token = token
        self.upper_token = upper_token
        self.outcomes = outcomes or {}
        self.decoded = decoded
        return self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MaskedText):
            return self.token == other.token
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.token)

    def upper(self) -> MaskedText:
        return MaskedText(str.upper(self), self.upper_token or self.token, outcomes=self.outcomes)

    def __repr__(self) -> str:
        return f"MaskedText({str.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_masked_text, (str(self), self.token, self.upper_token, dict(self.outcomes), self.decoded))


def _masked_text(text: str, token: str, upper: str | None, known: dict[str, Any], decoded: Any) -> MaskedText:
    return MaskedText(text, token, upper_token=upper, outcomes=known, decoded=decoded)


class MaskedNumber:
    """A JSON number saved masked (an ID or card number sent as a number): not a string, shown as
    its masked digits, equal to another masked number of the same value."""

    __slots__ = ("text", "token")

    def __init__(self, text: str, token: str) -> None:
        self.text = text
        self.token = token

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"MaskedNumber({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaskedNumber) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def as_text(self) -> MaskedText:
        """``str(number)`` of the original, masked: equal to the same digits sent as a string."""
        return MaskedText(self.text, self.token)


def text_key(value: Any) -> str:
    """``str(value)`` for a key (a user id, a card), keeping a masked value's equality."""
    if isinstance(value, str):
        return value
    if isinstance(value, MaskedNumber):
        return value.as_text()
    return str(value)


def list_items(value: Any) -> list[Any] | None:
    """`golive.lianlian.fields.list_items` that reads a masked list from its saved parsed form."""
    if isinstance(value, MaskedText) and isinstance(value.decoded, list):
        return value.decoded
    from golive.lianlian.fields import list_items as plain

    return plain(value)


@lru_cache(maxsize=1)
def field_formats() -> dict[str, frozenset[str]]:
    """Field (``airline_list[].passenger_phone`` for list items) -> the formats that may judge it:
    the catalogue's and every profile's (``text`` is only "non-empty", never masked away)."""
    from golive.errors import InputError
    from golive.lianlian.fields import FIELDS, REQUEST_FIELDS
    from golive.profile import available_profiles, load_profile

    found: dict[str, set[str]] = {}
    for info in (*FIELDS.values(), *REQUEST_FIELDS.values()):
        if info.format and info.format != "text":
            found.setdefault(info.name, set()).add(info.format)
    for name in available_profiles():
        try:
            profile = load_profile(name)
        except InputError:
            continue
        for field, format_name in profile.formats.items():
            if format_name != "text":
                found.setdefault(field, set()).add(format_name)
    return {name: frozenset(formats) for name, formats in found.items()}


_KIND_FORMATS: dict[str | None, frozenset[str]] = {
    "id": frozenset({"id_number"}),
    "phone": frozenset(PERSONAL_FORMATS) - {"id_number"},
}
_HEADER_SECRETS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization", "x-api-key"})


def _untouched(value: str) -> bool:
    """Values checks judge for what they are: empty, blank, the literal null."""
    return not value or value.isspace() or (len(value) == 4 and value.lower() == "null")


class Masker:
    """Masks what one run saves. The token key is random per run and lives only in this object."""

    def __init__(self, now: datetime, secrets: Iterable[str] = (), key: bytes | None = None) -> None:
        self._key = key or _secrets.token_bytes(32)
        self.vctx = ValidationContext(now)
        self.secrets = tuple(secrets)
        self.needles = secret_needles(self.secrets)
        self._formats = field_formats()

    def token(self, text: str) -> str:
        data = text.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()[:TOKEN_HEX]

    def _masked(self, text: str, original: str, spec: str, kind: str | None, decoded: Any = None) -> MaskedText:
        formats = self._formats.get(spec, frozenset()) | _KIND_FORMATS.get(kind, frozenset())
        upper = original.upper()
        return MaskedText(text, self.token(original), upper_token=self.token(upper) if upper != original else None,
                          outcomes=outcomes(original, tuple(sorted(formats)), self.vctx) if formats else None,
                          decoded=decoded)

    # -- capture parameters -------------------------------------------------------------------------
    def params(self, params: Mapping[str, Any], list_of: str | None = None) -> dict[str, Any]:
        """A parameter mapping (a request, a notification, risk_item's fields) with every personal
        value masked; `list_of` names the list field whose item this mapping is."""
        out: dict[str, Any] = {}
        for name, value in params.items():
            spec = f"{list_of}[].{name}" if list_of else str(name)
            out[name] = self.value(str(name), spec, value)
        return out

    def value(self, name: str, spec: str, value: Any) -> Any:
        """One value under field `name` (`spec`: its name in the field catalogue)."""
        if isinstance(value, (MaskedText, MaskedNumber)):
            return value  # saved evidence saved again: masking the mask would lose its token and outcomes
        if isinstance(value, str):
            return self._text(name, spec, value)
        if isinstance(value, dict):
            return self.params(value)
        if isinstance(value, list):
            return [self.params(v, name) if isinstance(v, dict) else self.value(name, spec, v) for v in value]
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 10:
            text = str(value)
            kind = field_kind(name)
            if kind == "public":
                return value
            shown = mask_kept_edges(kind, text) if kind in ("card", "id", "phone", "name", "secret") else mask_free_text(text)
            return value if shown == text else MaskedNumber(shown, self.token(text))
        return value

    def _text(self, name: str, spec: str, value: str) -> Any:
        if _untouched(value):
            return value
        kind = field_kind(name)
        if kind == "public":
            return value
        if kind == "secret":  # every character masked: the report says "[secret, N chars]" of it either way
            return self._masked(mask_kept_edges(kind, value), value, spec, kind)
        if kind in ("card", "id", "phone", "name"):
            return self._masked(mask_kept_edges(kind, remove_secrets(value, self.needles)), value, spec, kind)
        head = value.lstrip()[:1]
        if head in ("{", "["):
            document = self._document(name, spec, value)
            if document is not None:
                return document
        shown = mask_free_text(remove_secrets(value, self.needles))
        return value if shown == value else self._masked(shown, value, spec, None)

    def _document(self, name: str, spec: str, value: str) -> MaskedText | None:
        """A JSON object or array held in a string, masked field by field; None if it is not one
        (or holds nothing to mask: then the original text is kept, byte for byte)."""
        try:
            parsed = safe_json.loads(value, parse_float=Decimal)
        except ValueError:
            return None
        if isinstance(parsed, dict):
            masked: Any = self.params(parsed)
        elif isinstance(parsed, list):
            masked = [self.params(v, name) if isinstance(v, dict) else self.value(name, spec, v) for v in parsed]
        else:
            return None
        if not _has_masked(masked):
            return None  # nothing personal in it: the text is kept as it was
        lead, trail = value[: len(value) - len(value.lstrip())], value[len(value.rstrip()):]
        body = json.dumps(masked, ensure_ascii=False, separators=(",", ":"), default=_json_default)
        return self._masked(lead + body + trail, value, spec, None, decoded=masked)

    # -- exchanges, messages, rows --------------------------------------------------------------------
    def exchange(self, exchange: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """A captured request or response as a report would show it (bodies field by field, URLs'
        queries, shapes), and credentials in headers removed."""
        if exchange is None:
            return None
        from golive.redact import redact_evidence

        out = dict(exchange)
        headers = out.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {k: (f"[secret, {len(v)} chars]" if str(k).lower() in _HEADER_SECRETS and isinstance(v, str)
                                  else v) for k, v in headers.items()}
        return redact_evidence(out, self.secrets)  # type: ignore[no-any-return]

    def free_text(self, text: str | None) -> str | None:
        """A message golive wrote about a record (why it is broken): shapes masked, secrets out."""
        return None if text is None else mask_free_text(remove_secrets(text, self.needles))

    def row(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of a ledger row (any row type): card values as the ledger check shows them
        (`golive.evidence.ledger.display_card`) with their tokens, other personal data by name and
        shape, identifiers kept."""
        return {name: self._row_value(name, value) for name, value in fields.items()}

    def _row_value(self, name: str, value: Any) -> Any:
        if isinstance(value, (MaskedText, MaskedNumber)):
            return value
        if isinstance(value, str):
            if "card" in name.lower():
                from golive.evidence.ledger import display_card

                shown = display_card(value)
                return value if shown == value else MaskedText(shown, self.token(value))
            return self._text(name, name, value)
        if isinstance(value, tuple):
            return tuple(self._row_value(name, v) for v in value)
        if isinstance(value, list):
            return [self._row_value(name, v) for v in value]
        if isinstance(value, Text):
            return type(value)(**{**value.__dict__, "zh": self.free_text(value.zh), "en": self.free_text(value.en)})
        return value


def _has_masked(node: Any) -> bool:
    if isinstance(node, (MaskedText, MaskedNumber)):
        return True
    if isinstance(node, dict):
        return any(_has_masked(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_masked(v) for v in node)
    return False


def _json_default(value: Any) -> Any:
    # The text of a masked document is for people (and for value_text, which re-reads it with
    # floats); its parsed form keeps the exact Decimal.
    return float(value) if isinstance(value, Decimal) else str(value)
