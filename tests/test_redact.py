"""golive.redact: the rules by shape and by field name, what stays readable, and idempotence (the
pass runs again on every result that comes back in: `golive report --from`, `verify-report`)."""

from __future__ import annotations

import json
import random

import pytest

from golive.redact import field_kind, mask_card, mask_free_text, mask_id, mask_name, mask_phone, redact_result


@pytest.mark.parametrize("text,shown", [
    ("卡 6222 0212 3456 7890 123 尾", "卡 6222 02** **** ***0 123 尾"),
    ("6222-0212-3456-7890-123", "6222-02**-****-***0-123"),
    ("6222021234567890123", "622202*********0123"),
    ("电话 +86 138 0013 8000", "电话 +86 138 **** 8000"),
    ("+8613800138000", "+86138****8000"),
    ("86-138-0013-8000", "86-138-****-8000"),
    ("86-13800138000", "86-138****8000"),
    ("0086 138 0013 8000", "0086 138 **** 8000"),
    ("(+86) 138-0013-8000", "(+86) 138-****-8000"),
    ("tel=%2B8613800138000", "tel=%2B86138****8000"),
    ("138 0013 8000", "138 **** 8000"),
    ("110101199003074518", "110***********4518"),  # an ID number: 3 + 4
    ("11010119900307451X", "110***********451X"),
    ("110101 19900307 4518", "110*** ******** 4518"),
    ("amount '+86 138 0013 8000' is not a number", "amount '+86 138 **** 8000' is not a number"),
    ("u1,withdrawal,W1,5.00,6222 0212 3456 7890 123,20261126100005,success",
     "u1,withdrawal,W1,5.00,6222 02** **** ***0 123,20261126100005,success"),
    ("2026 6222 0212 3456 7890 123", "2026 62** **** **** ***0 123"),  # a run too long: masked, never leaked
])
def test_shapes_in_free_text(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown


@pytest.mark.parametrize("text", [
    "201811230001000001",  # oid_partner: 20YYMMDD + serial
    "201408071000001543",  # LianLian's published test merchant
    "2026112500000101",  # oid_paybill
    "2026112500001001",  # no_agree
    "2026-11-25 10:00:05", "20261125100000", "order D20261128102503", "sha256 4b0f3c9e0d3a6e5b2f1c8d7a9e6b5c4d",
    "203.0.113.10", "0.01", "1,000,000",
])
def test_identifiers_and_ordinary_numbers_stay_readable(text: str) -> None:
    assert mask_free_text(text) == text


def test_identifiers_named_in_the_result_stay_readable_where_text_quotes_them() -> None:
    result = {"merchant": {"oid_partner": "622202123456789012"}, "note": "merchant 622202123456789012 paid",
              "other": "card 6222021234567890123"}
    safe = redact_result(result)
    assert safe["note"] == "merchant 622202123456789012 paid"
    assert safe["other"] == "card 622202*********0123"


@pytest.mark.parametrize("field,kind", [
    ("card_no", "card"), ("cardNo", "card"), ("Card-Number", "card"), ("bank_account", "card"),
    ("payer_card_no", "card"), ("id_no", "id"), ("idCard", "id"), ("user_info_id_no", "id"),
    ("passenger_idcard", "id"), ("phone", "phone"), ("tel", "phone"), ("holder_phone", "phone"),
    ("user_info_bind_phone", "phone"), ("acct_name", "name"), ("payer", "name"), ("holder", "name"),
    ("card_holder", "name"), ("payerName", "name"), ("risk_item.user_info_full_name", "name"),
    ("md5_key", "secret"), ("rsa_private_key", "secret"), ("password", "secret"),
    ("oid_partner", "public"), ("no_order", "public"), ("no_agree", "public"), ("run_id", "public"),
    ("user_id", None), ("card", None), ("card_last4", None), ("name_goods", None), ("bank_name", None),
    ("frms_is_real_name", None), ("id_type", None), ("rsa_public_key", None), ("key_bits", None),
])
def test_field_kinds(field: str, kind: str | None) -> None:
    assert field_kind(field) == kind


def test_a_bare_name_is_a_person_in_a_message_but_not_in_a_result() -> None:
    assert field_kind("name") == "name" and field_kind("name", False) is None
    safe = redact_result({"merchant": {"name": "示例理财"},
                          "body": json.dumps({"name": "张三丰", "info_order": "付款人 张三丰"}, ensure_ascii=False)})
    assert safe["merchant"]["name"] == "示例理财"
    assert json.loads(safe["body"]) == {"name": "张**", "info_order": "付款人 张**"}


def test_a_name_under_a_name_field_is_masked_where_text_quotes_it() -> None:
    safe = redact_result({"data": {"payer": "李四光"}, "message": "付款人 李四光 已退款", "approver": "王五"})
    assert safe == {"data": {"payer": "李**"}, "message": "付款人 李** 已退款", "approver": "王五"}


def test_secrets_by_name_and_shape() -> None:
    from golive.lianlian.keys import new_private_key, private_pem, public_pem

    key = new_private_key(1024)
    der = "".join(private_pem(key).splitlines()[1:-1])  # bare Base64 DER, as the Java demo wants
    public = "".join(public_pem(key).splitlines()[1:-1])
    safe = redact_result({"sign_source": "a=1&b=2&key=Mx7_q2Lr9Zt4", "md5_key": "Mx7_q2Lr9Zt4",
                          "note": f"pasted {der} here", "public": public, "key": "signing.md5_key"},
                         secrets=["Zt4Wv8Np3Ks6"])
    assert safe["sign_source"] == "a=1&b=2&key=[secret, 12 chars]"  # a form: "key" is a secret field there
    assert redact_result({"note": "source a=1 b=2&key=Mx7_q2Lr9Zt4"})["note"] == "source a=1 b=2&key=[REDACTED]"
    assert safe["md5_key"] == "[secret, 12 chars]"
    assert safe["note"] == "pasted [private key removed] here"
    assert safe["public"] == public  # a public key is not a secret
    assert safe["key"] == "signing.md5_key"  # a config key name is not a secret
    assert redact_result({"x": "key Zt4Wv8Np3Ks6!"}, ["Zt4Wv8Np3Ks6"])["x"] == "key [REDACTED]!"


def test_numbers_read_as_numbers_are_masked_too() -> None:
    safe = redact_result({"card_no": 6222021234567890123, "note": 13812345678, "bytes": 13812345678, "count": 7})
    assert safe == {"card_no": "622202*********0123", "note": "138****5678", "bytes": 13812345678, "count": 7}


def _random_text(rng: random.Random) -> str:
    alphabet = "0123456789" * 5 + "  --+86X()*a张三李,;=&%B.@{}\":[]"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    return text + rng.choice(["", "key=abc", "&key=9z", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
                              " 6222 0212 3456 7890 123 付款人 张三丰 +86 138 0013 8000"])


def test_every_mask_is_idempotent() -> None:
    rng = random.Random(7)
    for _ in range(8000):
        text = _random_text(rng)
        for mask in (mask_free_text, mask_card, mask_phone, mask_id, mask_name):
            once = mask(text)
            assert mask(once) == once, (mask.__name__, text, once)


def test_the_pass_over_a_result_is_idempotent() -> None:
    rng = random.Random(11)
    keys = ["card_no", "payer", "holder", "name", "acct_name", "phone", "id_no", "no_order", "oid_partner", "message",
            "body", "user_id", "key", "md5_key", "risk_item", "sign_source", "url", "data"]

    def node(depth: int = 0) -> object:
        roll = rng.random()
        if depth > 3 or roll < 0.5:
            pick = rng.random()
            if pick < 0.1:
                return rng.randint(0, 10 ** 19)
            if pick < 0.2:
                return json.dumps({rng.choice(keys): _random_text(rng) for _ in range(3)}, ensure_ascii=False)
            if pick < 0.3:
                return "&".join(f"{rng.choice(keys)}={_random_text(rng)}" for _ in range(3))
            return _random_text(rng)
        if roll < 0.75:
            return {rng.choice(keys): node(depth + 1) for _ in range(rng.randint(1, 4))}
        return [node(depth + 1) for _ in range(rng.randint(1, 3))]

    for _ in range(1500):
        doc = {"checks": [node() for _ in range(3)], "acct_name": rng.choice(["张三丰", "李四", _random_text(rng)])}
        once = redact_result(doc, ["abc123secret"])
        assert redact_result(once, ["abc123secret"]) == once, doc


def test_a_percent_encoded_form_is_cleaned_field_by_field() -> None:
    """A WAP return posts res_data as percent-encoded JSON: %22 glues hex digits onto the dt_order
    (it looked like a card number and was starred) and hides the field names of personal data."""
    from urllib.parse import unquote_plus, urlencode

    body = urlencode({"res_data": json.dumps({"oid_partner": "201811230001000001", "dt_order": "20261202112143",
                                              "acct_name": "张三丰", "info_order": "+86 138 0013 8000"},
                                             ensure_ascii=False)})
    safe = redact_result({"body": body})["body"]
    assert json.loads(unquote_plus(safe).removeprefix("res_data=")) == {
        "oid_partner": "201811230001000001", "dt_order": "20261202112143", "acct_name": "张**",
        "info_order": "+86 138 **** 8000"}
    untouched = "res_data=%7B%22dt_order%22%3A%2220261202112143%22%7D"
    assert redact_result({"body": untouched})["body"] == untouched  # nothing to mask: the same bytes
