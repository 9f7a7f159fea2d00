"""Payout pay_load (protocol.md §8): encrypt and decrypt round-trip, the exact wire format, and every
way a pay_load can fail to open (LianLian's 4007)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from golive.lianlian.keys import new_private_key
from golive.lianlian.payload import PAY_LOAD_VERSION, PayLoadError, decrypt_pay_load, encrypt_pay_load, random_token


@pytest.fixture(scope="module")
def lianlian_pair() -> RSAPrivateKey:
    return new_private_key(1024)  # LianLian's own key is 1024-bit


@pytest.fixture(scope="module")
def other_pair() -> RSAPrivateKey:
    return new_private_key(1024)


PLAIN = json.dumps({"oid_partner": "201811230001000001", "no_order": "PO1", "money_order": "0.01",
                    "acct_name": "张三", "info_order": "提现", "sign_type": "RSA", "sign": "abc+/="},
                   ensure_ascii=False, separators=(",", ":"))


def test_round_trip_keeps_chinese_text(lianlian_pair: RSAPrivateKey) -> None:
    pay_load = encrypt_pay_load(PLAIN, lianlian_pair.public_key())
    assert decrypt_pay_load(pay_load, lianlian_pair) == PLAIN


def test_wire_format_matches_the_demos(lianlian_pair: RSAPrivateKey) -> None:
    """Six parts; OAEP-SHA1 key blocks; CTR counter = nonce || 00..01; HMAC over B64(nonce)$B64(cipher)."""
    hmac_key, aes_key, nonce = "H" * 32, "A1B2C3D4E5F6G7H8I9J0K1L2M3N4O5P6", "NONCE123"
    pay_load = encrypt_pay_load(PLAIN, lianlian_pair.public_key(), hmac_key=hmac_key, aes_key=aes_key, nonce=nonce)
    version, b64_hk, b64_ak, b64_nonce, b64_cipher, b64_sign = pay_load.split("$")
    assert version == PAY_LOAD_VERSION == "lianpay1_0_1"
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    assert lianlian_pair.decrypt(base64.b64decode(b64_hk), oaep) == hmac_key.encode()
    assert lianlian_pair.decrypt(base64.b64decode(b64_ak), oaep) == aes_key.encode()
    assert base64.b64decode(b64_nonce) == nonce.encode()
    # An independent CTR: AES-ECB over the counter blocks, XORed with the plaintext.
    ecb = Cipher(algorithms.AES(aes_key.encode()), modes.ECB()).encryptor()
    plain = PLAIN.encode("utf-8")
    stream = b"".join(ecb.update(nonce.encode() + (1 + i).to_bytes(8, "big")) for i in range(len(plain) // 16 + 1))
    assert base64.b64decode(b64_cipher) == bytes(p ^ k for p, k in zip(plain, stream))
    expected_sign = hmac.new(hmac_key.encode(), f"{b64_nonce}${b64_cipher}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(b64_sign) == expected_sign


def test_java_line_breaks_are_tolerated(lianlian_pair: RSAPrivateKey) -> None:
    """sun.misc.BASE64Encoder wraps at 76 characters with CRLF; the HMAC covers the text as sent."""
    hmac_key, aes_key, nonce = random_token(32), random_token(32), random_token(8)
    parts = encrypt_pay_load(PLAIN * 3, lianlian_pair.public_key(), hmac_key=hmac_key, aes_key=aes_key,
                             nonce=nonce).split("$")
    wrapped = ["\r\n".join(p[i:i + 76] for i in range(0, len(p), 76)) for p in parts[1:5]]
    sign = base64.b64encode(hmac.new(hmac_key.encode(), f"{wrapped[2]}${wrapped[3]}".encode(),
                                     hashlib.sha256).digest()).decode()
    java_style = "$".join([parts[0], *wrapped, sign])
    assert "\r\n" in java_style
    assert decrypt_pay_load(java_style, lianlian_pair) == PLAIN * 3


def test_random_tokens_use_the_demo_alphabet() -> None:
    token = random_token(32)
    assert len(token) == 32 and set(token) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert random_token(32) != token


@pytest.mark.parametrize("mangle, reason", [
    (lambda p: p.replace(PAY_LOAD_VERSION, "lianpay1_0_2"), "unknown pay_load version"),
    (lambda p: p.rsplit("$", 1)[0], "has 5"),
    (lambda p: "$".join(p.split("$")[:4] + ["%%%"] + p.split("$")[5:]), "HMAC"),
    (lambda p: "$".join(p.split("$")[:5] + [base64.b64encode(b"x" * 32).decode()]), "HMAC-SHA256 does not match"),
    (lambda p: "$".join(p.split("$")[:1] + ["not base64!"] + p.split("$")[2:]), "not valid Base64"),
    (lambda p: "", "missing"),
])
def test_broken_pay_loads_fail_with_a_reason(lianlian_pair: RSAPrivateKey, mangle, reason: str) -> None:
    pay_load = encrypt_pay_load(PLAIN, lianlian_pair.public_key())
    with pytest.raises(PayLoadError, match=reason):
        decrypt_pay_load(mangle(pay_load), lianlian_pair)


def test_wrong_key_is_named_and_nothing_secret_is_in_the_message(lianlian_pair: RSAPrivateKey,
                                                                   other_pair: RSAPrivateKey) -> None:
    pay_load = encrypt_pay_load(PLAIN, other_pair.public_key())
    with pytest.raises(PayLoadError) as raised:
        decrypt_pay_load(pay_load, lianlian_pair)
    message = str(raised.value)
    assert "encrypted for another public key" in message
    assert "张三" not in message and "oid_partner" not in message


def test_bad_key_sizes_are_refused(lianlian_pair: RSAPrivateKey) -> None:
    with pytest.raises(ValueError):
        encrypt_pay_load(PLAIN, lianlian_pair.public_key(), aes_key="short")
