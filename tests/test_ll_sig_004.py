"""LL-SIG-004: merchant RSA key size and pair match (real generated keys)."""

from typing import Any

from conftest import check_of, status_of, write_secret

from golive.lianlian.keys import private_pem, public_pem


def test_matching_2048_pair_passes(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-SIG-004"), "LL-SIG-004") == "pass"


def test_mismatched_pair_fails(config_factory, run_checks, other_pair, tmp_path):
    config = config_factory()
    write_secret(tmp_path / "keys" / "merchant_public.pem", other_pair.public_pem)
    check = check_of(run_checks(config, "LL-SIG-004"), "LL-SIG-004")
    assert check["status"] == "fail" and check["severity"] == "blocker"
    assert "1001" in check["findings"][0]["message"]["en"]


def test_1024_bit_key_is_warned_low(config_factory, run_checks, weak_pair, tmp_path):
    config = config_factory()
    write_secret(tmp_path / "keys" / "merchant_private.pem", weak_pair.private_pem)
    write_secret(tmp_path / "keys" / "merchant_public.pem", weak_pair.public_pem)
    check = check_of(run_checks(config, "LL-SIG-004"), "LL-SIG-004")
    assert check["status"] == "fail" and check["severity"] == "low"


def _tiny_key(bits: int) -> Any:
    """An RSA key smaller than any library will generate (OpenSSL refuses under 1024 bits)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == bits:
            d = pow(e, -1, phi)
            numbers = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q),
                                            rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(e, p * q))
            return numbers.private_key()


def _prime(bits: int) -> int:
    import secrets

    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if _probably_prime(candidate):
            return candidate


def _probably_prime(n: int) -> bool:  # Miller-Rabin, 40 rounds
    import secrets

    if n % 2 == 0 or any(n % p == 0 for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def test_512_bit_key_fails_hard(config_factory, run_checks, tmp_path):
    key = _tiny_key(512)
    config = config_factory()
    write_secret(tmp_path / "keys" / "merchant_private.pem", private_pem(key))
    write_secret(tmp_path / "keys" / "merchant_public.pem", public_pem(key))
    check = check_of(run_checks(config, "LL-SIG-004"), "LL-SIG-004")
    assert check["status"] == "fail" and check["severity"] == "blocker"
    assert "512" in check["findings"][0]["message"]["en"]


def test_not_applicable_for_md5_only_merchant(config_factory, run_checks):
    config = config_factory({"signing": {"sign_type": "MD5", "rsa_private_key": None, "rsa_public_key": None}})
    assert status_of(run_checks(config, "LL-SIG-004"), "LL-SIG-004") == "not_applicable"
