"""RSA keys in the forms LianLian's demos and merchant site use: load, fingerprint, generate.

Background (protocol.md §2.3, §2.4):

* The Java demos (LLP-AuthPay-Java ``TraderRSAUtil``, LLP-YT-Java ``RSASign``) want the merchant
  private key as **PKCS#8 DER in bare Base64** (no PEM armour) and public keys as X.509
  SubjectPublicKeyInfo in bare Base64; the PHP demos use PEM, PKCS#1 (PEM label ``RSA PRIVATE KEY``) in
  their comments (OpenSSL reads PKCS#8 too). Merchants meet all of these, often pasted with stray
  line breaks or indentation, so the loaders accept every one of them.
* The merchant uploads its **public** key (bare Base64) on the merchant site (商户站) and downloads
  LianLian's ``llpay_public_key.pem``; mixing the two up (a private key where the public one goes,
  or the reverse) is a classic integration mistake, so it gets its own clear error.
* LianLian's own key is 1024-bit; the docs accept 1024, 2048 or 4096. `generate_keypair` refuses
  anything under 1024 bits (LL-SIG-004 warns under 2048).
* Fingerprints are SHA-256 over the SubjectPublicKeyInfo DER, the same for a private key and its
  public half; `platform.py` uses them to recognise the LianLian key (LL-SIG-005) and the published
  demo keys (LL-SIG-003) without holding any private material.

Secrets: `KeyFormatError` messages name the source and the problem only, never key material, and
`KeyPairForms` keeps its private forms out of ``repr()``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

    RsaKey = RSAPrivateKey | RSAPublicKey

__all__ = [
    "MIN_GENERATE_BITS",
    "KeyFormatError",
    "KeyPairForms",
    "fingerprint_sha256",
    "generate_keypair",
    "is_private",
    "key_bits",
    "keys_match",
    "load_private_key",
    "load_public_key",
    "new_private_key",
    "private_der",
    "private_pem",
    "public_half",
    "public_key_from_numbers",
    "public_pem",
    "spki_der",
]

MIN_GENERATE_BITS = 1024
"""LianLian's documented minimum (protocol.md §2.3); its own platform key has this size."""


class KeyFormatError(ValueError):
    """A key could not be used. The message is safe to print: it never contains key material."""


_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_PRIVATE_LABELS = {"RSA PRIVATE KEY", "PRIVATE KEY"}
_PUBLIC_LABELS = {"PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"}
_ENCRYPTED_HINT = (
    "it is encrypted (passphrase-protected); export it without a passphrase, e.g. "
    "`openssl pkey -in KEY -out plain.pem`"
)


def _key_bytes_and_label(data: str | bytes, source: str) -> tuple[bytes, str | None]:
    """DER bytes of the key in `data`, plus its PEM label when it was PEM.

    Accepts PEM (any line endings or indentation), bare Base64 (line breaks, spaces and
    surrounding quotes from a pasted Java/PHP string tolerated) and raw DER bytes.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        # DER starts with a SEQUENCE tag (0x30); anything else is taken as text.
        if raw[:1] == b"\x30":
            return raw, None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise KeyFormatError(f"{source}: not a key: neither DER, PEM nor Base64 text") from None
    elif isinstance(data, str):
        text = data
    else:
        raise KeyFormatError(f"{source}: a key must be given as text or bytes")

    text = text.lstrip("\ufeff").strip()
    if not text:
        raise KeyFormatError(f"{source}: the key is empty")
    label: str | None = None
    if "-----BEGIN" in text:
        match = _PEM_BLOCK.search(text)
        if match is None:
            raise KeyFormatError(f"{source}: broken PEM: BEGIN line without a matching END line")
        label, body = match.group(1), match.group(2)
        if label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in body:
            raise KeyFormatError(f"{source}: the private key is unusable: {_ENCRYPTED_HINT}")
        if label not in _PRIVATE_LABELS and label not in _PUBLIC_LABELS:
            raise KeyFormatError(f"{source}: PEM block '{label}' is not an RSA key")
        # Header lines ("Key: value") appear only in legacy encrypted PEM, rejected above.
        b64 = "".join(body.split())
    else:
        b64 = "".join(text.strip("\"'").split())
    try:
        der = base64.b64decode(b64.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        where = "the PEM body" if label else "the text"
        raise KeyFormatError(f"{source}: not a key: {where} is not valid Base64") from None
    if not der:
        raise KeyFormatError(f"{source}: the key is empty")
    return der, label


def _parse_der(der: bytes) -> object | None:
    """The key in `der` (PKCS#8 or PKCS#1 private, X.509 SubjectPublicKeyInfo or PKCS#1 public, or an
    X.509 certificate's public key), or None when it is none of them. Any algorithm: the caller
    refuses what is not RSA. An encrypted PKCS#8 key raises TypeError (no passphrase given)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_private_key, load_der_public_key

    for load in (lambda: load_der_private_key(der, password=None), lambda: load_der_public_key(der),
                 lambda: x509.load_der_x509_certificate(der).public_key()):
        try:
            return load()
        except ValueError:
            continue
        except Exception as exc:  # cryptography's UnsupportedAlgorithm and kin: not a key we can use
            if isinstance(exc, TypeError):
                raise
            continue
    return None


def _import(der: bytes, source: str, expected: str) -> RsaKey:
    """The RSA key in `der` (OpenSSL through `cryptography` parses it)."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

    try:
        key = _parse_der(der)
    except TypeError:  # "Password was not given but private key is encrypted"
        raise KeyFormatError(f"{source}: the {expected} key is unusable: {_ENCRYPTED_HINT}") from None
    if isinstance(key, (RSAPrivateKey, RSAPublicKey)):
        return key
    # Not readable as an RSA key. Tell the likely reason without echoing anything from the key.
    if _looks_like_encrypted_pkcs8(der):
        raise KeyFormatError(f"{source}: the {expected} key is unusable: {_ENCRYPTED_HINT}") from None
    raise KeyFormatError(
        f"{source}: not a usable RSA {expected} key (expected PEM, bare Base64 DER or DER in "
        "PKCS#1, PKCS#8 or X.509 form); it may be truncated, not RSA, or not a key at all"
    ) from None


def _looks_like_encrypted_pkcs8(der: bytes) -> bool:
    # EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier (PBES2 = 1.2.840.113549.1.5.13 or
    # an older PBE OID under 1.2.840.113549.1.5 / 1.2.840.113549.1.12.1), OCTET STRING }.
    return b"\x2a\x86\x48\x86\xf7\x0d\x01\x05" in der[:40] or b"\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01" in der[:40]


def load_private_key(data: str | bytes, *, source: str = "<key>") -> RSAPrivateKey:
    """An RSA private key from PEM (PKCS#1 or PKCS#8), bare Base64 DER or raw DER.

    Raises `KeyFormatError` for garbage, truncated or encrypted keys and for a public key given
    where the private one is expected.
    """
    der, label = _key_bytes_and_label(data, source)
    if label in _PUBLIC_LABELS:
        raise KeyFormatError(
            f"{source}: this is a public key ({label}); the merchant RSA private key is needed here"
        )
    key = _import(der, source, "private")
    if not is_private(key):
        raise KeyFormatError(
            f"{source}: this is a public key; the merchant RSA private key is needed here"
        )
    return key  # type: ignore[return-value]


def load_public_key(data: str | bytes, *, source: str = "<key>") -> RSAPublicKey:
    """An RSA public key from X.509 SubjectPublicKeyInfo (PEM, bare Base64, DER) or PKCS#1 PEM.

    A private key is refused with "this is a private key": it must never be where a public key
    belongs (it would be shared, uploaded or committed as if it were public).
    """
    der, label = _key_bytes_and_label(data, source)
    if label in _PRIVATE_LABELS:
        raise KeyFormatError(
            f"{source}: this is a private key; give the public key here (keep the private key secret)"
        )
    key = _import(der, source, "public")
    if is_private(key):
        raise KeyFormatError(
            f"{source}: this is a private key; give the public key here (keep the private key secret)"
        )
    return key  # type: ignore[return-value]


def is_private(key: object) -> bool:
    """True for an RSA private key (`load_private_key`, `new_private_key`)."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    return isinstance(key, RSAPrivateKey)


def public_half(key: RsaKey) -> RSAPublicKey:
    """The public key of `key` (`key` itself when it is public)."""
    return key.public_key() if is_private(key) else key  # type: ignore[union-attr,return-value]


def new_private_key(bits: int = 2048) -> RSAPrivateKey:
    """A fresh RSA private key (e = 65537), without `generate_keypair`'s size rules (test keys,
    throwaway forgers)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_key_from_numbers(n: int, e: int) -> RSAPublicKey:
    """The RSA public key with modulus `n` and exponent `e` (ValueError when they make none)."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

    return RSAPublicNumbers(e, n).public_key()


def spki_der(key: RsaKey) -> bytes:
    """X.509 SubjectPublicKeyInfo DER of `key` (of its public half when it is private)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public_half(key).public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def public_pem(key: RsaKey) -> str:
    """X.509 SubjectPublicKeyInfo PEM (label ``PUBLIC KEY``) of `key`'s public half, ending in a newline."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public_half(key).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def private_der(key: RSAPrivateKey, pkcs: int = 8) -> bytes:
    """Unencrypted DER of a private key: PKCS#8 (``pkcs=8``) or PKCS#1 (``pkcs=1``)."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    form = PrivateFormat.PKCS8 if pkcs == 8 else PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(Encoding.DER, form, NoEncryption())


def private_pem(key: RSAPrivateKey, pkcs: int = 8) -> str:
    """Unencrypted PEM of a private key, ending in a newline: PKCS#8 (label ``PRIVATE KEY``) or
    PKCS#1 (``pkcs=1``, label ``RSA PRIVATE KEY``)."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    form = PrivateFormat.PKCS8 if pkcs == 8 else PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(Encoding.PEM, form, NoEncryption()).decode("ascii")


def fingerprint_sha256(key: RsaKey) -> str:
    """Lower-case hex SHA-256 of the SubjectPublicKeyInfo DER (same for a key pair's two halves)."""
    return hashlib.sha256(spki_der(key)).hexdigest()


def key_bits(key: RsaKey) -> int:
    """Modulus size in bits."""
    return int(key.key_size)


def keys_match(private_key: RsaKey, public_key: RsaKey) -> bool:
    """True if `public_key` is the public half of `private_key` (same modulus and exponent)."""
    return bool(public_half(private_key).public_numbers() == public_half(public_key).public_numbers())


@dataclass(frozen=True)
class KeyPairForms:
    """One freshly generated pair in every form LianLian's demos and merchant site ask for.

    The private forms are excluded from ``repr()`` so a stray log line cannot leak them.
    """

    bits: int
    fingerprint_sha256: str
    private_pkcs8_pem: str = field(repr=False)
    """PKCS#8 PEM, label ``PRIVATE KEY`` (OpenSSL, most libraries)."""
    private_pkcs1_pem: str = field(repr=False)
    """PKCS#1 PEM, label ``RSA PRIVATE KEY``, the form the PHP demos show."""
    private_pkcs8_b64: str = field(repr=False)
    """PKCS#8 DER as one Base64 line, what the Java demos' ``TRADER_PRI_KEY`` wants."""
    public_pem: str
    """X.509 SubjectPublicKeyInfo PEM, label ``PUBLIC KEY``."""
    public_b64: str
    """X.509 SubjectPublicKeyInfo DER as one Base64 line, pasted into the merchant site (商户站)."""


def generate_keypair(bits: int = 2048) -> KeyPairForms:
    """Generate an RSA key pair (e = 65537) and export it in all of LianLian's forms."""
    if not isinstance(bits, int) or bits < MIN_GENERATE_BITS:
        raise ValueError(f"key size must be at least {MIN_GENERATE_BITS} bits (LianLian's minimum); 2048 is recommended")
    if bits % 256:
        raise ValueError("key size must be a multiple of 256 bits (e.g. 1024, 2048, 3072, 4096)")
    key = new_private_key(bits)
    public_der = spki_der(key)
    return KeyPairForms(
        bits=key_bits(key),
        fingerprint_sha256=hashlib.sha256(public_der).hexdigest(),
        private_pkcs8_pem=private_pem(key, pkcs=8),
        private_pkcs1_pem=private_pem(key, pkcs=1),
        private_pkcs8_b64=base64.b64encode(private_der(key, pkcs=8)).decode("ascii"),
        public_pem=public_pem(key),
        public_b64=base64.b64encode(public_der).decode("ascii"),
    )
