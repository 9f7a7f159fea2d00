"""golive.lianlian.sign against LianLian's own demo output and real LianLian-signed messages.

The vectors (shared/vectors/lianlian_sign_vectors.json) were produced by running the official demo
LLP-AuthPay-Java unmodified (protocol.md §12); every value in them must be reproduced exactly.
The real messages (tests/data/lianlian_real/) were signed by LianLian itself (protocol.md §2.7).
A missing vectors file is a failure, not a skip: without it these tests would prove nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import VECTORS_PATH

from golive.lianlian import platform
from golive.lianlian.keys import load_private_key, load_public_key
from golive.lianlian.sign import (
    APP_SDK_EXCLUDED,
    NullRule,
    md5_sign,
    md5_verify,
    plain_sign_source,
    render_value,
    rsa_sign,
    rsa_verify,
    sign_params,
    sign_source,
    verify_message,
)

REAL_DIR = Path(__file__).resolve().parent / "data" / "lianlian_real"
DEMO_KEY = platform.TEST_MERCHANT_MD5_KEY_DEMO
GUIDE_KEY = platform.TEST_MERCHANT_MD5_KEY_GUIDE


def _load_vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data


VECTORS = _load_vectors()
KEYS = VECTORS["keys"]
BY_ID = {v["id"].split(" ")[0]: v for v in VECTORS["vectors"]}
MD5_CASES = [v for v in VECTORS["vectors"] if "md5" in v and "sign_source" in v]
RSA_CASES = [v for v in VECTORS["vectors"] if "rsa" in v]
VECTOR_D = BY_ID["D_app_sdk_order_rule__MD5_and_RSA"]

# Every private-key form the vectors file gives, for both sizes: all must sign identically.
PRIVATE_FORMS = ["private_key_pkcs8_pem", "private_key_pkcs8_der_base64_for_java_demo", "private_key_pkcs1_pem_for_php"]
PUBLIC_FORMS = ["public_key_x509_pem", "public_key_x509_der_base64"]


def _vid(vector: dict[str, Any]) -> str:
    return vector["id"].split(" ")[0]


def test_vectors_file_has_the_expected_shape() -> None:
    assert VECTORS["schema"] == "lianlian-sign-vectors/1"
    assert KEYS["md5_key_official_demo"]["value"] == DEMO_KEY
    assert KEYS["md5_key_from_guide"] == GUIDE_KEY
    assert {_vid(v) for v in VECTORS["vectors"]} >= {
        "A_web_authpay_ascii__MD5",
        "A_web_authpay_ascii__RSA",
        "B_realname_p2p_chinese_risk_item__MD5",
        "B_realname_p2p_chinese_risk_item__RSA",
        "C_empty_and_literal_null_values__MD5",
        "C_empty_and_literal_null_values__RSA",
        "D_app_sdk_order_rule__MD5_and_RSA",
    }


# --- sign source -------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", MD5_CASES + RSA_CASES, ids=_vid)
def test_sign_source_old_demo_rule(vector: dict[str, Any]) -> None:
    source = sign_source(vector["params"])
    assert source == vector["sign_source"]
    assert len(source.encode("utf-8")) == vector["sign_source_utf8_byte_length"]
    assert source == sign_source(vector["params"], null_rule=NullRule.OLD_DEMO)


@pytest.mark.parametrize("vector", [v for v in MD5_CASES + RSA_CASES if "divergence_literal_null" in v], ids=_vid)
def test_sign_source_sdk_rule_keeps_literal_null(vector: dict[str, Any]) -> None:
    expected = vector["divergence_literal_null"]["sign_source_under_YT_rule"]
    assert sign_source(vector["params"], null_rule=NullRule.SDK) == expected
    assert sign_source(vector["params"], null_rule="sdk") == expected  # type: ignore[arg-type]
    assert "shareing_data=null" in expected and "shareing_data" not in vector["sign_source"]


@pytest.mark.parametrize("vector", [v for v in MD5_CASES + RSA_CASES if not _vid(v).startswith("C_")], ids=_vid)
def test_both_rules_agree_without_literal_null(vector: dict[str, Any]) -> None:
    assert sign_source(vector["params"], null_rule=NullRule.SDK) == vector["sign_source"]


# --- MD5 ---------------------------------------------------------------------------------------


def _md5_cases() -> list[Any]:
    cases = []
    for vector in MD5_CASES:
        for key, expected in vector["md5"].items():
            label = "demo_key" if key == DEMO_KEY else "guide_key"
            cases.append(pytest.param(vector, key, expected, id=f"{_vid(vector)}-old_demo-{label}"))
    return cases


@pytest.mark.parametrize(("vector", "md5_key", "expected"), _md5_cases())
def test_md5_sign_reproduces_demo(vector: dict[str, Any], md5_key: str, expected: dict[str, str]) -> None:
    assert sign_source(vector["params"]) + "&key=" + md5_key == expected["md5_input"]
    assert md5_sign(vector["params"], md5_key) == expected["signature_lower_hex"]
    signed = dict(vector["params"], sign=expected["signature_lower_hex"])
    assert md5_verify(signed, md5_key)


def _md5_sdk_cases() -> list[Any]:
    cases = []
    for vector in MD5_CASES:
        if "divergence_literal_null" not in vector:
            continue
        for key, expected in vector["divergence_literal_null"]["md5_under_YT_rule"].items():
            label = "demo_key" if key == DEMO_KEY else "guide_key"
            cases.append(pytest.param(vector, key, expected, id=f"{_vid(vector)}-sdk-{label}"))
    assert cases, "vector C must carry the SDK-rule MD5 values"
    return cases


@pytest.mark.parametrize(("vector", "md5_key", "expected"), _md5_sdk_cases())
def test_md5_sign_sdk_rule(vector: dict[str, Any], md5_key: str, expected: str) -> None:
    assert md5_sign(vector["params"], md5_key, null_rule=NullRule.SDK) == expected
    old_demo = vector["md5"][md5_key]["signature_lower_hex"]
    assert expected != old_demo
    # The verifier finds the rule by itself and says which one matched.
    for sign, rule in ((old_demo, NullRule.OLD_DEMO), (expected, NullRule.SDK)):
        result = verify_message(dict(vector["params"], sign=sign), md5_key=md5_key)
        assert result.ok, result.reason
        assert result.null_rule is rule
        assert result.source == sign_source(vector["params"], null_rule=rule)


def test_md5_verify_is_case_sensitive_like_the_java_demo() -> None:
    vector = BY_ID["A_web_authpay_ascii__MD5"]
    sign = vector["md5"][DEMO_KEY]["signature_lower_hex"]
    assert not md5_verify(dict(vector["params"], sign=sign.upper()), DEMO_KEY)
    result = verify_message(dict(vector["params"], sign=sign.upper()), md5_key=DEMO_KEY)
    assert not result.ok and "lower-case" in result.reason


# --- RSA ---------------------------------------------------------------------------------------


def _rsa_cases() -> list[Any]:
    cases = []
    for vector in RSA_CASES:
        for bits in (1024, 2048):
            for form in PRIVATE_FORMS:
                cases.append(pytest.param(vector, bits, form, id=f"{_vid(vector)}-old_demo-rsa{bits}-{form}"))
    return cases


@pytest.mark.parametrize(("vector", "bits", "form"), _rsa_cases())
def test_rsa_sign_reproduces_demo_with_every_key_form(vector: dict[str, Any], bits: int, form: str) -> None:
    private = load_private_key(KEYS[f"rsa_{bits}"][form])
    expected = vector["rsa"][f"rsa{bits}_signature"]
    # PKCS#1 v1.5 is deterministic, so the exact Base64 must come out.
    assert rsa_sign(vector["params"], private) == expected
    assert rsa_sign(vector["params"], KEYS[f"rsa_{bits}"][form]) == expected  # key given as text


@pytest.mark.parametrize("bits", [1024, 2048])
@pytest.mark.parametrize("form", PUBLIC_FORMS)
@pytest.mark.parametrize("vector", RSA_CASES, ids=_vid)
def test_rsa_verify_with_every_public_form(vector: dict[str, Any], bits: int, form: str) -> None:
    public = load_public_key(KEYS[f"rsa_{bits}"][form])
    signed = dict(vector["params"], sign=vector["rsa"][f"rsa{bits}_signature"])
    assert rsa_verify(signed, public)
    result = verify_message(signed, public_key=public)
    assert result.ok and result.null_rule is NullRule.OLD_DEMO and result.sign_type == "RSA"


@pytest.mark.parametrize("bits", [1024, 2048])
def test_rsa_sdk_rule_signatures_of_vector_c(bits: int) -> None:
    vector = BY_ID["C_empty_and_literal_null_values__RSA"]
    divergence = vector["divergence_literal_null"]
    expected = divergence[f"rsa{bits}_signature_under_YT_rule (LLP-YT-Java output)"]
    private = load_private_key(KEYS[f"rsa_{bits}"]["private_key_pkcs8_pem"])
    assert rsa_sign(vector["params"], private, null_rule=NullRule.SDK) == expected
    result = verify_message(dict(vector["params"], sign=expected), public_key=private.public_key())
    assert result.ok and result.null_rule is NullRule.SDK
    assert "SDK rule" in result.reason


# --- vector D: App SDK exclusions --------------------------------------------------------------


def test_app_sdk_excluded_fields() -> None:
    assert APP_SDK_EXCLUDED == frozenset(
        {"id_type", "id_no", "acct_name", "flag_modify", "user_id", "no_agree", "card_no", "test_mode"}
    )


@pytest.mark.parametrize("label", ["demo_key", "guide_key"])
def test_vector_d_md5_with_app_sdk_exclusions(label: str) -> None:
    key = DEMO_KEY if label == "demo_key" else GUIDE_KEY
    params = VECTOR_D["params"]
    assert sign_source(params, exclude=APP_SDK_EXCLUDED) == VECTOR_D["sign_source_md5_variant"]
    expected = VECTOR_D["md5"][key]
    assert md5_sign(params, key, exclude=APP_SDK_EXCLUDED) == expected["signature_lower_hex"]
    # Without the exclusion (web/WAP rule) the identity fields are signed and the sign differs.
    assert md5_sign(params, key) != expected["signature_lower_hex"]


@pytest.mark.parametrize("bits", [1024, 2048])
def test_vector_d_rsa_with_app_sdk_exclusions(bits: int) -> None:
    params = dict(VECTOR_D["params"], sign_type="RSA")
    assert sign_source(params, exclude=APP_SDK_EXCLUDED) == VECTOR_D["sign_source_rsa_variant"]
    private = load_private_key(KEYS[f"rsa_{bits}"]["private_key_pkcs8_der_base64_for_java_demo"])
    assert rsa_sign(params, private, exclude=APP_SDK_EXCLUDED) == VECTOR_D[f"rsa{bits}_signature"]


# --- round trips and negative cases ------------------------------------------------------------

BASE = BY_ID["B_realname_p2p_chinese_risk_item__MD5"]["params"]


@pytest.fixture(scope="module")
def rsa1024() -> Any:
    return load_private_key(KEYS["rsa_1024"]["private_key_pkcs8_pem"])


def test_sign_params_md5_round_trip() -> None:
    signed = sign_params(BASE, "md5", md5_key=DEMO_KEY)
    assert signed["sign_type"] == "MD5"
    assert signed["sign"] == BY_ID["B_realname_p2p_chinese_risk_item__MD5"]["md5"][DEMO_KEY]["signature_lower_hex"]
    assert md5_verify(signed, DEMO_KEY)
    assert verify_message(signed, md5_key=DEMO_KEY).ok
    assert BASE.get("sign") is None and "sign" not in BASE  # the input is not modified


def test_sign_params_rsa_round_trip(rsa1024: Any) -> None:
    signed = sign_params(BASE, "RSA", private_key=rsa1024)
    assert signed["sign"] == BY_ID["B_realname_p2p_chinese_risk_item__RSA"]["rsa"]["rsa1024_signature"]
    assert rsa_verify(signed, rsa1024.public_key())
    assert rsa_verify(signed, rsa1024)  # a private key is reduced to its public half


def test_sign_params_refuses_bad_input(rsa1024: Any) -> None:
    with pytest.raises(ValueError, match="MD5 or RSA"):
        sign_params(BASE, "SHA256", md5_key=DEMO_KEY)
    with pytest.raises(ValueError, match="MD5 key"):
        sign_params(BASE, "MD5")
    with pytest.raises(ValueError, match="private key"):
        sign_params(BASE, "RSA")
    with pytest.raises(ValueError, match="private key"):
        rsa_sign(BASE, rsa1024.public_key())


def test_sign_params_renders_non_strings_as_signed() -> None:
    signed = sign_params({"valid_order": 120, "flag": True, "x": None, "amount": 1.5}, "MD5", md5_key="k")
    assert signed["valid_order"] == "120" and signed["flag"] == "true" and signed["x"] == ""
    assert sign_source(signed) == "amount=1.5&flag=true&sign_type=MD5&valid_order=120"


@pytest.mark.parametrize("field", ["money_order", "acct_name", "risk_item", "sign_type"])
def test_tampered_value_fails(field: str, rsa1024: Any) -> None:
    for signed, verify in (
        (sign_params(BASE, "MD5", md5_key=DEMO_KEY), lambda m: md5_verify(m, DEMO_KEY)),
        (sign_params(BASE, "RSA", private_key=rsa1024), lambda m: rsa_verify(m, rsa1024.public_key())),
    ):
        tampered = dict(signed)
        tampered[field] = tampered[field] + "0"
        assert verify(signed) and not verify(tampered)


def test_added_or_removed_field_fails() -> None:
    signed = sign_params(BASE, "MD5", md5_key=DEMO_KEY)
    assert not md5_verify(dict(signed, extra="1"), DEMO_KEY)
    assert not md5_verify({k: v for k, v in signed.items() if k != "info_order"}, DEMO_KEY)
    # An empty value added is outside the sign source by the protocol, so it still verifies.
    assert md5_verify(dict(signed, extra=""), DEMO_KEY)


def test_wrong_key_fails(rsa1024: Any) -> None:
    signed = sign_params(BASE, "MD5", md5_key=DEMO_KEY)
    assert not md5_verify(signed, GUIDE_KEY)
    result = verify_message(signed, md5_key=GUIDE_KEY)
    assert not result.ok and "does not match" in result.reason
    rsa_signed = sign_params(BASE, "RSA", private_key=rsa1024)
    other = load_public_key(KEYS["rsa_2048"]["public_key_x509_pem"])
    assert not rsa_verify(rsa_signed, other)
    assert not rsa_verify(rsa_signed, platform.lianlian_public_key())


def test_unsorted_or_empty_kept_sources_differ() -> None:
    params = BY_ID["C_empty_and_literal_null_values__MD5"]["params"]
    canonical = sign_source(params)
    unsorted = "&".join(f"{k}={v}" for k, v in params.items() if k != "sign" and v not in ("", None, "null"))
    empty_kept = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k] != "null")
    assert unsorted != canonical and empty_kept != canonical
    md5 = BY_ID["C_empty_and_literal_null_values__MD5"]["md5"][DEMO_KEY]["signature_lower_hex"]
    import hashlib

    for wrong in (unsorted, empty_kept):
        assert hashlib.md5(f"{wrong}&key={DEMO_KEY}".encode()).hexdigest() != md5


def test_malformed_rsa_sign_is_false_not_an_exception(rsa1024: Any) -> None:
    signed = sign_params(BASE, "RSA", private_key=rsa1024)
    public = rsa1024.public_key()
    for bad in ("", "not base64!!", signed["sign"][:-4], signed["sign"].replace("+", " "), "QUJD", 12345):
        message = dict(signed, sign=bad)
        assert rsa_verify(message, public) is False
        assert not verify_message(message, public_key=public).ok
    assert "decodes to 3 bytes" in verify_message(dict(signed, sign="QUJD"), public_key=public).reason
    assert "not valid Base64" in verify_message(dict(signed, sign="a b"), public_key=public).reason
    # Line breaks from MIME-style Java encoders are tolerated.
    wrapped = signed["sign"][:76] + "\r\n" + signed["sign"][76:]
    assert rsa_verify(dict(signed, sign=wrapped), public)


def test_sign_source_details() -> None:
    # sign dropped, sign_type kept, None/""/"NULL" dropped, values verbatim (spaces, &, =, JSON).
    params = {
        "sign": "x",
        "sign_type": "MD5",
        "b": " spaced ",
        "a": "a&b=c",
        "n": None,
        "e": "",
        "u": "NULL",
        "j": '{"k":"v"}',
        "z_1": "1",
        "z1": "2",
    }
    assert sign_source(params) == 'a=a&b=c&b= spaced &j={"k":"v"}&sign_type=MD5&z1=2&z_1=1'
    assert sign_source(params, null_rule=NullRule.SDK).count("u=NULL") == 1
    assert sign_source(params, exclude=["a", "j"]) == "b= spaced &sign_type=MD5&z1=2&z_1=1"
    with pytest.raises(ValueError):
        sign_source(params, null_rule="lenient")  # type: ignore[arg-type]
    assert sign_source(params, null_rule="old_demo") == sign_source(params)  # the rule by its value too


@pytest.mark.parametrize("params", [
    {"sign": "x", "sign_type": "MD5", "b": " spaced ", "a": "a&b=c", "e": "", "j": '{"k":"v"}', "z_1": "1", "z1": "2"},
    {"sign_type": "MD5", "oid_partner": "201811230001000001", "name_goods": "示例理财", "B": "upper", "a": "x"},
    {"sign": "", "x": "", "y": "1"},
    {"sign": "s"},
    {},
])
def test_plain_sign_source_equals_sign_source(params: dict[str, str]) -> None:
    # The capture reader's sign source of a plain record (exact str values, no literal null):
    # byte for byte what sign_source gives, empty values and sign dropped, keys in plain order.
    assert plain_sign_source(params) == sign_source(params)


def test_render_value_matches_fastjson_getstring() -> None:
    from decimal import Decimal

    assert render_value(120) == "120"
    assert render_value(True) == "true" and render_value(False) == "false"
    assert render_value(Decimal("1.50")) == "1.50"
    assert render_value(49.65) == "49.65"
    assert render_value({"a": "中", "b": [1, 2]}) == '{"a":"中","b":[1,2]}'
    assert render_value({"amount": Decimal("1.50")}) == '{"amount":1.5}'  # never an exception
    assert render_value(None) == ""


def test_verify_message_explains_failures(rsa1024: Any) -> None:
    signed = sign_params(BASE, "MD5", md5_key=DEMO_KEY)
    cases = {
        "no sign field": {k: v for k, v in signed.items() if k != "sign"},
        "no sign_type": {k: v for k, v in signed.items() if k != "sign_type"},
        "unknown sign_type": dict(signed, sign_type="SHA1"),
    }
    for words, message in cases.items():
        result = verify_message(message, md5_key=DEMO_KEY)
        assert not result.ok and words in result.reason, result.reason
    no_key = verify_message(signed)
    assert not no_key.ok and "no MD5 key" in no_key.reason
    rsa_signed = sign_params(BASE, "RSA", private_key=rsa1024)
    assert "no public key" in verify_message(rsa_signed, md5_key=DEMO_KEY).reason
    refused = verify_message(rsa_signed, public_key=rsa1024.public_key(), allowed_sign_types={"MD5"})
    assert not refused.ok and "not accepted" in refused.reason
    assert verify_message(rsa_signed, public_key=rsa1024.public_key(), allowed_sign_types=["rsa"]).ok
    for result in (no_key, refused, verify_message(signed, md5_key=GUIDE_KEY)):
        assert DEMO_KEY not in result.reason and GUIDE_KEY not in result.reason
        assert signed["sign"] not in result.reason


# --- real LianLian-signed messages -------------------------------------------------------------

REAL_FILES = sorted(REAL_DIR.glob("*.json"))


def test_real_messages_are_present() -> None:
    names = {p.name for p in REAL_FILES}
    assert {"t6_authpay_notify_md5.json", "s3_yt_response_8888_rsa.json"} <= names
    assert len(REAL_FILES) >= 5


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_real_message(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["source"] and data["message"]["sign"]
    if "raw" in data:  # the stored object is exactly the published text
        assert json.loads(data["raw"]) == data["message"]
    spec = data["verify"]
    message = data["message"]
    if spec["sign_type"] == "MD5":
        assert spec["md5_key"] == "test_merchant_demo"
        ok = md5_verify(message, DEMO_KEY)
        result = verify_message(message, md5_key=DEMO_KEY, allowed_sign_types={"MD5"})
    elif spec.get("public_key") == "lianlian":
        ok = rsa_verify(message, platform.lianlian_public_key())
        result = verify_message(message, public_key=platform.LIANLIAN_PUBLIC_KEY_B64)
    else:
        public = load_public_key(spec["public_key_b64"])
        from golive.lianlian.keys import fingerprint_sha256

        assert fingerprint_sha256(public) == spec["public_key_sha256"]
        assert platform.published_demo_key(spec["public_key_sha256"]) is not None
        ok = rsa_verify(message, public)
        result = verify_message(message, public_key=public)
    assert ok is (data["expect"] == "valid")
    assert result.ok is ok, result.reason
    assert result.sign_type == spec["sign_type"]


def test_real_t6_notification_rejects_the_guide_key() -> None:
    data = json.loads((REAL_DIR / "t6_authpay_notify_md5.json").read_text(encoding="utf-8"))
    message = data["message"]
    assert md5_verify(message, DEMO_KEY)
    assert not md5_verify(message, GUIDE_KEY)
    assert not verify_message(message, md5_key=GUIDE_KEY).ok
    # LianLian's own signature breaks when any signed value changes (the amount, say).
    assert not md5_verify(dict(message, money_order="100.00"), DEMO_KEY)


def test_real_rsa_response_rejects_other_keys_and_tampering() -> None:
    data = json.loads((REAL_DIR / "s3_yt_response_8888_rsa.json").read_text(encoding="utf-8"))
    message = data["message"]
    assert rsa_verify(message, platform.lianlian_public_key())
    assert not rsa_verify(dict(message, ret_code="0000"), platform.lianlian_public_key())
    assert not rsa_verify(message, load_public_key(KEYS["rsa_1024"]["public_key_x509_der_base64"]))
