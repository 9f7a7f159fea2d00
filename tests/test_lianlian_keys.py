"""golive.lianlian.keys: every form LianLian's demos use loads; every mistake gets a safe message.

Keys are generated here with OpenSSL (the `cryptography` package) and exported in each form, so
the loader is tested on real keys, not on fixtures that could drift from what OpenSSL or Java produce.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from golive.lianlian import platform
from golive.lianlian.keys import (
    KeyFormatError,
    KeyPairForms,
    fingerprint_sha256,
    generate_keypair,
    key_bits,
    keys_match,
    load_private_key,
    load_public_key,
    new_private_key,
    private_der,
    private_pem,
    public_pem,
    spki_der,
)


def _n(key: Any) -> int:
    return int((key if not isinstance(key, RSAPrivateKey) else key.public_key()).public_numbers().n)


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return new_private_key(1024)


@pytest.fixture(scope="module")
def other_key() -> RSAPrivateKey:
    return new_private_key(1024)


def _private_forms(key: RSAPrivateKey) -> dict[str, Any]:
    pkcs8_der = private_der(key, pkcs=8)
    pkcs1_der = private_der(key, pkcs=1)
    pkcs8_b64 = base64.b64encode(pkcs8_der).decode()
    pkcs1_pem = private_pem(key, pkcs=1)
    return {
        "pem_pkcs1": pkcs1_pem,
        "pem_pkcs8": private_pem(key, pkcs=8),
        "pem_pkcs1_crlf_indented": "\n".join("    " + line + "\r" for line in pkcs1_pem.splitlines()),
        "b64_pkcs8_java_demo": pkcs8_b64,
        "b64_pkcs8_wrapped_64": "\n".join(pkcs8_b64[i : i + 64] for i in range(0, len(pkcs8_b64), 64)),
        "b64_pkcs8_java_string_quoted": f'"{pkcs8_b64}"',
        "b64_pkcs1": base64.b64encode(pkcs1_der).decode(),
        "der_pkcs8_bytes": pkcs8_der,
        "der_pkcs1_bytes": pkcs1_der,
        "pem_bytes": pkcs1_pem.encode(),
    }


def _public_forms(key: RSAPrivateKey) -> dict[str, Any]:
    public = key.public_key()
    der = spki_der(public)
    return {
        "pem_x509": public_pem(public),
        "pem_pkcs1_rsa_public_key": _pkcs1_public_pem(public),
        "b64_x509_merchant_site": base64.b64encode(der).decode(),
        "b64_x509_with_spaces": " ".join(base64.b64encode(der).decode()[i : i + 40] for i in range(0, 216, 40)),
        "der_x509_bytes": der,
    }


def _der_integer(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    return b"\x02" + _der_length(len(body)) + body


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _pkcs1_public_pem(public: Any) -> str:
    # Built by hand from n and e (RSAPublicKey ::= SEQUENCE {n, e}) so the test does not depend
    # on which public formats the installed library can export.
    numbers = public.public_numbers()
    inner = _der_integer(numbers.n) + _der_integer(numbers.e)
    der = b"\x30" + _der_length(len(inner)) + inner
    body = base64.b64encode(der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN RSA PUBLIC KEY-----\n{lines}\n-----END RSA PUBLIC KEY-----\n"


FORM_NAMES_PRIVATE = list(_private_forms(new_private_key(1024)).keys())
FORM_NAMES_PUBLIC = ["pem_x509", "pem_pkcs1_rsa_public_key", "b64_x509_merchant_site", "b64_x509_with_spaces", "der_x509_bytes"]


@pytest.mark.parametrize("form", FORM_NAMES_PRIVATE)
def test_every_private_form_loads(key: RSAPrivateKey, form: str) -> None:
    loaded = load_private_key(_private_forms(key)[form], source="merchant.pem")
    assert isinstance(loaded, RSAPrivateKey)
    assert loaded.private_numbers() == key.private_numbers()


@pytest.mark.parametrize("form", FORM_NAMES_PUBLIC)
def test_every_public_form_loads(key: RSAPrivateKey, form: str) -> None:
    loaded = load_public_key(_public_forms(key)[form], source="llpay_public_key.pem")
    assert not isinstance(loaded, RSAPrivateKey)
    assert loaded.public_numbers() == key.public_key().public_numbers()


def _assert_safe(error: KeyFormatError, secrets: list[str]) -> None:
    message = str(error)
    for secret in secrets:
        for chunk in (secret[i : i + 12] for i in range(0, max(len(secret) - 12, 1), 12)):
            assert chunk not in message, "key material leaked into the error message"
    assert "\n" not in message  # one line for the CLI


def _material(key: RSAPrivateKey) -> list[str]:
    forms = _private_forms(key)
    return [forms["b64_pkcs8_java_demo"], forms["b64_pkcs1"], base64.b64encode(spki_der(key)).decode()]


@pytest.mark.parametrize(
    ("label", "make"),
    [
        ("garbage", lambda k: "this is not a key at all"),
        ("empty", lambda k: "   \n"),
        ("truncated_pem", lambda k: _private_forms(k)["pem_pkcs8"][:300] + "\n-----END PRIVATE KEY-----\n"),
        ("truncated_b64", lambda k: _private_forms(k)["b64_pkcs8_java_demo"][:400]),
        ("truncated_der", lambda k: _private_forms(k)["der_pkcs8_bytes"][:200]),
        ("pem_without_end", lambda k: _private_forms(k)["pem_pkcs1"].split("-----END")[0]),
        ("binary_junk", lambda k: b"\xff\xfe\x00garbage"),
        ("ec_key", lambda k: "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"),
    ],
)
def test_bad_private_keys_raise_safe_errors(key: RSAPrivateKey, label: str, make: Any) -> None:
    with pytest.raises(KeyFormatError) as info:
        load_private_key(make(key), source="keys/merchant.pem")
    assert str(info.value).startswith("keys/merchant.pem: ")
    _assert_safe(info.value, _material(key))


def test_public_key_where_private_expected(key: RSAPrivateKey) -> None:
    for form in _public_forms(key).values():
        with pytest.raises(KeyFormatError, match="this is a public key") as info:
            load_private_key(form, source="merchant_private.pem")
        _assert_safe(info.value, _material(key))


def test_private_key_where_public_expected(key: RSAPrivateKey) -> None:
    for form in _private_forms(key).values():
        with pytest.raises(KeyFormatError, match="this is a private key") as info:
            load_public_key(form, source="llpay_public_key.pem")
        _assert_safe(info.value, _material(key))


@pytest.mark.parametrize("style", ["pkcs8_encrypted", "legacy_pem_encrypted", "pkcs8_encrypted_b64"])
def test_encrypted_private_key_is_refused_clearly(key: RSAPrivateKey, style: str) -> None:
    locked = serialization.BestAvailableEncryption(b"secret")
    if style == "pkcs8_encrypted":
        data: Any = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, locked).decode()
    elif style == "legacy_pem_encrypted":  # "Proc-Type: 4,ENCRYPTED" headers
        data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, locked).decode()
        assert "Proc-Type: 4,ENCRYPTED" in data
    else:
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, locked)
        data = base64.b64encode(der).decode()
    with pytest.raises(KeyFormatError, match="encrypted") as info:
        load_private_key(data, source="merchant.pem")
    assert "secret" not in str(info.value)
    _assert_safe(info.value, _material(key))


def test_fingerprint_of_the_lianlian_platform_key() -> None:
    public = load_public_key(platform.LIANLIAN_PUBLIC_KEY_B64)
    assert fingerprint_sha256(public) == platform.LIANLIAN_PUBLIC_KEY_SHA256
    assert fingerprint_sha256(public) == "c5e86d06c7241e21878bfed573898a9a9e7ef930e984131fd613d3e524301572"
    assert key_bits(public) == platform.LIANLIAN_PUBLIC_KEY_BITS == 1024
    assert public.public_numbers().e == 65537
    assert base64.b64encode(spki_der(public)).decode() == platform.LIANLIAN_PUBLIC_KEY_B64
    assert fingerprint_sha256(platform.lianlian_public_key()) == platform.LIANLIAN_PUBLIC_KEY_SHA256


def test_fingerprint_is_the_same_for_both_halves(key: RSAPrivateKey) -> None:
    assert fingerprint_sha256(key) == fingerprint_sha256(key.public_key())
    assert len(fingerprint_sha256(key)) == 64


def test_keys_match(key: RSAPrivateKey, other_key: RSAPrivateKey) -> None:
    assert keys_match(key, key.public_key())
    assert keys_match(load_private_key(_private_forms(key)["b64_pkcs8_java_demo"]), load_public_key(_public_forms(key)["pem_x509"]))
    assert not keys_match(key, other_key.public_key())
    assert not keys_match(other_key, key.public_key())


def test_generate_keypair_forms() -> None:
    pair = generate_keypair(1024)
    assert isinstance(pair, KeyPairForms)
    private_forms = (pair.private_pkcs8_pem, pair.private_pkcs1_pem, pair.private_pkcs8_b64)
    loaded = [load_private_key(form) for form in private_forms]
    public = [load_public_key(pair.public_pem), load_public_key(pair.public_b64)]
    assert len({_n(k) for k in loaded + public}) == 1
    assert pair.bits == 1024 == key_bits(loaded[0])
    assert pair.fingerprint_sha256 == fingerprint_sha256(public[0])
    assert "RSA PRIVATE KEY" in pair.private_pkcs1_pem and "RSA PRIVATE KEY" not in pair.private_pkcs8_pem
    assert "\n" not in pair.private_pkcs8_b64 and "\n" not in pair.public_b64
    assert base64.b64decode(pair.public_b64) == spki_der(public[0])
    # repr() must never leak private material (it could end up in a log).
    text = repr(pair)
    for form in private_forms:
        assert form not in text
    assert pair.private_pkcs8_b64[40:80] not in text and pair.fingerprint_sha256 in text


@pytest.mark.parametrize("bits", [512, 768, 1000, 0])
def test_generate_refuses_weak_or_odd_sizes(bits: int) -> None:
    with pytest.raises(ValueError):
        generate_keypair(bits)


def test_published_demo_key_fingerprints_are_public_halves() -> None:
    # The S6 add-sign example's key is a published demo key; it must be recognised by fingerprint.
    known = platform.published_demo_key("1D418E413A26A6C759B825F5466664D8A3F70A2580E592732F223AE6C219ED88")
    assert known is not None and known.oid_partner == platform.TEST_MERCHANT_OID
    assert platform.published_demo_key(platform.LIANLIAN_PUBLIC_KEY_SHA256) is None
    assert len(platform.PUBLISHED_DEMO_RSA_FINGERPRINTS) == len(platform.PUBLISHED_DEMO_RSA_KEYS)
    assert all(len(fp) == 64 for fp in platform.PUBLISHED_DEMO_RSA_FINGERPRINTS)
