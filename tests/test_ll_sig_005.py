"""LL-SIG-005: the LianLian public key is the published one (by fingerprint)."""

from conftest import check_of, status_of, write_secret


def test_published_key_passes(config_factory, run_checks):
    assert status_of(run_checks(config_factory(), "LL-SIG-005"), "LL-SIG-005") == "pass"


def test_wrong_key_fails(config_factory, run_checks, other_pair, tmp_path):
    config = config_factory()
    write_secret(tmp_path / "keys" / "llpay_public.pem", other_pair.public_pem)
    check = check_of(run_checks(config, "LL-SIG-005"), "LL-SIG-005")
    assert check["status"] == "fail"
    assert check["findings"][0]["data"]["published"].startswith("c5e86d06")


def test_bare_base64_form_is_accepted(config_factory, run_checks, tmp_path):
    from golive.lianlian.platform import LIANLIAN_PUBLIC_KEY_B64

    config = config_factory()
    write_secret(tmp_path / "keys" / "llpay_public.pem", LIANLIAN_PUBLIC_KEY_B64)
    assert status_of(run_checks(config, "LL-SIG-005"), "LL-SIG-005") == "pass"


def test_rsa_callbacks_without_key_fail(config_factory, run_checks):
    config = config_factory({"signing": {"lianlian_public_key": None}})
    assert status_of(run_checks(config, "LL-SIG-005"), "LL-SIG-005") == "fail"
