"""LL-SIG-004: merchant RSA key size and pair match (real generated keys)."""

from Crypto.PublicKey import RSA
from Crypto.Util.number import getPrime, inverse

from conftest import check_of, status_of, write_secret


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


def _tiny_key(bits: int) -> RSA.RsaKey:
    e = 65537
    while True:
        p, q = getPrime(bits // 2), getPrime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == bits:
            return RSA.construct((p * q, e, inverse(e, phi), p, q))


def test_512_bit_key_fails_hard(config_factory, run_checks, tmp_path):
    key = _tiny_key(512)
    config = config_factory()
    write_secret(tmp_path / "keys" / "merchant_private.pem", key.export_key(pkcs=8).decode())
    write_secret(tmp_path / "keys" / "merchant_public.pem", key.publickey().export_key().decode())
    check = check_of(run_checks(config, "LL-SIG-004"), "LL-SIG-004")
    assert check["status"] == "fail" and check["severity"] == "blocker"
    assert "512" in check["findings"][0]["message"]["en"]


def test_not_applicable_for_md5_only_merchant(config_factory, run_checks):
    config = config_factory({"signing": {"sign_type": "MD5", "rsa_private_key": None, "rsa_public_key": None}})
    assert status_of(run_checks(config, "LL-SIG-004"), "LL-SIG-004") == "not_applicable"
