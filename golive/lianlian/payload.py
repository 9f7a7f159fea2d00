"""Payout ``pay_load``: the envelope LianLian's 实时付款 (payout) API wraps every signed request in.

Background (protocol.md §8, [3 SOURCES]: LLP-YT-Java ``LLianPayEncrypt``, LLP-InstantPay-PHP
``llpay_security.function.php``, achais/lianlianpay ``LLHelper.php``): a payout request is first
signed (RSA, MD5withRSA, like every request), then the *whole signed JSON* is encrypted for
LianLian and posted as ``{"oid_partner": "...", "pay_load": "..."}``. ``pay_load`` is six
``$``-separated parts::

    lianpay1_0_1 $ B64(RSA-OAEP(hmac_key)) $ B64(RSA-OAEP(aes_key)) $ B64(nonce)
                 $ B64(AES-256-CTR(json)) $ B64(HMAC-SHA256(B64(nonce) + "$" + B64(cipher), hmac_key))

* ``hmac_key`` and ``aes_key`` are 32 random characters from ``0-9A-Z`` (the demos'
  ``genLetterDigitRandom``) used directly as key bytes (so AES-256); ``nonce`` is 8 such characters.
* RSA-OAEP with SHA-1 and MGF1-SHA-1 (Java ``OAEPWithSHA-1AndMGF1Padding``, PHP
  ``OPENSSL_PKCS1_OAEP_PADDING``) under LianLian's public key -- the same platform key that verifies
  LianLian's signatures (§2.4). The sandbox holds its own pair in that role.
* AES-256-CTR whose 16-byte initial counter block is the 8 nonce bytes followed by
  ``00 00 00 00 00 00 00 01``; the whole block counts up (Java ``AES/CTR/NoPadding``).
* The plaintext is the UTF-8 JSON (the Java demos; the PHP demos call ``utf8_decode`` first, which
  turns Chinese into ``?`` -- a PHP bug this module does not reproduce).
* Java's ``sun.misc.BASE64Encoder`` wraps Base64 at 76 characters with CRLF, and real pay_loads
  carry those line breaks; decoding tolerates them, and the HMAC is checked over the parts *as
  transmitted*, because that is what the sender's HMAC covered.

LianLian answers a pay_load it cannot open with 4007 (敏感信息解密异常, "usually the wrong key");
`PayLoadError` says which step failed so the sandbox can answer 4007 with a useful detail. Messages
never contain key material or plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from golive.lianlian.keys import RsaKey

__all__ = ["PAY_LOAD_VERSION", "PayLoadError", "decrypt_pay_load", "encrypt_pay_load", "random_token"]

PAY_LOAD_VERSION = "lianpay1_0_1"
_ALPHABET = string.digits + string.ascii_uppercase  # the demos' "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_COUNTER_TAIL = b"\x00\x00\x00\x00\x00\x00\x00\x01"


class PayLoadError(ValueError):
    """A pay_load that cannot be opened; the message names the step, never a key or plaintext."""


def random_token(size: int) -> str:
    """`size` random characters from 0-9A-Z, as the demos' genLetterDigitRandom (but unpredictable)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(size))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    compact = "".join(text.split())  # CRLF from Java's MIME-style encoder
    try:
        return base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise PayLoadError(f"{what} is not valid Base64") from None


def _ctr(aes_key: bytes, nonce: bytes, data: bytes) -> bytes:
    """AES-256-CTR of `data` (encrypting and decrypting are the same): the whole 16-byte block
    ``nonce + 00000000 00000001`` is the counter, incremented as one big-endian number, as Java's
    ``AES/CTR/NoPadding`` counts."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cipher = Cipher(algorithms.AES(aes_key), modes.CTR(nonce + _COUNTER_TAIL)).encryptor()
    return cipher.update(data) + cipher.finalize()


def _oaep() -> object:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    # SHA-1 / MGF1-SHA-1, as Java's RSA/ECB/OAEPWithSHA-1AndMGF1Padding and PHP's openssl_public_encrypt use.
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)


def _mac(hmac_key: bytes, b64_nonce: str, b64_cipher: str) -> bytes:
    return hmac.new(hmac_key, (b64_nonce + "$" + b64_cipher).encode("ascii"), hashlib.sha256).digest()


def encrypt_pay_load(plaintext: str, public_key: RsaKey, *, hmac_key: str | None = None,
                     aes_key: str | None = None, nonce: str | None = None) -> str:
    """Encrypt a signed payout request (its JSON text) for the holder of `public_key`'s private half.

    The keys and nonce are random unless given (tests pin them to check the format).
    """
    from golive.lianlian.keys import public_half

    hmac_key = hmac_key if hmac_key is not None else random_token(32)
    aes_key = aes_key if aes_key is not None else random_token(32)
    nonce = nonce if nonce is not None else random_token(8)
    if len(aes_key.encode("ascii")) != 32 or len(nonce.encode("ascii")) != 8:
        raise ValueError("aes_key must be 32 ASCII characters and nonce 8")
    public, oaep = public_half(public_key), _oaep()
    b64_hmac_key = _b64(public.encrypt(hmac_key.encode("ascii"), oaep))  # type: ignore[arg-type]
    b64_aes_key = _b64(public.encrypt(aes_key.encode("ascii"), oaep))  # type: ignore[arg-type]
    b64_nonce = _b64(nonce.encode("ascii"))
    b64_cipher = _b64(_ctr(aes_key.encode("ascii"), nonce.encode("ascii"), plaintext.encode("utf-8")))
    b64_sign = _b64(_mac(hmac_key.encode("ascii"), b64_nonce, b64_cipher))
    return "$".join((PAY_LOAD_VERSION, b64_hmac_key, b64_aes_key, b64_nonce, b64_cipher, b64_sign))


def decrypt_pay_load(pay_load: str, private_key: RSAPrivateKey) -> str:
    """The JSON text inside `pay_load`, after checking its version and HMAC.

    Raises `PayLoadError` (LianLian's 4007) for a wrong version, broken Base64, a key that does not
    decrypt (the request was encrypted for another public key), a failed HMAC, or non-UTF-8 content.
    """
    if not isinstance(pay_load, str) or not pay_load:
        raise PayLoadError("pay_load is missing or not a string")
    parts = pay_load.split("$")
    if len(parts) != 6:
        raise PayLoadError(f"pay_load has {len(parts)} '$'-separated parts; {PAY_LOAD_VERSION} has 6")
    version, b64_hmac_key, b64_aes_key, b64_nonce, b64_cipher, b64_sign = parts
    if version != PAY_LOAD_VERSION:
        raise PayLoadError(f"unknown pay_load version {version[:20]!r}; expected {PAY_LOAD_VERSION}")
    oaep = _oaep()
    try:
        hmac_key = private_key.decrypt(_unb64(b64_hmac_key, "the encrypted HMAC key"), oaep)  # type: ignore[arg-type]
        aes_key = private_key.decrypt(_unb64(b64_aes_key, "the encrypted AES key"), oaep)  # type: ignore[arg-type]
    except ValueError as exc:
        if isinstance(exc, PayLoadError):
            raise
        raise PayLoadError("the RSA-OAEP key blocks do not decrypt with this private key "
                           "(the pay_load was encrypted for another public key)") from None
    nonce = _unb64(b64_nonce, "the nonce")
    if len(aes_key) != 32 or len(nonce) != 8:
        raise PayLoadError("the AES key must be 32 bytes and the nonce 8")
    if not hmac.compare_digest(_mac(hmac_key, b64_nonce, b64_cipher), _unb64(b64_sign, "the HMAC")):
        raise PayLoadError("the HMAC-SHA256 does not match (altered or truncated pay_load)")
    plain = _ctr(aes_key, nonce, _unb64(b64_cipher, "the cipher text"))
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise PayLoadError("the decrypted content is not UTF-8") from None
