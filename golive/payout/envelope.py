"""The ``pay_load`` envelope of a payout request, checked for structure without any key.

docs/protocol.md §8 and `golive.lianlian.payload`: the HTTP body is exactly
``{"oid_partner": "...", "pay_load": "..."}``, and ``pay_load`` is six ``$``-separated parts --
``lianpay1_0_1``, two RSA-OAEP blocks (the HMAC and AES keys, as long as LianLian's key modulus),
the Base64 of an 8-character nonce, the AES-256-CTR cipher text and a 32-byte HMAC-SHA256. All of
that can be judged without LianLian's private key; whether the blocks open with it is the one
thing that needs it (golive opens them with the sandbox's, or ``live.lianlian_private_key``).
Base64 may carry the CRLF line breaks of Java's encoder.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Mapping

from golive.lianlian.payload import PAY_LOAD_VERSION

__all__ = ["envelope_facts"]

_RSA_BLOCK_BYTES = (128, 256, 384, 512)  # 1024- to 4096-bit keys; LianLian's is 1024-bit


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode("".join(text.split()).encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def envelope_facts(body: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the outer body of a payout apply/confirm shows: its keys, and every structural problem
    of ``pay_load`` (plain English, no key material, never the plaintext)."""
    if body is None:
        return {"keys": [], "has_pay_load": False, "problems": ["the body is not a JSON object"]}
    keys = sorted(str(k) for k in body)
    problems: list[str] = []
    extra = [k for k in keys if k not in ("oid_partner", "pay_load")]
    if extra:
        problems.append(f"fields beside oid_partner and pay_load travel in clear: {', '.join(extra[:8])}")
    if "oid_partner" not in body:
        problems.append("oid_partner is missing beside pay_load")
    pay_load = body.get("pay_load")
    facts: dict[str, Any] = {"keys": keys, "has_pay_load": isinstance(pay_load, str) and bool(pay_load),
                             "problems": problems}
    if not facts["has_pay_load"]:
        problems.append("no pay_load: the signed request must be encrypted into pay_load (§8)")
        return facts
    parts = str(pay_load).split("$")
    facts["parts"] = len(parts)
    facts["version"] = parts[0][:20]
    if len(parts) != 6:
        problems.append(f"pay_load has {len(parts)} '$'-separated parts; {PAY_LOAD_VERSION} has 6")
        return facts
    if parts[0] != PAY_LOAD_VERSION:
        problems.append(f"version {parts[0][:20]!r}, expected {PAY_LOAD_VERSION}")
    names = ("", "the encrypted HMAC key", "the encrypted AES key", "the nonce", "the cipher text", "the HMAC")
    decoded = [_b64(part) if index else None for index, part in enumerate(parts)]
    for index in range(1, 6):
        if decoded[index] is None:
            problems.append(f"{names[index]} is not Base64")
    hmac_block, aes_block, nonce, cipher, mac = decoded[1:]
    if hmac_block is not None and aes_block is not None:
        if len(hmac_block) != len(aes_block) or len(hmac_block) not in _RSA_BLOCK_BYTES:
            problems.append("the two RSA-OAEP key blocks are not one RSA modulus long")
        facts["rsa_block_bits"] = len(hmac_block) * 8
    if nonce is not None and len(nonce) != 8:
        problems.append(f"the nonce is {len(nonce)} bytes; 8 expected")
    if cipher is not None and not cipher:
        problems.append("the cipher text is empty")
    if mac is not None and len(mac) != 32:
        problems.append(f"the HMAC is {len(mac)} bytes; HMAC-SHA256 has 32")
    return facts
